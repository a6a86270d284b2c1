"""Laying results out for people and files: Markdown and the output files."""

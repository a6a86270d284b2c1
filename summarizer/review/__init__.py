"""Editors' review of drafted briefs: the SQLite store (``store``), versions, decisions
(``status``), field differences (``diff``), the brief as a form (``form``).

Nothing is imported here, so that the CLI can read ``status`` without loading the store.
"""

"""Editors' review of drafted briefs: the SQLite store, versions, decisions, differences."""

from .store import Item, ReviewStore, Version, brief_key

__all__ = ["Item", "ReviewStore", "Version", "brief_key"]

"""Language data, one module per language; each word list declared once (spaCy's
``spacy/lang/en`` is the model). Code asks ``LANG`` rather than naming a language."""

from . import en

LANG = en

__all__ = ["LANG", "en"]

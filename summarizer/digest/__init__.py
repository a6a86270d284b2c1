"""The merged digest: each story once, what sources agree on, where they disagree.

Layers inside: ``wire`` (near-identical copies), ``stories`` (grouping), ``entities``
(spellings of one name), ``reconcile`` (field by field), ``build`` (the whole), ``model``
(the ``Digest`` schema).
"""

from .build import DigestInput, build_digest, digest_inputs, digest_paths, load_aliases
from .entities import AliasRules
from .model import Digest, Story

__all__ = [
    "AliasRules",
    "Digest",
    "DigestInput",
    "Story",
    "build_digest",
    "digest_inputs",
    "digest_paths",
    "load_aliases",
]

"""The merged digest: each story once, what sources agree on, where they disagree.

Layers inside: ``wire`` (near-identical copies), ``stories`` (grouping), ``entities``
(spellings of one name), ``reconcile`` (field by field), ``build`` (the whole, pure:
briefs in, ``Digest`` out), ``service`` (files, briefing through the cache, the review
store, the id store), ``model`` (the ``Digest`` schema).
"""

from .build import DigestInput, build_digest
from .entities import AliasRules
from .model import Digest, Story
from .service import digest_inputs, digest_paths, digest_results, load_aliases

__all__ = [
    "AliasRules",
    "Digest",
    "DigestInput",
    "Story",
    "build_digest",
    "digest_inputs",
    "digest_paths",
    "digest_results",
    "load_aliases",
]

"""Wire copies: near-identical articles (an agency story reprinted) count as one source.

MinHash signatures of word 5-gram shingles, bucketed by ``datasketch``'s LSH so that a
day of thousands of articles is not n² comparisons; candidates are confirmed by their
estimated Jaccard similarity.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from datasketch import MinHash, MinHashLSH

__all__ = ["WIRE_THRESHOLD", "wire_groups"]

WIRE_THRESHOLD = 0.8
_PERMUTATIONS = 128
_WORD = re.compile(r"\w+")


def _shingles(text: str, size: int = 5) -> set[bytes]:
    words = _WORD.findall(text.casefold())
    if len(words) < size:
        return {" ".join(words).encode()}
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


@cache
def _template() -> MinHash:
    return MinHash(num_perm=_PERMUTATIONS, seed=1)


def _signature(text: str) -> MinHash:
    # Computing the permutations is most of a MinHash's set-up: done once, shared.
    t = _template()
    sig = MinHash(num_perm=_PERMUTATIONS, seed=1, permutations=t.permutations, scheme=t.scheme)
    sig.update_batch(list(_shingles(text)))
    return sig


def wire_groups(texts: Sequence[str], threshold: float = WIRE_THRESHOLD) -> list[list[int]]:
    """Indexes of ``texts`` grouped so that near-identical texts share a group.

    Groups are in order of their first member; each group's members in input order.
    """
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    lsh = MinHashLSH(threshold=threshold, num_perm=_PERMUTATIONS)
    signatures = [_signature(t) for t in texts]
    for i, sig in enumerate(signatures):
        for key in lsh.query(sig):
            j = int(key)
            if sig.jaccard(signatures[j]) >= threshold:
                parent[find(i)] = find(j)
        lsh.insert(str(i), sig)
    groups: dict[int, list[int]] = {}
    for i in range(len(texts)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])

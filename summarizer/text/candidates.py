"""Who and what could fill a violent event's roles: phrases around its predicates.

For every sentence that names violence (an attack verb or noun, a verb of harm or of
dying: ``LANG``'s lists), each noun phrase and named entity of that sentence (and of
the opening sentence, where datelines and leads put the town) is a ``Candidate``, with
the features a learned scorer reads: what it is (entity label, head, pronoun, proper
name, number), how it stands to the nearest violent predicate (the dependency path,
voice, side, distance, the preposition that governs it) and where it is in the article.

The same function feeds the training script (``training/roles``) and the scorer at run
time (``learned_roles``), so the features cannot drift apart. No model, no network: the
parse comes from ``nlp``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from .lang import LANG

__all__ = ["Candidate", "candidates", "is_violent_predicate"]

_NOT_ROLE_ENTS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"}
_DYING = frozenset("die dead death kill killing".split())
MAX_PATH = 5


def _lemma(token: Token) -> str:
    return (token.lemma_ or token.lower_).lower()


def is_violent_predicate(token: Token) -> bool:
    """An attack verb or noun, a verb of harm or of dying, "dead" (``LANG`` lists)."""
    lemma = _lemma(token)
    if token.pos_ == "VERB":
        return lemma in LANG.ATTACK_VERBS or lemma in LANG.HARM_VERBS or lemma in LANG.SUFFER_VERBS
    if token.pos_ == "NOUN":
        return lemma in LANG.ATTACK_NOUNS or lemma in _DYING
    return token.pos_ == "ADJ" and lemma in _DYING


@dataclass(frozen=True)
class Candidate:
    """A phrase that may fill a role: its characters in the text, its head's, and the
    features the scorer reads (name -> value; a value of True is a present feature)."""

    start: int
    end: int
    text: str
    head: int  # character offset of the head token
    sentence: int
    features: dict[str, str | bool] = field(compare=False, repr=False)


def _phrases(sent: Span, doc_chunks: list[Span]) -> Iterator[Span]:
    """Noun chunks (of ``doc_chunks``, the document's, read once) and entities of
    ``sent``, one per head (the longer kept)."""
    by_head: dict[int, Span] = {}
    chunks = [c for c in doc_chunks if sent.start <= c.start and c.end <= sent.end]
    ents = [e for e in sent.ents if e.label_ not in _NOT_ROLE_ENTS]
    for span in [*chunks, *ents]:
        head = span.root.i
        if head not in by_head or len(span) > len(by_head[head]):
            by_head[head] = span
    yield from sorted(by_head.values(), key=lambda s: s.start)


def _path(a: Token, b: Token) -> str:
    """The dependency path from ``a`` up to the common ancestor and down to ``b``:
    "nsubj^" steps up, "vdobj" down; "far" past ``MAX_PATH`` steps."""
    up_a = [a, *a.ancestors]
    up_b = [b, *b.ancestors]
    index_b = {t.i: n for n, t in enumerate(up_b)}
    for n, t in enumerate(up_a):
        if t.i in index_b:
            m = index_b[t.i]
            if n + m > MAX_PATH:
                return "far"
            ups = [x.dep_ + "^" for x in up_a[:n]]
            downs = ["v" + x.dep_ for x in reversed(up_b[:m])]
            return " ".join(ups + downs) or "self"
    return "far"


def _passive(token: Token) -> bool:
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children):
        return True
    return token.tag_ == "VBN" and token.dep_ == "acl"


def _bin(n: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if n <= edge:
            return f"<={edge}"
    return f">{edges[-1]}"


def _features(span: Span, pred: Token | None, index: int, lower: bool) -> dict[str, str | bool]:
    head = span.root
    lemma = _lemma(head)
    f: dict[str, str | bool] = {
        "ent": span.label_ or "-",
        "head_pos": head.pos_,
        "head_dep": head.dep_,
        "head_lemma": lemma,
        "sentence": _bin(index, (0, 1, 2, 5)),
        "tokens": _bin(len(span), (1, 2, 4)),
        "lower_text": lower,
        "pronoun": head.pos_ == "PRON",
        "proper": any(t.pos_ == "PROPN" for t in span),
        "number": any(t.like_num for t in span),
        "weapon_noun": lemma in LANG.WEAPON_NOUNS,
        "place_noun": lemma in LANG.PLACE_NOUNS,
        "authority": lemma in LANG.AUTHORITY_WORDS,
        "no_name": span.text.lower() in LANG.NO_NAME,
    }
    if head.dep_ == "pobj":
        f["prep"] = head.head.lower_
        f["prep_of"] = _lemma(head.head.head)
    if pred is None:
        f["pred"] = "-"
        return f
    path = _path(head, pred)
    voice = "passive" if _passive(pred) else "active"
    side = "before" if head.i < pred.i else "after"
    f |= {
        "pred": _lemma(pred),
        "pred_pos": pred.pos_,
        "voice": voice,
        "side": side,
        "distance": _bin(abs(head.i - pred.i), (2, 5, 10, 20)),
        "path": path,
        "path_voice": f"{path}|{voice}",
        "ent_side": f"{span.label_ or '-'}|{side}|{voice}",
        "dep_side": f"{head.dep_}|{side}|{voice}",
    }
    return f


def _nearest(head: Token, preds: list[Token]) -> Token | None:
    def steps(pred: Token) -> tuple[int, int]:
        path = _path(head, pred)
        return (MAX_PATH + 1 if path == "far" else path.count(" ") + 1, abs(head.i - pred.i))

    return min(preds, key=steps) if preds else None


def candidates(doc: Doc) -> list[Candidate]:
    """Every candidate of ``doc``: in each sentence naming violence, and in the first."""
    out: list[Candidate] = []
    letters = [c for c in doc.text if c.isalpha()]
    lower = bool(letters) and sum(c.islower() for c in letters) / len(letters) > 0.98
    chunks = list(doc.noun_chunks)
    for index, sent in enumerate(doc.sents):
        preds = [t for t in sent if is_violent_predicate(t)]
        if not preds and index > 0:
            continue
        for span in _phrases(sent, chunks):
            if span.root in preds:
                continue  # "the attack" itself is the event, not a role
            pred = _nearest(span.root, preds)
            out.append(
                Candidate(
                    start=span.start_char,
                    end=span.end_char,
                    text=span.text,
                    head=span.root.idx,
                    sentence=index,
                    features=_features(span, pred, index, lower),
                )
            )
    return out

"""Five annotated corpora of violent events, read into one shape (never a test split).

    python -m training.roles.corpora [--mirrors DIR] [--out DIR]

Reads each corpus from a git mirror at a pinned commit (``SOURCES``: repository, commit,
path, sha256 of the file), checks the sha256, and writes ``OUT/<corpus>.jsonl``, one
document a line:

    {"id": "muc4:DEV-MUC3-0001", "corpus": "muc4", "text": "...",
     "events": [{"type": "attack", "trigger": [start, end] | null,
                 "roles": {"perpetrator": [[[start, end], ...], ...], "patient": [...],
                           "place": [...], "weapon": [...]}}]}

Every role holds arguments; every argument its mentions (coreferent ones where the
corpus links them) as character spans of ``text``. Only violent events are kept
(attacks, violent deaths and injuries; MUC-4's attacks, bombings, kidnappings, arson;
GVDB's shootings). Tokenised corpora are detokenised with their offsets carried, so the
text reads as news does ("U.S. officials said," not "U.S. officials said ,").

The mirrors come from ``fetch`` (the tool library's), one per repository; this module
only reads them with ``git show`` and never downloads. Licences: see the README beside.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROLES = ("perpetrator", "patient", "place", "weapon")
Span = tuple[int, int]


@dataclass(frozen=True)
class Source:
    repo: str  # owner/name on GitHub
    commit: str
    path: str
    sha256: str


SOURCES: dict[str, dict[str, Source]] = {
    # WikiEvents train (206 documents), with character offsets and coreference
    "wikievents-train": {
        "docs": Source("mc2259/gen-arg", "9007454", "data/wikievents/train.json",
                       "56eb08b2d767c3c2c5a741f0dc04a893752c3003535a2499926459a084b2e6ae"),
    },
    # WikiEvents dev (its 20 documents are in fixtures/devsets/news-dev: measured on only)
    "wikievents-dev": {
        "docs": Source("raspberryice/gen-arg", "16d8f908", "data/wikievents/dev.jsonl",
                       "74a6cbef44c44f1add6882e54f0a966f0f1a35cc260f3079de1fe4312eabe285"),
        "coref": Source("raspberryice/gen-arg", "16d8f908", "data/wikievents/coref/dev.jsonlines",
                        "e2ae3005f3cb717fc23e08c41c01ed4cfb395e79e547d5760cf1752a0022e472"),
    },
    # MUC-4's 1,300 development messages (DEV-MUC3-*), lower case, as processed for GTT
    "muc4": {
        "docs": Source("xinyadu/gtt", "d829ed8", "data/muc/processed/train.json",
                       "c93909c8a9868f5e01262f45479b63305bfb43df625404b3c7c4f9264382e248"),
    },
    # The Gun Violence Database's dev split, as rereleased by Ebner et al. (ACL 2020)
    "gvdb": {
        "docs": Source("pitrack/arglinking", "ebc84d1", "data/gvdb/splits/dev.json",
                       "611e9f06000c8068f6a128a06e80233d2a75105325a823c7f511c5a992a2bbd5"),
    },
    # RAMS 1.0 dev
    "rams": {
        "docs": Source("LWL-cpu/SCPRG-master", "c420d22", "data/rams/dev.jsonlines",
                       "cd1b249160333ec33360430ade1099c3bb5fe48f50188e0482a019e2d8e9e07b"),
    },
}  # fmt: skip


def read_source(mirrors: Path, source: Source) -> bytes:
    """The file's bytes from the mirror of its repository, at its commit."""
    repo = mirrors / source.repo.replace("/", "+") / "repo"
    data = subprocess.run(
        ["git", "-C", str(repo), "show", f"{source.commit}:{source.path}"],
        check=True,
        capture_output=True,
    ).stdout
    digest = hashlib.sha256(data).hexdigest()
    if digest != source.sha256:
        raise SystemExit(f"{source.repo}@{source.commit}:{source.path}: sha256 {digest}, "
                         f"expected {source.sha256}")  # fmt: skip
    return data


# --- detokenising with offsets ------------------------------------------------------------

_NO_SPACE_BEFORE = re.compile(r"^([.,;:!?%)\]}»”’]|'s|'re|'ve|'ll|'d|'m|n't|’s|’re|n’t)$", re.I)
_NO_SPACE_AFTER = re.compile(r"^[(\[{$«“‘]$")
_CLITICS = frozenset("s re ve ll d m t".split())


def detokenize(tokens: Sequence[str]) -> tuple[str, list[Span]]:
    """``tokens`` as text, and each token's span in it: no space before closing
    punctuation and clitics, none after opening brackets and quotes, "a - b" as "a-b"."""
    parts: list[str] = []
    spans: list[Span] = []
    at = 0
    previous = ""
    joined = False  # the previous token was a joiner glued to the word before it
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        # "anti - Muslim" and "Thailand ’ s": the joiner is glued on both sides
        joins = previous[-1:].isalnum() and (
            (token == "-" and following[:1].isalnum())
            or (token in ("’", "'") and following.lower() in _CLITICS)
        )
        space = i > 0 and not (
            _NO_SPACE_BEFORE.match(token) or _NO_SPACE_AFTER.match(previous) or joins or joined
        )
        if space:
            parts.append(" ")
            at += 1
        spans.append((at, at + len(token)))
        parts.append(token)
        at += len(token)
        previous, joined = token, joins
    return "".join(parts), spans


# --- the corpora ---------------------------------------------------------------------------

Event = dict[str, Any]
Doc = dict[str, Any]


def _roles() -> dict[str, list[list[Span]]]:
    return {r: [] for r in ROLES}


WIKI_ROLE = {"attacker": "perpetrator", "killer": "perpetrator", "injurer": "perpetrator",
             "target": "patient", "victim": "patient", "place": "place",
             "instrument": "weapon", "explosivedevice": "weapon"}  # fmt: skip


def violent_kairos(event_type: str) -> bool:
    t = event_type.lower()
    if t.startswith("conflict.attack"):
        return True
    if t.startswith("life.die"):
        return "nonviolent" not in t
    if t.startswith("life.injure"):
        return "illness" not in t
    return False


def wikievents_train(raw: bytes) -> Iterator[Doc]:
    """train.json: ``doctext`` is the tokens joined by spaces, offsets into it."""
    for doc_id, doc in json.loads(raw).items():
        old = doc["doctext"]
        tokens, starts = [], []
        for m in re.finditer(r"\S+", old):
            tokens.append(m.group())
            starts.append(m.start())
        text, spans = detokenize(tokens)
        token_at = {s: i for i, s in enumerate(starts)}
        ends = {s + len(t): i for i, (s, t) in enumerate(zip(starts, tokens, strict=True))}

        def moved(
            mention: str,
            offset: int,
            token_at: dict[int, int] = token_at,
            ends: dict[int, int] = ends,
            spans: list[Span] = spans,
        ) -> Span | None:
            first, last = token_at.get(offset), ends.get(offset + len(mention))
            if first is None or last is None:
                return None
            return spans[first][0], spans[last][1]

        events = []
        for t in doc["templates"]:
            if not violent_kairos(t["incident_type"]):
                continue
            roles = _roles()
            for name, args in t.items():
                role = WIKI_ROLE.get(name.lower())
                if role is None:
                    continue
                for arg in args:
                    mentions = [s for m, o in arg if (s := moved(m, o)) is not None]
                    if mentions:
                        roles[role].append(mentions)
            trigger = None
            if t.get("Triggers"):
                word, offset = t["Triggers"][0][0]
                trigger = moved(word, offset)
            events.append({"type": t["incident_type"], "trigger": trigger, "roles": roles})
        yield {"id": f"wikievents:{doc_id}", "corpus": "wikievents", "source": "train",
               "text": text, "events": events}  # fmt: skip


def wikievents_dev(raw: bytes, coref_raw: bytes) -> Iterator[Doc]:
    """dev.jsonl: tokens with character offsets into ``text``; coreference beside."""
    coref = {
        (c := json.loads(line))["doc_key"]: c["clusters"]
        for line in coref_raw.decode().splitlines()
        if line.strip()
    }
    for line in raw.decode().splitlines():
        doc = json.loads(line)
        offsets = [(s, e) for sentence in doc["sentences"] for _, s, e in sentence[0]]
        text = doc["text"]
        mentions = {m["id"]: m for m in doc["entity_mentions"]}
        cluster_of: dict[str, list[str]] = {}
        for cluster in coref.get(doc["doc_id"], []):
            for mid in cluster:
                cluster_of[mid] = cluster

        def span(m: dict[str, Any], offsets: list[Span] = offsets) -> Span | None:
            if not 0 <= m["start"] < m["end"] <= len(offsets):
                return None  # a mention past the tokens (8 in the dev split)
            return offsets[m["start"]][0], offsets[m["end"] - 1][1]

        events = []
        for ev in doc["event_mentions"]:
            if not violent_kairos(ev["event_type"]):
                continue
            roles = _roles()
            for arg in ev["arguments"]:
                role = WIKI_ROLE.get(arg["role"].lower())
                if role is None:
                    continue
                ids = cluster_of.get(arg["entity_id"], [arg["entity_id"]])
                found = [s for i in ids if i in mentions and (s := span(mentions[i]))]
                if found:
                    roles[role].append(found)
            trigger = span(ev["trigger"])
            events.append({"type": ev["event_type"], "trigger": trigger, "roles": roles})
        yield {"id": f"wikievents:{doc['doc_id']}", "corpus": "wikievents", "source": "dev",
               "text": text, "events": events}  # fmt: skip


MUC_ROLE = {"PerpInd": "perpetrator", "PerpOrg": "perpetrator", "Target": "patient",
            "Victim": "patient", "Weapon": "weapon"}  # fmt: skip


def muc4(raw: bytes) -> Iterator[Doc]:
    """GTT's processed MUC-4: lower-case ``doctext``, templates with [mention, offset]."""
    for line in raw.decode().splitlines():
        if not line.strip():
            continue
        doc = json.loads(line)
        events = []
        for t in doc["templates"]:
            roles = _roles()
            for name, role in MUC_ROLE.items():
                for arg in t.get(name, []):
                    roles[role].append([(o, o + len(m)) for m, o in arg])
            events.append({"type": t["incident_type"], "trigger": None, "roles": roles})
        yield {"id": f"muc4:{doc['docid']}", "corpus": "muc4", "source": "dev",
               "text": doc["doctext"], "events": events}  # fmt: skip


GVDB_ROLE = {"VIC-NAME": "patient", "SHO-NAME": "perpetrator", "CIR-WEAPON": "weapon",
             "DAT-CITY": "place", "DAT-LOC": "place"}  # fmt: skip


def gvdb(raw: bytes) -> Iterator[Doc]:
    """arglinking's GVDB: sentences of tokens, labelled token spans (end exclusive), one
    shooting per page."""
    for line in raw.decode().splitlines():
        if not line.strip():
            continue
        doc = json.loads(line)
        tokens = [t for sentence in doc["full_text"] for t in sentence]
        text, spans = detokenize(tokens)
        roles = _roles()
        for start, end, label, *_ in doc["spans"]:
            role = GVDB_ROLE.get(label)
            if role is not None and end > start:
                roles[role].append([(spans[start][0], spans[end - 1][1])])
        yield {"id": f"gvdb:{doc['doc_key']}", "corpus": "gvdb", "source": "dev", "text": text,
               "date": doc.get("date"),
               "events": [{"type": "shooting", "trigger": None, "roles": roles}]}  # fmt: skip


RAMS_ROLE = {"attacker": "perpetrator", "killer": "perpetrator", "injurer": "perpetrator",
             "target": "patient", "victim": "patient", "place": "place",
             "instrument": "weapon"}  # fmt: skip


def rams(raw: bytes) -> Iterator[Doc]:
    """RAMS: five sentences of tokens, one event, links by token span (end inclusive)."""
    for line in raw.decode().splitlines():
        if not line.strip():
            continue
        doc = json.loads(line)
        (start, end, [[kind, _]]), *_ = doc["evt_triggers"]
        if not violent_kairos(kind):
            continue
        tokens = [t for sentence in doc["sentences"] for t in sentence]
        text, spans = detokenize(tokens)
        roles = _roles()
        for _, (a, b), name in doc["gold_evt_links"]:
            role = RAMS_ROLE.get(re.sub(r"^evt\d+arg\d+", "", name))
            if role is not None:
                roles[role].append([(spans[a][0], spans[b][1])])
        trigger = (spans[start][0], spans[end][1])
        yield {"id": f"rams:{doc['doc_key']}", "corpus": "rams", "source": "dev", "text": text,
               "events": [{"type": kind, "trigger": trigger, "roles": roles}]}  # fmt: skip


def convert(mirrors: Path, out: Path) -> dict[str, int]:
    """Every corpus read (sha256 checked) and written; documents per corpus."""
    out.mkdir(parents=True, exist_ok=True)

    def get(name: str, part: str) -> bytes:
        return read_source(mirrors, SOURCES[name][part])

    readers: dict[str, Iterator[Doc]] = {
        "wikievents-train": wikievents_train(get("wikievents-train", "docs")),
        "wikievents-dev": wikievents_dev(get("wikievents-dev", "docs"),
                                         get("wikievents-dev", "coref")),
        "muc4": muc4(get("muc4", "docs")),
        "gvdb": gvdb(get("gvdb", "docs")),
        "rams": rams(get("rams", "docs")),
    }  # fmt: skip
    counts: dict[str, int] = {}
    for name, docs in readers.items():
        with open(out / f"{name}.jsonl", "w", encoding="utf-8") as f:
            n = 0
            for doc in docs:
                f.write(json.dumps(doc, ensure_ascii=False) + "\n")
                n += 1
        counts[name] = n
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--out", type=Path, default=Path("data/roles"))
    args = parser.parse_args()
    for name, n in convert(args.mirrors, args.out).items():
        print(f"{name}: {n} documents")


if __name__ == "__main__":
    main()

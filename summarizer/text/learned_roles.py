"""The learned role scorer: which candidate fills which role, with a calibrated score.

Loads the shipped artifact (``data/roles-model.json``: a logistic regression's weights
as JSON, no pickle), checks its sha256 against ``roles-model.sha256`` beside it, and
scores ``candidates``: the probability of each role (perpetrator, patient, weapon,
place) or none. A candidate takes the most probable role whose probability reaches
that role's threshold (chosen on the tuning split for precision first); below every
threshold it takes none, so a role is left empty rather than filled wrongly.

Trained and measured by ``training/roles`` (one command retrains it; its card, inside
the artifact, gives the data, the splits and the figures on the measuring split).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from spacy.tokens import Span

from .candidates import Candidate

__all__ = ["ARTIFACT", "RoleModel", "Scored", "role_model", "roles_in"]

ARTIFACT = Path(__file__).parent / "data" / "roles-model.json"


class ArtifactError(Exception):
    """The artifact is missing, altered, or of another format."""


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    role: str
    probability: float


class RoleModel:
    """A loaded scorer; ``role_model()`` gives the shipped one, loaded once."""

    def __init__(self, data: dict[str, object]) -> None:
        if data.get("format") != "summarizer-roles-logreg-1":
            raise ArtifactError(f"unknown role model format {data.get('format')!r}")
        self.classes: list[str] = list(data["classes"])  # type: ignore[call-overload]
        self.intercept: list[float] = list(data["intercept"])  # type: ignore[call-overload]
        self.weights: dict[str, list[float]] = dict(data["weights"])  # type: ignore[call-overload]
        self.thresholds: dict[str, float] = dict(data["thresholds"])  # type: ignore[call-overload]
        self.card: dict[str, object] = dict(data.get("card", {}))  # type: ignore[call-overload]

    @classmethod
    def load(cls, path: Path = ARTIFACT) -> RoleModel:
        """The artifact at ``path``, refused unless its sha256 is the one beside it."""
        try:
            raw = path.read_bytes()
            expected = path.with_suffix(".sha256").read_text().strip()
        except OSError as exc:
            raise ArtifactError(f"role model missing: {exc}") from exc
        if (got := hashlib.sha256(raw).hexdigest()) != expected:
            raise ArtifactError(f"{path} has sha256 {got}, expected {expected}: altered")
        return cls(json.loads(raw))

    def probabilities(self, candidate: Candidate) -> dict[str, float]:
        logits = list(self.intercept)
        for name, value in candidate.features.items():
            key = f"{name}={value}" if isinstance(value, str) else name
            if isinstance(value, bool) and not value:
                continue
            for i, w in enumerate(self.weights.get(key, ())):
                logits[i] += w
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}

    def score(self, candidates: Iterable[Candidate]) -> list[Scored]:
        """The candidates that take a role, each with its role and probability."""
        out = []
        for candidate in candidates:
            p = self.probabilities(candidate)
            for role in sorted(p, key=lambda r: -p[r]):
                if role == "none":
                    break
                if p[role] >= self.thresholds.get(role, 1.0):
                    out.append(Scored(candidate, role, p[role]))
                    break
        return out


@cache
def role_model() -> RoleModel:
    """The shipped scorer, loaded and checked once."""
    return RoleModel.load()


def roles_in(sent: Span) -> dict[str, list[Scored]]:
    """The roles the shipped scorer finds in ``sent`` (a parsed sentence), each role's
    candidates most probable first."""
    from .candidates import candidates

    scored = role_model().score(
        c for c in candidates(sent.doc) if sent.start_char <= c.head < sent.end_char
    )
    out: dict[str, list[Scored]] = {}
    for s in sorted(scored, key=lambda s: -s.probability):
        out.setdefault(s.role, []).append(s)
    return out

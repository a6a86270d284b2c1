"""Briefs for spreadsheets and pipelines: JSON Lines (one brief or failure per line, as
the per-article JSON files) and CSV (one row per article, the fields an editor sorts by;
several values in one cell joined by " | ")."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from ..brief.results import BriefResult
from ..schema import CasualtyClaim
from .escape import csv_cell

__all__ = ["CSV_COLUMNS", "briefs_csv", "briefs_jsonl"]

CSV_COLUMNS = (
    "source", "article_id", "outlet", "published", "status", "headline", "summary",
    "event_type", "sub_event_type", "event_date", "place", "region", "country",
    "perpetrators", "targets", "victims", "weapons", "killed", "injured", "error",
)  # fmt: skip


def briefs_jsonl(results: Sequence[BriefResult]) -> str:
    """One JSON object per line, in input order: the brief, or the failure record."""
    return "".join(
        json.dumps(r.to_json_dict(), ensure_ascii=False, sort_keys=True) + "\n" for r in results
    )


def _figure(claims: Sequence[CasualtyClaim], kind: str) -> str:
    out = []
    for c in claims:
        if c.kind != kind:
            continue
        if c.value is not None:
            figure = str(c.value)
        else:
            figure = f"{c.low if c.low is not None else ''}-{c.high if c.high is not None else ''}"
        out.append(f"{figure} ({c.attributed_to})")
    return " | ".join(out)


def briefs_csv(results: Sequence[BriefResult]) -> str:
    """One row per article (a failed one with its error), columns ``CSV_COLUMNS``."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in results:
        a = r.article
        row = {
            "source": r.source,
            "article_id": r.article_id or "",
            "outlet": (a.outlet if a else None) or "",
            "published": a.published.isoformat() if a and a.published else "",
            "status": "ok" if r.brief else "failed",
            "error": r.failure.message if r.failure else "",
        }
        if (b := r.brief) is not None:

            def actors(role: str) -> str:
                return " | ".join(x.name for x in b.actors if x.role == role)

            row |= {
                "headline": b.headline,
                "summary": b.summary,
                "event_type": b.event_type,
                "sub_event_type": b.sub_event_type,
                "event_date": b.date.value.isoformat() if b.date.value else "",
                "place": b.location.place or "",
                "region": b.location.region or "",
                "country": b.location.country or "",
                "perpetrators": actors("perpetrator"),
                "targets": actors("target"),
                "victims": actors("victim"),
                "weapons": " | ".join(b.weapons),
                "killed": _figure(b.casualties, "killed"),
                "injured": _figure(b.casualties, "injured"),
            }
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
    return buffer.getvalue()

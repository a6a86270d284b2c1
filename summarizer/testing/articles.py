"""Synthetic news articles for load and fault tests: varied kinds of news, each unique.

Not realistic prose and not meant to be: enough variety (kinds of event, places,
people, figures, quotes, paragraphs) that every article is prepared, checked and cached
on its own, and a serial number in each so that a test can tell which article a
request was about (``serial_of``).
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

__all__ = ["serial_of", "synthetic_articles"]

_PLACES = [
    ("Valparaíso", "Chile"), ("Kaduna", "Nigeria"), ("Cebu", "the Philippines"),
    ("Porto", "Portugal"), ("Mombasa", "Kenya"), ("Tromsø", "Norway"),
    ("Arequipa", "Peru"), ("Chiang Mai", "Thailand"), ("Gdańsk", "Poland"),
    ("Hobart", "Australia"), ("Sfax", "Tunisia"), ("Oaxaca", "Mexico"),
]  # fmt: skip
_PEOPLE = [
    "Ana Ruiz", "Musa Bello", "Maria Santos", "Jonas Berg", "Amina Yusuf", "Tomasz Nowak",
    "Grace Otieno", "Somchai Boonmee", "Lucía Fernández", "Karim Haddad",
]  # fmt: skip
_ROLES = ["the regional governor", "a police spokesman", "the mayor", "the health minister"]
_KINDS = [
    (
        "Flash floods killed {n} people in {place} on {weekday}, {role} said.",
        "Rescue teams searched for {m} people still missing after the river burst its banks.",
    ),
    (
        "Gunmen abducted {n} workers from a farm near {place} on {weekday}, police said.",
        "Police said {m} suspects were arrested later the same day.",
    ),
    (
        "A bus crash on a mountain road outside {place} killed {n} passengers on {weekday}.",
        "Another {m} people were taken to hospital, {role} said.",
    ),
    (
        "Voters in {place} elected {person} as mayor on {weekday} with {n} percent of the vote.",
        "Turnout was {m} percent, the electoral commission said.",
    ),
    (
        "Dock workers in {place} went on strike on {weekday} over pay, halting {n} ships.",
        "The union said {m} members had joined the walkout.",
    ),
]


def synthetic_articles(n: int, *, seed: int = 0) -> list[tuple[str, str]]:
    """``n`` (file name, text) pairs in the seed format: a date line with the title,
    then three paragraphs."""
    rng = random.Random(seed)
    out = []
    start = date(2025, 3, 1)
    for i in range(n):
        place, country = rng.choice(_PLACES)
        person = rng.choice(_PEOPLE)
        published = start + timedelta(days=rng.randrange(300))
        lead, follow = rng.choice(_KINDS)
        values = {
            "n": rng.randrange(3, 90),
            "m": rng.randrange(2, 40),
            "place": place,
            "person": person,
            "role": rng.choice(_ROLES),
            "weekday": published.strftime("%A"),
        }
        first = lead.format(**values)
        title = first.split(" on ")[0].rstrip(".")
        body = "\n\n".join(
            [
                f"{first} {follow.format(**values)}",
                f'"We are doing everything we can," {person} told reporters in {place}. '
                f"The events in {country} drew wide attention this week.",
                f"Officials said more details would follow. This is report number {i + 1}.",
            ]
        )
        text = f" date {published.isoformat()} {title}\n{body}\n"
        out.append((f"article-{i + 1:05d}.txt", text))
    return out


_SERIAL = re.compile(r"This is report number (\d+)\.")


def serial_of(text: str) -> int | None:
    """The serial number of a synthetic article found in ``text`` (a request body)."""
    m = _SERIAL.search(text)
    return int(m.group(1)) if m else None

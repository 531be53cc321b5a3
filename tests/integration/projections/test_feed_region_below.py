"""The feed's region filter keeps a region and every region below it, on whole segments."""

from __future__ import annotations

import sqlite3

from projections.feed_queries import region_clause

CODES = ("63", "63.03", "63.03.05", "63.03.05.2011", "63.030", "63.04.01.2001", "63_03.1")


def kept(region_code: str) -> list[str]:
    database = sqlite3.connect(":memory:")
    database.execute("CREATE TABLE projection_feed_items (region_code TEXT)")
    database.executemany("INSERT INTO projection_feed_items VALUES (?)", [(c,) for c in CODES])
    clause, params = region_clause(region_code)
    rows = database.execute(f"SELECT region_code FROM projection_feed_items WHERE {clause} ORDER BY 1", params)
    return [row[0] for row in rows]


def test_a_kabupaten_code_keeps_every_village_below_it_and_nothing_beside_it() -> None:
    assert kept("63.03") == ["63.03", "63.03.05", "63.03.05.2011"]


def test_a_code_matches_whole_segments_only_and_its_characters_are_no_wildcards() -> None:
    assert kept("63.0") == []
    assert kept("63.03.05.2011") == ["63.03.05.2011"]
    assert kept("63") == sorted(c for c in CODES if c != "63_03.1")

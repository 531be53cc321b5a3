"""The feed's overdue promises (janji yang terlambat): commitments past their due date before 100 %, as feed
entries of their own kind, computed when the feed is read (nothing happened at the due date, so no event is
invented), dated at the due date, naming the process, the commitment's title, percent and due date, never a person.

Story: the village promised a talud by 31 January 2020 and a well by 2027; the talud got to 40 % and stalled.
Anyone following the feed, the village's region or the process sees the talud as late; the well is not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree

import pytest
from http_callers import NAMES, Caller, Village, start_village

ATOM = "{http://www.w3.org/2005/Atom}"
TALUD = {"owner": "Kaur Pembangunan", "description": "Talud dusun 3", "due": "2020-01-31"}
WELL = {"owner": "Kaur Pembangunan", "description": "Sumur bor", "due": "2099-09-30"}


@pytest.fixture
def late(village: Village, facilitator: Caller, adopt: Callable[[Village], dict[str, Any]]) -> dict[str, Any]:
    """The talud, 40 % done and overdue since 31 January 2020; beside it a well due far ahead."""
    adopt(village)
    talud = facilitator.created(f"{village.proposal}/commitments", TALUD)
    facilitator.ok(f"/commitments/{talud['id']}/progress", {"percent": 40, "note": "Batu datang."})
    facilitator.created(f"{village.proposal}/commitments", WELL)
    return talud


def overdue_of(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for item in answer["items"] if item["kind"] == "overdue"]


@pytest.mark.both_stores
def test_an_overdue_promise_is_an_entry_of_its_own_kind_in_the_json_feed(
    anonymous: Caller, village: Village, late: dict[str, Any]
) -> None:
    asked = anonymous.get("/feed", kind="overdue").get_json()

    assert asked["next"] is None
    (entry,) = asked["items"]
    assert entry["id"] == f"overdue-{late['id']}"
    assert entry["commitment"] == {
        "commitment_id": late["id"],
        "title": "Talud dusun 3",
        "percent": 40,
        "due": "2020-01-31",
        "completed": False,
    }
    assert entry["process"]["id"] == village.process_id
    assert entry["at"].startswith("2020-01-30T") or entry["at"].startswith("2020-01-31T")  # the due date, local
    assert "Kaur Pembangunan" not in str(entry) and not any(name in str(entry) for name in NAMES)
    # The unfiltered feed's newest page ends with it; the well is not late.
    assert [item["id"] for item in overdue_of(anonymous.get("/feed").get_json())] == [entry["id"]]


def test_overdue_entries_are_filtered_by_process_and_region_and_leave_at_100_percent(
    anonymous: Caller, facilitator: Caller, village: Village, late: dict[str, Any]
) -> None:
    elsewhere = start_village(facilitator)

    assert len(anonymous.get("/feed", kind="overdue", process_id=village.process_id).get_json()["items"]) == 1
    assert anonymous.get("/feed", kind="overdue", process_id=elsewhere.process_id).get_json()["items"] == []
    assert len(anonymous.get("/feed", kind="overdue", region_code="33.01").get_json()["items"]) == 1
    assert anonymous.get("/feed", kind="overdue", region_code="99.99").get_json()["items"] == []
    # Other kinds asked for leave overdue entries out.
    assert overdue_of(anonymous.get("/feed", kind="commitment").get_json()) == []

    facilitator.ok(f"/commitments/{late['id']}/progress", {"percent": 100, "note": "Selesai."})
    assert anonymous.get("/feed", kind="overdue").get_json()["items"] == []


def test_an_overdue_promise_is_an_atom_entry_in_bahasa_indonesia(
    anonymous: Caller, village: Village, late: dict[str, Any]
) -> None:
    answer = anonymous.get("/feed.atom", kind="overdue", headers={"Accept-Language": "id"})
    assert answer.status_code == 200
    root = ElementTree.fromstring(answer.data)

    (entry,) = root.findall(f"{ATOM}entry")
    title = entry.findtext(f"{ATOM}title") or ""
    assert "Tindak lanjut terlambat" in title and "Talud dusun 3" in title and "40%" in title
    assert "2020-01-31" in title
    assert entry.find(f"{ATOM}category").get("term") == "overdue"  # type: ignore[union-attr]
    assert "Kaur Pembangunan" not in answer.get_data(as_text=True)
    # The subscription document of the whole feed carries it too.
    subscribed = ElementTree.fromstring(anonymous.get("/feed.atom").data)
    ids = [e.findtext(f"{ATOM}id") for e in subscribed.findall(f"{ATOM}entry")]
    assert f"urn:mufakat:feed:overdue-{late['id']}" in ids


def test_an_overdue_promise_is_a_csv_row_of_its_kind(anonymous: Caller, late: dict[str, Any]) -> None:
    text = anonymous.get("/feed.csv", kind="overdue").get_data(as_text=True)

    rows = text.strip().splitlines()
    assert len(rows) == 2
    assert f"overdue-{late['id']},,overdue," in rows[1]


@pytest.mark.both_stores
def test_a_commitment_of_an_annulled_decision_is_kept_but_no_longer_called_a_late_promise(
    anonymous: Caller, facilitator: Caller, admin: Caller, village: Village, late: dict[str, Any]
) -> None:
    admin.ok(f"{village.proposal}/decision/annul", {"reason": "Lahan bukan milik desa."})

    assert overdue_of(anonymous.get("/feed", kind="overdue").get_json()) == []
    kept = facilitator.get(f"/commitments/{late['id']}").get_json()
    assert kept["percent"] == 40 and kept["overdue"] is False
    listed = facilitator.get(f"/processes/{village.process_id}/commitments", status="overdue").get_json()
    assert listed["items"] == []
    portal = anonymous.client.get(f"/proses/{village.process_id}").get_data(as_text=True)
    assert "overdue-title" not in portal

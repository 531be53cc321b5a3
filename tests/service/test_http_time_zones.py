"""A process keeps its time zone: the API answers in UTC, and everything people read names the process's zone.

The story: a Musrenbang recorded in Jawa Tengah's region code (WIB by its
province) by a facilitator who says it runs in WITA. Every page, the feed's
Atom and CSV texts and the berita acara show its times in WITA; the console
reads a typed time in WITA and says so beside the field, whatever zone the
phone is in. JSON stays RFC 3339 UTC.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from http_callers import NAMES, Caller, process_body
from lxml import etree
from pypdf import PdfReader

from domain.meeting import Meeting
from service.adapters.storage import persistence_settings
from service.http.app_factory import create_app
from service.http.current import current_mufakat

ATOM = "{http://www.w3.org/2005/Atom}"
#: The moments of the story, in UTC as the API takes them; 01:00 UTC is 09.00 WITA (and 08.00 WIB).
SCHEDULED = "2026-12-01T01:00:00Z"
OPENED = "2026-12-01T01:05:00Z"
DECIDED = "2026-12-01T01:30:00Z"


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The application on a fresh database, with a signing key and a session key of this test's own."""
    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-session-secret",
            "MUFAKAT_LEDGER_ENV": persistence_settings(database_url),
            "MUFAKAT_SECRET_KEY_FILE": str(tmp_path / "signing.key"),
        }
    )
    yield application
    opened = application.extensions.get("mufakat")
    if opened is not None:
        opened.close()


def wita_process(facilitator: Caller, **changes: Any) -> dict[str, Any]:
    """A public Musrenbang in region 33 (WIB by its province) that its facilitator says runs in WITA."""
    return facilitator.created(
        "/processes", {**process_body(), "time_zone": "WITA", "occurred_at": "2026-11-30T00:00:00Z", **changes}
    )


def makassar_process(facilitator: Caller) -> dict[str, Any]:
    """A public Musrenbang in Makassar (Sulawesi Selatan): WITA by its province, no zone given."""
    body = {**process_body(), "region_code": "73.71.01.1001", "occurred_at": "2026-11-30T00:00:00Z"}
    return facilitator.created("/processes", body)


def decided_in_the_room(facilitator: Caller, process_id: str) -> dict[str, str]:
    """Participants, a meeting at 09.00 WITA opened at 09.05, a proposal adopted by consensus at 09.30 WITA."""
    at = {"occurred_at": "2026-11-30T00:10:00Z"}
    people = [
        facilitator.created(f"/processes/{process_id}/participants", {"name": name, "group": "resident", **at})["id"]
        for name in NAMES
    ]
    meeting = facilitator.created(
        f"/processes/{process_id}/meetings",
        {"title": "Musyawarah Desa", "scheduled_for": SCHEDULED, "location": "Balai Desa", **at},
    )["id"]
    facilitator.ok(f"/meetings/{meeting}/open", {"attendees": people, "occurred_at": OPENED})
    in_the_room = {"occurred_at": "2026-12-01T01:10:00Z"}
    proposal = facilitator.created(
        f"/processes/{process_id}/proposals",
        {"title": "Posyandu Dusun Krajan", "body": "Membangun posyandu.", "submitted_by": people[0], **in_the_room},
    )["id"]
    check = facilitator.created(f"/proposals/{proposal}/consensus-checks", {"meeting_id": meeting, **in_the_room})
    check_path = f"/proposals/{proposal}/consensus-checks/{check['check_id']}"
    for person in people:
        facilitator.ok(f"{check_path}/stances", {"participant_id": person, "stance": "agree", **in_the_room})
    facilitator.ok(f"{check_path}/close", in_the_room)
    facilitator.ok(
        f"/proposals/{proposal}/decision",
        {"outcome": "adopted", "method": "consensus", "rationale": "Mufakat.", "occurred_at": DECIDED},
    )
    return {"meeting": meeting, "proposal": proposal}


def moment(text: str) -> datetime:
    """An RFC 3339 timestamp of an answer."""
    return datetime.fromisoformat(text)


def signed_in(client: FlaskClient, token: str) -> str:
    """Signs the console in with a token; the CSRF token of its forms."""
    page = client.get("/console/masuk").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    answer = client.post("/console/masuk", data={"csrf_token": csrf.group(1), "token": token})
    assert answer.status_code == 302
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/console/").text)
    assert found is not None
    return found.group(1)


# --- the API ------------------------------------------------------------------------------


def test_a_process_keeps_the_time_zone_it_was_given_and_answers_in_utc(facilitator: Caller, partner: Caller) -> None:
    process = wita_process(facilitator)

    assert process["time_zone"] == "Asia/Makassar"
    assert process["time_zone_abbreviation"] == "WITA"
    # JSON keeps RFC 3339 UTC.
    assert process["created_at"].endswith("Z")
    assert facilitator.get(f"/processes/{process['id']}").get_json()["time_zone"] == "Asia/Makassar"
    listed = partner.get("/processes").get_json()["items"]
    assert [(p["time_zone"], p["time_zone_abbreviation"]) for p in listed] == [("Asia/Makassar", "WITA")]


@pytest.mark.parametrize(
    ("region_code", "zone", "abbreviation"),
    [
        ("33.02.10.2001", "Asia/Jakarta", "WIB"),
        ("51.03.01.2001", "Asia/Makassar", "WITA"),
        ("91.01", "Asia/Jayapura", "WIT"),
    ],
)
def test_a_process_given_no_time_zone_gets_its_provinces(
    facilitator: Caller, region_code: str, zone: str, abbreviation: str
) -> None:
    process = facilitator.created("/processes", {**process_body(), "region_code": region_code})

    assert (process["time_zone"], process["time_zone_abbreviation"]) == (zone, abbreviation)


def test_an_iana_name_is_taken_as_it_is_and_an_unknown_zone_is_refused_by_name(facilitator: Caller) -> None:
    assert wita_process(facilitator, time_zone="Asia/Jayapura")["time_zone_abbreviation"] == "WIT"

    for unknown in ("Mars/Olympus", "WITA+1", "../../etc/passwd"):
        refused = facilitator.post("/processes", {**process_body(), "time_zone": unknown})
        assert refused.status_code == 422
        assert refused.mimetype == "application/problem+json"
        assert refused.get_json()["code"] == "validation_failed"
        assert "time_zone" in refused.get_json()["errors"]


# --- pages, feed, berita acara --------------------------------------------------------------


def test_the_portal_shows_every_time_in_the_zone_of_the_process_with_its_name(
    facilitator: Caller, client: FlaskClient
) -> None:
    process = makassar_process(facilitator)
    story = decided_in_the_room(facilitator, process["id"])

    decision_page = client.get(f"/keputusan/{story['proposal']}").text
    process_page = client.get(f"/proses/{process['id']}").text
    index = client.get("/").text

    assert "2026-12-01 09.30 WITA" in decision_page  # the decision and its step on the timeline
    assert "2026-12-01 09.00 WITA" in process_page  # the meeting
    assert "2026-12-01 09.30 WITA" in process_page and "2026-12-01 09.30 WITA" in index
    for page in (decision_page, process_page, index):
        assert " UTC<" not in page and "WIB" not in page


def test_the_atom_and_csv_texts_name_the_zone_of_the_process(facilitator: Caller, anonymous: Caller) -> None:
    process = wita_process(facilitator)
    decided_in_the_room(facilitator, process["id"])

    item = next(found for found in anonymous.get("/feed").get_json()["items"] if found["kind"] == "decision")
    rows = list(csv.DictReader(io.StringIO(anonymous.get("/feed.csv").get_data(as_text=True))))
    atom = etree.fromstring(anonymous.get("/feed.atom").data)
    summaries = [element.text or "" for element in atom.iter(f"{ATOM}summary")]

    assert moment(item["decision"]["decided_at"]) == moment(DECIDED)
    assert item["process"]["time_zone"] == "Asia/Makassar"
    published = moment(item["at"]).astimezone(ZoneInfo("Asia/Makassar"))
    decision = next(row for row in rows if row["kind"] == "decision")
    # The machine-readable columns stay UTC; the added ones are what people of the process read.
    assert (decision["at"], decision["decided_at"]) == (item["at"], item["decision"]["decided_at"])
    assert (decision["time_zone"], decision["at_local"], decision["decided_at_local"]) == (
        "Asia/Makassar",
        f"{published:%Y-%m-%d %H.%M} WITA",
        "2026-12-01 09.30 WITA",
    )
    assert any(
        f"Waktu: {published:%Y-%m-%d %H.%M} WITA" in summary and "Diputuskan: 2026-12-01 09.30 WITA" in summary
        for summary in summaries
    )


def test_the_berita_acara_shows_the_hour_the_room_met_in_the_zone_of_the_process(
    facilitator: Caller, anonymous: Caller
) -> None:
    process = wita_process(facilitator)
    story = decided_in_the_room(facilitator, process["id"])
    facilitator.ok(f"/meetings/{story['meeting']}/close", {"occurred_at": "2026-12-01T02:00:00Z"})
    facilitator.created(
        f"/meetings/{story['meeting']}/minutes",
        {"chair": {"name": "Bambang", "role": "Ketua BPD"}, "secretary": {"name": "Slamet", "role": "Sekdes"}},
    )

    pdf = anonymous.get(f"/meetings/{story['meeting']}/minutes.pdf").data
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))

    # Opened at 01:05 UTC: 09.05 WITA, where the region code alone would have said 08.05 WIB.
    assert "09.05 WITA" in text
    assert "WIB" not in text


def test_the_console_shows_times_in_the_zone_of_the_process_and_names_it_beside_every_typed_time(
    facilitator: Caller, client: FlaskClient
) -> None:
    process = makassar_process(facilitator)
    story = decided_in_the_room(facilitator, process["id"])
    signed_in(client, str(facilitator.secret))

    process_page = client.get(f"/console/proses/{process['id']}").text
    meeting_page = client.get(f"/console/rapat/{story['meeting']}").text
    proposal_page = client.get(f"/console/usulan/{story['proposal']}").text

    assert "2026-12-01 09.00 WITA" in process_page and "2026-12-01 09.00 WITA" in meeting_page
    for page in (process_page, meeting_page, proposal_page):
        assert " UTC<" not in page
        # Every datetime-local field has the zone it is read in beside it.
        assert page.count('type="datetime-local"') == page.count("(waktu WITA)") > 0


def test_the_console_reads_a_typed_time_in_the_zone_of_the_process_not_the_phones(
    facilitator: Caller, client: FlaskClient, app: Flask
) -> None:
    process = makassar_process(facilitator)
    csrf = signed_in(client, str(facilitator.secret))

    # A phone set to WIB (getTimezoneOffset -420) schedules a meeting at 10.00 as typed, which happened at 08.15.
    answer = client.post(
        "/console/langkah/schedule_meeting",
        data={
            "csrf_token": csrf,
            "idempotency_key": "jadwal-1",
            "process_id": process["id"],
            "title": "Musyawarah Dusun",
            "scheduled_for": "2026-12-20T10:00",
            "occurred_at": "2026-12-01T08:15",
            "tz_offset": "-420",
        },
    )

    assert answer.status_code == 303
    meeting_id = answer.headers["Location"].rsplit("/", 1)[-1]
    with app.app_context():
        meeting = current_mufakat().repository.get(UUID(meeting_id))
    assert isinstance(meeting, Meeting)
    assert meeting.scheduled_for == datetime(2026, 12, 20, 2, 0, tzinfo=UTC)  # 10.00 WITA
    scheduled = [e for e in current_mufakat_events(app, UUID(meeting_id)) if type(e).__name__ == "Scheduled"]
    assert scheduled[0].occurred_at == datetime(2026, 12, 1, 0, 15, tzinfo=UTC)  # 08.15 WITA


def current_mufakat_events(app: Flask, aggregate_id: UUID) -> list[Any]:
    """The stored events of one aggregate, oldest first."""
    with app.app_context():
        return list(current_mufakat().events.get(aggregate_id))

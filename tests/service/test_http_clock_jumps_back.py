"""The server's clock jumps back an hour (an NTP correction, a VM restored): the record keeps its order, work goes on.

The record's rule of time: every event records when it happened in the room (`occurred_at`, given by the
facilitator; default now) and when it was recorded (the event's timestamp, `recorded_at`); "a step cannot have
happened before the step it depends on, nor in the future". Both clocks jump back an hour here in the middle of
a musyawarah: the application's seam (`Mufakat.clock`, the unit of work's, which gives the default time) and
the one eventsourcing stamps each event with. A step given no time is then recorded at the step it depends on
(the clock's time would fall before it), never refused for it: a facilitator who said no time is not told
their step "is said to have happened" too early; and it is recorded (`recorded_at`) no earlier than the event
before it. A step given an earlier time is refused with the stable `occurred_at`-order code, a 409 problem
(never a 500, nothing half written), as before. Work that depends on nothing earlier is recorded at the clock's
time. The whole history stays ordered.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from uuid import UUID

import eventsourcing.domain
import pytest
from flask import Flask
from http_callers import Caller, process_body, start_village
from test_http_minutes import sealing

from domain.process import Process
from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.http.app_factory import create_app

SKEW = timedelta(minutes=5)  # how far ahead of the server's clock a step may say it happened (API.md)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The web application on a fresh database, signing its berita acara with a key of this test's own."""
    application = create_app(
        {
            "TESTING": True,
            "MUFAKAT_LEDGER_ENV": persistence_settings(database_url),
            "MUFAKAT_SECRET_KEY_FILE": str(tmp_path / "signing.key"),
        }
    )
    yield application
    opened = application.extensions.get("mufakat")
    if opened is not None:
        opened.close()


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _history(facilitator: Caller, proposal: str) -> list[dict[str, Any]]:
    answer = facilitator.get(f"{proposal}/history")
    assert answer.status_code == 200
    return answer.get_json()["items"]  # type: ignore[no-any-return]


def _set_the_system_clock_back(monkeypatch: pytest.MonkeyPatch, by: timedelta) -> None:
    """Each event's own timestamp (`recorded_at`) comes from eventsourcing's clock: it jumps back with the server's."""
    monkeypatch.setattr(eventsourcing.domain, "datetime_now_with_tzinfo", lambda: datetime.now(UTC) - by)


def _assert_ordered(steps: list[dict[str, Any]]) -> None:
    """Each step happened no earlier than the one before it, and not after it was recorded (beyond the skew)."""
    for earlier, later in pairwise(steps):
        assert _at(earlier["occurred_at"]) <= _at(later["occurred_at"]), (earlier["type"], later["type"])
        assert _at(earlier["recorded_at"]) <= _at(later["recorded_at"])
    for step in steps:
        assert _at(step["occurred_at"]) <= _at(step["recorded_at"]) + SKEW, step["type"]


@pytest.mark.both_stores
def test_after_the_clock_jumps_back_an_hour_steps_given_no_time_are_recorded_in_order_and_earlier_times_are_409s(
    facilitator: Caller, the_ledger: Mufakat, monkeypatch: pytest.MonkeyPatch
) -> None:
    before_jump = datetime.now(UTC)
    the_ledger.clock = lambda: before_jump
    village = start_village(facilitator)
    support = {"participant_id": village.participants[1], "kind": "support", "text": "Setuju."}
    facilitator.ok(f"{village.proposal}/contributions", support)
    recorded_before = _history(facilitator, village.proposal)

    jumped = before_jump - timedelta(hours=1)
    the_ledger.clock = lambda: jumped
    _set_the_system_clock_back(monkeypatch, by=timedelta(hours=1))
    # A step given a time before the proposal was submitted is refused, as it always was, and nothing is written.
    concern = {"participant_id": village.participants[2], "kind": "concern", "text": "Biayanya berapa?"}
    refused = facilitator.post(f"{village.proposal}/contributions", {**concern, "occurred_at": jumped.isoformat()})
    assert refused.status_code == 409, refused.get_json()
    assert refused.content_type == "application/problem+json"
    assert refused.get_json()["code"] == "occurred_out_of_order"
    assert _history(facilitator, village.proposal) == recorded_before

    # Steps given no time are recorded: each at the step it depends on (the proposal submitted, the meeting
    # opened, the check opened), not at the clock's time an hour before them.
    contributed = facilitator.post(f"{village.proposal}/contributions", concern)
    assert contributed.status_code == 200, contributed.get_json()
    check = facilitator.created(f"{village.proposal}/consensus-checks", {"meeting_id": village.meeting_id})
    facilitator.ok(
        f"{village.proposal}/consensus-checks/{check['check_id']}/stances",
        {"participant_id": village.participants[0], "stance": "agree"},
    )
    after_jump = _history(facilitator, village.proposal)[len(recorded_before) :]
    assert [step["type"] for step in after_jump] == ["Contributed", "ConsensusCheckOpened", "StanceTaken"]
    assert [_at(step["occurred_at"]) for step in after_jump] == [before_jump] * 3
    # A process opened after the jump depends on nothing earlier: it is recorded at the (jumped) clock's time.
    opened = facilitator.created("/processes", process_body())
    assert the_ledger.uow.get(Process, UUID(opened["id"]), "process", copy=False).opened_at == jumped
    assert _at(opened["created_at"]) < before_jump

    the_ledger.clock = lambda: datetime.now(UTC)
    _set_the_system_clock_back(monkeypatch, by=timedelta(0))
    facilitator.ok(f"{village.proposal}/consensus-checks/{check['check_id']}/close")
    steps = _history(facilitator, village.proposal)
    assert [step["type"] for step in steps[len(recorded_before) :]] == [
        "Contributed",
        "ConsensusCheckOpened",
        "StanceTaken",
        "ConsensusCheckClosed",
    ]
    _assert_ordered(steps)


@pytest.mark.both_stores
def test_after_the_clock_jumps_back_a_berita_acara_given_no_time_is_sealed_as_of_its_meeting_s_close(
    facilitator: Caller, the_ledger: Mufakat, monkeypatch: pytest.MonkeyPatch
) -> None:
    before_jump = datetime.now(UTC)
    the_ledger.clock = lambda: before_jump
    village = start_village(facilitator)
    facilitator.ok(f"/meetings/{village.meeting_id}/close", {"minutes": "Posyandu dibahas."})
    minutes = f"/meetings/{village.meeting_id}/minutes"

    the_ledger.clock = lambda: before_jump - timedelta(hours=1)
    _set_the_system_clock_back(monkeypatch, by=timedelta(hours=1))
    # Said to have been sealed before the meeting closed: refused, as it always was.
    refused = facilitator.post(minutes, sealing(occurred_at=(before_jump - timedelta(hours=1)).isoformat()))
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["code"] == "occurred_out_of_order"
    # Given no time, it is sealed as of the meeting's close, not refused for the clock's time an hour before it.
    sealed = facilitator.created(minutes, sealing())
    assert _at(sealed["sealed_at"]) == before_jump

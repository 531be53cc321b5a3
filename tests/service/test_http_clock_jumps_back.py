"""The server's clock jumps back an hour (an NTP correction, a VM restored): the record keeps its order.

The record's rule of time: every event records when it happened in the room (`occurred_at`, given by the
facilitator; default now) and when it was recorded (the event's timestamp, `recorded_at`); "a step cannot have
happened before the step it depends on, nor in the future". The clock is the application's seam (`Mufakat.clock`,
the unit of work's), set here to jump back an hour in the middle of a musyawarah. What is stored stays ordered: a
step whose default time (the jumped clock) falls before the step it depends on is refused with the stable
`occurred_at`-order code, a 409 problem (never a 500, nothing half written); work that depends on nothing earlier
goes on; once the clock is right again the same steps are recorded.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from http_callers import Caller, process_body, start_village

from service.app.application import Mufakat

SKEW = timedelta(minutes=5)  # how far ahead of the server's clock a step may say it happened (API.md)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _history(facilitator: Caller, proposal: str) -> list[dict[str, Any]]:
    answer = facilitator.get(f"{proposal}/history")
    assert answer.status_code == 200
    return answer.get_json()["items"]  # type: ignore[no-any-return]


def _assert_ordered(steps: list[dict[str, Any]]) -> None:
    """Each step happened no earlier than the one before it, and not after it was recorded (beyond the skew)."""
    for earlier, later in pairwise(steps):
        assert _at(earlier["occurred_at"]) <= _at(later["occurred_at"]), (earlier["type"], later["type"])
        assert _at(earlier["recorded_at"]) <= _at(later["recorded_at"])
    for step in steps:
        assert _at(step["occurred_at"]) <= _at(step["recorded_at"]) + SKEW, step["type"]


@pytest.mark.both_stores
def test_after_the_clock_jumps_back_an_hour_no_step_is_stored_out_of_order_and_the_refusals_are_409s(
    facilitator: Caller, the_ledger: Mufakat
) -> None:
    before_jump = datetime.now(UTC)
    the_ledger.clock = lambda: before_jump
    village = start_village(facilitator)
    support = {"participant_id": village.participants[1], "kind": "support", "text": "Setuju."}
    facilitator.ok(f"{village.proposal}/contributions", support)
    recorded_before = _history(facilitator, village.proposal)

    the_ledger.clock = lambda: before_jump - timedelta(hours=1)
    concern = {"participant_id": village.participants[2], "kind": "concern", "text": "Biayanya berapa?"}
    refused = [
        facilitator.post(f"{village.proposal}/contributions", concern),
        facilitator.post(f"{village.proposal}/consensus-checks", {"meeting_id": village.meeting_id}),
    ]
    for answer in refused:
        assert answer.status_code == 409, answer.get_json()
        assert answer.content_type == "application/problem+json"
        assert answer.get_json()["code"] == "occurred_out_of_order"
    # Nothing of the refused steps was written, and what was there is as it was.
    assert _history(facilitator, village.proposal) == recorded_before
    # A process opened after the jump depends on nothing earlier: it is recorded, at the (jumped) clock's time,
    # which is not after the moment it was recorded.
    opened = facilitator.created("/processes", process_body())
    assert _at(opened["created_at"]) <= datetime.now(UTC)

    the_ledger.clock = lambda: datetime.now(UTC)
    facilitator.ok(f"{village.proposal}/contributions", concern)
    facilitator.created(f"{village.proposal}/consensus-checks", {"meeting_id": village.meeting_id})
    steps = _history(facilitator, village.proposal)
    assert [step["type"] for step in steps[len(recorded_before) :]] == ["Contributed", "ConsensusCheckOpened"]
    _assert_ordered(steps)

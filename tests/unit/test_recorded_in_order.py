"""An aggregate's events are recorded in order (their `timestamp`, `recorded_at`), even after the clock jumped back.

eventsourcing stamps each event with the server's clock. A village server that boots with an old time until NTP
sets it right, or a clock set back an hour, would record a step before the step it follows; `?as_of=` picks
a version by these times. So an event is stamped no earlier than the event before it on its aggregate.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import eventsourcing.domain
import pytest

from .builders import FACILITATOR, moment, submit_proposal


def set_the_system_clock_to(monkeypatch: pytest.MonkeyPatch, now: datetime) -> None:
    monkeypatch.setattr(eventsourcing.domain, "datetime_now_with_tzinfo", lambda: now)


def test_an_event_recorded_while_the_clock_is_behind_is_stamped_at_the_event_before_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before_the_jump = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
    set_the_system_clock_to(monkeypatch, before_the_jump)
    proposal = submit_proposal()
    set_the_system_clock_to(monkeypatch, before_the_jump - timedelta(hours=1))

    proposal.contribute(uuid4(), "support", "Setuju.", FACILITATOR, occurred_at=moment())
    proposal.contribute(uuid4(), "concern", "Biayanya berapa?", FACILITATOR, occurred_at=moment())

    assert [event.timestamp for event in proposal.collect_events()] == [before_the_jump, before_the_jump]
    assert proposal.modified_on == before_the_jump


def test_an_event_recorded_while_the_clock_is_right_is_stamped_at_the_clock_s_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    submitted = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
    set_the_system_clock_to(monkeypatch, submitted)
    proposal = submit_proposal()
    a_minute_later = submitted + timedelta(minutes=1)
    set_the_system_clock_to(monkeypatch, a_minute_later)

    proposal.contribute(uuid4(), "support", "Setuju.", FACILITATOR, occurred_at=moment())

    (contributed,) = proposal.collect_events()
    assert contributed.timestamp == a_minute_later

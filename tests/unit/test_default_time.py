"""A step given no time is recorded at the later of the clock and the steps it depends on; a given time is checked.

After the server's clock jumps back (a village server booting with an old time until NTP corrects it), the
clock's time falls before steps already on the record. A facilitator who said no time is not refused for it:
the guards of order name the time the step depends on, and the command runs again with its default time
lifted there (`at_default_time`). A time the facilitator typed is never moved.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from uuid import uuid4

import pytest

from domain.actor import Actor
from domain.errors import OccurredOutOfOrder, ensure_not_after, ensure_not_before
from domain.proposal import Proposal
from domain.rules import DecisionRules
from service.app.access import Principal
from service.app.receipts import CommandContext, at_default_time

from .builders import FACILITATOR, submit_proposal

SUBMITTED = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
JUMPED_CLOCK = SUBMITTED - timedelta(hours=1)
ASKED = CommandContext(Principal(Actor(id="acct-fasilitator", role="facilitator", name="Bu Sari (fasilitator)")))


def clock_at(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def check_with_a_late_stance() -> tuple[Proposal, object]:
    """A proposal submitted at SUBMITTED, its check opened ten minutes later and a stance taken twenty minutes
    later: closing it depends on both."""
    proposal = submit_proposal(occurred_at=SUBMITTED)
    check_id = uuid4()
    proposal.open_consensus_check(
        check_id,
        uuid4(),
        9,
        9,
        DecisionRules(),
        FACILITATOR,
        occurred_at=SUBMITTED + timedelta(minutes=10),
        meeting_opened_at=None,
    )
    proposal.take_stance(check_id, uuid4(), "agree", None, FACILITATOR, occurred_at=SUBMITTED + timedelta(minutes=20))
    proposal.collect_events()
    return proposal, check_id


def test_a_refusal_for_falling_before_a_step_names_that_step_s_time() -> None:
    with pytest.raises(OccurredOutOfOrder) as refused:
        ensure_not_before(JUMPED_CLOCK, SUBMITTED, "the proposal was submitted")
    assert refused.value.not_before == SUBMITTED


def test_a_refusal_for_falling_after_an_end_names_no_time_to_move_to() -> None:
    with pytest.raises(OccurredOutOfOrder) as refused:
        ensure_not_after(SUBMITTED, JUMPED_CLOCK, "the meeting closed")
    assert refused.value.not_before is None


def test_the_default_time_is_the_clock_s_until_a_step_it_depends_on_is_known() -> None:
    assert ASKED.when(clock_at(JUMPED_CLOCK)) == JUMPED_CLOCK


def test_the_default_time_is_lifted_to_the_step_it_depends_on_while_the_clock_is_behind_it() -> None:
    lifted = CommandContext(ASKED.principal, default_not_before=SUBMITTED)
    assert lifted.when(clock_at(JUMPED_CLOCK)) == SUBMITTED
    # Once the clock is past it again, the clock's time is the step's.
    later = SUBMITTED + timedelta(minutes=3)
    assert lifted.when(clock_at(later)) == later


def test_a_time_the_caller_gave_is_never_lifted() -> None:
    given = CommandContext(ASKED.principal, occurred_at=JUMPED_CLOCK, default_not_before=SUBMITTED)
    assert given.when(clock_at(SUBMITTED)) == JUMPED_CLOCK


def test_a_step_given_no_time_is_recorded_at_the_latest_step_it_depends_on_when_the_clock_jumped_back() -> None:
    proposal, check_id = check_with_a_late_stance()
    runs: list[datetime] = []

    def close(context: CommandContext) -> None:
        runs.append(context.when(clock_at(JUMPED_CLOCK)))
        proposal.close_consensus_check(
            check_id, 9, 9, DecisionRules(), FACILITATOR, occurred_at=context.when(clock_at(JUMPED_CLOCK))
        )

    at_default_time(ASKED, close)

    # Refused before the check opened, then before its latest stance; recorded at that stance's time.
    assert runs == [JUMPED_CLOCK, SUBMITTED + timedelta(minutes=10), SUBMITTED + timedelta(minutes=20)]
    (closed,) = proposal.collect_events()
    assert closed.occurred_at == SUBMITTED + timedelta(minutes=20)  # type: ignore[attr-defined]
    assert proposal.check(check_id).result == "reached"


def test_a_lifted_time_is_recorded_in_utc_at_the_same_instant_as_the_step_it_depends_on() -> None:
    in_the_room = SUBMITTED.astimezone(timezone(timedelta(hours=7)))
    proposal = submit_proposal(occurred_at=in_the_room)

    def contribute(context: CommandContext) -> None:
        proposal.contribute(
            uuid4(), "support", "Setuju.", FACILITATOR, occurred_at=context.when(clock_at(JUMPED_CLOCK))
        )

    at_default_time(ASKED, contribute)

    (contributed,) = proposal.collect_events()
    assert contributed.occurred_at == SUBMITTED  # type: ignore[attr-defined]
    assert contributed.occurred_at.utcoffset() == timedelta(0)  # type: ignore[attr-defined]


def test_a_step_given_an_earlier_time_is_refused_as_before_and_run_once() -> None:
    proposal, check_id = check_with_a_late_stance()
    given = CommandContext(ASKED.principal, occurred_at=SUBMITTED + timedelta(minutes=15))
    runs: list[datetime] = []

    def close(context: CommandContext) -> None:
        runs.append(context.when(clock_at(JUMPED_CLOCK)))
        proposal.close_consensus_check(
            check_id, 9, 9, DecisionRules(), FACILITATOR, occurred_at=context.when(clock_at(JUMPED_CLOCK))
        )

    with pytest.raises(OccurredOutOfOrder) as refused:
        at_default_time(given, close)

    assert refused.value.code == "occurred_out_of_order"
    assert "its latest stance" in refused.value.detail
    assert runs == [SUBMITTED + timedelta(minutes=15)]
    assert proposal.collect_events() == []
    assert proposal.check(check_id).is_open


def test_a_default_time_after_the_end_of_what_it_belongs_to_stays_refused() -> None:
    proposal, check_id = check_with_a_late_stance()
    meeting_closed = SUBMITTED + timedelta(minutes=30)
    runs = 0

    def close(context: CommandContext) -> None:
        nonlocal runs
        runs += 1
        proposal.close_consensus_check(
            check_id,
            9,
            9,
            DecisionRules(),
            FACILITATOR,
            occurred_at=context.when(clock_at(meeting_closed + timedelta(hours=2))),
            meeting_closed_at=meeting_closed,
        )

    with pytest.raises(OccurredOutOfOrder) as refused:
        at_default_time(ASKED, close)

    assert "after its meeting closed" in refused.value.detail
    assert runs == 1
    assert proposal.collect_events() == []


def test_a_refusal_of_a_time_other_than_the_default_stands_after_one_more_run() -> None:
    proposal = submit_proposal(occurred_at=SUBMITTED)
    runs = 0

    def contribute_at_a_fixed_time(context: CommandContext) -> None:
        nonlocal runs
        runs += 1
        proposal.contribute(uuid4(), "support", "Setuju.", FACILITATOR, occurred_at=JUMPED_CLOCK)

    with pytest.raises(OccurredOutOfOrder) as refused:
        at_default_time(ASKED, contribute_at_a_fixed_time)

    assert refused.value.not_before == SUBMITTED
    assert runs == 2
    assert proposal.collect_events() == []

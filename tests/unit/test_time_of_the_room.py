"""When it happened in the room: every step carries `occurred_at`, and none happened before what it depends on.

A Musdes held on 5 September and typed in from the paper minutes weeks later reads as it happened.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from uuid import UUID, uuid4

import pytest

from domain.commitment import Commitment
from domain.participant import Participant
from domain.proposal import Proposal
from domain.rules import DecisionRules

from .builders import (
    ADMIN,
    FACILITATOR,
    assert_refused,
    failed_check,
    open_process,
    reached_check,
    schedule_meeting,
    submit_proposal,
)

WIB = timezone(timedelta(hours=7))
MUSDES = datetime(2026, 9, 5, 9, 0, tzinfo=WIB)
RULES = DecisionRules()


def at(minutes: int) -> datetime:
    """A moment of the Musdes of 5 September, `minutes` after it began (Western Indonesia Time)."""
    return MUSDES + timedelta(minutes=minutes)


def submitted_at_the_musdes() -> Proposal:
    return submit_proposal(occurred_at=at(10))


def check_opened_at(proposal: Proposal, minutes: int) -> UUID:
    check_id = uuid4()
    proposal.open_consensus_check(
        check_id, uuid4(), 9, 9, RULES, FACILITATOR, occurred_at=at(minutes), meeting_opened_at=at(0)
    )
    return check_id


# --- every step carries when it happened ---------------------------------------------


def test_a_whole_musyawarah_typed_in_afterwards_keeps_the_times_of_the_room() -> None:
    proposal = submitted_at_the_musdes()
    proposal.contribute(uuid4(), "support", "Perlu sekali", FACILITATOR, occurred_at=at(20))
    check_id = check_opened_at(proposal, 30)
    proposal.take_stance(check_id, uuid4(), "agree", None, FACILITATOR, occurred_at=at(35))
    proposal.close_consensus_check(check_id, 9, 9, RULES, FACILITATOR, occurred_at=at(40))
    proposal.decide("adopted", "consensus", "Mufakat", RULES, at(45), FACILITATOR)
    events = proposal.collect_events()
    assert [event.occurred_at for event in events] == [at(20), at(30), at(35), at(40), at(45)]  # type: ignore[attr-defined]
    assert all(event.timestamp > at(45) for event in events)  # recorded afterwards, from the paper minutes
    check = proposal.check(check_id)
    assert (check.opened_at, check.closed_at) == (at(30), at(40))
    assert proposal.submitted_at == at(10)
    assert proposal.decision is not None and proposal.decision.decided_at == at(45)


def test_every_aggregate_records_when_its_steps_happened() -> None:
    process = open_process(occurred_at=at(-60))
    process.enrol_participant(uuid4(), "women", "female", FACILITATOR, occurred_at=at(-50))
    process.schedule_meeting(uuid4(), FACILITATOR, occurred_at=at(-40))
    process.close(FACILITATOR, occurred_at=at(600))
    meeting = schedule_meeting(occurred_at=at(-30))
    meeting.open([], [], FACILITATOR, occurred_at=at(0))
    meeting.record_attendance([uuid4()], FACILITATOR, occurred_at=at(15))
    meeting.close("Notulen", FACILITATOR, occurred_at=at(120))
    participant = Participant(
        id=uuid4(),
        process_id=process.id,
        group="youth",
        gender=None,
        sealed_organisation=None,
        sealed_name="c2VhbGVk",
        sealed_contact=None,
        occurred_at=at(-45),
        actor=FACILITATOR,
    )
    participant.forget(ADMIN, occurred_at=at(900))
    commitment = Commitment.make(
        id=uuid4(),
        proposal_id=uuid4(),
        process_id=process.id,
        decision_outcome="adopted",
        owner="Kaur Pembangunan",
        description="Pengerasan",
        due=date(2027, 6, 30),
        indicators=[],
        actor=FACILITATOR,
        occurred_at=at(130),
    )
    commitment.report_progress(50, "Separuh", None, FACILITATOR, occurred_at=at(10_000))
    assert [e.occurred_at for e in process.collect_events()] == [at(-60), at(-50), at(-40), at(600)]  # type: ignore[attr-defined]
    assert [e.occurred_at for e in meeting.collect_events()] == [at(0), at(15), at(120)]  # type: ignore[attr-defined]
    assert [e.occurred_at for e in participant.collect_events()] == [at(-45), at(900)]  # type: ignore[attr-defined]
    assert [e.occurred_at for e in commitment.collect_events()] == [at(130), at(10_000)]  # type: ignore[attr-defined]
    assert (process.opened_at, meeting.opened_at, commitment.made_at) == (at(-60), at(0), at(130))


def test_a_time_without_its_offset_is_refused() -> None:
    proposal = submitted_at_the_musdes()
    naive = datetime(2026, 9, 5, 9, 30)
    assert_refused(
        proposal,
        "value_not_allowed",
        lambda: proposal.contribute(uuid4(), "support", "Setuju", FACILITATOR, occurred_at=naive),
    )


# --- never before what it depends on -------------------------------------------------


def refused_out_of_order(aggregate: object, step: Callable[[], object]) -> None:
    assert_refused(aggregate, "occurred_out_of_order", step)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "step",
    ["contribute", "amend", "raise_objection", "open_consensus_check", "withdraw", "decide"],
)
def test_no_step_of_a_proposal_happened_before_it_was_submitted(step: str) -> None:
    proposal = submitted_at_the_musdes()
    before = at(5)
    steps: dict[str, Callable[[], object]] = {
        "contribute": lambda: proposal.contribute(uuid4(), "support", "Setuju", FACILITATOR, occurred_at=before),
        "amend": lambda: proposal.amend("Teks", "alasan", uuid4(), FACILITATOR, occurred_at=before),
        "raise_objection": lambda: proposal.raise_objection(
            uuid4(), uuid4(), "alasan", False, FACILITATOR, occurred_at=before
        ),
        "open_consensus_check": lambda: proposal.open_consensus_check(
            uuid4(), uuid4(), 9, 9, RULES, FACILITATOR, occurred_at=before, meeting_opened_at=None
        ),
        "withdraw": lambda: proposal.withdraw("salah ketik", FACILITATOR, occurred_at=before),
        "decide": lambda: proposal.decide("deferred", "none", "nanti", RULES, before, FACILITATOR),
    }
    refused_out_of_order(proposal, steps[step])


def test_the_refusal_names_both_times_and_the_proposal() -> None:
    proposal = submitted_at_the_musdes()
    proposal.collect_events()
    with pytest.raises(Exception) as raised:
        proposal.contribute(uuid4(), "support", "Setuju", FACILITATOR, occurred_at=at(5))
    assert raised.value.code == "occurred_out_of_order"  # type: ignore[attr-defined]
    assert raised.value.ids == {"proposal_id": str(proposal.id)}  # type: ignore[attr-defined]
    assert at(5).isoformat() in str(raised.value) and at(10).isoformat() in str(raised.value)


def test_a_check_does_not_open_before_its_meeting_opened() -> None:
    proposal = submitted_at_the_musdes()
    meeting_id = uuid4()
    error = assert_refused(
        proposal,
        "occurred_out_of_order",
        lambda: proposal.open_consensus_check(
            uuid4(), meeting_id, 9, 9, RULES, FACILITATOR, occurred_at=at(20), meeting_opened_at=at(30)
        ),
    )
    assert error.ids == {"meeting_id": str(meeting_id)}


def test_a_vote_does_not_open_before_its_meeting_opened_nor_before_the_check_it_falls_back_on_closed() -> None:
    proposal = submitted_at_the_musdes()
    check_id = check_opened_at(proposal, 20)
    proposal.take_stance(check_id, uuid4(), "block", None, FACILITATOR, occurred_at=at(25))
    proposal.close_consensus_check(check_id, 9, 9, RULES, FACILITATOR, occurred_at=at(30))
    refused_out_of_order(
        proposal,
        lambda: proposal.open_vote(
            uuid4(), uuid4(), 9, 9, RULES, FACILITATOR, occurred_at=at(40), meeting_opened_at=at(50)
        ),
    )
    refused_out_of_order(
        proposal,
        lambda: proposal.open_vote(
            uuid4(), uuid4(), 9, 9, RULES, FACILITATOR, occurred_at=at(29), meeting_opened_at=at(0)
        ),
    )


def test_no_stance_before_its_check_opened_and_no_close_before_it_opened() -> None:
    proposal = submitted_at_the_musdes()
    check_id = check_opened_at(proposal, 30)
    refused_out_of_order(
        proposal, lambda: proposal.take_stance(check_id, uuid4(), "agree", None, FACILITATOR, occurred_at=at(29))
    )
    refused_out_of_order(
        proposal, lambda: proposal.close_consensus_check(check_id, 9, 9, RULES, FACILITATOR, occurred_at=at(29))
    )
    # At the very minute it opened is not before it.
    proposal.take_stance(check_id, uuid4(), "agree", None, FACILITATOR, occurred_at=at(30))


def test_no_ballot_before_its_vote_opened_and_no_close_before_it_opened() -> None:
    proposal = submitted_at_the_musdes()
    failed_check(proposal)  # at moments of March 2027
    vote_id = uuid4()
    opened = datetime(2027, 6, 1, 9, tzinfo=WIB)
    proposal.open_vote(vote_id, uuid4(), 9, 9, RULES, FACILITATOR, occurred_at=opened, meeting_opened_at=None)
    earlier = opened - timedelta(minutes=1)
    refused_out_of_order(
        proposal, lambda: proposal.cast_ballot(vote_id, uuid4(), "yes", FACILITATOR, occurred_at=earlier)
    )
    refused_out_of_order(proposal, lambda: proposal.close_vote(vote_id, 9, 9, RULES, FACILITATOR, occurred_at=earlier))


def test_no_objection_resolved_before_it_was_raised() -> None:
    proposal = submitted_at_the_musdes()
    objection_id = uuid4()
    proposal.raise_objection(objection_id, uuid4(), "Tanah sengketa", True, FACILITATOR, occurred_at=at(30))
    refused_out_of_order(
        proposal,
        lambda: proposal.resolve_objection(
            objection_id, "addressed", "Dipindah", RULES, FACILITATOR, occurred_at=at(20)
        ),
    )


def test_no_decision_before_the_check_it_stands_on_closed() -> None:
    proposal = submitted_at_the_musdes()
    check_id = check_opened_at(proposal, 30)
    proposal.take_stance(check_id, uuid4(), "agree", None, FACILITATOR, occurred_at=at(35))
    proposal.close_consensus_check(check_id, 9, 9, RULES, FACILITATOR, occurred_at=at(40))
    refused_out_of_order(
        proposal, lambda: proposal.decide("adopted", "consensus", "Mufakat", RULES, at(39), FACILITATOR)
    )
    refused_out_of_order(proposal, lambda: proposal.decide("rejected", "none", "Tidak", RULES, at(39), FACILITATOR))
    proposal.decide("adopted", "consensus", "Mufakat", RULES, at(40), FACILITATOR)


def test_no_annulment_before_the_decision_it_annuls() -> None:
    proposal = submitted_at_the_musdes()
    proposal.decide("rejected", "none", "Tidak", RULES, at(60), FACILITATOR)
    refused_out_of_order(
        proposal, lambda: proposal.annul_decision("keliru", None, None, FACILITATOR, occurred_at=at(59))
    )


def test_no_attendance_and_no_close_before_the_meeting_opened() -> None:
    meeting = schedule_meeting(occurred_at=at(-30))
    meeting.open([], [], FACILITATOR, occurred_at=at(0))
    refused_out_of_order(meeting, lambda: meeting.record_attendance([uuid4()], FACILITATOR, occurred_at=at(-1)))
    refused_out_of_order(meeting, lambda: meeting.close(None, FACILITATOR, occurred_at=at(-1)))


def test_no_process_closes_before_it_opened() -> None:
    process = open_process(occurred_at=at(0))
    refused_out_of_order(process, lambda: process.close(FACILITATOR, occurred_at=at(-1)))


def test_no_progress_before_the_commitment_was_made() -> None:
    commitment = Commitment.make(
        id=uuid4(),
        proposal_id=uuid4(),
        process_id=uuid4(),
        decision_outcome="adopted",
        owner="Kaur Pembangunan",
        description="Pengerasan",
        due=date(2027, 6, 30),
        indicators=[],
        actor=FACILITATOR,
        occurred_at=at(100),
    )
    refused_out_of_order(
        commitment, lambda: commitment.report_progress(10, "Mulai", None, FACILITATOR, occurred_at=at(99))
    )


def test_a_stance_after_the_check_closed_stays_refused_as_closed_whatever_its_time() -> None:
    proposal = submitted_at_the_musdes()
    check_id = reached_check(proposal)
    assert_refused(
        proposal,
        "check_not_open",
        lambda: proposal.take_stance(check_id, uuid4(), "block", None, FACILITATOR, occurred_at=at(11)),
    )

"""Values outside the domain's vocabulary are refused by the aggregates themselves, not only by HTTP schemas."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.commitment import Commitment
from domain.rules import DecisionRules

from .builders import DECIDED_AT, FACILITATOR, assert_refused, failed_check, moment, open_process, submit_proposal


def _open_check(proposal):  # type: ignore[no-untyped-def]
    check_id = uuid4()
    proposal.open_consensus_check(
        check_id, uuid4(), 3, 3, DecisionRules(), FACILITATOR, occurred_at=moment(), meeting_opened_at=None
    )
    proposal.collect_events()
    return check_id


def test_an_unknown_stance_is_refused_so_the_check_can_still_be_tallied() -> None:
    proposal = submit_proposal()
    check_id = _open_check(proposal)
    assert_refused(
        proposal,
        "value_not_allowed",
        lambda: proposal.take_stance(check_id, uuid4(), "maybe", None, FACILITATOR, occurred_at=moment()),
    )
    proposal.close_consensus_check(check_id, 3, 3, DecisionRules(), FACILITATOR, occurred_at=moment())
    assert proposal.check(check_id).result == "not_reached"


def test_an_unknown_ballot_choice_is_refused() -> None:
    proposal = submit_proposal()
    failed_check(proposal)
    vote_id = uuid4()
    proposal.open_vote(
        vote_id, uuid4(), 3, 3, DecisionRules(), FACILITATOR, occurred_at=moment(), meeting_opened_at=None
    )
    proposal.collect_events()
    assert_refused(
        proposal,
        "value_not_allowed",
        lambda: proposal.cast_ballot(vote_id, uuid4(), "ya", FACILITATOR, occurred_at=moment()),
    )


def test_an_unknown_contribution_kind_is_refused() -> None:
    proposal = submit_proposal()
    assert_refused(
        proposal,
        "value_not_allowed",
        lambda: proposal.contribute(uuid4(), "gossip", "teks", FACILITATOR, occurred_at=moment()),
    )


@pytest.mark.parametrize(("outcome", "method"), [("approved", "none"), ("rejected", "lottery")])
def test_an_unknown_decision_outcome_or_method_is_refused(outcome: str, method: str) -> None:
    proposal = submit_proposal()
    assert_refused(
        proposal,
        "value_not_allowed",
        lambda: proposal.decide(outcome, method, "alasan", DecisionRules(), DECIDED_AT, FACILITATOR),
    )


def test_an_unknown_objection_outcome_is_refused() -> None:
    proposal = submit_proposal()
    objection_id = uuid4()
    proposal.raise_objection(objection_id, uuid4(), "biaya", True, FACILITATOR, occurred_at=moment())
    proposal.collect_events()
    assert_refused(
        proposal,
        "value_not_allowed",
        lambda: proposal.resolve_objection(
            objection_id, "ignored", "catatan", DecisionRules(), FACILITATOR, occurred_at=moment()
        ),
    )
    assert proposal.objection(objection_id).state == "unresolved"


@pytest.mark.parametrize(("group", "gender"), [("aliens", "female"), ("women", "other")])
def test_a_participant_of_an_unknown_group_or_gender_is_not_enrolled(group: str, gender: str) -> None:
    process = open_process()
    process.collect_events()
    assert_refused(
        process,
        "value_not_allowed",
        lambda: process.enrol_participant(uuid4(), group, gender, FACILITATOR, occurred_at=moment()),
    )
    assert process.participant_ids == []


def test_enrolling_the_same_participant_twice_cannot_undo_their_forgetting() -> None:
    process = open_process()
    participant_id = uuid4()
    process.enrol_participant(participant_id, "women", "female", FACILITATOR, occurred_at=moment())
    process.note_participant_forgotten(participant_id, FACILITATOR, occurred_at=moment())
    process.collect_events()
    assert_refused(
        process,
        "value_not_allowed",
        lambda: process.enrol_participant(participant_id, "women", "female", FACILITATOR, occurred_at=moment()),
    )
    assert process.register[str(participant_id)]["forgotten"] is True


@pytest.mark.parametrize("percent", [-1, 101])
def test_progress_outside_zero_to_a_hundred_percent_is_refused(percent: int) -> None:
    commitment = Commitment.make(
        id=uuid4(),
        proposal_id=uuid4(),
        process_id=uuid4(),
        decision_outcome="adopted",
        owner="Kaur Pembangunan",
        description="Pengerasan jalan",
        due=date(2027, 12, 31),
        indicators=["500 m jalan"],
        actor=FACILITATOR,
        occurred_at=moment(),
    )
    commitment.collect_events()
    assert_refused(
        commitment,
        "value_not_allowed",
        lambda: commitment.report_progress(percent, "catatan", None, FACILITATOR, occurred_at=moment()),
    )
    assert commitment.percent == 0

"""Consensus checks: opened with quorum, stances that supersede, closed with a result."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from domain.proposal import Proposal
from domain.rules import DecisionRules

from .builders import FACILITATOR, assert_refused, moment, submit_proposal

RULES = DecisionRules()


def open_check(proposal: Proposal, invited: int = 9, present: int = 9) -> UUID:
    check_id = uuid4()
    proposal.open_consensus_check(
        check_id, uuid4(), invited, present, RULES, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
    )
    return check_id


def test_a_check_opens_at_a_meeting_whose_quorum_holds() -> None:
    proposal = submit_proposal()
    meeting_id, check_id = uuid4(), uuid4()
    proposal.open_consensus_check(
        check_id, meeting_id, 9, 6, RULES, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
    )
    (opened,) = proposal.collect_events()
    assert isinstance(opened, Proposal.ConsensusCheckOpened)
    assert opened.meeting_id == meeting_id
    assert opened.actor == FACILITATOR
    check = proposal.check(check_id)
    assert check.status == "open"
    assert check.meeting_id == str(meeting_id)


def test_a_check_does_not_open_without_quorum() -> None:
    proposal = submit_proposal()
    meeting_id = uuid4()
    error = assert_refused(
        proposal,
        "quorum_not_met",
        lambda: proposal.open_consensus_check(
            uuid4(), meeting_id, 9, 5, RULES, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
        ),
    )
    assert error.ids == {"meeting_id": str(meeting_id)}
    assert proposal.checks == {}


def test_a_stance_is_recorded_with_the_actor() -> None:
    proposal = submit_proposal()
    check_id = open_check(proposal)
    participant_id = uuid4()
    proposal.collect_events()
    proposal.take_stance(
        check_id, participant_id, "disagree", "Lebih baik irigasi dulu", FACILITATOR, occurred_at=moment()
    )
    (taken,) = proposal.collect_events()
    assert isinstance(taken, Proposal.StanceTaken)
    assert taken.participant_id == participant_id
    assert taken.reason == "Lebih baik irigasi dulu"
    assert taken.actor == FACILITATOR
    assert proposal.check(check_id).stances == {str(participant_id): "disagree"}


def test_a_changed_stance_supersedes_and_both_stay_in_history() -> None:
    proposal = submit_proposal()
    check_id = open_check(proposal)
    participant_id = uuid4()
    proposal.collect_events()
    proposal.take_stance(check_id, participant_id, "block", "Tanah belum jelas", FACILITATOR, occurred_at=moment())
    proposal.take_stance(check_id, participant_id, "agree", "Sudah dijelaskan", FACILITATOR, occurred_at=moment())
    history = [(e.participant_id, e.stance) for e in proposal.collect_events()]
    assert history == [(participant_id, "block"), (participant_id, "agree")]
    assert proposal.check(check_id).count_stances() == {"agree": 1, "abstain": 0, "disagree": 0, "block": 0}
    proposal.close_consensus_check(check_id, 9, 9, RULES, FACILITATOR, occurred_at=moment())
    assert proposal.check(check_id).result == "reached"


def test_consensus_by_consent_is_reached_when_nobody_blocks_more_agree_than_disagree_and_the_quorum_holds() -> None:
    proposal = submit_proposal()
    check_id = open_check(proposal)
    for stance in ("agree", "agree", "abstain", "disagree"):
        proposal.take_stance(check_id, uuid4(), stance, None, FACILITATOR, occurred_at=moment())
    proposal.collect_events()
    proposal.close_consensus_check(
        check_id, 9, 6, DecisionRules(consensus="consent"), FACILITATOR, occurred_at=moment()
    )
    (closed,) = proposal.collect_events()
    assert isinstance(closed, Proposal.ConsensusCheckClosed)
    assert closed.actor == FACILITATOR
    check = proposal.check(check_id)
    assert check.status == "closed"
    assert check.result == "reached"
    assert check.tally == {
        "agree": 2,
        "abstain": 1,
        "disagree": 1,
        "block": 0,
        "invited": 9,
        "present": 6,
        "quorum_met": True,
        "unresolved_blocking_objections": 0,
        "rule": "consent",
        "dissent": 1,
    }


def test_one_block_stance_means_no_consensus() -> None:
    proposal = submit_proposal()
    check_id = open_check(proposal)
    for stance in ("agree", "agree", "agree", "block"):
        proposal.take_stance(check_id, uuid4(), stance, None, FACILITATOR, occurred_at=moment())
    proposal.close_consensus_check(check_id, 9, 9, RULES, FACILITATOR, occurred_at=moment())
    assert proposal.check(check_id).result == "not_reached"


def test_an_unresolved_blocking_objection_means_no_consensus_even_if_all_agree() -> None:
    proposal = submit_proposal()
    proposal.raise_objection(uuid4(), uuid4(), "Tanah belum dibebaskan", True, FACILITATOR, occurred_at=moment())
    check_id = open_check(proposal)
    proposal.take_stance(check_id, uuid4(), "agree", None, FACILITATOR, occurred_at=moment())
    proposal.close_consensus_check(check_id, 9, 9, RULES, FACILITATOR, occurred_at=moment())
    check = proposal.check(check_id)
    assert check.result == "not_reached"
    assert check.tally is not None and check.tally["unresolved_blocking_objections"] == 1


def test_a_resolved_blocking_objection_no_longer_stands_in_the_way() -> None:
    proposal = submit_proposal()
    objection_id = uuid4()
    proposal.raise_objection(objection_id, uuid4(), "Tanah belum dibebaskan", True, FACILITATOR, occurred_at=moment())
    proposal.resolve_objection(objection_id, "addressed", "Sudah dibebaskan", RULES, FACILITATOR, occurred_at=moment())
    check_id = open_check(proposal)
    proposal.take_stance(check_id, uuid4(), "agree", None, FACILITATOR, occurred_at=moment())
    proposal.close_consensus_check(check_id, 9, 9, RULES, FACILITATOR, occurred_at=moment())
    assert proposal.check(check_id).result == "reached"


@pytest.mark.parametrize("stances", [[], ["abstain", "abstain"], ["abstain", "disagree"]])
def test_without_anyone_agreeing_there_is_no_consensus(stances: list[str]) -> None:
    proposal = submit_proposal()
    check_id = open_check(proposal)
    for stance in stances:
        proposal.take_stance(check_id, uuid4(), stance, None, FACILITATOR, occurred_at=moment())
    proposal.close_consensus_check(check_id, 9, 9, RULES, FACILITATOR, occurred_at=moment())
    assert proposal.check(check_id).result == "not_reached"


def test_a_check_whose_meeting_lost_its_quorum_before_closing_is_not_reached() -> None:
    proposal = submit_proposal()
    check_id = open_check(proposal, invited=9, present=6)
    proposal.take_stance(check_id, uuid4(), "agree", None, FACILITATOR, occurred_at=moment())
    # Three more were invited once the meeting was under way: 6 of 12 is short of two thirds.
    proposal.close_consensus_check(check_id, 12, 6, RULES, FACILITATOR, occurred_at=moment())
    check = proposal.check(check_id)
    assert check.result == "not_reached"
    assert check.tally is not None and check.tally["quorum_met"] is False


def test_a_closed_check_takes_no_more_stances() -> None:
    proposal = submit_proposal()
    check_id = open_check(proposal)
    proposal.take_stance(check_id, uuid4(), "agree", None, FACILITATOR, occurred_at=moment())
    proposal.close_consensus_check(check_id, 9, 9, RULES, FACILITATOR, occurred_at=moment())
    error = assert_refused(
        proposal,
        "check_not_open",
        lambda: proposal.take_stance(check_id, uuid4(), "block", None, FACILITATOR, occurred_at=moment()),
    )
    assert error.ids == {"check_id": str(check_id)}
    assert proposal.check(check_id).result == "reached"


def test_a_check_is_closed_only_once() -> None:
    proposal = submit_proposal()
    check_id = open_check(proposal)
    proposal.close_consensus_check(check_id, 9, 9, RULES, FACILITATOR, occurred_at=moment())
    assert_refused(
        proposal,
        "check_not_open",
        lambda: proposal.close_consensus_check(check_id, 9, 9, RULES, FACILITATOR, occurred_at=moment()),
    )

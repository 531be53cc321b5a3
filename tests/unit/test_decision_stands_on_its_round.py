"""A decision tells how the room decided, and the record bears it out (issue 17, item 8).

"Ditolak melalui mufakat" stands on a consensus to reject, itself a check closed on the current text; "melalui
pemungutan suara" on a vote closed on the current text that did not pass; "tanpa mufakat atau pemungutan suara"
(`none`) on nothing. A refusal says what happened: no check held is not a check that failed.
"""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from domain.proposal import Proposal
from domain.rules import DecisionRules

from .builders import DECIDED_AT, FACILITATOR, assert_refused, failed_check, moment, reached_check, submit_proposal

UNANIMITY = DecisionRules()
CONSENT = DecisionRules(consensus="consent")


def reject(proposal: Proposal, method: str, rules: DecisionRules = UNANIMITY) -> None:
    proposal.decide("rejected", method, "Tidak disepakati", rules, DECIDED_AT, FACILITATOR)


def check_with(proposal: Proposal, *stances: str, rules: DecisionRules = UNANIMITY, present: int = 9) -> UUID:
    """A consensus check with these stances, closed with `present` of 9 invited attending."""
    check_id = uuid4()
    proposal.open_consensus_check(
        check_id, uuid4(), 9, 9, rules, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
    )
    for stance in stances:
        proposal.take_stance(check_id, uuid4(), stance, None, FACILITATOR, occurred_at=moment())
    proposal.close_consensus_check(check_id, 9, present, rules, FACILITATOR, occurred_at=moment())
    return check_id


def vote_with(proposal: Proposal, *choices: str, present: int = 9) -> UUID:
    """After a failed check, a vote with these ballots, closed with `present` of 9 invited attending."""
    failed_check(proposal)
    vote_id = uuid4()
    proposal.open_vote(vote_id, uuid4(), 9, 9, UNANIMITY, FACILITATOR, occurred_at=moment(), meeting_opened_at=None)
    for choice in choices:
        proposal.cast_ballot(vote_id, uuid4(), choice, FACILITATOR, occurred_at=moment())
    proposal.close_vote(vote_id, 9, present, UNANIMITY, FACILITATOR, occurred_at=moment())
    return vote_id


# --- by consensus -----------------------------------------------------------------------------------------


def test_a_rejection_by_consensus_without_any_check_says_no_check_was_held() -> None:
    proposal = submit_proposal()

    error = assert_refused(proposal, "no_check_on_this_text", lambda: reject(proposal, "consensus"))

    assert error.ids == {"proposal_id": str(proposal.id)}


def test_a_room_agreed_against_the_text_rejects_it_by_consensus() -> None:
    proposal = submit_proposal()
    check_with(proposal, "disagree", "block", "abstain")

    reject(proposal, "consensus")

    assert proposal.decision is not None
    assert (proposal.decision.outcome, proposal.decision.method) == ("rejected", "consensus")


def test_a_check_that_failed_because_one_disagreed_is_no_consensus_to_reject() -> None:
    proposal = submit_proposal()
    check_id = check_with(proposal, "agree", "agree", "agree", "disagree")

    error = assert_refused(proposal, "no_consensus_to_reject", lambda: reject(proposal, "consensus"))

    assert proposal.check(check_id).result == "not_reached"
    assert error.ids == {"check_id": str(check_id)}


def test_a_reached_check_is_no_consensus_to_reject() -> None:
    proposal = submit_proposal()
    reached_check(proposal)

    assert_refused(proposal, "no_consensus_to_reject", lambda: reject(proposal, "consensus"))


def test_a_check_where_nobody_took_a_stance_is_no_consensus_to_reject() -> None:
    proposal = submit_proposal()
    check_with(proposal)

    assert_refused(proposal, "no_consensus_to_reject", lambda: reject(proposal, "consensus"))


def test_under_consent_more_against_than_for_rejects_by_consensus_and_a_tie_does_not() -> None:
    tied, against = submit_proposal(), submit_proposal()
    check_with(tied, "agree", "disagree", rules=CONSENT)
    check_with(against, "agree", "disagree", "block", rules=CONSENT)

    assert_refused(tied, "no_consensus_to_reject", lambda: reject(tied, "consensus", CONSENT))
    reject(against, "consensus", CONSENT)

    assert against.status == "decided"


def test_a_check_held_without_quorum_rejects_nothing() -> None:
    proposal = submit_proposal()
    check_with(proposal, "disagree", "disagree", present=3)

    assert_refused(proposal, "quorum_not_met", lambda: reject(proposal, "consensus"))


def test_a_consensus_to_reject_an_older_text_does_not_reject_the_amended_one() -> None:
    proposal = submit_proposal()
    check_with(proposal, "disagree", "block")
    proposal.amend("Teks baru.", "Perbaikan", uuid4(), FACILITATOR, occurred_at=moment())

    assert_refused(proposal, "text_changed_since_check", lambda: reject(proposal, "consensus"))


def test_a_deferral_by_consensus_needs_a_check_held_on_the_current_text() -> None:
    proposal = submit_proposal()

    assert_refused(
        proposal,
        "no_check_on_this_text",
        lambda: proposal.decide("deferred", "consensus", "Nanti", UNANIMITY, DECIDED_AT, FACILITATOR),
    )
    failed_check(proposal)
    proposal.decide("deferred", "consensus", "Nanti", UNANIMITY, DECIDED_AT, FACILITATOR)

    assert proposal.decision is not None and proposal.decision.outcome == "deferred"


# --- by vote ------------------------------------------------------------------------------------------------


def test_a_rejection_by_vote_without_any_vote_says_no_vote_was_held() -> None:
    proposal = submit_proposal()
    failed_check(proposal)

    assert_refused(proposal, "no_vote_on_this_text", lambda: reject(proposal, "vote"))


def test_a_vote_that_did_not_pass_rejects_by_vote() -> None:
    proposal = submit_proposal()
    vote_with(proposal, "yes", "no", "no")

    reject(proposal, "vote")

    assert proposal.decision is not None and proposal.decision.method == "vote"


def test_a_vote_that_passed_is_not_a_rejection_by_vote() -> None:
    proposal = submit_proposal()
    vote_id = vote_with(proposal, "yes", "yes", "no")

    error = assert_refused(proposal, "vote_passed", lambda: reject(proposal, "vote"))

    assert error.ids == {"vote_id": str(vote_id)}


def test_a_vote_held_without_quorum_rejects_nothing() -> None:
    proposal = submit_proposal()
    vote_with(proposal, "no", "no", present=3)

    assert_refused(proposal, "quorum_not_met", lambda: reject(proposal, "vote"))


def test_a_vote_on_an_older_text_does_not_reject_the_amended_one() -> None:
    proposal = submit_proposal()
    vote_with(proposal, "no", "no")
    proposal.amend("Teks baru.", "Perbaikan", uuid4(), FACILITATOR, occurred_at=moment())

    assert_refused(proposal, "text_changed_since_check", lambda: reject(proposal, "vote"))


# --- without either -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["rejected", "deferred"])
def test_a_decision_without_consensus_or_vote_stands_on_no_round(outcome: str) -> None:
    proposal = submit_proposal()

    proposal.decide(outcome, "none", "Anggaran tidak ada", UNANIMITY, DECIDED_AT, FACILITATOR)

    assert proposal.decision is not None
    assert (proposal.decision.outcome, proposal.decision.method) == (outcome, "none")


def test_consensus_against_reads_the_rule_the_other_way_round() -> None:
    assert UNANIMITY.consensus_against({"disagree": 2, "abstain": 5})
    assert UNANIMITY.consensus_against({"block": 1})
    assert not UNANIMITY.consensus_against({"disagree": 5, "agree": 1})
    assert not UNANIMITY.consensus_against({"abstain": 3})
    assert CONSENT.consensus_against({"disagree": 2, "agree": 1})
    assert not CONSENT.consensus_against({"disagree": 1, "agree": 1})

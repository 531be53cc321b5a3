"""The decision: adoption only on a reached check or a passed vote; a rejection or deferral by consensus or vote
only on a check or vote held on the current text whose result bears it out; without either (`none`) freely."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.deliberation import Decision
from domain.proposal import Proposal
from domain.rules import DecisionRules

from .builders import (
    DECIDED_AT,
    FACILITATOR,
    assert_refused,
    failed_check,
    moment,
    passed_vote,
    reached_check,
    submit_proposal,
)

RULES = DecisionRules()
CONSENSUS_ONLY = DecisionRules(vote_fallback=False)


def adopt(proposal: Proposal, method: str, rules: DecisionRules = RULES) -> None:
    proposal.decide("adopted", method, "Disepakati bersama", rules, DECIDED_AT, FACILITATOR)


def test_a_proposal_is_adopted_by_consensus_after_a_reached_check() -> None:
    proposal = submit_proposal()
    reached_check(proposal)
    adopt(proposal, "consensus")
    (decided,) = proposal.collect_events()
    assert isinstance(decided, Proposal.Decided)
    assert decided.actor == FACILITATOR
    assert decided.occurred_at == DECIDED_AT
    assert proposal.status == "decided"
    assert proposal.decision == Decision(
        outcome="adopted",
        method="consensus",
        rationale="Disepakati bersama",
        rules=RULES.as_dict(),
        decided_at=DECIDED_AT,
    )


def test_a_decision_keeps_a_copy_of_the_rules_it_was_made_under() -> None:
    rules = DecisionRules(quorum=0.75, legal_basis="Permendesa 16/2019")
    proposal = submit_proposal()
    reached_check(proposal, rules)
    adopt(proposal, "consensus", rules)
    assert proposal.decision is not None
    assert DecisionRules.from_dict(proposal.decision.rules) == rules


def test_a_proposal_is_adopted_by_vote_after_a_passed_vote() -> None:
    proposal = submit_proposal()
    passed_vote(proposal)
    adopt(proposal, "vote")
    assert proposal.decision is not None
    assert (proposal.decision.outcome, proposal.decision.method) == ("adopted", "vote")


def test_no_adoption_by_consensus_without_any_check() -> None:
    proposal = submit_proposal()
    # Not "consensus not reached": no check was held at all, and the refusal says so.
    error = assert_refused(proposal, "no_check_on_this_text", lambda: adopt(proposal, "consensus"))
    assert error.ids == {"proposal_id": str(proposal.id)}
    assert proposal.decision is None


def test_no_decision_of_any_kind_while_a_check_is_still_open() -> None:
    proposal = submit_proposal()
    proposal.open_consensus_check(
        uuid4(), uuid4(), 9, 9, RULES, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
    )
    for outcome, method in (("adopted", "consensus"), ("rejected", "none"), ("deferred", "none")):
        error = assert_refused(
            proposal,
            "check_or_vote_open",
            lambda outcome=outcome, method=method: proposal.decide(  # type: ignore[misc]
                outcome, method, "alasan", RULES, DECIDED_AT, FACILITATOR
            ),
        )
        assert error.ids == {"proposal_id": str(proposal.id)}
    assert proposal.decision is None


def test_no_adoption_by_consensus_after_a_check_that_was_not_reached() -> None:
    proposal = submit_proposal()
    check_id = uuid4()
    proposal.open_consensus_check(
        check_id, uuid4(), 9, 9, RULES, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
    )
    proposal.take_stance(check_id, uuid4(), "block", "Tidak setuju lokasi", FACILITATOR, occurred_at=moment())
    proposal.close_consensus_check(check_id, 9, 9, RULES, FACILITATOR, occurred_at=moment())
    assert_refused(proposal, "consensus_not_reached", lambda: adopt(proposal, "consensus"))


def test_the_latest_closed_check_decides_whether_consensus_was_reached() -> None:
    proposal = submit_proposal()
    reached_check(proposal)
    later = uuid4()
    proposal.open_consensus_check(
        later, uuid4(), 9, 9, RULES, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
    )
    proposal.take_stance(later, uuid4(), "block", None, FACILITATOR, occurred_at=moment())
    proposal.close_consensus_check(later, 9, 9, RULES, FACILITATOR, occurred_at=moment())
    assert_refused(proposal, "consensus_not_reached", lambda: adopt(proposal, "consensus"))


def test_no_adoption_by_consensus_over_an_unresolved_blocking_objection() -> None:
    proposal = submit_proposal()
    reached_check(proposal)
    objection_id = uuid4()
    # The objection comes after the check was reached: it still stands in the way.
    proposal.raise_objection(objection_id, uuid4(), "Tanah belum dibebaskan", True, FACILITATOR, occurred_at=moment())
    error = assert_refused(proposal, "unresolved_blocking_objection", lambda: adopt(proposal, "consensus"))
    assert error.ids == {"objection_id": str(objection_id)}


def test_once_the_late_blocking_objection_is_withdrawn_the_reached_check_adopts() -> None:
    proposal = submit_proposal()
    reached_check(proposal)
    objection_id = uuid4()
    proposal.raise_objection(objection_id, uuid4(), "Tanah belum dibebaskan", True, FACILITATOR, occurred_at=moment())
    proposal.resolve_objection(objection_id, "withdrawn", "Sudah jelas", RULES, FACILITATOR, occurred_at=moment())
    adopt(proposal, "consensus")
    assert proposal.decision is not None and proposal.decision.outcome == "adopted"


def test_a_late_non_blocking_objection_does_not_prevent_adoption() -> None:
    proposal = submit_proposal()
    reached_check(proposal)
    proposal.raise_objection(uuid4(), uuid4(), "Catatan saja", False, FACILITATOR, occurred_at=moment())
    adopt(proposal, "consensus")
    assert proposal.status == "decided"


def test_no_adoption_by_vote_without_a_passed_vote() -> None:
    proposal = submit_proposal()
    failed_check(proposal)
    assert_refused(proposal, "no_vote_on_this_text", lambda: adopt(proposal, "vote"))
    vote_id = uuid4()
    proposal.open_vote(vote_id, uuid4(), 9, 9, RULES, FACILITATOR, occurred_at=moment(), meeting_opened_at=None)
    for choice in ("yes", "no"):
        proposal.cast_ballot(vote_id, uuid4(), choice, FACILITATOR, occurred_at=moment())
    assert_refused(proposal, "check_or_vote_open", lambda: adopt(proposal, "vote"))
    proposal.close_vote(vote_id, 9, 9, RULES, FACILITATOR, occurred_at=moment())
    assert proposal.vote(vote_id).result == "failed"
    assert_refused(proposal, "vote_not_passed", lambda: adopt(proposal, "vote"))


def test_no_adoption_by_vote_where_the_rules_allow_consensus_only() -> None:
    proposal = submit_proposal()
    passed_vote(proposal)
    assert_refused(proposal, "vote_fallback_not_allowed", lambda: adopt(proposal, "vote", CONSENSUS_ONLY))


def test_a_passed_vote_does_not_stand_for_consensus() -> None:
    proposal = submit_proposal()
    passed_vote(proposal)
    assert_refused(proposal, "consensus_not_reached", lambda: adopt(proposal, "consensus"))


def test_no_adoption_without_consensus_or_vote() -> None:
    proposal = submit_proposal()
    reached_check(proposal)
    assert_refused(proposal, "adoption_needs_consensus_or_vote", lambda: adopt(proposal, "none"))


@pytest.mark.parametrize("method", ["acclamation", ""])
def test_adoption_by_a_method_the_domain_does_not_know_is_refused(method: str) -> None:
    proposal = submit_proposal()
    reached_check(proposal)
    assert_refused(proposal, "value_not_allowed", lambda: adopt(proposal, method))


@pytest.mark.parametrize("outcome", ["rejected", "deferred"])
def test_a_proposal_is_rejected_or_deferred_without_a_check_or_vote(outcome: str) -> None:
    proposal = submit_proposal()
    proposal.raise_objection(uuid4(), uuid4(), "alasan", True, FACILITATOR, occurred_at=moment())
    proposal.decide(outcome, "none", "Belum ada anggaran", RULES, DECIDED_AT, FACILITATOR)
    assert proposal.decision is not None
    assert proposal.decision.outcome == outcome
    assert proposal.status == "decided"


def test_a_proposal_is_decided_only_once() -> None:
    proposal = submit_proposal()
    reached_check(proposal)
    adopt(proposal, "consensus")
    assert_refused(proposal, "proposal_already_decided", lambda: adopt(proposal, "consensus"))

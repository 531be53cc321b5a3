"""A decision stands on the latest check or vote, closed, on the current text; musyawarah comes before a vote."""

from __future__ import annotations

from uuid import UUID, uuid4

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


def adopt(proposal: Proposal, method: str, rules: DecisionRules = RULES) -> None:
    proposal.decide("adopted", method, "Disepakati", rules, DECIDED_AT, FACILITATOR)


def amend(proposal: Proposal) -> None:
    proposal.amend("TEKS YANG SAMA SEKALI LAIN", "diganti", uuid4(), FACILITATOR, occurred_at=moment())


def open_check(proposal: Proposal, rules: DecisionRules = RULES) -> UUID:
    check_id = uuid4()
    proposal.open_consensus_check(
        check_id, uuid4(), 9, 9, rules, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
    )
    return check_id


def open_vote(proposal: Proposal, rules: DecisionRules = RULES) -> UUID:
    vote_id = uuid4()
    proposal.open_vote(vote_id, uuid4(), 9, 9, rules, FACILITATOR, occurred_at=moment(), meeting_opened_at=None)
    return vote_id


def test_a_check_and_a_vote_record_the_text_version_they_were_held_on() -> None:
    proposal = submit_proposal()
    amend(proposal)
    proposal.collect_events()
    check_id = open_check(proposal)
    (opened,) = proposal.collect_events()
    assert isinstance(opened, Proposal.ConsensusCheckOpened)
    assert opened.text_version == 2
    assert proposal.check(check_id).text_version == 2
    proposal.close_consensus_check(check_id, 9, 9, RULES, FACILITATOR, occurred_at=moment())
    vote_id = open_vote(proposal)
    assert proposal.vote(vote_id).text_version == 2


def test_no_adoption_by_consensus_when_the_text_was_amended_after_the_reached_check() -> None:
    proposal = submit_proposal()
    reached_check(proposal)
    amend(proposal)
    error = assert_refused(proposal, "text_changed_since_check", lambda: adopt(proposal, "consensus"))
    assert error.ids == {"proposal_id": str(proposal.id)}


def test_no_adoption_by_vote_when_the_text_was_amended_after_the_passed_vote() -> None:
    proposal = submit_proposal()
    passed_vote(proposal)
    amend(proposal)
    assert_refused(proposal, "text_changed_since_check", lambda: adopt(proposal, "vote"))


def test_a_newer_check_on_the_current_text_founds_the_adoption_again() -> None:
    proposal = submit_proposal()
    reached_check(proposal)
    amend(proposal)
    reached_check(proposal)
    adopt(proposal, "consensus")
    assert proposal.status == "decided"


def test_a_newer_open_check_full_of_blocks_stops_an_adoption_founded_on_an_older_one() -> None:
    proposal = submit_proposal()
    reached_check(proposal)
    later = open_check(proposal)
    for _ in range(5):
        proposal.take_stance(later, uuid4(), "block", None, FACILITATOR, occurred_at=moment())
    assert_refused(proposal, "check_or_vote_open", lambda: adopt(proposal, "consensus"))
    proposal.close_consensus_check(later, 9, 9, RULES, FACILITATOR, occurred_at=moment())
    assert_refused(proposal, "consensus_not_reached", lambda: adopt(proposal, "consensus"))


def test_an_open_vote_stops_every_decision_until_it_is_closed() -> None:
    proposal = submit_proposal()
    failed_check(proposal)
    open_vote(proposal)
    assert_refused(
        proposal,
        "check_or_vote_open",
        lambda: proposal.decide("deferred", "none", "nanti", RULES, DECIDED_AT, FACILITATOR),
    )


def test_a_newer_failed_vote_stops_an_adoption_founded_on_an_older_passed_one() -> None:
    proposal = submit_proposal()
    passed_vote(proposal)
    failed_check(proposal)
    vote_id = open_vote(proposal)
    proposal.cast_ballot(vote_id, uuid4(), "no", FACILITATOR, occurred_at=moment())
    proposal.close_vote(vote_id, 9, 9, RULES, FACILITATOR, occurred_at=moment())
    assert_refused(proposal, "vote_not_passed", lambda: adopt(proposal, "vote"))


def test_musyawarah_first_a_vote_needs_a_failed_check() -> None:
    proposal = submit_proposal()
    error = assert_refused(proposal, "consensus_not_attempted", lambda: open_vote(proposal))
    assert error.ids == {"proposal_id": str(proposal.id)}


def test_a_vote_is_not_a_fallback_after_a_reached_check() -> None:
    proposal = submit_proposal()
    reached_check(proposal)
    assert_refused(proposal, "consensus_not_attempted", lambda: open_vote(proposal))


def test_a_check_that_failed_on_an_older_text_does_not_open_a_vote_on_the_new_one() -> None:
    proposal = submit_proposal()
    failed_check(proposal)
    amend(proposal)
    assert_refused(proposal, "consensus_not_attempted", lambda: open_vote(proposal))


def test_a_vote_does_not_open_while_the_consensus_check_is_still_open() -> None:
    proposal = submit_proposal()
    check_id = open_check(proposal)
    error = assert_refused(proposal, "check_or_vote_open", lambda: open_vote(proposal))
    assert error.ids == {"check_id": str(check_id)}


def test_a_process_may_allow_a_vote_without_a_check() -> None:
    rules = DecisionRules(vote_without_check=True)
    proposal = submit_proposal()
    vote_id = open_vote(proposal, rules)
    assert proposal.vote(vote_id).status == "open"


def test_a_vote_without_a_check_still_needs_the_vote_fallback() -> None:
    rules = DecisionRules(vote_fallback=False, vote_without_check=True)
    proposal = submit_proposal()
    assert_refused(proposal, "vote_fallback_not_allowed", lambda: open_vote(proposal, rules))

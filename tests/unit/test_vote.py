"""The vote fallback: opened where the rules allow it, one ballot each, tallied with fractions."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from domain.proposal import Proposal
from domain.rules import DecisionRules

from .builders import FACILITATOR, assert_refused, failed_check, moment, submit_proposal

RULES = DecisionRules()


def open_vote(proposal: Proposal, rules: DecisionRules = RULES, invited: int = 9, present: int = 9) -> UUID:
    """Opens a vote after a consensus check that failed (musyawarah first)."""
    failed_check(proposal, rules)
    vote_id = uuid4()
    proposal.open_vote(
        vote_id, uuid4(), invited, present, rules, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
    )
    return vote_id


def tally(choices: list[str], rules: DecisionRules = RULES, invited: int = 9, present: int = 9) -> str | None:
    proposal = submit_proposal()
    vote_id = open_vote(proposal, rules)
    for choice in choices:
        proposal.cast_ballot(vote_id, uuid4(), choice, FACILITATOR, occurred_at=moment())
    proposal.close_vote(vote_id, invited, present, rules, FACILITATOR, occurred_at=moment())
    return proposal.vote(vote_id).result


def test_a_vote_opens_where_the_rules_allow_a_fallback_and_the_quorum_holds() -> None:
    proposal = submit_proposal()
    failed_check(proposal)
    vote_id, meeting_id = uuid4(), uuid4()
    proposal.open_vote(vote_id, meeting_id, 9, 6, RULES, FACILITATOR, occurred_at=moment(), meeting_opened_at=None)
    (opened,) = proposal.collect_events()
    assert isinstance(opened, Proposal.VoteOpened)
    assert opened.meeting_id == meeting_id
    assert opened.actor == FACILITATOR
    assert proposal.vote(vote_id).status == "open"


def test_a_vote_does_not_open_where_the_rules_allow_consensus_only() -> None:
    proposal = submit_proposal()
    assert_refused(
        proposal,
        "vote_fallback_not_allowed",
        lambda: proposal.open_vote(
            uuid4(),
            uuid4(),
            9,
            9,
            DecisionRules(vote_fallback=False),
            FACILITATOR,
            occurred_at=moment(),
            meeting_opened_at=None,
        ),
    )
    assert proposal.votes == {}


def test_a_vote_does_not_open_without_quorum() -> None:
    proposal = submit_proposal()
    failed_check(proposal)
    assert_refused(
        proposal,
        "quorum_not_met",
        lambda: proposal.open_vote(
            uuid4(), uuid4(), 9, 5, RULES, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
        ),
    )


def test_a_ballot_is_recorded_with_the_actor() -> None:
    proposal = submit_proposal()
    vote_id = open_vote(proposal)
    participant_id = uuid4()
    proposal.collect_events()
    proposal.cast_ballot(vote_id, participant_id, "yes", FACILITATOR, occurred_at=moment())
    (cast,) = proposal.collect_events()
    assert isinstance(cast, Proposal.BallotCast)
    assert cast.participant_id == participant_id
    assert cast.actor == FACILITATOR
    assert proposal.vote(vote_id).ballots == {str(participant_id): "yes"}


def test_one_ballot_per_participant_and_it_cannot_be_changed() -> None:
    proposal = submit_proposal()
    vote_id = open_vote(proposal)
    participant_id = uuid4()
    proposal.cast_ballot(vote_id, participant_id, "no", FACILITATOR, occurred_at=moment())
    error = assert_refused(
        proposal,
        "ballot_already_cast",
        lambda: proposal.cast_ballot(vote_id, participant_id, "yes", FACILITATOR, occurred_at=moment()),
    )
    assert error.ids == {"vote_id": str(vote_id), "participant_id": str(participant_id)}
    assert proposal.vote(vote_id).ballots == {str(participant_id): "no"}


def test_a_closed_vote_takes_no_more_ballots() -> None:
    proposal = submit_proposal()
    vote_id = open_vote(proposal)
    proposal.close_vote(vote_id, 9, 9, RULES, FACILITATOR, occurred_at=moment())
    assert_refused(
        proposal,
        "vote_not_open",
        lambda: proposal.cast_ballot(vote_id, uuid4(), "yes", FACILITATOR, occurred_at=moment()),
    )


def test_a_vote_is_closed_only_once() -> None:
    proposal = submit_proposal()
    vote_id = open_vote(proposal)
    proposal.close_vote(vote_id, 9, 9, RULES, FACILITATOR, occurred_at=moment())
    assert_refused(
        proposal, "vote_not_open", lambda: proposal.close_vote(vote_id, 9, 9, RULES, FACILITATOR, occurred_at=moment())
    )


def test_a_closed_vote_keeps_its_tally_and_who_closed_it() -> None:
    proposal = submit_proposal()
    vote_id = open_vote(proposal)
    for choice in ("yes", "yes", "no", "abstain"):
        proposal.cast_ballot(vote_id, uuid4(), choice, FACILITATOR, occurred_at=moment())
    proposal.collect_events()
    proposal.close_vote(vote_id, 9, 7, RULES, FACILITATOR, occurred_at=moment())
    (closed,) = proposal.collect_events()
    assert closed.actor == FACILITATOR
    vote = proposal.vote(vote_id)
    assert vote.result == "passed"
    assert vote.tally == {
        "yes": 2,
        "no": 1,
        "abstain": 1,
        "invited": 9,
        "present": 7,
        "quorum_met": True,
        "threshold": 0.5,
    }


def test_more_yes_than_no_passes() -> None:
    assert tally(["yes"] * 6 + ["no"] * 5) == "passed"


def test_five_yes_against_five_no_fails() -> None:
    assert tally(["yes"] * 5 + ["no"] * 5) == "failed"


def test_a_vote_without_ballots_fails() -> None:
    assert tally([]) == "failed"


def test_a_vote_of_only_abstentions_fails() -> None:
    assert tally(["abstain"] * 7) == "failed"


def test_abstentions_do_not_count_against_a_majority() -> None:
    assert tally(["yes"] * 2 + ["no"] + ["abstain"] * 6) == "passed"


@pytest.mark.parametrize(
    ("yes", "no", "result"),
    [(2, 1, "passed"), (6, 3, "passed"), (5, 3, "failed"), (3, 2, "failed")],
)
def test_a_threshold_of_two_thirds_counts_yes_against_yes_and_no(yes: int, no: int, result: str) -> None:
    rules = DecisionRules(vote_threshold=2 / 3)
    assert tally(["yes"] * yes + ["no"] * no + ["abstain"] * 3, rules) == result


def test_a_vote_whose_quorum_no_longer_holds_at_closing_fails() -> None:
    assert tally(["yes"] * 5, invited=9, present=5) == "failed"

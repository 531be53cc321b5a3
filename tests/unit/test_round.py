"""One round, two kinds: a consensus check and a vote keep the same rules, coded once, as a value of their own.

Each rule here is told once and holds for both kinds; what tells them apart (their words, whether a mark may
change, how the count decides) is shown beside it. No proposal is needed to try a round.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.deliberation import ConsensusCheck, Vote
from domain.errors import RuleBroken
from domain.round import Round, last_closed, latest_since
from domain.rules import DecisionRules

OPENED_AT = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
RULES = DecisionRules(quorum=0.5, consensus="consent", vote_threshold=0.5)


def minutes(n: int) -> datetime:
    return OPENED_AT + timedelta(minutes=n)


@dataclass(frozen=True)
class Kind:
    """A kind of round as the tests try it: how to hold one, and the marks that carry or fail the text."""

    name: str
    carrying: tuple[str, ...]
    failing: tuple[str, ...]
    not_open: str
    id_name: str
    mark: str

    def held(self, text_version: int = 1) -> Round:
        fields = {"meeting_id": str(uuid4()), "text_version": text_version, "opened_at": OPENED_AT}
        if self.name == "consensus check":
            return ConsensusCheck(check_id=str(uuid4()), **fields)  # type: ignore[arg-type]
        return Vote(vote_id=str(uuid4()), **fields)  # type: ignore[arg-type]


CHECK = Kind(
    "consensus check", ("agree", "agree", "disagree"), ("agree", "block"), "check_not_open", "check_id", "stance"
)
VOTE = Kind("vote", ("yes", "yes", "no"), ("yes", "no"), "vote_not_open", "vote_id", "ballot")
KINDS = pytest.mark.parametrize("kind", [CHECK, VOTE], ids=["consensus check", "vote"])


def marked(kind: Kind, marks: tuple[str, ...]) -> Round:
    """A round of that kind with these marks, one a minute, by as many participants."""
    held = kind.held()
    for n, mark in enumerate(marks, start=1):
        participant = uuid4()
        held.ensure_takes_mark(participant, minutes(n))
        held.take_mark(participant, mark, minutes(n))
    return held


def refused(code: str, held: Round, step: Callable[[], object]) -> RuleBroken:
    """The step on the round breaks the rule with that code and leaves the round as it was."""
    before = copy.deepcopy(held)
    with pytest.raises(RuleBroken) as raised:
        step()
    assert raised.value.code == code
    assert held == before
    return raised.value


@KINDS
def test_a_round_closes_with_its_count_the_quorum_inputs_and_whether_the_quorum_held(kind: Kind) -> None:
    held = marked(kind, kind.carrying)
    result, tally = held.closing(6, 4, RULES, blocking_objections=0, occurred_at=minutes(9), meeting_closed_at=None)
    assert result == held.kind.carried
    assert {k: tally[k] for k in ("invited", "present", "quorum_met")} == {
        "invited": 6,
        "present": 4,
        "quorum_met": True,
    }
    assert {k: tally[k] for k in held.kind.marks} == {mark: kind.carrying.count(mark) for mark in held.kind.marks}
    assert sum(held.count().values()) == len(kind.carrying)
    # Reckoning the close changes nothing; closing it keeps the result, the tally and when.
    assert held.is_open and held.result is None
    held.close(result, tally, minutes(9))
    assert (held.is_open, held.result, held.tally, held.closed_at) == (False, result, tally, minutes(9))


@KINDS
def test_a_round_whose_count_does_not_carry_the_text_closes_not_carried(kind: Kind) -> None:
    held = marked(kind, kind.failing)
    result, _ = held.closing(6, 6, RULES, blocking_objections=0, occurred_at=minutes(9), meeting_closed_at=None)
    assert result == held.kind.not_carried


@KINDS
def test_a_round_without_quorum_carries_nothing_and_founds_no_rejection(kind: Kind) -> None:
    held = marked(kind, kind.carrying)
    result, tally = held.closing(6, 2, RULES, blocking_objections=0, occurred_at=minutes(9), meeting_closed_at=None)
    assert (result, tally["quorum_met"]) == (held.kind.not_carried, False)
    held.close(result, tally, minutes(9))
    error = refused("quorum_not_met", held, lambda: held.ensure_bears("rejected", RULES, 1, uuid4()))
    assert error.ids == {kind.id_name: held.round_id}


@KINDS
def test_a_closed_round_takes_no_mark_and_does_not_close_again_naming_itself(kind: Kind) -> None:
    held = marked(kind, kind.carrying)
    held.close(
        *held.closing(6, 6, RULES, blocking_objections=0, occurred_at=minutes(9), meeting_closed_at=None), minutes(9)
    )
    error = refused(kind.not_open, held, lambda: held.ensure_takes_mark(uuid4(), minutes(10)))
    assert (error.detail, error.ids) == (f"this {kind.name} is closed", {kind.id_name: held.round_id})
    error = refused(
        kind.not_open,
        held,
        lambda: held.closing(6, 6, RULES, blocking_objections=0, occurred_at=minutes(10), meeting_closed_at=None),
    )
    assert error.detail == f"this {kind.name} is already closed"


@KINDS
def test_a_round_keeps_to_its_time_its_marks_after_it_opened_its_close_after_its_latest_mark(kind: Kind) -> None:
    held = marked(kind, kind.carrying)
    refused("occurred_out_of_order", held, lambda: held.ensure_takes_mark(uuid4(), OPENED_AT - timedelta(seconds=1)))
    latest = minutes(len(kind.carrying))
    assert held.last_step_at == latest and held.times == [OPENED_AT, latest]
    error = refused(
        "occurred_out_of_order",
        held,
        lambda: held.closing(6, 6, RULES, blocking_objections=0, occurred_at=minutes(1), meeting_closed_at=None),
    )
    assert f"its latest {kind.mark}" in error.detail
    error = refused(
        "occurred_out_of_order",
        held,
        lambda: held.closing(6, 6, RULES, blocking_objections=0, occurred_at=minutes(9), meeting_closed_at=minutes(8)),
    )
    assert "its meeting closed" in error.detail


@KINDS
def test_a_round_nobody_marked_cannot_close_before_it_opened(kind: Kind) -> None:
    held = kind.held()
    error = refused(
        "occurred_out_of_order",
        held,
        lambda: held.closing(6, 6, RULES, blocking_objections=0, occurred_at=minutes(-1), meeting_closed_at=None),
    )
    assert error.detail.endswith(f"before it opened ({OPENED_AT.isoformat()})")
    assert error.ids == {kind.id_name: held.round_id}


@KINDS
def test_a_round_on_an_older_text_founds_no_decision_and_an_unrecorded_one_no_adoption(kind: Kind) -> None:
    held = marked(kind, kind.carrying)
    held.close(
        *held.closing(6, 6, RULES, blocking_objections=0, occurred_at=minutes(9), meeting_closed_at=None), minutes(9)
    )
    held.ensure_bears("adopted", RULES, 1, uuid4())
    proposal_id = uuid4()
    error = refused("text_changed_since_check", held, lambda: held.ensure_bears("deferred", RULES, 2, proposal_id))
    assert error.ids == {"proposal_id": str(proposal_id)}
    failed = marked(kind, kind.failing)
    failed.close(
        *failed.closing(6, 6, RULES, blocking_objections=0, occurred_at=minutes(9), meeting_closed_at=None), minutes(9)
    )
    refused(failed.kind.not_carried_refusal.code, failed, lambda: failed.ensure_bears("adopted", RULES, 1, proposal_id))


def test_a_stance_may_change_and_counts_once_a_ballot_may_not() -> None:
    check, vote, participant = CHECK.held(), VOTE.held(), uuid4()
    for mark, at in (("disagree", minutes(1)), ("agree", minutes(2))):
        check.ensure_takes_mark(participant, at)
        check.take_mark(participant, mark, at)
    assert check.count() == {"agree": 1, "abstain": 0, "disagree": 0, "block": 0}
    vote.take_mark(participant, "no", minutes(1))
    error = refused("ballot_already_cast", vote, lambda: vote.ensure_takes_mark(participant, minutes(2)))
    assert error.ids == {"vote_id": vote.round_id, "participant_id": str(participant)}


def test_only_a_check_counts_blocking_objections_and_keeps_dissent_beside_consensus_by_consent() -> None:
    check, vote = marked(CHECK, CHECK.carrying), marked(VOTE, VOTE.carrying)
    result, tally = check.closing(6, 6, RULES, blocking_objections=0, occurred_at=minutes(9), meeting_closed_at=None)
    assert (result, tally["dissent"], tally["rule"]) == ("reached", 1, "consent")
    result, tally = check.closing(6, 6, RULES, blocking_objections=1, occurred_at=minutes(9), meeting_closed_at=None)
    assert (result, tally["dissent"], tally["unresolved_blocking_objections"]) == ("not_reached", 0, 1)
    # A vote is how a community decides over a blocking objection: it does not stand in the vote's way.
    result, tally = vote.closing(6, 6, RULES, blocking_objections=1, occurred_at=minutes(9), meeting_closed_at=None)
    assert (result, tally["threshold"]) == ("passed", 0.5)
    assert "unresolved_blocking_objections" not in tally


def test_the_latest_round_since_the_last_annulment_and_the_one_that_closed_last() -> None:
    before, after = CHECK.held(), CHECK.held()
    after.after_annulments = 1
    assert latest_since([before, after], 1) is after
    assert latest_since([before, after], 0) is before
    assert latest_since([before], 1) is None
    check, vote = CHECK.held(), VOTE.held()
    check.closed_at, vote.closed_at = minutes(5), minutes(3)
    assert last_closed(check, vote) is check
    assert last_closed(None, vote) is vote
    assert last_closed(None, None) is None

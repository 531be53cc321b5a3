"""A proposal's deliberation: submission, contributions, amendments and objections."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.errors import PartOfProposalNotFound
from domain.proposal import Proposal
from domain.rules import DecisionRules

from .builders import DECIDED_AT, FACILITATOR, assert_refused, moment, submit_proposal

CONSENSUS_ONLY = DecisionRules(vote_fallback=False)


def test_a_submitted_proposal_is_open_at_its_first_text_version() -> None:
    meeting_id = uuid4()
    proposal = Proposal(
        id=uuid4(),
        process_id=uuid4(),
        title="Posyandu",
        body="Bangun posyandu di dusun 3",
        submitted_by=uuid4(),
        meeting_id=meeting_id,
        actor=FACILITATOR,
        occurred_at=moment(),
    )
    (submitted,) = proposal.collect_events()
    assert isinstance(submitted, Proposal.Submitted)
    assert submitted.actor == FACILITATOR
    assert submitted.meeting_id == meeting_id
    assert proposal.status == "open"
    assert proposal.text_version == 1
    assert proposal.objections == {} and proposal.checks == {} and proposal.votes == {}


def test_a_contribution_is_recorded_with_who_made_it() -> None:
    proposal = submit_proposal()
    resident = uuid4()
    proposal.contribute(resident, "concern", "Musim hujan jalan becek", FACILITATOR, occurred_at=moment())
    (contributed,) = proposal.collect_events()
    assert isinstance(contributed, Proposal.Contributed)
    assert contributed.participant_id == resident
    assert contributed.kind == "concern"
    assert contributed.actor == FACILITATOR
    assert proposal.contribution_count == 1


def test_an_amendment_is_a_new_text_version_with_its_reason_and_the_old_text_stays_in_history() -> None:
    proposal = submit_proposal()
    old_body = proposal.body
    proposal.amend("Pengerasan jalan dengan paving", "lebih murah dirawat", uuid4(), FACILITATOR, occurred_at=moment())
    assert proposal.body == "Pengerasan jalan dengan paving"
    assert proposal.text_version == 2
    (amended,) = proposal.collect_events()
    assert amended.reason == "lebih murah dirawat"
    assert amended.actor == FACILITATOR
    assert old_body != proposal.body


def test_a_blocking_objection_stands_until_resolved() -> None:
    proposal = submit_proposal()
    objection_id, raiser = uuid4(), uuid4()
    proposal.raise_objection(objection_id, raiser, "Tanah belum dibebaskan", True, FACILITATOR, occurred_at=moment())
    (raised,) = proposal.collect_events()
    assert raised.actor == FACILITATOR
    objection = proposal.objection(objection_id)
    assert objection.state == "unresolved"
    assert objection.raised_by == str(raiser)
    assert proposal.unresolved_blocking_objections == [objection]


def test_a_non_blocking_objection_does_not_stand_in_the_way_of_consensus() -> None:
    proposal = submit_proposal()
    proposal.raise_objection(uuid4(), uuid4(), "Kurang jelas anggarannya", False, FACILITATOR, occurred_at=moment())
    assert proposal.unresolved_blocking_objections == []


@pytest.mark.parametrize("outcome", ["addressed", "withdrawn", "overruled"])
def test_an_objection_ends_addressed_withdrawn_or_overruled_with_a_note(outcome: str) -> None:
    proposal = submit_proposal()
    objection_id = uuid4()
    proposal.raise_objection(objection_id, uuid4(), "Tanah belum dibebaskan", True, FACILITATOR, occurred_at=moment())
    proposal.collect_events()
    proposal.resolve_objection(
        objection_id, outcome, "Pemilik tanah setuju", DecisionRules(), FACILITATOR, occurred_at=moment()
    )
    (resolved,) = proposal.collect_events()
    assert isinstance(resolved, Proposal.ObjectionResolved)
    assert resolved.actor == FACILITATOR
    assert proposal.objection(objection_id).state == outcome
    assert proposal.objection(objection_id).note == "Pemilik tanah setuju"
    assert proposal.unresolved_blocking_objections == []


def test_an_objection_is_resolved_only_once() -> None:
    proposal = submit_proposal()
    objection_id = uuid4()
    proposal.raise_objection(objection_id, uuid4(), "alasan", True, FACILITATOR, occurred_at=moment())
    proposal.resolve_objection(objection_id, "withdrawn", "dicabut", DecisionRules(), FACILITATOR, occurred_at=moment())
    error = assert_refused(
        proposal,
        "already_resolved",
        lambda: proposal.resolve_objection(
            objection_id, "overruled", "lagi", DecisionRules(), FACILITATOR, occurred_at=moment()
        ),
    )
    assert error.ids == {"objection_id": str(objection_id)}
    assert proposal.objection(objection_id).state == "withdrawn"


def test_an_objection_is_not_overruled_where_the_rules_allow_no_vote_fallback() -> None:
    proposal = submit_proposal()
    objection_id = uuid4()
    proposal.raise_objection(objection_id, uuid4(), "alasan", True, FACILITATOR, occurred_at=moment())
    assert_refused(
        proposal,
        "vote_fallback_not_allowed",
        lambda: proposal.resolve_objection(
            objection_id, "overruled", "fasilitator", CONSENSUS_ONLY, FACILITATOR, occurred_at=moment()
        ),
    )
    assert proposal.objection(objection_id).is_unresolved_blocking


def test_an_objection_can_still_be_addressed_where_the_rules_allow_no_vote_fallback() -> None:
    proposal = submit_proposal()
    objection_id = uuid4()
    proposal.raise_objection(objection_id, uuid4(), "alasan", True, FACILITATOR, occurred_at=moment())
    proposal.resolve_objection(objection_id, "addressed", "diubah", CONSENSUS_ONLY, FACILITATOR, occurred_at=moment())
    assert proposal.objection(objection_id).state == "addressed"


def test_an_unknown_objection_check_or_vote_is_not_part_of_the_proposal() -> None:
    proposal = submit_proposal()
    for find, kind in ((proposal.objection, "objection"), (proposal.check, "consensus check"), (proposal.vote, "vote")):
        with pytest.raises(PartOfProposalNotFound) as raised:
            find(uuid4())
        assert raised.value.code == "not_found"
        assert raised.value.kind == kind


def decided_proposal() -> tuple[Proposal, dict[str, object]]:
    """A rejected proposal, with a closed check, a closed vote and one standing objection."""
    proposal = submit_proposal()
    ids: dict[str, object] = {"objection": uuid4(), "check": uuid4(), "vote": uuid4()}
    proposal.raise_objection(ids["objection"], uuid4(), "alasan", True, FACILITATOR, occurred_at=moment())
    proposal.open_consensus_check(
        ids["check"], uuid4(), 9, 9, DecisionRules(), FACILITATOR, occurred_at=moment(), meeting_opened_at=None
    )
    proposal.close_consensus_check(ids["check"], 9, 9, DecisionRules(), FACILITATOR, occurred_at=moment())
    proposal.open_vote(
        ids["vote"], uuid4(), 9, 9, DecisionRules(), FACILITATOR, occurred_at=moment(), meeting_opened_at=None
    )
    proposal.close_vote(ids["vote"], 9, 9, DecisionRules(), FACILITATOR, occurred_at=moment())
    proposal.decide("rejected", "none", "Anggaran tidak cukup", DecisionRules(), DECIDED_AT, FACILITATOR)
    return proposal, ids


@pytest.mark.parametrize(
    "step",
    [
        "contribute",
        "amend",
        "raise_objection",
        "resolve_objection",
        "open_consensus_check",
        "take_stance",
        "close_consensus_check",
        "open_vote",
        "cast_ballot",
        "close_vote",
        "decide",
    ],
)
def test_a_decided_proposal_accepts_no_more_steps(step: str) -> None:
    proposal, ids = decided_proposal()
    rules = DecisionRules()
    steps = {
        "contribute": lambda: proposal.contribute(uuid4(), "support", "setuju", FACILITATOR, occurred_at=moment()),
        "amend": lambda: proposal.amend("teks baru", "alasan", uuid4(), FACILITATOR, occurred_at=moment()),
        "raise_objection": lambda: proposal.raise_objection(
            uuid4(), uuid4(), "alasan", True, FACILITATOR, occurred_at=moment()
        ),
        "resolve_objection": lambda: proposal.resolve_objection(
            ids["objection"], "addressed", "", rules, FACILITATOR, occurred_at=moment()
        ),
        "open_consensus_check": lambda: proposal.open_consensus_check(
            uuid4(), uuid4(), 9, 9, rules, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
        ),
        "take_stance": lambda: proposal.take_stance(
            ids["check"], uuid4(), "agree", None, FACILITATOR, occurred_at=moment()
        ),
        "close_consensus_check": lambda: proposal.close_consensus_check(
            ids["check"], 9, 9, rules, FACILITATOR, occurred_at=moment()
        ),
        "open_vote": lambda: proposal.open_vote(
            uuid4(), uuid4(), 9, 9, rules, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
        ),
        "cast_ballot": lambda: proposal.cast_ballot(ids["vote"], uuid4(), "yes", FACILITATOR, occurred_at=moment()),
        "close_vote": lambda: proposal.close_vote(ids["vote"], 9, 9, rules, FACILITATOR, occurred_at=moment()),
        "decide": lambda: proposal.decide("deferred", "none", "nanti", rules, DECIDED_AT, FACILITATOR),
    }
    error = assert_refused(proposal, "proposal_already_decided", steps[step])
    assert error.ids == {"proposal_id": str(proposal.id)}
    assert proposal.decision is not None and proposal.decision.outcome == "rejected"

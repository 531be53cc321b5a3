"""A refused step tells the client what it concerns: the code it branches on and the ids it can follow (the
proposal, objection, check, vote, meeting or participant). Each refusal of a proposal is taken here through its
public step, and the ids it carries are checked to be the right ones, not merely present."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from domain.proposal import Proposal
from domain.rules import DecisionRules

from .builders import (
    FACILITATOR,
    assert_refused,
    failed_check,
    moment,
    passed_vote,
    reached_check,
    submit_proposal,
)

CONSENSUS_ONLY = DecisionRules(vote_fallback=False)


@dataclass(frozen=True)
class Refusal:
    """A proposal, a step it refuses, the code and the ids (as text) the refusal must carry."""

    proposal: Proposal
    step: Callable[[], object]
    code: str
    ids: dict[str, UUID]


def _decided() -> Proposal:
    proposal = submit_proposal()
    reached_check(proposal)
    proposal.decide("adopted", "consensus", "Sepakat", DecisionRules(), moment(), FACILITATOR)
    proposal.collect_events()
    return proposal


def _withdrawn() -> Proposal:
    proposal = submit_proposal()
    proposal.withdraw("Digabung", FACILITATOR, occurred_at=moment())
    proposal.collect_events()
    return proposal


def _with_objection(blocking: bool = True) -> tuple[Proposal, UUID]:
    proposal, objection_id = submit_proposal(), uuid4()
    proposal.raise_objection(objection_id, uuid4(), "Biaya", blocking, FACILITATOR, occurred_at=moment())
    proposal.collect_events()
    return proposal, objection_id


def _open_check(proposal: Proposal) -> UUID:
    check_id = uuid4()
    proposal.open_consensus_check(
        check_id, uuid4(), 9, 9, DecisionRules(), FACILITATOR, occurred_at=moment(), meeting_opened_at=None
    )
    proposal.collect_events()
    return check_id


def _open_vote(proposal: Proposal) -> UUID:
    failed_check(proposal)
    vote_id = uuid4()
    proposal.open_vote(
        vote_id, uuid4(), 9, 9, DecisionRules(), FACILITATOR, occurred_at=moment(), meeting_opened_at=None
    )
    proposal.collect_events()
    return vote_id


def withdrawn_takes_no_step() -> Refusal:
    p = _withdrawn()
    return Refusal(
        p,
        lambda: p.contribute(uuid4(), "support", "x", FACILITATOR, occurred_at=moment()),
        "proposal_withdrawn",
        {"proposal_id": p.id},
    )


def decided_takes_no_deliberation() -> Refusal:
    p = _decided()
    return Refusal(
        p,
        lambda: p.amend("x", "y", uuid4(), FACILITATOR, occurred_at=moment()),
        "proposal_already_decided",
        {"proposal_id": p.id},
    )


def step_before_submission() -> Refusal:
    p = submit_proposal()
    return Refusal(
        p,
        lambda: p.withdraw("x", FACILITATOR, occurred_at=p.submitted_at - timedelta(minutes=1)),
        "occurred_out_of_order",
        {"proposal_id": p.id},
    )


def objection_resolved_twice() -> Refusal:
    p, objection_id = _with_objection()
    p.resolve_objection(objection_id, "addressed", "ok", DecisionRules(), FACILITATOR, occurred_at=moment())
    p.collect_events()
    return Refusal(
        p,
        lambda: p.resolve_objection(objection_id, "withdrawn", "x", DecisionRules(), FACILITATOR, occurred_at=moment()),
        "already_resolved",
        {"objection_id": objection_id},
    )


def objection_overruled_without_vote_fallback() -> Refusal:
    p, objection_id = _with_objection()
    return Refusal(
        p,
        lambda: p.resolve_objection(objection_id, "overruled", "x", CONSENSUS_ONLY, FACILITATOR, occurred_at=moment()),
        "vote_fallback_not_allowed",
        {"objection_id": objection_id},
    )


def objection_resolved_before_raised() -> Refusal:
    p, objection_id = _with_objection()
    raised = p.objection(objection_id).raised_at
    return Refusal(
        p,
        lambda: p.resolve_objection(
            objection_id, "addressed", "x", DecisionRules(), FACILITATOR, occurred_at=raised - timedelta(seconds=1)
        ),
        "occurred_out_of_order",
        {"objection_id": objection_id},
    )


def check_without_quorum() -> Refusal:
    p, meeting_id = submit_proposal(), uuid4()
    return Refusal(
        p,
        lambda: p.open_consensus_check(
            uuid4(), meeting_id, 9, 5, DecisionRules(), FACILITATOR, occurred_at=moment(), meeting_opened_at=None
        ),
        "quorum_not_met",
        {"meeting_id": meeting_id},
    )


def check_before_its_meeting_opened() -> Refusal:
    p, meeting_id = submit_proposal(), uuid4()
    later = moment() + timedelta(hours=1)
    return Refusal(
        p,
        lambda: p.open_consensus_check(
            uuid4(), meeting_id, 9, 9, DecisionRules(), FACILITATOR, occurred_at=moment(), meeting_opened_at=later
        ),
        "occurred_out_of_order",
        {"meeting_id": meeting_id},
    )


def stance_in_a_closed_check() -> Refusal:
    p = submit_proposal()
    check_id = reached_check(p)
    return Refusal(
        p,
        lambda: p.take_stance(check_id, uuid4(), "agree", None, FACILITATOR, occurred_at=moment()),
        "check_not_open",
        {"check_id": check_id},
    )


def stance_before_its_check_opened() -> Refusal:
    p = submit_proposal()
    check_id = _open_check(p)
    opened = p.check(check_id).opened_at
    return Refusal(
        p,
        lambda: p.take_stance(check_id, uuid4(), "agree", None, FACILITATOR, occurred_at=opened - timedelta(seconds=1)),
        "occurred_out_of_order",
        {"check_id": check_id},
    )


def check_closed_twice() -> Refusal:
    p = submit_proposal()
    check_id = reached_check(p)
    return Refusal(
        p,
        lambda: p.close_consensus_check(check_id, 9, 9, DecisionRules(), FACILITATOR, occurred_at=moment()),
        "check_not_open",
        {"check_id": check_id},
    )


def check_closed_before_it_opened() -> Refusal:
    p = submit_proposal()
    check_id = _open_check(p)
    opened = p.check(check_id).opened_at
    return Refusal(
        p,
        lambda: p.close_consensus_check(
            check_id, 9, 9, DecisionRules(), FACILITATOR, occurred_at=opened - timedelta(seconds=1)
        ),
        "occurred_out_of_order",
        {"check_id": check_id},
    )


def check_closed_after_its_meeting() -> Refusal:
    p = submit_proposal()
    check_id = _open_check(p)
    closed = moment()
    return Refusal(
        p,
        lambda: p.close_consensus_check(
            check_id, 9, 9, DecisionRules(), FACILITATOR, occurred_at=moment(), meeting_closed_at=closed
        ),
        "occurred_out_of_order",
        {"check_id": check_id},
    )


def vote_without_fallback() -> Refusal:
    p = submit_proposal()
    return Refusal(
        p,
        lambda: p.open_vote(
            uuid4(), uuid4(), 9, 9, CONSENSUS_ONLY, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
        ),
        "vote_fallback_not_allowed",
        {"proposal_id": p.id},
    )


def vote_while_a_check_is_open() -> Refusal:
    p = submit_proposal()
    check_id = _open_check(p)
    return Refusal(
        p,
        lambda: p.open_vote(
            uuid4(), uuid4(), 9, 9, DecisionRules(), FACILITATOR, occurred_at=moment(), meeting_opened_at=None
        ),
        "check_or_vote_open",
        {"check_id": check_id},
    )


def vote_before_musyawarah() -> Refusal:
    p = submit_proposal()
    return Refusal(
        p,
        lambda: p.open_vote(
            uuid4(), uuid4(), 9, 9, DecisionRules(), FACILITATOR, occurred_at=moment(), meeting_opened_at=None
        ),
        "consensus_not_attempted",
        {"proposal_id": p.id},
    )


def vote_before_the_check_it_falls_back_on_closed() -> Refusal:
    p = submit_proposal()
    check_id = failed_check(p)
    closed = p.check(check_id).closed_at
    assert closed is not None
    return Refusal(
        p,
        lambda: p.open_vote(
            uuid4(),
            uuid4(),
            9,
            9,
            DecisionRules(),
            FACILITATOR,
            occurred_at=closed - timedelta(seconds=1),
            meeting_opened_at=None,
        ),
        "occurred_out_of_order",
        {"check_id": check_id},
    )


def ballot_in_a_closed_vote() -> Refusal:
    p = submit_proposal()
    vote_id = passed_vote(p)
    return Refusal(
        p,
        lambda: p.cast_ballot(vote_id, uuid4(), "yes", FACILITATOR, occurred_at=moment()),
        "vote_not_open",
        {"vote_id": vote_id},
    )


def second_ballot() -> Refusal:
    p, participant_id = submit_proposal(), uuid4()
    vote_id = _open_vote(p)
    p.cast_ballot(vote_id, participant_id, "yes", FACILITATOR, occurred_at=moment())
    p.collect_events()
    return Refusal(
        p,
        lambda: p.cast_ballot(vote_id, participant_id, "no", FACILITATOR, occurred_at=moment()),
        "ballot_already_cast",
        {"vote_id": vote_id, "participant_id": participant_id},
    )


def ballot_before_its_vote_opened() -> Refusal:
    p = submit_proposal()
    vote_id = _open_vote(p)
    opened = p.vote(vote_id).opened_at
    return Refusal(
        p,
        lambda: p.cast_ballot(vote_id, uuid4(), "yes", FACILITATOR, occurred_at=opened - timedelta(seconds=1)),
        "occurred_out_of_order",
        {"vote_id": vote_id},
    )


def vote_closed_twice() -> Refusal:
    p = submit_proposal()
    vote_id = passed_vote(p)
    return Refusal(
        p,
        lambda: p.close_vote(vote_id, 9, 9, DecisionRules(), FACILITATOR, occurred_at=moment()),
        "vote_not_open",
        {"vote_id": vote_id},
    )


def vote_closed_after_its_meeting() -> Refusal:
    p = submit_proposal()
    vote_id = _open_vote(p)
    closed = moment()
    return Refusal(
        p,
        lambda: p.close_vote(
            vote_id, 9, 9, DecisionRules(), FACILITATOR, occurred_at=moment(), meeting_closed_at=closed
        ),
        "occurred_out_of_order",
        {"vote_id": vote_id},
    )


def decision_while_a_check_is_open() -> Refusal:
    p = submit_proposal()
    _open_check(p)
    return Refusal(
        p,
        lambda: p.decide("deferred", "none", "x", DecisionRules(), moment(), FACILITATOR),
        "check_or_vote_open",
        {"proposal_id": p.id},
    )


def adoption_without_a_round() -> Refusal:
    p = submit_proposal()
    return Refusal(
        p,
        lambda: p.decide("adopted", "none", "x", DecisionRules(), moment(), FACILITATOR),
        "adoption_needs_consensus_or_vote",
        {"proposal_id": p.id},
    )


def adoption_over_a_blocking_objection() -> Refusal:
    p, objection_id = _with_objection()
    return Refusal(
        p,
        lambda: p.decide("adopted", "consensus", "x", DecisionRules(), moment(), FACILITATOR),
        "unresolved_blocking_objection",
        {"objection_id": objection_id},
    )


def consensus_decision_without_a_check() -> Refusal:
    p = submit_proposal()
    return Refusal(
        p,
        lambda: p.decide("deferred", "consensus", "x", DecisionRules(), moment(), FACILITATOR),
        "no_check_on_this_text",
        {"proposal_id": p.id},
    )


def adoption_after_a_failed_check() -> Refusal:
    p = submit_proposal()
    failed_check(p)
    return Refusal(
        p,
        lambda: p.decide("adopted", "consensus", "x", DecisionRules(), moment(), FACILITATOR),
        "consensus_not_reached",
        {"proposal_id": p.id},
    )


def decision_on_an_amended_text() -> Refusal:
    p = submit_proposal()
    reached_check(p)
    p.amend("Teks baru", "Usul", uuid4(), FACILITATOR, occurred_at=moment())
    p.collect_events()
    return Refusal(
        p,
        lambda: p.decide("adopted", "consensus", "x", DecisionRules(), moment(), FACILITATOR),
        "text_changed_since_check",
        {"proposal_id": p.id},
    )


def rejection_without_quorum() -> Refusal:
    p, check_id = submit_proposal(), uuid4()
    p.open_consensus_check(
        check_id, uuid4(), 9, 9, DecisionRules(), FACILITATOR, occurred_at=moment(), meeting_opened_at=None
    )
    p.take_stance(check_id, uuid4(), "disagree", None, FACILITATOR, occurred_at=moment())
    p.close_consensus_check(check_id, 9, 2, DecisionRules(), FACILITATOR, occurred_at=moment())
    p.collect_events()
    return Refusal(
        p,
        lambda: p.decide("rejected", "consensus", "x", DecisionRules(), moment(), FACILITATOR),
        "quorum_not_met",
        {"check_id": check_id},
    )


def rejection_that_the_stances_do_not_carry() -> Refusal:
    p = submit_proposal()
    check_id = _open_check(p)
    for stance in ("agree", "disagree"):
        p.take_stance(check_id, uuid4(), stance, None, FACILITATOR, occurred_at=moment())
    p.close_consensus_check(check_id, 9, 9, DecisionRules(), FACILITATOR, occurred_at=moment())
    p.collect_events()
    return Refusal(
        p,
        lambda: p.decide("rejected", "consensus", "x", DecisionRules(), moment(), FACILITATOR),
        "no_consensus_to_reject",
        {"check_id": check_id},
    )


def rejection_by_a_vote_without_quorum() -> Refusal:
    p = submit_proposal()
    vote_id = _open_vote(p)
    p.cast_ballot(vote_id, uuid4(), "no", FACILITATOR, occurred_at=moment())
    p.close_vote(vote_id, 9, 2, DecisionRules(), FACILITATOR, occurred_at=moment())
    p.collect_events()
    return Refusal(
        p,
        lambda: p.decide("rejected", "vote", "x", DecisionRules(), moment(), FACILITATOR),
        "quorum_not_met",
        {"vote_id": vote_id},
    )


def check_closed_before_its_latest_stance() -> Refusal:
    p = submit_proposal()
    check_id = _open_check(p)
    stance_at = moment() + timedelta(minutes=5)
    p.take_stance(check_id, uuid4(), "agree", None, FACILITATOR, occurred_at=stance_at)
    p.collect_events()
    return Refusal(
        p,
        lambda: p.close_consensus_check(
            check_id, 9, 9, DecisionRules(), FACILITATOR, occurred_at=stance_at - timedelta(seconds=1)
        ),
        "occurred_out_of_order",
        {"check_id": check_id},
    )


def decision_by_vote_without_fallback() -> Refusal:
    p = submit_proposal()
    return Refusal(
        p,
        lambda: p.decide("deferred", "vote", "x", CONSENSUS_ONLY, moment(), FACILITATOR),
        "vote_fallback_not_allowed",
        {"proposal_id": p.id},
    )


def decision_by_vote_without_a_vote() -> Refusal:
    p = submit_proposal()
    return Refusal(
        p,
        lambda: p.decide("deferred", "vote", "x", DecisionRules(), moment(), FACILITATOR),
        "no_vote_on_this_text",
        {"proposal_id": p.id},
    )


def rejection_by_a_passed_vote() -> Refusal:
    p = submit_proposal()
    vote_id = passed_vote(p)
    return Refusal(
        p,
        lambda: p.decide("rejected", "vote", "x", DecisionRules(), moment(), FACILITATOR),
        "vote_passed",
        {"vote_id": vote_id},
    )


def decision_before_its_round_closed() -> Refusal:
    p = submit_proposal()
    check_id = failed_check(p)
    closed = p.check(check_id).closed_at
    assert closed is not None
    return Refusal(
        p,
        lambda: p.decide("deferred", "consensus", "x", DecisionRules(), closed - timedelta(seconds=1), FACILITATOR),
        "occurred_out_of_order",
        {"proposal_id": p.id},
    )


def annulment_without_a_decision() -> Refusal:
    p = submit_proposal()
    return Refusal(
        p,
        lambda: p.annul_decision("x", None, None, FACILITATOR, occurred_at=moment()),
        "proposal_not_decided",
        {"proposal_id": p.id},
    )


def annulment_before_the_decision() -> Refusal:
    p = _decided()
    assert p.decision is not None
    decided_at = p.decision.decided_at
    return Refusal(
        p,
        lambda: p.annul_decision("x", None, None, FACILITATOR, occurred_at=decided_at - timedelta(seconds=1)),
        "occurred_out_of_order",
        {"proposal_id": p.id},
    )


def erratum_of_no_text() -> Refusal:
    p = submit_proposal()
    return Refusal(
        p,
        lambda: p.correct(1, "grounds", "x", "y", FACILITATOR, occurred_at=moment()),
        "nothing_to_correct",
        {"proposal_id": p.id},
    )


def erratum_of_redacted_words() -> Refusal:
    p = submit_proposal()
    p.contribute(uuid4(), "support", "Kata Pak Rudi", FACILITATOR, occurred_at=moment())
    p.redact(2, "text", "Nama", FACILITATOR, occurred_at=moment())
    p.collect_events()
    return Refusal(
        p,
        lambda: p.correct(2, "text", "x", "y", FACILITATOR, occurred_at=moment()),
        "nothing_to_correct",
        {"proposal_id": p.id},
    )


def redaction_of_no_statement() -> Refusal:
    p = submit_proposal()
    return Refusal(
        p,
        lambda: p.redact(1, "title", "x", FACILITATOR, occurred_at=moment()),
        "nothing_to_redact",
        {"proposal_id": p.id},
    )


def redaction_twice() -> Refusal:
    p = submit_proposal()
    p.contribute(uuid4(), "support", "Kata Pak Rudi", FACILITATOR, occurred_at=moment())
    p.redact(2, "text", "Nama", FACILITATOR, occurred_at=moment())
    p.collect_events()
    return Refusal(
        p,
        lambda: p.redact(2, "text", "x", FACILITATOR, occurred_at=moment()),
        "nothing_to_redact",
        {"proposal_id": p.id},
    )


REFUSALS = [
    withdrawn_takes_no_step,
    decided_takes_no_deliberation,
    step_before_submission,
    objection_resolved_twice,
    objection_overruled_without_vote_fallback,
    objection_resolved_before_raised,
    check_without_quorum,
    check_before_its_meeting_opened,
    stance_in_a_closed_check,
    stance_before_its_check_opened,
    check_closed_twice,
    check_closed_before_it_opened,
    check_closed_after_its_meeting,
    vote_without_fallback,
    vote_while_a_check_is_open,
    vote_before_musyawarah,
    vote_before_the_check_it_falls_back_on_closed,
    ballot_in_a_closed_vote,
    second_ballot,
    ballot_before_its_vote_opened,
    vote_closed_twice,
    vote_closed_after_its_meeting,
    decision_while_a_check_is_open,
    adoption_without_a_round,
    adoption_over_a_blocking_objection,
    consensus_decision_without_a_check,
    adoption_after_a_failed_check,
    decision_on_an_amended_text,
    rejection_without_quorum,
    rejection_that_the_stances_do_not_carry,
    rejection_by_a_vote_without_quorum,
    check_closed_before_its_latest_stance,
    decision_by_vote_without_fallback,
    decision_by_vote_without_a_vote,
    rejection_by_a_passed_vote,
    decision_before_its_round_closed,
    annulment_without_a_decision,
    annulment_before_the_decision,
    erratum_of_no_text,
    erratum_of_redacted_words,
    redaction_of_no_statement,
    redaction_twice,
]


@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda r: r.__name__)
def test_a_refused_step_names_its_rule_and_exactly_the_ids_it_concerns(refusal: Callable[[], Refusal]) -> None:
    case = refusal()

    error = assert_refused(case.proposal, case.code, case.step)

    assert error.ids == {name: str(value) for name, value in case.ids.items()}

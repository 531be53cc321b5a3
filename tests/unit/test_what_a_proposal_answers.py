"""What a proposal answers about itself, pinned where mutation testing found nothing pinned it: the part it
cannot find, the field a wrong value was given for, the erratum a step never had, the latest step held at a
meeting, and the round a decision stands on when both a check and a vote were held."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from uuid import uuid4

import pytest

from domain.errors import PartOfProposalNotFound, ValueNotAllowed
from domain.proposal import REDACTED_TEXT, Proposal
from domain.rules import DecisionRules

from .builders import FACILITATOR, assert_refused, moment, passed_vote, reached_check, replayed, submit_proposal


@pytest.mark.parametrize("part", ["objection", "check", "vote"])
def test_a_part_the_proposal_does_not_have_is_named_in_the_refusal(part: str) -> None:
    proposal, part_id = submit_proposal(), uuid4()
    find: Callable[[object], object] = getattr(proposal, part)

    with pytest.raises(PartOfProposalNotFound) as raised:
        find(part_id)

    assert raised.value.part_id == str(part_id)
    assert raised.value.kind == {"objection": "objection", "check": "consensus check", "vote": "vote"}[part]


def _steps_with_a_value_out_of_vocabulary(proposal: Proposal) -> dict[str, Callable[[], object]]:
    check_id, vote_id, objection_id = uuid4(), uuid4(), uuid4()
    return {
        "kind": lambda: proposal.contribute(uuid4(), "praise", "x", FACILITATOR, occurred_at=moment()),
        "outcome": lambda: proposal.resolve_objection(
            objection_id, "ignored", "x", DecisionRules(), FACILITATOR, occurred_at=moment()
        ),
        "stance": lambda: proposal.take_stance(check_id, uuid4(), "maybe", None, FACILITATOR, occurred_at=moment()),
        "choice": lambda: proposal.cast_ballot(vote_id, uuid4(), "perhaps", FACILITATOR, occurred_at=moment()),
        "method": lambda: proposal.decide("deferred", "lottery", "x", DecisionRules(), moment(), FACILITATOR),
        "decision outcome": lambda: proposal.decide("postponed", "none", "x", DecisionRules(), moment(), FACILITATOR),
    }


@pytest.mark.parametrize("step", ["kind", "outcome", "stance", "choice", "method", "decision outcome"])
def test_a_value_out_of_the_vocabulary_is_refused_naming_its_field(step: str) -> None:
    proposal = submit_proposal()

    refused = assert_refused(proposal, "value_not_allowed", _steps_with_a_value_out_of_vocabulary(proposal)[step])

    assert isinstance(refused, ValueNotAllowed)
    assert refused.detail.startswith(f"{step.split()[-1]} must be one of ")


def test_a_step_never_corrected_has_no_erratum() -> None:
    proposal = submit_proposal()
    proposal.contribute(uuid4(), "support", "Setuju", FACILITATOR, occurred_at=moment())

    assert proposal.corrected(2, "text") is None
    assert proposal.corrected(7, "text") is None


def test_the_latest_step_at_a_meeting_is_the_submission_there_when_nothing_else_was_held() -> None:
    meeting_id = uuid4()
    proposal = submit_proposal(meeting_id=meeting_id)

    assert proposal.latest_step_at_meeting(meeting_id) == proposal.submitted_at
    assert proposal.latest_step_at_meeting(uuid4()) is None


def test_a_decision_by_vote_cannot_precede_the_close_of_the_vote_held_after_the_check() -> None:
    proposal = submit_proposal()
    vote_id = passed_vote(proposal)
    vote_closed = proposal.vote(vote_id).closed_at
    assert vote_closed is not None

    refused = assert_refused(
        proposal,
        "occurred_out_of_order",
        lambda: proposal.decide(
            "adopted", "vote", "x", DecisionRules(), vote_closed - timedelta(milliseconds=1), FACILITATOR
        ),
    )

    assert "the check or vote it stands on closed" in refused.detail


def test_an_erratum_redacted_later_reads_redacted_in_the_proposal_as_it_stood_before() -> None:
    proposal = submit_proposal(collected=False)
    proposal.contribute(uuid4(), "support", "Kata Pak Rudi", FACILITATOR, occurred_at=moment())
    proposal.correct(2, "text", "Kata Pak Rudi, ketua RT", "Lengkap", FACILITATOR, occurred_at=moment())
    before_redaction = proposal.collect_events()
    proposal.redact(2, "text", "Menyebut nama", FACILITATOR, occurred_at=moment())

    earlier = replayed(before_redaction)
    earlier.without_words_redacted_since(proposal)

    erratum = earlier.corrected(2, "text")
    assert erratum is not None and erratum.text == REDACTED_TEXT


def test_a_decision_on_an_amended_text_says_which_text_its_round_was_held_on() -> None:
    proposal = submit_proposal()
    reached_check(proposal)
    proposal.amend("Teks baru", "Usul warga", uuid4(), FACILITATOR, occurred_at=moment())

    refused = assert_refused(
        proposal,
        "text_changed_since_check",
        lambda: proposal.decide("adopted", "consensus", "x", DecisionRules(), moment(), FACILITATOR),
    )

    assert refused.detail.endswith("held on text version 1, the current text is version 2")

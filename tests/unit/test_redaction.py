"""Redaction: an admin takes the words of a statement out of the record; the step, and why, stay."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.proposal import REDACTED_TEXT, Proposal
from domain.rules import DecisionRules

from .builders import (
    ADMIN,
    DECIDED_AT,
    FACILITATOR,
    assert_refused,
    moment,
    reached_check,
    replayed,
    submit_proposal,
)

RULES = DecisionRules()
LATER = DECIDED_AT.replace(month=4)


def deliberated() -> Proposal:
    """Version 2 a contribution, 3 an objection, 4 its resolution, 5-7 a check, 8 the decision."""
    proposal = submit_proposal()
    proposal.contribute(uuid4(), "concern", "Pak Darmo menolak", FACILITATOR, occurred_at=moment())
    objection_id = uuid4()
    proposal.raise_objection(objection_id, uuid4(), "Tanah Pak Darmo", False, FACILITATOR, occurred_at=moment())
    proposal.resolve_objection(objection_id, "addressed", "Sudah dibicarakan", RULES, FACILITATOR, occurred_at=moment())
    reached_check(proposal)
    proposal.decide("adopted", "consensus", "Pak Darmo menghibahkan tanah", RULES, DECIDED_AT, FACILITATOR)
    proposal.collect_events()
    return proposal


def test_a_redaction_records_the_step_the_field_and_why_but_never_the_words() -> None:
    proposal = deliberated()
    proposal.redact(2, "text", "Memuat nama warga", ADMIN, occurred_at=LATER)
    (redacted,) = proposal.collect_events()
    assert isinstance(redacted, Proposal.Redacted)
    assert (redacted.version, redacted.field, redacted.reason) == (2, "text", "Memuat nama warga")
    assert redacted.actor == ADMIN
    assert "Pak Darmo" not in repr(vars(redacted))
    assert proposal.is_redacted(2, "text") and not proposal.is_redacted(3, "grounds")


def test_redacted_grounds_and_rationale_read_as_redacted_in_the_proposal() -> None:
    proposal = deliberated()
    proposal.redact(3, "grounds", "Memuat nama warga", ADMIN, occurred_at=LATER)
    proposal.redact(8, "rationale", "Memuat nama warga", ADMIN, occurred_at=LATER)
    objection = next(iter(proposal.objections.values()))
    assert (objection.grounds, objection.note) == (REDACTED_TEXT, "Sudah dibicarakan")
    assert proposal.decision is not None and proposal.decision.rationale == REDACTED_TEXT
    assert proposal.redactions == {"3": ["grounds"], "8": ["rationale"]}


def test_a_resolution_note_and_a_stance_reason_can_be_redacted() -> None:
    proposal = deliberated()
    proposal.annul_decision("Keliru", None, None, FACILITATOR, occurred_at=LATER)  # 9
    proposal.contribute(uuid4(), "support", "Lanjut", FACILITATOR, occurred_at=LATER)  # 10
    version = proposal.version
    proposal.redact(4, "note", "Memuat nama warga", ADMIN, occurred_at=LATER)
    assert next(iter(proposal.objections.values())).note == REDACTED_TEXT
    stances = [int(v) for v, kind in proposal.free_text.items() if kind == "StanceTaken"]
    proposal.redact(stances[0], "reason", "Memuat nama warga", ADMIN, occurred_at=LATER)
    assert proposal.redactions == {"4": ["note"], str(stances[0]): ["reason"]}
    assert proposal.version == version + 2


def test_the_rationale_of_an_annulled_decision_is_redacted_where_it_stays_on_record() -> None:
    proposal = deliberated()
    proposal.annul_decision("Keliru", None, None, FACILITATOR, occurred_at=LATER)
    proposal.redact(8, "rationale", "Memuat nama warga", ADMIN, occurred_at=LATER)
    assert proposal.annulled_decisions[0].decision.rationale == REDACTED_TEXT


def test_the_second_objection_is_the_one_redacted_when_its_step_is_named() -> None:
    proposal = submit_proposal()
    proposal.raise_objection(uuid4(), uuid4(), "Tanah Pak Darmo", False, FACILITATOR, occurred_at=moment())  # 2
    proposal.contribute(uuid4(), "support", "Setuju", FACILITATOR, occurred_at=moment())  # 3
    proposal.raise_objection(uuid4(), uuid4(), "Kedua: Bu Siti", False, FACILITATOR, occurred_at=moment())  # 4
    proposal.redact(4, "grounds", "Memuat nama warga", ADMIN, occurred_at=LATER)
    first, second = proposal.objections.values()
    assert (first.grounds, second.grounds) == ("Tanah Pak Darmo", REDACTED_TEXT)


def test_an_erratum_of_a_redacted_statement_reads_as_redacted_too() -> None:
    proposal = deliberated()
    proposal.correct(2, "text", "Pak Darmo Sukirno menolak", "Nama lengkap", FACILITATOR, occurred_at=LATER)
    proposal.redact(2, "text", "Memuat nama warga", ADMIN, occurred_at=LATER)
    assert proposal.corrected(2, "text").text == REDACTED_TEXT  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("version", "field"),
    [(1, "title"), (1, "body"), (4, "grounds"), (2, "grounds"), (5, "text"), (99, "text"), (0, "text")],
    ids=["the-title", "the-text-decided", "a-resolution", "another-step", "a-check", "no-such-step", "version-0"],
)
def test_only_what_was_said_can_be_redacted_and_only_where_it_was_said(version: int, field: str) -> None:
    proposal = deliberated()
    error = assert_refused(
        proposal,
        "nothing_to_redact",
        lambda: proposal.redact(version, field, "alasan", ADMIN, occurred_at=LATER),
    )
    assert error.ids == {"proposal_id": str(proposal.id)}


def test_a_statement_is_redacted_once() -> None:
    proposal = deliberated()
    proposal.redact(2, "text", "Memuat nama warga", ADMIN, occurred_at=LATER)
    assert_refused(proposal, "nothing_to_redact", lambda: proposal.redact(2, "text", "lagi", ADMIN, occurred_at=LATER))


def test_a_redaction_rebuilds_from_the_events_alone_and_reaches_back_into_an_earlier_version() -> None:
    proposal = submit_proposal(collected=False)
    proposal.contribute(uuid4(), "concern", "Pak Darmo menolak", FACILITATOR, occurred_at=moment())
    proposal.raise_objection(uuid4(), uuid4(), "Tanah Pak Darmo", False, FACILITATOR, occurred_at=moment())
    events = list(proposal.collect_events())
    earlier = replayed(events)
    proposal.redact(3, "grounds", "Memuat nama warga", ADMIN, occurred_at=LATER)
    events += proposal.collect_events()

    rebuilt = replayed(events)
    earlier.without_words_redacted_since(rebuilt)

    assert vars(rebuilt) == vars(proposal)
    assert next(iter(earlier.objections.values())).grounds == REDACTED_TEXT


def test_a_redacted_statement_takes_no_erratum_which_would_publish_it_again() -> None:
    proposal = deliberated()
    proposal.redact(3, "grounds", "Memuat nama warga", ADMIN, occurred_at=LATER)
    assert_refused(
        proposal,
        "nothing_to_correct",
        lambda: proposal.correct(3, "grounds", "Tanah Pak Darmo", "Ralat", FACILITATOR, occurred_at=LATER),
    )

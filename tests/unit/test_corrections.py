"""Corrections never rewrite: withdrawal, annulment by a later musyawarah and errata are events of their own."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.deliberation import Annulment, Correction, Decision
from domain.proposal import Proposal
from domain.rules import DecisionRules

from .builders import (
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


def adopted() -> Proposal:
    proposal = submit_proposal()
    reached_check(proposal)
    proposal.decide("adopted", "consensus", "Disepakati", RULES, DECIDED_AT, FACILITATOR)
    proposal.collect_events()
    return proposal


# --- withdrawal ----------------------------------------------------------------------


def test_an_undecided_proposal_is_withdrawn_with_its_reason() -> None:
    proposal = submit_proposal()
    occurred_at = moment()
    proposal.withdraw("Diajukan dua kali", FACILITATOR, occurred_at=occurred_at)
    (withdrawn,) = proposal.collect_events()
    assert isinstance(withdrawn, Proposal.Withdrawn)
    assert (withdrawn.reason, withdrawn.occurred_at, withdrawn.actor) == ("Diajukan dua kali", occurred_at, FACILITATOR)
    assert proposal.status == "withdrawn"
    assert proposal.withdrawal == {"reason": "Diajukan dua kali", "withdrawn_at": occurred_at}


@pytest.mark.parametrize("step", ["contribute", "open_consensus_check", "decide", "withdraw", "annul", "correct"])
def test_nothing_more_is_recorded_on_a_withdrawn_proposal(step: str) -> None:
    proposal = submit_proposal()
    proposal.withdraw("Salah ketik", FACILITATOR, occurred_at=moment())
    steps = {
        "contribute": lambda: proposal.contribute(uuid4(), "support", "Setuju", FACILITATOR, occurred_at=moment()),
        "open_consensus_check": lambda: proposal.open_consensus_check(
            uuid4(), uuid4(), 9, 9, RULES, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
        ),
        "decide": lambda: proposal.decide("rejected", "none", "Tidak", RULES, DECIDED_AT, FACILITATOR),
        "withdraw": lambda: proposal.withdraw("lagi", FACILITATOR, occurred_at=moment()),
        "annul": lambda: proposal.annul_decision("batal", None, None, FACILITATOR, occurred_at=moment()),
        "correct": lambda: proposal.correct(1, "title", "Judul", "salah ketik", FACILITATOR, occurred_at=moment()),
    }
    error = assert_refused(proposal, "proposal_withdrawn", steps[step])
    assert error.ids == {"proposal_id": str(proposal.id)}


def test_a_decided_proposal_cannot_be_withdrawn() -> None:
    proposal = adopted()
    assert_refused(
        proposal, "proposal_already_decided", lambda: proposal.withdraw("terlambat", FACILITATOR, occurred_at=LATER)
    )


# --- annulment -------------------------------------------------------------------------


def test_an_annulled_decision_stays_on_record_and_the_proposal_is_open_again() -> None:
    proposal = adopted()
    meeting_id = uuid4()
    decision = proposal.decision
    proposal.annul_decision("Cacat prosedur", "Perdes 2/2027", meeting_id, FACILITATOR, occurred_at=LATER)
    (annulled,) = proposal.collect_events()
    assert isinstance(annulled, Proposal.DecisionAnnulled)
    assert (annulled.reason, annulled.legal_basis, annulled.meeting_id) == (
        "Cacat prosedur",
        "Perdes 2/2027",
        meeting_id,
    )
    assert proposal.status == "open"
    assert proposal.decision is None
    assert proposal.annulled_decisions == [
        Annulment(
            decision=decision,  # type: ignore[arg-type]
            reason="Cacat prosedur",
            legal_basis="Perdes 2/2027",
            meeting_id=str(meeting_id),
            annulled_at=LATER,
        )
    ]


def test_only_a_decided_proposal_has_a_decision_to_annul() -> None:
    proposal = submit_proposal()
    error = assert_refused(
        proposal,
        "proposal_not_decided",
        lambda: proposal.annul_decision("batal", None, None, FACILITATOR, occurred_at=moment()),
    )
    assert error.ids == {"proposal_id": str(proposal.id)}


def test_after_an_annulment_deliberation_goes_on_and_a_new_decision_needs_a_new_check() -> None:
    proposal = adopted()
    proposal.annul_decision("Cacat prosedur", None, None, FACILITATOR, occurred_at=LATER)
    # The check that founded the annulled decision founds no other: since the annulment, none was held.
    assert_refused(
        proposal,
        "no_check_on_this_text",
        lambda: proposal.decide("adopted", "consensus", "Lagi", RULES, LATER, FACILITATOR),
    )
    proposal.contribute(uuid4(), "concern", "Perlu dibahas ulang", FACILITATOR, occurred_at=LATER)
    check_id = uuid4()
    proposal.open_consensus_check(
        check_id, uuid4(), 9, 9, RULES, FACILITATOR, occurred_at=LATER, meeting_opened_at=None
    )
    proposal.take_stance(check_id, uuid4(), "agree", None, FACILITATOR, occurred_at=LATER)
    proposal.close_consensus_check(check_id, 9, 9, RULES, FACILITATOR, occurred_at=LATER)
    proposal.decide("adopted", "consensus", "Disepakati ulang", RULES, LATER, FACILITATOR)
    assert proposal.status == "decided"
    assert proposal.decision is not None and proposal.decision.rationale == "Disepakati ulang"
    assert [a.decision.rationale for a in proposal.annulled_decisions] == ["Disepakati"]


def test_a_new_decision_is_not_dated_before_the_annulment() -> None:
    proposal = adopted()
    proposal.annul_decision("Cacat prosedur", None, None, FACILITATOR, occurred_at=LATER)
    assert_refused(
        proposal,
        "occurred_out_of_order",
        lambda: proposal.decide("rejected", "none", "Tidak jadi", RULES, DECIDED_AT, FACILITATOR),
    )


# --- errata ----------------------------------------------------------------------------


def test_a_mistyped_title_is_corrected_and_the_original_stays_in_its_event() -> None:
    proposal = Proposal(
        id=uuid4(),
        process_id=uuid4(),
        title="Jalan ke pasr",
        body="Pengerasan jalan",
        submitted_by=uuid4(),
        meeting_id=None,
        occurred_at=moment(),
        actor=FACILITATOR,
    )
    (submitted,) = proposal.collect_events()
    occurred_at = moment()
    proposal.correct(1, "title", "Jalan ke pasar", "Salah ketik", FACILITATOR, occurred_at=occurred_at)
    (corrected,) = proposal.collect_events()
    assert isinstance(corrected, Proposal.Corrected)
    assert (corrected.version, corrected.field, corrected.text) == (1, "title", "Jalan ke pasar")
    assert proposal.title == "Jalan ke pasar"
    assert submitted.title == "Jalan ke pasr"  # type: ignore[attr-defined]
    assert proposal.corrected(1, "title") == Correction(
        version=1, field="title", text="Jalan ke pasar", reason="Salah ketik", corrected_at=occurred_at
    )
    assert proposal.corrected(1, "body") is None


def test_an_erratum_of_the_current_text_corrects_the_body_without_making_a_new_text_version() -> None:
    proposal = submit_proposal()
    proposal.amend("Pengerasan jalan 200 m", "lebih jelas", uuid4(), FACILITATOR, occurred_at=moment())
    reached_check(proposal)
    proposal.correct(2, "body", "Pengerasan jalan 300 m", "Notulen: 300 m", FACILITATOR, occurred_at=moment())
    assert proposal.body == "Pengerasan jalan 300 m"
    assert proposal.text_version == 2
    proposal.decide("adopted", "consensus", "Disepakati", RULES, DECIDED_AT, FACILITATOR)


def test_an_erratum_of_an_older_text_leaves_the_current_text_alone() -> None:
    proposal = submit_proposal()
    proposal.amend("Teks baru", "alasan", uuid4(), FACILITATOR, occurred_at=moment())
    proposal.correct(1, "body", "Teks lama yang benar", "Salah ketik", FACILITATOR, occurred_at=moment())
    assert proposal.body == "Teks baru"
    assert proposal.corrected(1, "body") is not None


def test_free_text_of_any_step_can_be_corrected_even_after_the_decision() -> None:
    proposal = submit_proposal()
    proposal.contribute(uuid4(), "support", "Stuju", FACILITATOR, occurred_at=moment())  # version 2
    objection_id = uuid4()
    proposal.raise_objection(objection_id, uuid4(), "Tanh", True, FACILITATOR, occurred_at=moment())  # 3
    proposal.resolve_objection(objection_id, "addressed", "Dpindah", RULES, FACILITATOR, occurred_at=moment())  # 4
    reached_check(proposal)  # 5, 6, 7
    proposal.decide("adopted", "consensus", "Dsepakati", RULES, DECIDED_AT, FACILITATOR)  # 8
    for version, field, text in (
        (2, "text", "Setuju"),
        (3, "grounds", "Tanah"),
        (4, "note", "Dipindah"),
        (8, "rationale", "Disepakati"),
    ):
        proposal.correct(version, field, text, "Salah ketik", FACILITATOR, occurred_at=LATER)
        assert proposal.corrected(version, field).text == text  # type: ignore[union-attr]


def test_a_later_erratum_of_the_same_text_supersedes_the_earlier() -> None:
    proposal = submit_proposal()
    proposal.correct(1, "title", "Jalan pasar", "Salah ketik", FACILITATOR, occurred_at=moment())
    proposal.correct(1, "title", "Jalan ke pasar desa", "Masih salah", FACILITATOR, occurred_at=moment())
    assert proposal.title == "Jalan ke pasar desa"
    assert proposal.corrected(1, "title").reason == "Masih salah"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("version", "field"),
    [(5, "text"), (2, "kind"), (3, "text"), (1, "submitted_by"), (99, "title"), (0, "title")],
    ids=["a-check-has-no-free-text", "not-free-text", "another-steps-field", "an-id", "no-such-version", "version-0"],
)
def test_only_free_text_recorded_at_that_version_can_be_corrected(version: int, field: str) -> None:
    proposal = submit_proposal()
    proposal.contribute(uuid4(), "support", "Setuju", FACILITATOR, occurred_at=moment())  # version 2
    proposal.raise_objection(uuid4(), uuid4(), "alasan", False, FACILITATOR, occurred_at=moment())  # 3
    reached_check(proposal)  # 4, 5, 6
    error = assert_refused(
        proposal,
        "nothing_to_correct",
        lambda: proposal.correct(version, field, "teks", "alasan", FACILITATOR, occurred_at=moment()),
    )
    assert error.ids == {"proposal_id": str(proposal.id)}


def test_withdrawal_annulment_and_errata_rebuild_from_the_events_alone() -> None:
    fresh = Proposal(
        id=uuid4(),
        process_id=uuid4(),
        title="Jalan ke pasr",
        body="Pengerasan jalan",
        submitted_by=uuid4(),
        meeting_id=None,
        occurred_at=moment(),
        actor=FACILITATOR,
    )
    fresh.correct(1, "title", "Jalan ke pasar", "Salah ketik", FACILITATOR, occurred_at=moment())
    fresh.decide("deferred", "none", "Nanti", RULES, DECIDED_AT, FACILITATOR)
    fresh.annul_decision("Keliru", "Perdes 2/2027", None, FACILITATOR, occurred_at=LATER)
    fresh.withdraw("Diganti usulan lain", FACILITATOR, occurred_at=LATER)
    rebuilt = replayed(list(fresh.collect_events()))
    assert vars(rebuilt) == vars(fresh)
    assert rebuilt.status == "withdrawn"
    assert rebuilt.title == "Jalan ke pasar"
    assert rebuilt.annulled_decisions[0].decision == Decision(
        outcome="deferred", method="none", rationale="Nanti", rules=RULES.as_dict(), decided_at=DECIDED_AT
    )

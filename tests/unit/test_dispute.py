"""A dispute (pengelolaan konflik): who may be a party, mediation in sessions, the agreement only after a
session, escalation and dropping, and no step after it ended except a correction. Every rule is broken once here,
by its code."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.dispute import Dispute
from domain.errors import PartOfDisputeNotFound, PartyNotAllowed, ValueNotAllowed
from domain.proposal import REDACTED_TEXT

from .builders import ADMIN, FACILITATOR, assert_refused, moment

PARTIES: list[dict[str, Any]] = [{"group": "indigenous"}, {"organisation": "Kelompok Nelayan Mina Jaya"}]


def open_dispute(parties: list[dict[str, Any]] | None = None, **kwargs: Any) -> Dispute:
    """The land for the embung: the indigenous community and the fishers' group."""
    return Dispute.open(
        id=uuid4(),
        process_id=uuid4(),
        title=kwargs.pop("title", "Tanah bengkok untuk embung"),
        parties=PARTIES if parties is None else parties,
        about=kwargs.pop("about", None),
        visibility=kwargs.pop("visibility", "restricted"),
        actor=FACILITATOR,
        occurred_at=moment(),
    )


def hold(dispute: Dispute, summary: str | None = "Kedua pihak bertemu di balai desa") -> UUID:
    session_id = uuid4()
    dispute.hold_session(session_id, uuid4(), summary, FACILITATOR, occurred_at=moment())
    return session_id


def agree(dispute: Dispute) -> None:
    dispute.agree("Air dibagi bergilir", ["kepala desa", "ketua BPD"], [], [], False, FACILITATOR, occurred_at=moment())


# --- opening ------------------------------------------------------------------------------------------------


def test_a_dispute_opens_restricted_between_its_parties_about_a_proposal() -> None:
    proposal_id = uuid4()
    dispute = open_dispute(about={"proposal_id": proposal_id})

    assert dispute.status == "open"
    assert dispute.visibility == "restricted"
    assert not dispute.is_public
    assert dispute.parties == [{"group": "indigenous"}, {"organisation": "Kelompok Nelayan Mina Jaya"}]
    assert dispute.proposal_id == str(proposal_id)


def test_a_public_dispute_about_nothing_is_public() -> None:
    dispute = open_dispute(visibility="public")

    assert dispute.is_public
    assert dispute.about is None
    assert dispute.proposal_id is None


@pytest.mark.parametrize(
    "parties",
    [
        [{"participant_id": str(uuid4())}, {"group": "women"}],
        [{"group": "women", "organisation": "Koperasi"}, {"group": "youth"}],
        [{"group": "women"}],
        [{"group": "women"}, {"group": "women"}],
        [{"organisation": "  "}, {"group": "women"}],
        [{}, {"group": "women"}],
    ],
    ids=["a person", "two kinds at once", "one party", "a party twice", "an unnamed organisation", "nothing"],
)
def test_a_party_is_a_group_a_partner_or_an_organisation_never_a_person(parties: list[dict[str, Any]]) -> None:
    with pytest.raises(PartyNotAllowed) as refused:
        open_dispute(parties)

    assert refused.value.code == "party_not_allowed"


def test_a_party_s_group_is_one_of_the_community_s_groups() -> None:
    with pytest.raises(ValueNotAllowed):
        open_dispute([{"group": "nobody"}, {"group": "women"}])


def test_a_dispute_is_about_one_record_at_most() -> None:
    with pytest.raises(ValueNotAllowed):
        open_dispute(about={"proposal_id": uuid4(), "commitment_id": uuid4()})
    with pytest.raises(ValueNotAllowed):
        open_dispute(about={"meeting_id": uuid4()})


def test_a_dispute_needs_a_title_and_a_known_visibility() -> None:
    with pytest.raises(ValueNotAllowed):
        open_dispute(title="  ")
    with pytest.raises(ValueNotAllowed):
        open_dispute(visibility="secret")


# --- mediation ----------------------------------------------------------------------------------------------


def test_the_first_session_starts_the_mediation_and_each_session_keeps_its_meeting_and_summary() -> None:
    dispute = open_dispute()
    meeting_id = uuid4()
    session_id = uuid4()
    dispute.hold_session(session_id, meeting_id, "Pengukuran ulang disepakati", FACILITATOR, occurred_at=moment())
    hold(dispute)

    assert dispute.status == "in_mediation"
    assert len(dispute.sessions) == 2
    assert dispute.sessions[str(session_id)]["meeting_id"] == str(meeting_id)
    assert dispute.sessions[str(session_id)]["summary"] == "Pengukuran ulang disepakati"
    assert dispute.sessions[str(session_id)]["version"] == 2


def test_a_session_is_not_held_before_the_dispute_was_opened() -> None:
    dispute = open_dispute()

    assert_refused(
        dispute,
        "occurred_out_of_order",
        lambda: dispute.hold_session(uuid4(), uuid4(), None, FACILITATOR, occurred_at=dispute.opened_at - timedelta(1)),
    )


def test_an_issue_records_what_each_side_needs_not_only_what_it_demands() -> None:
    dispute = open_dispute()
    issue_id = uuid4()
    dispute.record_issue(
        issue_id,
        "Lahan embung",
        [{"party": 0, "needs": "Penghasilan dari lahan", "demands": "Ganti rugi"}, {"party": 1, "needs": "Air"}],
        FACILITATOR,
        occurred_at=moment(),
    )

    assert dispute.issues[str(issue_id)]["interests"] == [
        {"party": 0, "needs": "Penghasilan dari lahan", "demands": "Ganti rugi"},
        {"party": 1, "needs": "Air", "demands": None},
    ]


@pytest.mark.parametrize("row", [{"party": 2, "needs": "Air"}, {"party": True, "needs": "Air"}, {"party": 0}])
def test_an_interest_belongs_to_a_party_of_the_dispute_and_says_what_it_needs(row: dict[str, Any]) -> None:
    dispute = open_dispute()

    assert_refused(
        dispute,
        "value_not_allowed",
        lambda: dispute.record_issue(uuid4(), "Air", [row], FACILITATOR, occurred_at=moment()),
    )


def test_an_option_is_considered_for_an_issue_of_the_dispute_or_the_whole_dispute() -> None:
    dispute = open_dispute()
    issue_id = uuid4()
    dispute.record_issue(issue_id, "Lahan", [], FACILITATOR, occurred_at=moment())
    option_id = uuid4()
    dispute.consider_option(option_id, issue_id, "Tukar guling lahan", FACILITATOR, occurred_at=moment())
    dispute.consider_option(uuid4(), None, "Sewa lahan oleh desa", FACILITATOR, occurred_at=moment())

    assert dispute.options[str(option_id)]["issue_id"] == str(issue_id)
    assert len(dispute.options) == 2
    with pytest.raises(PartOfDisputeNotFound):
        dispute.consider_option(uuid4(), uuid4(), "Lain", FACILITATOR, occurred_at=moment())


# --- how it ends --------------------------------------------------------------------------------------------


def test_an_agreement_after_a_session_ends_the_dispute_with_its_signatories_and_commitments() -> None:
    dispute = open_dispute()
    hold(dispute)
    commitment_id = uuid4()
    promise = {"description": "Pintu air diperbaiki", "owner": "Pemerintah desa", "due": "2027-06-30"}
    dispute.agree(
        "Air dibagi bergilir",
        ["kepala desa", " ketua BPD ", "kepala desa", ""],
        [commitment_id, commitment_id],
        [promise],
        True,
        FACILITATOR,
        occurred_at=moment(),
    )

    assert dispute.status == "agreed"
    assert dispute.agreement is not None
    assert dispute.agreement["signatory_roles"] == ["kepala desa", "ketua BPD"]
    assert dispute.agreement["commitment_ids"] == [str(commitment_id)]
    assert dispute.agreement["promises"] == [promise]
    assert dispute.agreement["text_public"] is True


def test_an_agreement_comes_only_after_a_mediation_session() -> None:
    dispute = open_dispute()

    assert_refused(dispute, "agreement_needs_a_session", lambda: agree(dispute))


def test_an_agreement_is_signed_by_at_least_one_role_and_not_before_the_latest_session() -> None:
    dispute = open_dispute()
    hold(dispute)
    latest = max(s["held_at"] for s in dispute.sessions.values())

    assert_refused(
        dispute,
        "value_not_allowed",
        lambda: dispute.agree("Teks", [" "], [], [], False, FACILITATOR, occurred_at=moment()),
    )
    assert_refused(
        dispute,
        "occurred_out_of_order",
        lambda: dispute.agree("Teks", ["kades"], [], [], False, FACILITATOR, occurred_at=latest - timedelta(1)),
    )


@pytest.mark.parametrize("body", ["bpd", "camat", "police", "court"])
def test_a_dispute_is_escalated_to_the_bpd_the_camat_the_police_or_a_court(body: str) -> None:
    dispute = open_dispute()
    hold(dispute)
    dispute.escalate(body, "Mediasi desa buntu", FACILITATOR, occurred_at=moment())

    assert dispute.status == "escalated"
    assert dispute.escalation is not None
    assert dispute.escalation["to"] == body


def test_an_escalation_goes_to_a_known_body_and_says_why() -> None:
    dispute = open_dispute()

    assert_refused(
        dispute, "value_not_allowed", lambda: dispute.escalate("dukun", "Buntu", FACILITATOR, occurred_at=moment())
    )
    assert_refused(
        dispute, "value_not_allowed", lambda: dispute.escalate("camat", " ", FACILITATOR, occurred_at=moment())
    )


def test_an_open_dispute_is_dropped_with_a_reason() -> None:
    dispute = open_dispute()

    assert_refused(dispute, "value_not_allowed", lambda: dispute.drop_dispute("", FACILITATOR, occurred_at=moment()))
    dispute.drop_dispute("Para pihak berdamai sendiri", FACILITATOR, occurred_at=moment())

    assert dispute.status == "dropped"
    assert dispute.drop is not None and dispute.drop["reason"] == "Para pihak berdamai sendiri"


def _agreed() -> Dispute:
    dispute = open_dispute()
    hold(dispute)
    agree(dispute)
    return dispute


def _escalated() -> Dispute:
    dispute = open_dispute()
    dispute.escalate("bpd", "Buntu", FACILITATOR, occurred_at=moment())
    return dispute


def _dropped() -> Dispute:
    dispute = open_dispute()
    dispute.drop_dispute("Selesai sendiri", FACILITATOR, occurred_at=moment())
    return dispute


STEPS: dict[str, Callable[[Dispute], object]] = {
    "a session": lambda d: hold(d),
    "an issue": lambda d: d.record_issue(uuid4(), "Lain", [], FACILITATOR, occurred_at=moment()),
    "an option": lambda d: d.consider_option(uuid4(), None, "Lain", FACILITATOR, occurred_at=moment()),
    "an agreement": lambda d: agree(d),
    "an escalation": lambda d: d.escalate("court", "Lagi", FACILITATOR, occurred_at=moment()),
    "a drop": lambda d: d.drop_dispute("Lagi", FACILITATOR, occurred_at=moment()),
}


@pytest.mark.parametrize("ended", [_agreed, _escalated, _dropped], ids=["agreed", "escalated", "dropped"])
@pytest.mark.parametrize("step", list(STEPS))
def test_no_step_follows_an_agreement_an_escalation_or_a_drop(ended: Callable[[], Dispute], step: str) -> None:
    dispute = ended()

    assert_refused(dispute, "dispute_settled", lambda: STEPS[step](dispute))


# --- corrections and redaction ------------------------------------------------------------------------------


def test_an_ended_dispute_still_takes_a_correction_and_the_original_stays_in_its_event() -> None:
    dispute = _agreed()
    dispute.collect_events()
    dispute.correct(
        "agreement", None, "Air dibagi bergilir per minggu", "Salah ketik", FACILITATOR, occurred_at=moment()
    )

    assert dispute.agreement is not None and dispute.agreement["text"] == "Air dibagi bergilir per minggu"
    assert dispute.corrections[-1]["field"] == "agreement"
    assert dispute.corrections[-1]["reason"] == "Salah ketik"


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("title", lambda d: d.title),
        ("escalation_reason", lambda d: d.escalation["reason"]),
    ],
)
def test_the_title_and_the_escalation_reason_are_corrected(field: str, expected: Callable[[Dispute], str]) -> None:
    dispute = _escalated()
    dispute.correct(field, None, "Teks benar", "Ralat", FACILITATOR, occurred_at=moment())

    assert expected(dispute) == "Teks benar"


def test_a_drop_reason_and_a_summary_are_corrected() -> None:
    dispute = open_dispute()
    session_id = hold(dispute)
    dispute.correct("summary", session_id, "Ringkasan benar", "Ralat", FACILITATOR, occurred_at=moment())
    dispute.drop_dispute("Selesai", FACILITATOR, occurred_at=moment())
    dispute.correct("drop_reason", None, "Selesai sendiri", "Ralat", FACILITATOR, occurred_at=moment())

    assert dispute.sessions[str(session_id)]["summary"] == "Ringkasan benar"
    assert dispute.drop is not None and dispute.drop["reason"] == "Selesai sendiri"
    assert dispute.summary_versions(session_id) == [(2, "summary"), (3, "text")]


def test_only_text_that_was_recorded_is_corrected() -> None:
    dispute = open_dispute()

    assert_refused(
        dispute,
        "nothing_to_correct",
        lambda: dispute.correct("parties", None, "x", "y", FACILITATOR, occurred_at=moment()),
    )
    assert_refused(
        dispute,
        "nothing_to_correct",
        lambda: dispute.correct("agreement", None, "x", "y", FACILITATOR, occurred_at=moment()),
    )
    with pytest.raises(PartOfDisputeNotFound):
        dispute.correct("summary", uuid4(), "x", "y", FACILITATOR, occurred_at=moment())
    with pytest.raises(PartOfDisputeNotFound):
        dispute.correct("summary", None, "x", "y", FACILITATOR, occurred_at=moment())


def test_a_summary_is_redacted_once_and_then_reads_as_redacted() -> None:
    dispute = _agreed()
    session_id = next(iter(dispute.sessions))
    dispute.redact_summary(UUID(session_id), "Menyebut nama warga", ADMIN, occurred_at=moment())

    assert dispute.sessions[session_id]["summary"] == REDACTED_TEXT
    assert dispute.sessions[session_id]["redacted"] is True
    assert_refused(
        dispute,
        "nothing_to_redact",
        lambda: dispute.redact_summary(UUID(session_id), "Lagi", ADMIN, occurred_at=moment()),
    )
    assert_refused(
        dispute,
        "nothing_to_correct",
        lambda: dispute.correct("summary", UUID(session_id), "x", "y", FACILITATOR, occurred_at=moment()),
    )


def test_a_session_without_a_summary_has_nothing_to_redact() -> None:
    dispute = open_dispute()
    session_id = hold(dispute, summary=None)

    assert_refused(
        dispute, "nothing_to_redact", lambda: dispute.redact_summary(session_id, "x", ADMIN, occurred_at=moment())
    )


def test_a_dispute_replays_to_the_same_state_from_its_events() -> None:
    dispute = _agreed()
    events = dispute.collect_events()
    replayed: Any = None
    for event in events:
        replayed = event.mutate(replayed)

    assert replayed.status == "agreed"
    assert replayed.sessions == dispute.sessions
    assert replayed.agreement == dispute.agreement


# --- the agreement as a signed document ---------------------------------------------------------------------------


def test_an_agreement_is_sealed_in_versions_and_a_later_erratum_of_its_text_keeps_the_sealings() -> None:
    dispute = open_dispute()
    hold(dispute)
    agree(dispute)

    dispute.seal_agreement("aa" * 32, 1000, 17, "id", FACILITATOR, occurred_at=moment())
    dispute.correct(
        "agreement", None, "Air dibagi bergilir tiap pekan", "Salah tulis", FACILITATOR, occurred_at=moment()
    )
    dispute.seal_agreement("bb" * 32, 1010, 19, "id", FACILITATOR, occurred_at=moment())

    assert [(s["sealed_version"], s["sha256"], s["log_position"]) for s in dispute.agreement_sealings] == [
        (1, "aa" * 32, 17),
        (2, "bb" * 32, 19),
    ]
    assert dispute.agreement is not None and dispute.agreement["text"] == "Air dibagi bergilir tiap pekan"


def test_an_agreement_is_sealed_only_once_recorded_and_not_before_it_was_agreed() -> None:
    dispute = open_dispute()
    hold(dispute)

    assert_refused(
        dispute,
        "no_agreement_to_seal",
        lambda: dispute.seal_agreement("aa" * 32, 1, 1, "id", FACILITATOR, occurred_at=moment()),
    )
    agree(dispute)
    early = moment() - timedelta(days=1)
    assert_refused(
        dispute,
        "occurred_out_of_order",
        lambda: dispute.seal_agreement("aa" * 32, 1, 1, "id", FACILITATOR, occurred_at=early),
    )

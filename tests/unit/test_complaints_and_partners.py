"""The rules of complaints (pengaduan) and partners (mitra), without I/O."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import uuid4

import pytest

from domain.actor import Actor
from domain.complaint import Complaint
from domain.errors import RuleBroken
from domain.partner import Partner
from domain.proposal import REDACTED_TEXT

from .builders import FACILITATOR, assert_refused, moment

PUBLIC = Actor(id="anonymous", role="public", name="publik")
DIGEST = "0f" * 32


def filed(at: datetime | None = None) -> Complaint:
    return Complaint.file(uuid4(), uuid4(), "Semen hilang", DIGEST, PUBLIC, occurred_at=at or moment())


def test_a_complaint_starts_received_with_its_history() -> None:
    at = moment()
    complaint = filed(at)

    assert complaint.status == "received"
    assert complaint.history == [{"status": "received", "at": at.isoformat(), "version": 1}]
    assert complaint.days_to_first_response is None


def test_a_response_changes_the_status_and_the_first_one_times_the_answer() -> None:
    at = moment()
    complaint = filed(at)
    complaint.respond("in_review", "Kami periksa.", FACILITATOR, occurred_at=at + timedelta(days=2))
    complaint.respond("responded", "Semen dipakai untuk pagar.", FACILITATOR, occurred_at=at + timedelta(days=5))

    assert complaint.status == "responded"
    assert [h["status"] for h in complaint.history] == ["received", "in_review", "responded"]
    assert complaint.history[2]["response"] == "Semen dipakai untuk pagar."
    assert complaint.days_to_first_response == 2


@pytest.mark.parametrize("closing", ["resolved", "rejected"])
def test_a_resolved_or_rejected_complaint_takes_no_more_responses(closing: str) -> None:
    complaint = filed()
    complaint.respond(closing, "Selesai.", FACILITATOR, occurred_at=moment())

    assert_refused(
        complaint,
        "complaint_closed",
        lambda: complaint.respond("escalated", "Lagi.", FACILITATOR, occurred_at=moment()),
    )


def test_an_escalated_complaint_may_still_be_answered() -> None:
    complaint = filed()
    complaint.respond("escalated", "Ke Inspektorat.", FACILITATOR, occurred_at=moment())
    complaint.respond("resolved", "Inspektorat menjawab.", FACILITATOR, occurred_at=moment())

    assert complaint.status == "resolved"


def test_a_response_says_something_has_a_known_status_and_comes_after_the_filing() -> None:
    complaint = filed()

    assert_refused(
        complaint, "value_not_allowed", lambda: complaint.respond("closed", "x", FACILITATOR, occurred_at=moment())
    )
    assert_refused(
        complaint, "value_not_allowed", lambda: complaint.respond("received", "x", FACILITATOR, occurred_at=moment())
    )
    assert_refused(
        complaint, "value_not_allowed", lambda: complaint.respond("responded", " ", FACILITATOR, occurred_at=moment())
    )
    earlier = complaint.filed_at - timedelta(minutes=1)
    assert_refused(
        complaint,
        "occurred_out_of_order",
        lambda: complaint.respond("responded", "x", FACILITATOR, occurred_at=earlier),
    )


def test_a_complaint_says_what_went_wrong_about_a_known_kind_with_a_digest() -> None:
    with pytest.raises(RuleBroken) as empty:
        Complaint.file(uuid4(), uuid4(), "  ", DIGEST, PUBLIC, occurred_at=moment())
    with pytest.raises(RuleBroken) as about:
        Complaint.file(uuid4(), uuid4(), "x", DIGEST, PUBLIC, occurred_at=moment(), about=("meeting", uuid4()))
    with pytest.raises(RuleBroken) as code:
        Complaint.file(uuid4(), uuid4(), "x", "K7QM-2XRB", PUBLIC, occurred_at=moment())

    assert {empty.value.code, about.value.code, code.value.code} == {"value_not_allowed"}


def registered() -> Partner:
    return Partner.register(uuid4(), uuid4(), "CSR PT Maju", "private", FACILITATOR, occurred_at=moment())


def test_a_partner_is_an_organisation_of_a_known_kind_with_a_name() -> None:
    with pytest.raises(RuleBroken, match="kind"):
        Partner.register(uuid4(), uuid4(), "Pak Budi", "person", FACILITATOR, occurred_at=moment())
    with pytest.raises(RuleBroken, match="name"):
        Partner.register(uuid4(), uuid4(), " ", "ngo", FACILITATOR, occurred_at=moment())


def test_contributions_keep_decimal_amounts_toward_commitments() -> None:
    partner = registered()
    commitment_id = uuid4()
    partner.contribute(
        uuid4(), "cash", "Dana", FACILITATOR, occurred_at=moment(), amount="1500000.50", commitment_id=commitment_id
    )
    partner.contribute(uuid4(), "technical", "Pelatihan tukang", FACILITATOR, occurred_at=moment())

    assert [(c["kind"], c["amount"], c["commitment_id"]) for c in partner.contributions] == [
        ("cash", "1500000.50", str(commitment_id)),
        ("technical", None, None),
    ]


def test_a_contribution_refuses_floats_negative_money_cash_without_amount_and_unknown_kinds() -> None:
    partner = registered()

    assert_refused(
        partner,
        "amount_not_allowed",
        lambda: partner.contribute(uuid4(), "cash", "Dana", FACILITATOR, occurred_at=moment(), amount=12.5),
    )
    assert_refused(
        partner,
        "amount_not_allowed",
        lambda: partner.contribute(uuid4(), "cash", "Dana", FACILITATOR, occurred_at=moment(), amount="-1"),
    )
    assert_refused(
        partner,
        "value_not_allowed",
        lambda: partner.contribute(uuid4(), "cash", "Dana", FACILITATOR, occurred_at=moment()),
    )
    assert_refused(
        partner,
        "value_not_allowed",
        lambda: partner.contribute(uuid4(), "loan", "Dana", FACILITATOR, occurred_at=moment()),
    )
    assert_refused(
        partner,
        "value_not_allowed",
        lambda: partner.contribute(uuid4(), "in_kind", " ", FACILITATOR, occurred_at=moment()),
    )
    earlier = partner.registered_at - timedelta(minutes=1)
    assert_refused(
        partner,
        "occurred_out_of_order",
        lambda: partner.contribute(uuid4(), "in_kind", "Semen", FACILITATOR, occurred_at=earlier),
    )


# --- offers: access to resources (membuka akses sumber daya) ---------------------------------------------------


def finding(kind: str = "need", title: str = "Modal usaha nelayan") -> dict[str, str]:
    return {"finding_id": str(uuid4()), "assessment_id": str(uuid4()), "kind": kind, "title": title}


def test_an_offer_opens_access_to_a_resource_and_answers_needs_each_once() -> None:
    partner = registered()
    capital, market = finding(), finding("potential", "Pasar ikan TPI")
    offer_id = uuid4()

    partner.offer(offer_id, "credit", " KUR mikro ", FACILITATOR, occurred_at=moment(), answers=[capital])
    partner.link_offer(offer_id, [market], FACILITATOR, occurred_at=moment())

    offer = partner.offers[str(offer_id)]
    assert (offer["kind"], offer["title"]) == ("credit", "KUR mikro")
    assert offer["answers"] == [capital["finding_id"], market["finding_id"]]
    assert_refused(
        partner,
        "finding_already_answered",
        lambda: partner.link_offer(offer_id, [capital], FACILITATOR, occurred_at=moment()),
    )


def test_an_offer_is_of_a_known_kind_with_a_title_and_is_linked_only_when_it_exists() -> None:
    partner = registered()

    assert_refused(
        partner,
        "value_not_allowed",
        lambda: partner.offer(uuid4(), "loan_shark", "X", FACILITATOR, occurred_at=moment()),
    )
    assert_refused(
        partner, "value_not_allowed", lambda: partner.offer(uuid4(), "grant", "  ", FACILITATOR, occurred_at=moment())
    )
    assert_refused(
        partner,
        "value_not_allowed",
        lambda: partner.link_offer(uuid4(), [finding()], FACILITATOR, occurred_at=moment()),
    )
    twice = finding()
    assert_refused(
        partner,
        "finding_already_answered",
        lambda: partner.offer(uuid4(), "grant", "Hibah", FACILITATOR, occurred_at=moment(), answers=[twice, twice]),
    )


# --- redaction and forgetting ----------------------------------------------------------------------------------


def test_a_complaint_s_text_and_responses_are_redacted_once_each_and_only_if_said() -> None:
    complaint = filed()
    complaint.respond("in_review", "Pak Joko ditanya", FACILITATOR, occurred_at=moment())

    complaint.redact(2, "response", "Menyebut nama", FACILITATOR, occurred_at=moment())
    complaint.redact(1, "text", "Menyebut nama", FACILITATOR, occurred_at=moment())

    assert complaint.text == REDACTED_TEXT
    assert complaint.history[1]["response"] == REDACTED_TEXT
    assert [(r["version"], r["field"]) for r in complaint.redactions] == [(2, "response"), (1, "text")]
    for version, field in ((1, "text"), (1, "response"), (3, "response")):
        assert_refused(
            complaint,
            "nothing_to_redact",
            lambda v=version, f=field: complaint.redact(v, f, "Lagi", FACILITATOR, occurred_at=moment()),
        )


def test_a_contact_is_forgotten_once_and_only_when_one_was_given() -> None:
    without = filed()
    with_contact = Complaint.file(
        uuid4(), uuid4(), "Semen hilang", "a" * 64, FACILITATOR, occurred_at=moment(), sealed_contact="c2VhbGVk"
    )

    with_contact.forget_contact(FACILITATOR, occurred_at=moment())

    assert with_contact.contact_forgotten is True
    assert_refused(without, "nothing_to_forget", lambda: without.forget_contact(FACILITATOR, occurred_at=moment()))
    assert_refused(
        with_contact, "nothing_to_forget", lambda: with_contact.forget_contact(FACILITATOR, occurred_at=moment())
    )


def test_an_older_complaint_snapshot_reads_with_the_version_of_each_step_and_nothing_redacted_or_forgotten() -> None:
    state = {"history": [{"status": "received", "at": "x"}, {"status": "in_review", "at": "y", "response": "r"}]}

    Complaint.upcast_v1_v2(state)

    assert [entry["version"] for entry in state["history"]] == [1, 2]
    assert (state["redactions"], state["contact_forgotten"]) == ([], False)


def test_an_older_partner_snapshot_reads_with_no_offers() -> None:
    state: dict[str, object] = {}

    Partner.upcast_v1_v2(state)

    assert state == {"offers": {}}

"""Complaints (pengaduan) anyone may file on a public process, answered by its facilitator and followed by a
tracking code; the public sees only counts; a flood from one address is refused on every worker.

Story: a resident of Sukamaju sees cement missing from the balai desa and says so without an account; the
pendamping answers; the resident follows it by the code; the village sees only how many complaints and how fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from http_callers import Caller, Village, start_village

from domain.proposal import REDACTED_TEXT
from service.adapters.storage import persistence_settings
from service.http.app_factory import create_app

TEXT = "Semen untuk balai desa hilang 20 sak, dilihat Pak Joko"
CONTACT = "0812-3456-7890"


@pytest.mark.both_stores
def test_a_resident_files_a_complaint_without_a_token_and_follows_it(
    anonymous: Caller, facilitator: Caller, village: Village
) -> None:
    response = anonymous.post(f"/processes/{village.process_id}/complaints", {"text": TEXT, "contact": CONTACT})
    assert response.status_code == 201, response.get_json()
    filed = response.get_json()
    assert filed["status"] == "received"
    assert len(filed["tracking_code"].replace("-", "")) == 20  # 100 bits of base32

    tracked = anonymous.get(f"/complaints/track/{filed['tracking_code']}").get_json()
    assert tracked["status"] == "received"
    assert [h["status"] for h in tracked["history"]] == ["received"]

    answered = facilitator.ok(
        f"/complaints/{filed['complaint_id']}/respond", {"status": "in_review", "response": "Kami periksa gudang."}
    )
    assert answered["status"] == "in_review"
    tracked = anonymous.get(f"/complaints/track/{filed['tracking_code'].lower()}").get_json()
    assert tracked["status"] == "in_review"
    assert tracked["history"][1]["response"] == "Kami periksa gudang."

    inbox = facilitator.get(f"/processes/{village.process_id}/complaints").get_json()
    assert [item["text"] for item in inbox["items"]] == [TEXT]
    assert inbox["items"][0]["contact"] == CONTACT


def test_an_unknown_tracking_code_is_not_found(anonymous: Caller) -> None:
    response = anonymous.get("/complaints/track/AAAA-BBBB-CCCC-DDDD-EEEE")
    assert response.status_code == 404
    assert response.get_json()["code"] == "not_found"


def test_the_public_sees_counts_and_the_median_never_words_or_contact(
    anonymous: Caller, facilitator: Caller, partner: Caller, village: Village
) -> None:
    first = anonymous.created(f"/processes/{village.process_id}/complaints", {"text": TEXT, "contact": CONTACT})
    anonymous.created(f"/processes/{village.process_id}/complaints", {"text": "Jalan rusak lagi"})
    facilitator.ok(f"/complaints/{first['complaint_id']}/respond", {"status": "resolved", "response": "Sudah."})

    seen = partner.get(f"/processes/{village.process_id}")
    assert seen.status_code == 200
    counts = seen.get_json()["complaints"]
    assert counts == {
        "received": 1,
        "in_review": 0,
        "responded": 0,
        "resolved": 1,
        "rejected": 0,
        "escalated": 0,
        "median_days_to_response": 0.0,
    }
    assert TEXT not in seen.get_data(as_text=True)
    assert CONTACT not in seen.get_data(as_text=True)
    # The inbox and one complaint are not the outsiders'.
    assert partner.get(f"/processes/{village.process_id}/complaints").status_code == 403
    assert anonymous.get(f"/processes/{village.process_id}/complaints").status_code == 401
    assert partner.get(f"/complaints/{first['complaint_id']}").status_code == 404


def test_a_complaint_on_a_restricted_process_is_not_found_to_the_public(anonymous: Caller, facilitator: Caller) -> None:
    restricted = start_village(facilitator, visibility="restricted")
    response = anonymous.post(f"/processes/{restricted.process_id}/complaints", {"text": TEXT})
    assert response.status_code == 404
    assert response.get_json()["code"] == "not_found"
    assert TEXT not in response.get_data(as_text=True)


def test_only_the_facilitator_or_an_admin_responds(
    anonymous: Caller, facilitator: Caller, partner: Caller, admin: Caller, village: Village
) -> None:
    filed = anonymous.created(f"/processes/{village.process_id}/complaints", {"text": TEXT})
    path = f"/complaints/{filed['complaint_id']}/respond"
    refused = partner.post(path, {"status": "responded", "response": "Bukan urusan kami."})
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "forbidden"
    assert anonymous.post(path, {"status": "responded", "response": "x"}).status_code == 401
    assert admin.ok(path, {"status": "escalated", "response": "Diteruskan ke Inspektorat."})["status"] == "escalated"


def test_a_resolved_complaint_takes_no_more_responses_in_bahasa_indonesia(
    anonymous: Caller, facilitator: Caller, village: Village
) -> None:
    filed = anonymous.created(f"/processes/{village.process_id}/complaints", {"text": TEXT})
    path = f"/complaints/{filed['complaint_id']}/respond"
    facilitator.ok(path, {"status": "rejected", "response": "Semen dipakai untuk pagar, ada kuitansi."})
    refused = facilitator.post(path, {"status": "resolved", "response": "x"}, headers={"Accept-Language": "id"})
    assert refused.status_code == 409
    problem = refused.get_json()
    assert problem["code"] == "complaint_closed"
    assert "pengaduan" in problem["detail"].lower()


def test_a_response_takes_if_match_and_occurred_at(anonymous: Caller, facilitator: Caller, village: Village) -> None:
    filed = anonymous.created(f"/processes/{village.process_id}/complaints", {"text": TEXT})
    path = f"/complaints/{filed['complaint_id']}/respond"
    stale = facilitator.post(path, {"status": "in_review", "response": "x"}, headers={"If-Match": '"7"'})
    assert stale.status_code == 412
    before = facilitator.post(
        path, {"status": "in_review", "response": "x", "occurred_at": "2020-01-01T09:00:00+07:00"}
    )
    assert before.status_code == 409
    assert before.get_json()["code"] == "occurred_out_of_order"


def test_a_retried_filing_answers_the_same_complaint_and_code(anonymous: Caller, village: Village) -> None:
    path = f"/processes/{village.process_id}/complaints"
    headers = {"Idempotency-Key": "pengaduan-semen-1"}
    first = anonymous.post(path, {"text": TEXT}, headers=headers).get_json()
    again = anonymous.post(path, {"text": TEXT}, headers=headers).get_json()
    assert again == first
    inbox_size = len(anonymous.get(f"/complaints/track/{first['tracking_code']}").get_json()["history"])
    assert inbox_size == 1


def test_a_complaint_about_a_proposal_of_another_process_is_not_found(
    anonymous: Caller, facilitator: Caller, village: Village
) -> None:
    other = start_village(facilitator)
    response = anonymous.post(
        f"/processes/{village.process_id}/complaints", {"text": TEXT, "about": {"proposal_id": other.proposal_id}}
    )
    assert response.status_code == 404
    mine = anonymous.post(
        f"/processes/{village.process_id}/complaints", {"text": TEXT, "about": {"proposal_id": village.proposal_id}}
    )
    assert mine.status_code == 201


@pytest.mark.both_stores
def test_a_flood_from_one_address_is_refused_across_two_app_objects_on_one_database(
    tmp_path: Path, database_url: str, facilitator: Caller, village: Village, app: Flask
) -> None:
    def worker() -> Flask:
        return create_app(
            {
                "TESTING": True,
                "MUFAKAT_LEDGER_ENV": persistence_settings(database_url),
                "MUFAKAT_SECRET_KEY_FILE": str(tmp_path / "mufakat-signing.key"),
                "MUFAKAT_COMPLAINTS_PER_HOUR": "3",
            }
        )

    workers = [worker(), worker()]
    try:
        answers = []
        for n in range(4):
            client = workers[n % 2].test_client()
            answers.append(
                client.post(
                    f"/api/v1/processes/{village.process_id}/complaints",
                    data=json.dumps({"text": f"{TEXT} {n}"}),
                    content_type="application/json",
                )
            )
        assert [a.status_code for a in answers] == [201, 201, 201, 429]
        refused = answers[-1]
        assert refused.get_json()["code"] == "too_many_complaints"
        assert 0 < int(refused.headers["Retry-After"]) <= 3600
        # A facilitator with a token is not counted.
        assert facilitator.post(f"/processes/{village.process_id}/complaints", {"text": TEXT}).status_code == 201
    finally:
        for each in workers:
            opened = each.extensions.get("mufakat")
            if opened is not None:
                opened.close()


def _file_from(app: Flask, address: str, process_id: UUID, text: str, key: str) -> Any:
    """A filing without a token from one client address, with an Idempotency-Key."""
    return app.test_client().post(
        f"/api/v1/processes/{process_id}/complaints",
        json={"text": text},
        headers={"Idempotency-Key": key},
        environ_overrides={"REMOTE_ADDR": address},
    )


def test_another_address_sending_the_same_key_and_words_files_its_own_complaint_and_never_learns_the_first_code(
    app: Flask, village: Village
) -> None:
    first = _file_from(app, "10.0.0.1", village.process_id, TEXT, "pengaduan-1")
    copied = _file_from(app, "10.0.0.2", village.process_id, TEXT, "pengaduan-1")
    retried = _file_from(app, "10.0.0.1", village.process_id, TEXT, "pengaduan-1")

    assert first.status_code == copied.status_code == 201
    assert copied.get_json()["complaint_id"] != first.get_json()["complaint_id"]
    assert copied.get_json()["tracking_code"] != first.get_json()["tracking_code"]
    assert retried.get_json() == first.get_json()


def test_a_filing_retried_past_the_hourly_limit_is_answered_again_and_a_new_one_is_refused(
    tmp_path: Path, database_url: str, village: Village
) -> None:
    limited = create_app(
        {
            "TESTING": True,
            "MUFAKAT_LEDGER_ENV": persistence_settings(database_url),
            "MUFAKAT_SECRET_KEY_FILE": str(tmp_path / "mufakat-signing.key"),
            "MUFAKAT_COMPLAINTS_PER_HOUR": "2",
        }
    )
    try:
        filed = [_file_from(limited, "10.0.0.9", village.process_id, f"{TEXT} {n}", f"k{n}") for n in range(2)]
        lost_answer_asked_again = _file_from(limited, "10.0.0.9", village.process_id, f"{TEXT} 1", "k1")
        new = _file_from(limited, "10.0.0.9", village.process_id, f"{TEXT} 2", "k2")

        assert [answer.status_code for answer in filed] == [201, 201]
        assert lost_answer_asked_again.status_code == 201
        assert lost_answer_asked_again.get_json() == filed[1].get_json()
        assert new.status_code == 429
    finally:
        opened = limited.extensions.get("mufakat")
        if opened is not None:
            opened.close()


@pytest.mark.parametrize("kind", ["cash", "in_kind"])
def test_partners_register_and_contribute_in_public(
    kind: str, facilitator: Caller, anonymous: Caller, partner: Caller, village: Village
) -> None:
    registered = facilitator.created(
        f"/processes/{village.process_id}/partners", {"name": "CSR PT Maju", "kind": "private"}
    )
    body = {"kind": kind, "description": "Semen 50 sak", "amount": "15000000.50"}
    contributed = facilitator.created(f"/partners/{registered['partner_id']}/contributions", body)
    assert contributed["contributions"][0]["amount"] == "15000000.50"
    listed = anonymous.get(f"/processes/{village.process_id}/partners").get_json()
    assert [(p["name"], p["kind"]) for p in listed["items"]] == [("CSR PT Maju", "private")]
    assert listed["items"][0]["contributions"][0]["kind"] == kind
    assert listed["next"] is None
    refused = partner.post(f"/processes/{village.process_id}/partners", {"name": "X", "kind": "ngo"})
    assert refused.status_code == 403


def test_a_contribution_refuses_a_float_and_negative_money(facilitator: Caller, village: Village) -> None:
    registered = facilitator.created(
        f"/processes/{village.process_id}/partners", {"name": "Dinas PU", "kind": "government"}
    )
    path = f"/partners/{registered['partner_id']}/contributions"
    assert facilitator.post(path, {"kind": "cash", "description": "Dana", "amount": 12.5}).status_code == 422
    negative = facilitator.post(path, {"kind": "cash", "description": "Dana", "amount": "-5"})
    assert (negative.status_code, negative.get_json()["code"]) == (422, "validation_failed")
    assert "amount" in negative.get_json()["errors"]
    stale = facilitator.post(path, {"kind": "technical", "description": "Pelatihan"}, headers={"If-Match": '"9"'})
    assert stale.status_code == 412


@pytest.mark.parametrize(
    "amount",
    ["1e60000000", "1E+3", "-0", "1_000", "\uff11\uff10\uff10\uff10", "1.234", "NaN", "1000000000000000000", 1000],
)
def test_a_contribution_s_amount_that_is_no_plain_rupiah_string_below_10_18_is_refused_naming_it(
    amount: Any, facilitator: Caller, anonymous: Caller, village: Village
) -> None:
    registered = facilitator.created(
        f"/processes/{village.process_id}/partners", {"name": "Dinas PU", "kind": "government"}
    )

    answer = facilitator.post(
        f"/partners/{registered['partner_id']}/contributions", {"kind": "cash", "description": "d", "amount": amount}
    )

    assert (answer.status_code, answer.get_json()["code"]) == (422, "validation_failed")
    assert list(answer.get_json()["errors"]) == ["amount"]
    listed = anonymous.get(f"/processes/{village.process_id}/partners").get_json()["items"]
    assert [p["contributions"] for p in listed] == [[]]
    assert anonymous.client.get(f"/proses/{village.process_id}").status_code == 200


def test_the_largest_contribution_is_just_below_10_18_rupiah_with_two_decimals(
    facilitator: Caller, village: Village
) -> None:
    registered = facilitator.created(
        f"/processes/{village.process_id}/partners", {"name": "Dinas PU", "kind": "government"}
    )
    body = {"kind": "cash", "description": "d", "amount": "999999999999999999.99"}

    contributed = facilitator.created(f"/partners/{registered['partner_id']}/contributions", body)

    assert contributed["contributions"][0]["amount"] == "999999999999999999.99"


def test_a_contribution_s_description_naming_a_participant_is_refused_unless_its_names_are_public(
    facilitator: Caller, anonymous: Caller, village: Village
) -> None:
    registered = facilitator.created(
        f"/processes/{village.process_id}/partners", {"name": "Toko Bangunan Jaya", "kind": "private"}
    )
    path = f"/partners/{registered['partner_id']}/contributions"

    named = facilitator.post(path, {"kind": "in_kind", "description": "semen dari Pak Budi Santoso"})

    assert (named.status_code, named.get_json()["code"]) == (422, "statement_names_a_participant")
    assert "Budi Santoso" not in named.get_data(as_text=True)
    assert anonymous.get(f"/processes/{village.process_id}/partners").get_json()["items"][0]["contributions"] == []
    assert "Budi Santoso" not in anonymous.client.get(f"/proses/{village.process_id}").text
    public = {"kind": "in_kind", "description": "semen dari Pak Budi Santoso", "names_are_public": True}
    assert facilitator.created(path, public)["contributions"][0]["description"] == public["description"]


@pytest.mark.both_stores
def test_the_words_and_the_contact_are_stored_sealed_and_the_contact_can_be_forgotten(
    anonymous: Caller, facilitator: Caller, village: Village, the_ledger: Any
) -> None:
    filed = anonymous.created(f"/processes/{village.process_id}/complaints", {"text": TEXT, "contact": CONTACT})
    facilitator.ok(f"/complaints/{filed['complaint_id']}/respond", {"status": "responded", "response": "Kami cek."})
    stored = b"".join(n.state for n in the_ledger.recorder.select_notifications(1, 10_000))
    assert b"responded" in stored  # the status is stored in the clear: the search below can find words
    assert TEXT.encode() not in stored
    assert CONTACT.encode() not in stored
    assert b"Kami cek." not in stored
    assert filed["tracking_code"].replace("-", "").encode() not in stored

    the_ledger.complaints.forget_contact(UUID(filed["complaint_id"]))
    inbox = facilitator.get(f"/processes/{village.process_id}/complaints").get_json()
    assert inbox["items"][0]["contact"] != CONTACT
    assert inbox["items"][0]["text"] == TEXT


# --- redaction, forgetting the contact, and what a partner's token never reads ------------------------------------


@pytest.mark.both_stores
def test_an_admin_redacts_a_complaint_s_text_and_a_response_for_good_and_the_complaint_lists_it(
    anonymous: Caller, facilitator: Caller, admin: Caller, village: Village, the_ledger: Any
) -> None:
    filed = anonymous.created(f"/processes/{village.process_id}/complaints", {"text": TEXT, "contact": CONTACT})
    path = f"/complaints/{filed['complaint_id']}"
    answered = facilitator.ok(f"{path}/respond", {"status": "in_review", "response": "Pak Joko sudah ditanya."})
    response_version = answered["version"]

    refused = facilitator.post(f"{path}/redactions", {"version": 1, "field": "text", "reason": "Menyebut nama"})
    assert (refused.status_code, refused.get_json()["code"]) == (403, "forbidden")
    admin.ok(f"{path}/redactions", {"version": 1, "field": "text", "reason": "Menyebut nama"})
    redacted = admin.ok(
        f"{path}/redactions", {"version": response_version, "field": "response", "reason": "Menyebut nama"}
    )

    # The words are gone from the store: the stored events read back with their keys destroyed.
    events = list(the_ledger.events.get(UUID(filed["complaint_id"])))
    assert events[0].text == REDACTED_TEXT and events[1].response == REDACTED_TEXT
    assert redacted["text"] == REDACTED_TEXT
    assert redacted["history"][1]["response"] == REDACTED_TEXT
    assert [(r["version"], r["field"], r["reason"]) for r in redacted["redactions"]] == [
        (1, "text", "Menyebut nama"),
        (response_version, "response", "Menyebut nama"),
    ]
    assert [type(event).__name__ for event in events][-2:] == ["Redacted", "Redacted"]
    tracked = anonymous.get(f"/complaints/track/{filed['tracking_code']}").get_json()
    assert "Pak Joko" not in str(tracked)
    again = admin.post(f"{path}/redactions", {"version": 1, "field": "text", "reason": "Lagi"})
    assert (again.status_code, again.get_json()["code"]) == (409, "nothing_to_redact")
    nothing = admin.post(f"{path}/redactions", {"version": 9, "field": "response", "reason": "Salah"})
    assert (nothing.status_code, nothing.get_json()["code"]) == (409, "nothing_to_redact")
    assert admin.get("/audit/verify").get_json()["ok"] is True


@pytest.mark.both_stores
def test_the_facilitator_forgets_a_complainant_s_contact_for_good(
    anonymous: Caller, facilitator: Caller, partner: Caller, village: Village, the_ledger: Any
) -> None:
    filed = anonymous.created(f"/processes/{village.process_id}/complaints", {"text": TEXT, "contact": CONTACT})
    path = f"/complaints/{filed['complaint_id']}/forget-contact"

    assert partner.post(path, {}).status_code in (403, 404)
    forgotten = facilitator.ok(path, {})

    assert forgotten["contact"] is None and forgotten["contact_forgotten"] is True
    assert forgotten["text"] == TEXT
    # The contact's key is destroyed: what is sealed can never be opened again.
    sealed = next(iter(the_ledger.events.get(UUID(filed["complaint_id"])))).sealed_contact
    assert the_ledger.vault.open(UUID(filed["complaint_id"]), sealed) != CONTACT
    assert [type(event).__name__ for event in the_ledger.events.get(UUID(filed["complaint_id"]))][-1] == (
        "ContactForgotten"
    )
    again = facilitator.post(path, {})
    assert (again.status_code, again.get_json()["code"]) == (409, "nothing_to_forget")
    without = anonymous.created(f"/processes/{village.process_id}/complaints", {"text": "Jalan rusak"})
    none = facilitator.post(f"/complaints/{without['complaint_id']}/forget-contact", {})
    assert (none.status_code, none.get_json()["code"]) == (409, "nothing_to_forget")


def test_a_partner_s_token_reads_no_text_contact_or_tracking_code_of_a_complaint(
    anonymous: Caller, facilitator: Caller, partner: Caller, village: Village
) -> None:
    filed = anonymous.created(f"/processes/{village.process_id}/complaints", {"text": TEXT, "contact": CONTACT})
    facilitator.ok(f"/complaints/{filed['complaint_id']}/respond", {"status": "responded", "response": "Dicek."})
    code = filed["tracking_code"]
    path = f"/complaints/{filed['complaint_id']}"

    answers = [
        partner.get(path),
        partner.get(f"/processes/{village.process_id}/complaints"),
        partner.get(f"/processes/{village.process_id}"),
        partner.get("/feed"),
        partner.post(f"{path}/respond", {"status": "resolved", "response": "Beres"}),
        partner.post(f"{path}/redactions", {"version": 1, "field": "text", "reason": "x"}),
        partner.post(f"{path}/forget-contact", {}),
        partner.get("/complaints/track/AAAA-BBBB-CCCC-DDDD-EEEE"),
    ]

    assert [answer.status_code for answer in answers] == [404, 403, 200, 200, 403, 403, 403, 404]
    for answer in answers:
        said = answer.get_data(as_text=True)
        assert TEXT not in said and CONTACT not in said and code not in said and code.replace("-", "") not in said
    # Nothing changed: still one response, the contact still there for the facilitator.
    seen = facilitator.get(path).get_json()
    assert (seen["status"], seen["contact"]) == ("responded", CONTACT)

"""Issue 22 item 7: monitoring from the console and the portal, each form posted as the offline queue posts it.

Story: the clean water of Sukamaju was promised with indicators and a budget; the facilitator reports progress
from a phone (an indicator's value, money spent, an evidence file cited), opens a score card at the meeting, where
each resident present scores it; a resident files a complaint on the portal without an account and follows it by
its code, the facilitator answers it from the inbox and escalates it; a partner is registered and brings cement
toward the promise. Each form is refused where it should be, naming the field, and records nothing then.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from http_callers import Caller, Village, start_village
from test_http_commitment_monitoring import WATER, photo, upload
from test_http_console_whole_musyawarah import Console

TEXT = "Pipa air di RT 03 bocor sejak minggu lalu dan belum diperbaiki."
CONTACT = "0812-3456-7890"


@pytest.fixture
def as_facilitator(app: Flask, facilitator: Caller) -> Console:
    return Console(app, str(facilitator.secret))


@pytest.fixture
def water(village: Village, facilitator: Caller, adopt: Callable[[Village], dict[str, Any]]) -> dict[str, Any]:
    adopt(village)
    return facilitator.created(f"{village.proposal}/commitments", WATER)


@pytest.mark.both_stores
def test_progress_with_an_indicator_value_money_spent_and_evidence_is_reported_from_the_commitment_page(
    as_facilitator: Console, facilitator: Caller, water: dict[str, Any], village: Village
) -> None:
    sha256 = upload(facilitator, water["id"], photo()).get_json()["sha256"]
    page = as_facilitator.page(f"/console/janji/{water['id']}")
    assert "Rumah tersambung" in page and "85.000.000" in page  # the budget, grouped as Indonesians write money
    assert 'name="measure_1_name" value="Rumah tersambung"' in page
    assert f'name="evidence" value="{sha256}"' in page
    assert f"/console/janji/{water['id']}/risiko" in page
    assert f"/console/janji/{water['id']}" in as_facilitator.page(f"/console/proses/{village.process_id}")
    assert f"/console/janji/{water['id']}" in as_facilitator.page(f"/console/usulan/{village.proposal_id}")

    reported = as_facilitator.step(
        "progress",
        commitment_id=water["id"],
        percent="40",
        note="Pipa utama terpasang.",
        spent="25000000.50",
        measure_0_name="Bak penampung selesai",
        measure_0_value="",
        measure_1_name="Rumah tersambung",
        measure_1_value="24",
        evidence=sha256,
    )

    assert reported["ok"] is True, reported
    read = facilitator.get(f"/commitments/{water['id']}").get_json()
    assert read["percent"] == 40
    assert read["spending"] == {"budget": "85000000.00", "spent": "25000000.50", "remaining": "59999999.50"}
    latest = {item["name"]: item["latest"] for item in read["indicators_against_targets"]}
    assert latest == {"Bak penampung selesai": None, "Rumah tersambung": "24"}
    page = as_facilitator.page(f"/console/janji/{water['id']}")
    assert "Pipa utama terpasang." in page and "Rumah tersambung: 24" in page and "pipa.jpg" in page


def test_progress_with_money_that_is_no_decimal_is_refused_naming_it_and_records_nothing(
    as_facilitator: Console, facilitator: Caller, water: dict[str, Any]
) -> None:
    refused = as_facilitator.step(
        "progress", commitment_id=water["id"], percent="40", note="Pipa terpasang.", spent="dua juta"
    )

    assert (refused["ok"], refused["code"], refused["fields"]) == (False, "validation_failed", ["spent"])
    assert facilitator.get(f"/commitments/{water['id']}").get_json()["reports"] == 0


def test_a_score_card_is_opened_scored_by_each_attendee_and_closed_from_the_console(
    as_facilitator: Console, facilitator: Caller, anonymous: Caller, water: dict[str, Any], village: Village
) -> None:
    opened = as_facilitator.step(
        "open_evaluation", commitment_id=water["id"], meeting_id=village.meeting_id, question="Puaskah dengan air?"
    )
    assert opened["ok"] is True, opened
    evaluation_id = opened["id"]
    assert opened["location"] == f"/console/penilaian/{evaluation_id}"
    page = as_facilitator.page(f"/console/penilaian/{evaluation_id}")
    assert page.count('data-step="score"') == len(village.participants)
    assert "Ibu Siti Aminah" in page

    for participant, score in zip(village.participants, ["5", "4", "4", "2"], strict=True):
        scored = as_facilitator.step(
            "score", evaluation_id=evaluation_id, participant_id=participant, score=score, comment=""
        )
        assert scored["ok"] is True, scored
    closed = as_facilitator.step("close_evaluation", evaluation_id=evaluation_id)

    assert closed["ok"] is True, closed
    read = anonymous.get(f"/evaluations/{evaluation_id}").get_json()
    assert read["tally"]["count"] == 4 and read["tally"]["mean"] == "3.75"
    result = as_facilitator.page(f"/console/penilaian/{evaluation_id}")
    assert "3.75" in result and 'data-step="score"' not in result
    portal = anonymous.client.get(f"/proses/{village.process_id}").text
    assert "Puaskah dengan air?" in portal and "3.75" in portal
    assert "Ibu Siti Aminah" not in portal


def test_a_score_out_of_range_or_of_someone_absent_is_refused_and_records_nothing(
    as_facilitator: Console, facilitator: Caller, water: dict[str, Any], village: Village
) -> None:
    evaluation_id = as_facilitator.step("open_evaluation", commitment_id=water["id"], meeting_id=village.meeting_id)[
        "id"
    ]

    too_high = as_facilitator.step(
        "score", evaluation_id=evaluation_id, participant_id=village.participants[0], score="9"
    )
    stranger = facilitator.created(
        f"/processes/{village.process_id}/participants", {"name": "Pak Joko Widodo", "group": "resident"}
    )["id"]
    absent = as_facilitator.step("score", evaluation_id=evaluation_id, participant_id=stranger, score="3")

    assert (too_high["code"], too_high["fields"]) == ("validation_failed", ["score"])
    assert absent["ok"] is False and absent["code"] == "not_attending"
    assert facilitator.get(f"/evaluations/{evaluation_id}").get_json()["score_count"] == 0


@pytest.mark.parametrize("score", ["\u00b2", "\u0663", "\uff11", "0", "03", " 3"])
def test_a_score_that_is_not_an_ascii_digit_from_1_to_5_is_refused_naming_it_and_records_nothing(
    score: str, as_facilitator: Console, facilitator: Caller, water: dict[str, Any], village: Village
) -> None:
    evaluation_id = as_facilitator.step("open_evaluation", commitment_id=water["id"], meeting_id=village.meeting_id)[
        "id"
    ]

    odd = as_facilitator.step("score", evaluation_id=evaluation_id, participant_id=village.participants[0], score=score)

    assert (odd["ok"], odd["code"], odd["fields"]) == (False, "validation_failed", ["score"])
    assert facilitator.get(f"/evaluations/{evaluation_id}").get_json()["score_count"] == 0


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("spent", {"spent": "1e6000000"}),
        ("spent", {"spent": "-1e1000000"}),
        (
            "indicator_values_Rumah tersambung",
            {"measure_0_name": "Rumah tersambung", "measure_0_value": "1e1000000"},
        ),
    ],
)
def test_a_progress_form_with_a_decimal_too_large_to_compute_is_refused_naming_it_and_records_nothing(
    field: str, typed: dict[str, str], as_facilitator: Console, facilitator: Caller, water: dict[str, Any]
) -> None:
    refused = as_facilitator.step("progress", commitment_id=water["id"], percent="40", note="Pipa.", **typed)

    assert (refused["ok"], refused["code"], refused["fields"]) == (False, "validation_failed", [field])
    assert facilitator.get(f"/commitments/{water['id']}").get_json()["reports"] == 0


@pytest.mark.parametrize("amount", ["1e60000000", "1E+3", "-0", "1_000", "\uff11\uff10\uff10\uff10", "1.234"])
def test_a_contribution_form_with_an_amount_that_is_no_plain_rupiah_is_refused_naming_it(
    amount: str, as_facilitator: Console, anonymous: Caller, village: Village
) -> None:
    partner_id = as_facilitator.step("register_partner", process_id=village.process_id, name="PT X", kind="private")[
        "id"
    ]

    refused = as_facilitator.step(
        "partner_contribution", partner_id=partner_id, kind="cash", description="Dana", amount=amount
    )

    assert (refused["ok"], refused["code"], refused["fields"]) == (False, "validation_failed", ["amount"])
    listed = anonymous.get(f"/processes/{village.process_id}/partners").get_json()["items"]
    assert [p["contributions"] for p in listed] == [[]]


def test_a_contribution_form_naming_a_participant_is_refused_then_offers_the_names_are_public_box(
    as_facilitator: Console, anonymous: Caller, village: Village
) -> None:
    partner_id = as_facilitator.step(
        "register_partner", process_id=village.process_id, name="Toko Bangunan Jaya", kind="private"
    )["id"]
    named = {"partner_id": partner_id, "kind": "in_kind", "description": "semen dari Pak Budi Santoso"}

    refused = as_facilitator.step("partner_contribution", **named)

    assert (refused["ok"], refused["code"], refused["fields"]) == (
        False,
        "statement_names_a_participant",
        ["description"],
    )
    assert anonymous.get(f"/processes/{village.process_id}/partners").get_json()["items"][0]["contributions"] == []
    page = as_facilitator.page(f"/console/proses/{village.process_id}/mitra")
    assert f'id="contribution-{partner_id}-names-public"' in page
    allowed = as_facilitator.step("partner_contribution", **named, names_are_public="on")
    assert allowed["ok"] is True, allowed


def _filed(client: FlaskClient, process_id: str, **typed: str) -> Any:
    """Files a complaint through the portal's form as a phone does: the form first (its cookie), then the post."""
    form = client.get(f"/proses/{process_id}/pengaduan")
    assert form.status_code == 200
    fields = dict(re.findall(r'name="(csrf_token|idempotency_key)" value="([^"]*)"', form.text))
    return client.post(f"/proses/{process_id}/pengaduan", data={**fields, **typed})


def _code(page: str) -> str:
    found = re.search(r'id="tracking-code">([A-Z0-9-]+)<', page)
    assert found is not None, page
    return found.group(1)


@pytest.mark.both_stores
def test_a_resident_files_on_the_portal_the_facilitator_answers_from_the_inbox_and_the_resident_follows_it(
    app: Flask, as_facilitator: Console, village: Village
) -> None:
    phone = app.test_client()
    filed = _filed(phone, village.process_id, text=TEXT, contact=CONTACT)
    assert filed.status_code == 201, filed.text
    assert filed.headers["Cache-Control"] == "no-store"
    code = _code(filed.text)

    inbox = as_facilitator.page(f"/console/proses/{village.process_id}/pengaduan")
    complaint_id = re.findall(r"/console/pengaduan/([0-9a-f-]{36})", inbox)[0]
    page = as_facilitator.page(f"/console/pengaduan/{complaint_id}")
    assert TEXT in page and CONTACT in page and "konflik?pengaduan=" not in page

    answered = as_facilitator.step(
        "respond_complaint", complaint_id=complaint_id, status="escalated", response="Diteruskan ke BPD."
    )

    assert answered["ok"] is True, answered
    page = as_facilitator.page(f"/console/pengaduan/{complaint_id}")
    assert f"/console/proses/{village.process_id}/konflik?pengaduan={complaint_id}" in page
    tracked = phone.post("/pengaduan/lacak", data={"kode": code.lower()})
    assert tracked.status_code == 200
    assert "Diteruskan ke BPD." in tracked.text and TEXT not in tracked.text
    portal = phone.get(f"/proses/{village.process_id}").text
    assert TEXT not in portal and CONTACT not in portal and code not in portal


def test_a_response_to_a_resolved_complaint_is_refused_and_an_unknown_code_tracks_nothing(
    app: Flask, as_facilitator: Console, anonymous: Caller, village: Village
) -> None:
    filed = anonymous.post(f"/processes/{village.process_id}/complaints", {"text": TEXT}).get_json()
    done = as_facilitator.step(
        "respond_complaint", complaint_id=filed["complaint_id"], status="resolved", response="Sudah diperbaiki."
    )
    assert done["ok"] is True, done

    again = as_facilitator.step(
        "respond_complaint", complaint_id=filed["complaint_id"], status="in_review", response="Dibuka lagi."
    )
    empty = as_facilitator.step("respond_complaint", complaint_id=filed["complaint_id"], status="in_review")

    assert (again["ok"], again["code"]) == (False, "complaint_closed")
    assert (empty["code"], empty["fields"]) == ("validation_failed", ["response"])
    assert anonymous.get(f"/complaints/track/{filed['tracking_code']}").get_json()["status"] == "resolved"
    assert app.test_client().post("/pengaduan/lacak", data={"kode": "AAAA-BBBB"}).status_code == 404


def test_the_inbox_and_a_complaint_are_not_found_to_the_facilitator_of_another_process(
    app: Flask, anonymous: Caller, village: Village, token_for: Callable[..., str]
) -> None:
    filed = anonymous.post(f"/processes/{village.process_id}/complaints", {"text": TEXT}).get_json()
    other = Console(app, token_for("facilitator", "Pendamping Desa Lain"))

    assert other.browser.get(f"/console/proses/{village.process_id}/pengaduan").status_code == 404
    answer = other.browser.get(f"/console/pengaduan/{filed['complaint_id']}")
    assert answer.status_code == 404 and TEXT not in answer.text


def test_a_complaint_posted_without_the_forms_cookie_is_refused_and_files_nothing(
    app: Flask, facilitator: Caller, village: Village
) -> None:
    phone = app.test_client()
    form = phone.get(f"/proses/{village.process_id}/pengaduan")
    fields = dict(re.findall(r'name="(csrf_token|idempotency_key)" value="([^"]*)"', form.text))
    elsewhere = app.test_client()  # another site's page posting into the portal: no cookie of the form

    refused = elsewhere.post(f"/proses/{village.process_id}/pengaduan", data={**fields, "text": TEXT})
    empty = phone.post(f"/proses/{village.process_id}/pengaduan", data={**fields, "text": " "})

    assert refused.status_code == 400 and 'id="tracking-code"' not in refused.text
    assert empty.status_code == 422
    assert facilitator.get(f"/processes/{village.process_id}/complaints").get_json()["items"] == []


def test_a_double_tap_files_one_complaint_and_shows_the_same_code(
    app: Flask, facilitator: Caller, village: Village
) -> None:
    phone = app.test_client()
    form = phone.get(f"/proses/{village.process_id}/pengaduan")
    fields = dict(re.findall(r'name="(csrf_token|idempotency_key)" value="([^"]*)"', form.text))

    first = phone.post(f"/proses/{village.process_id}/pengaduan", data={**fields, "text": TEXT})
    second = phone.post(f"/proses/{village.process_id}/pengaduan", data={**fields, "text": TEXT})

    assert (first.status_code, second.status_code) == (201, 201)
    assert _code(first.text) == _code(second.text)
    assert len(facilitator.get(f"/processes/{village.process_id}/complaints").get_json()["items"]) == 1


def test_too_many_complaints_from_one_phone_meet_a_friendly_page_and_file_nothing_more(
    app: Flask, facilitator: Caller, village: Village
) -> None:
    ledger = app.extensions["mufakat"]
    ledger.settings = dataclasses.replace(ledger.settings, complaints_per_hour=2)
    phone = app.test_client()
    answers = [_filed(phone, village.process_id, text=f"{TEXT} {n}") for n in range(3)]

    assert [a.status_code for a in answers] == [201, 201, 429]
    assert 0 < int(answers[-1].headers["Retry-After"]) <= 3600
    assert "tracking-code" not in answers[-1].text
    assert len(facilitator.get(f"/processes/{village.process_id}/complaints").get_json()["items"]) == 2


def test_a_complaint_on_a_restricted_process_has_no_form_on_the_portal(app: Flask, facilitator: Caller) -> None:
    restricted = start_village(facilitator, visibility="restricted")

    assert app.test_client().get(f"/proses/{restricted.process_id}/pengaduan").status_code == 404


def test_a_partner_is_registered_and_brings_cement_toward_a_promise_shown_in_public(
    as_facilitator: Console, anonymous: Caller, water: dict[str, Any], village: Village
) -> None:
    registered = as_facilitator.step(
        "register_partner", process_id=village.process_id, name="CSR PT Maju", kind="private"
    )
    assert registered["ok"] is True, registered
    partner_id = registered["id"]
    page = as_facilitator.page(f"/console/proses/{village.process_id}/mitra")
    assert f"/console/mitra/{partner_id}" in page

    brought = as_facilitator.step(
        "partner_contribution",
        partner_id=partner_id,
        kind="in_kind",
        description="Semen 50 sak",
        amount="15000000.50",
        commitment_id=water["id"],
    )

    assert brought["ok"] is True, brought
    listed = anonymous.get(f"/processes/{village.process_id}/partners").get_json()["items"][0]
    assert listed["contributions"][0]["commitment_id"] == water["id"]
    portal = anonymous.client.get(f"/proses/{village.process_id}").text
    assert "CSR PT Maju" in portal and "Semen 50 sak" in portal and "Air bersih untuk dusun 2." in portal


def test_a_partner_of_an_unknown_kind_or_negative_money_is_refused_and_records_nothing(
    as_facilitator: Console, anonymous: Caller, village: Village
) -> None:
    odd = as_facilitator.step("register_partner", process_id=village.process_id, name="PT X", kind="family")
    partner_id = as_facilitator.step("register_partner", process_id=village.process_id, name="PT X", kind="private")[
        "id"
    ]
    negative = as_facilitator.step(
        "partner_contribution", partner_id=partner_id, kind="cash", description="Dana", amount="-5"
    )

    assert (odd["code"], odd["fields"]) == ("validation_failed", ["kind"])
    assert (negative["ok"], negative["code"], negative["fields"]) == (False, "validation_failed", ["amount"])
    listed = anonymous.get(f"/processes/{village.process_id}/partners").get_json()["items"]
    assert [p["contributions"] for p in listed] == [[]]


def _upload_form(console: Console, commitment_id: str, content: bytes, name: str = "pipa.jpg") -> Any:
    return console.browser.post(
        f"/console/janji/{commitment_id}/bukti",
        data={"csrf_token": console.csrf, "idempotency_key": f"k-{name}", "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_a_photo_sent_from_the_commitment_page_is_kept_and_offered_to_cite(
    as_facilitator: Console, facilitator: Caller, water: dict[str, Any]
) -> None:
    sent = _upload_form(as_facilitator, water["id"], photo())

    assert sent.status_code == 303
    evidence = facilitator.get(f"/commitments/{water['id']}").get_json()["evidence"]
    assert [item["name"] for item in evidence] == ["pipa.jpg"]
    page = as_facilitator.page(f"/console/janji/{water['id']}")
    assert f'name="evidence" value="{evidence[0]["sha256"]}"' in page
    shown = as_facilitator.browser.get(f"/console/janji/{water['id']}/bukti/{evidence[0]['sha256']}")
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"


def test_a_file_that_is_no_photo_nor_pdf_is_refused_on_the_commitment_page_and_kept_nowhere(
    as_facilitator: Console, facilitator: Caller, water: dict[str, Any]
) -> None:
    sent = _upload_form(as_facilitator, water["id"], b"#!/bin/sh\necho hai\n", "skrip.sh")

    assert sent.status_code == 303
    page = as_facilitator.page(f"/console/janji/{water['id']}")
    assert 'id="evidence-refusal">' in page and 'id="evidence-refusal"></p>' not in page
    assert facilitator.get(f"/commitments/{water['id']}").get_json()["evidence"] == []


def test_the_monitoring_pages_speak_bahasa_indonesia_by_default_and_english_when_asked(
    app: Flask, as_facilitator: Console, water: dict[str, Any], village: Village
) -> None:
    indonesian = as_facilitator.page(f"/console/janji/{water['id']}")
    english = as_facilitator.page(f"/console/janji/{water['id']}?lang=en")
    phone = app.test_client()

    assert "Indikator terhadap target" in indonesian and "Laporkan kemajuan" in indonesian
    assert "Indicators against targets" in english and "Report progress" in english
    assert "Ajukan pengaduan" in phone.get(f"/proses/{village.process_id}/pengaduan").text
    assert "File a complaint" in phone.get(f"/proses/{village.process_id}/pengaduan?lang=en").text
    assert "Penilaian warga" in phone.get(f"/proses/{village.process_id}?lang=id").text


def test_a_response_dated_before_the_complaint_was_filed_is_refused_naming_the_time_and_records_nothing(
    as_facilitator: Console, anonymous: Caller, village: Village
) -> None:
    filed = anonymous.post(f"/processes/{village.process_id}/complaints", {"text": TEXT}).get_json()

    early = as_facilitator.step(
        "respond_complaint",
        complaint_id=filed["complaint_id"],
        status="in_review",
        response="Kami periksa.",
        occurred_at="2020-01-01T09:00",
    )

    assert (early["ok"], early["code"], early["fields"]) == (False, "occurred_out_of_order", ["occurred_at"])
    assert anonymous.get(f"/complaints/track/{filed['tracking_code']}").get_json()["status"] == "received"

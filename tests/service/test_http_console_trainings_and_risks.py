"""From the console alone: a training is scheduled as one, its page opens its evaluation ("Buka penilaian
pelatihan"), and a commitment's risks page records a risk, owned by a partner, and its review at a meeting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from http_callers import Caller, Village
from test_http_console_whole_musyawarah import Console

from service.app.application import Mufakat
from service.app.evaluations import evaluations_of


@pytest.fixture
def as_facilitator(app: Flask, facilitator: Caller) -> Console:
    return Console(app, str(facilitator.secret))


@pytest.fixture
def well(village: Village, facilitator: Caller, adopt: Callable[[Village], dict[str, Any]]) -> dict[str, Any]:
    adopt(village)
    return facilitator.created(
        f"{village.proposal}/commitments",
        {"owner": "Kaur Pembangunan", "description": "Sumur bor dusun 2.", "due": "2027-09-30"},
    )


def test_a_training_scheduled_from_the_console_opens_its_evaluation_from_its_page(
    as_facilitator: Console, facilitator: Caller, village: Village, the_ledger: Mufakat
) -> None:
    form = as_facilitator.page(f"/console/proses/{village.process_id}")
    assert 'name="kind"' in form and "pelatihan" in form.lower()

    scheduled = as_facilitator.step(
        "schedule_meeting",
        process_id=village.process_id,
        title="Pelatihan pembukuan BUMDes",
        scheduled_for="2027-02-01T09:00",
        kind="training",
    )
    assert scheduled["ok"] is True
    training = facilitator.get(f"/processes/{village.process_id}/meetings").get_json()["items"][-1]
    assert training["kind"] == "training"
    facilitator.ok(f"/meetings/{training['id']}/open", {"attendees": village.participants})

    page = as_facilitator.page(f"/console/rapat/{training['id']}")
    assert "Buka penilaian pelatihan" in page
    opened = as_facilitator.step("open_training_evaluation", meeting_id=training["id"], question="Bermanfaatkah?")

    assert opened["ok"] is True
    [evaluation] = evaluations_of(the_ledger, training["id"])
    assert (evaluation.subject, evaluation.question) == ("training", "Bermanfaatkah?")
    assert f"/console/penilaian/{evaluation.id}" in as_facilitator.page(f"/console/rapat/{training['id']}")
    # The evaluation's own page (scores, closing) serves a training's evaluation too, under the training.
    evaluation_page = as_facilitator.page(f"/console/penilaian/{evaluation.id}")
    assert "Bermanfaatkah?" in evaluation_page and "Pelatihan pembukuan BUMDes" in evaluation_page


def test_a_musyawarah_page_offers_no_evaluation_of_a_training_and_the_step_is_refused(
    as_facilitator: Console, village: Village
) -> None:
    assert "Buka penilaian pelatihan" not in as_facilitator.page(f"/console/rapat/{village.meeting_id}")

    refused = as_facilitator.step("open_training_evaluation", meeting_id=village.meeting_id)

    assert (refused["ok"], refused["code"]) == (False, "meeting_not_a_training")


def test_the_risks_page_records_a_risk_owned_by_a_partner_and_its_review(
    as_facilitator: Console, facilitator: Caller, village: Village, well: dict[str, Any]
) -> None:
    partner = facilitator.created(f"/processes/{village.process_id}/partners", {"name": "Yayasan Air", "kind": "ngo"})
    partner_id = partner.get("partner_id") or partner["id"]
    page = as_facilitator.page(f"/console/janji/{well['id']}/risiko")
    assert "Risiko baru" in page and "Yayasan Air" in page

    identified = as_facilitator.step(
        "identify_risk",
        commitment_id=well["id"],
        description="Hujan sebelum pengecoran.",
        likelihood="high",
        impact="medium",
        mitigation="Terpal disiapkan.",
        owner="",
        owner_partner_id=partner_id,
    )
    assert identified["ok"] is True
    [risk] = facilitator.get(f"/commitments/{well['id']}").get_json()["risks"]
    assert (risk["owner"], risk["owner_partner_id"], risk["likelihood"]) == ("Yayasan Air", partner_id, "high")

    reviewed = as_facilitator.step(
        "review_risk",
        commitment_id=well["id"],
        risk_id=risk["risk_id"],
        meeting_id=village.meeting_id,
        status="occurred",
        note="Hujan datang awal.",
    )

    assert reviewed["ok"] is True
    page = as_facilitator.page(f"/console/janji/{well['id']}/risiko")
    assert "Hujan datang awal." in page and "terjadi" in page


def test_the_risks_page_of_an_unknown_commitment_is_not_found(as_facilitator: Console) -> None:
    answer = as_facilitator.browser.get("/console/janji/6a0e3c5e-7d2b-4c0f-9a57-2f6e3d1b8c90/risiko")

    assert answer.status_code == 404

"""Kinds of meeting, the evaluation of a training, a commitment's risks and a partner owning a commitment, over HTTP.

Story: Sukamaju holds a training on BUMDes bookkeeping; its four attendees score it and outsiders read the tally
and the attendance by group, small counts hidden. The well promised at the Musdes is owned by a partner (Yayasan
Air Bersih); a risk to it (rain before the concrete is poured) is recorded and reviewed at a monitoring meeting.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from uuid import UUID

import pytest
from http_callers import Caller, Village, process_body

from service.adapters.sealed_statements import SEALED_STATE_KEY, statement_key_id
from service.app.application import Mufakat

UNKNOWN = "6a0e3c5e-7d2b-4c0f-9a57-2f6e3d1b8c90"
RAIN = {
    "description": "Musim hujan datang sebelum pengecoran selesai.",
    "likelihood": "medium",
    "impact": "high",
    "mitigation": "Pengecoran sebelum November; terpal disiapkan.",
}


def schedule(facilitator: Caller, village: Village, kind: str | None = None, title: str = "Pelatihan BUMDes") -> str:
    body: dict[str, Any] = {"title": title, "scheduled_for": "2027-02-01T09:00:00+07:00"}
    if kind is not None:
        body["kind"] = kind
    return str(facilitator.created(f"/processes/{village.process_id}/meetings", body)["id"])


def open_training(facilitator: Caller, village: Village) -> str:
    meeting_id = schedule(facilitator, village, "training")
    facilitator.ok(f"/meetings/{meeting_id}/open", {"attendees": village.participants})
    return meeting_id


def partner_of(facilitator: Caller, process_id: str, name: str = "Yayasan Air Bersih") -> str:
    created = facilitator.created(f"/processes/{process_id}/partners", {"name": name, "kind": "ngo"})
    return str(created.get("partner_id") or created["id"])


@pytest.fixture
def well(village: Village, facilitator: Caller, adopt: Callable[[Village], dict[str, Any]]) -> dict[str, Any]:
    adopt(village)
    return facilitator.created(
        f"{village.proposal}/commitments",
        {"owner": "Kaur Pembangunan", "description": "Sumur bor dusun 2.", "due": "2027-09-30"},
    )


# --- kinds of meeting --------------------------------------------------------------------------------------------


@pytest.mark.both_stores
def test_a_meeting_is_scheduled_with_its_kind_and_lists_show_it(
    facilitator: Caller, partner: Caller, village: Village
) -> None:
    training = schedule(facilitator, village, "training")
    monitoring = schedule(facilitator, village, "monitoring", "Rapat pemantauan sumur")

    assert facilitator.get(f"/meetings/{training}").get_json()["kind"] == "training"
    assert partner.get(f"/meetings/{monitoring}").get_json()["kind"] == "monitoring"
    # The village's first meeting was scheduled without a kind: a musyawarah.
    assert facilitator.get(f"/meetings/{village.meeting_id}").get_json()["kind"] == "musyawarah"
    listed = facilitator.get(f"/processes/{village.process_id}/meetings").get_json()["items"]
    assert [item["kind"] for item in listed] == ["musyawarah", "training", "monitoring"]


def test_a_meeting_of_an_unknown_kind_is_refused(facilitator: Caller, village: Village) -> None:
    refused = facilitator.post(
        f"/processes/{village.process_id}/meetings",
        {"title": "Arisan", "scheduled_for": "2027-02-01T09:00:00+07:00", "kind": "arisan"},
    )

    assert refused.status_code == 422 and "kind" in refused.get_json()["errors"]


# --- the evaluation of a training --------------------------------------------------------------------------------


@pytest.mark.both_stores
def test_attendees_evaluate_a_training_and_outsiders_read_its_tally_and_attendance_suppressed(
    facilitator: Caller, partner: Caller, village: Village
) -> None:
    training = open_training(facilitator, village)
    opened = facilitator.created(f"/meetings/{training}/evaluations", {"question": "Bermanfaatkah pelatihan ini?"})
    assert (opened["subject"], opened["commitment_id"], opened["meeting_id"]) == ("training", None, training)

    scores = f"/evaluations/{opened['evaluation_id']}/scores"
    for participant, score in zip(village.participants, (5, 4, 4, 3), strict=True):
        facilitator.ok(scores, {"participant_id": participant, "score": score})
    facilitator.ok(f"/evaluations/{opened['evaluation_id']}/close")

    inside = facilitator.get(f"/meetings/{training}").get_json()["training"]
    assert inside["attendance"] == {
        "count": 4,
        "by_group": {"women": 1, "resident": 1, "youth": 1, "elderly": 1},
        "by_gender": {"undisclosed": 4},
    }
    [evaluation] = inside["evaluations"]
    assert (evaluation["tally"]["count"], evaluation["tally"]["mean"]) == (4, "4.00")

    public = partner.get(f"/meetings/{training}").get_json()["training"]
    # One attendee per group: each group's count is hidden, and no total beside them gives one away.
    assert public["attendance"]["count"] == 4
    assert set(public["attendance"]["by_group"].values()) <= {"<3"} or public["attendance"]["by_group"] == {}
    assert public["attendance"]["by_gender"] == {"undisclosed": 4}
    assert public["evaluations"][0]["tally"]["mean"] == "4.00"
    assert "scores" not in public["evaluations"][0]
    assert not any(participant in str(public) for participant in village.participants)


def test_a_meeting_that_is_not_a_training_is_not_evaluated_as_one(facilitator: Caller, village: Village) -> None:
    refused = facilitator.post(f"/meetings/{village.meeting_id}/evaluations", {}, headers={"Accept-Language": "id"})

    assert refused.status_code == 409 and refused.get_json()["code"] == "meeting_not_a_training"
    assert refused.get_json()["detail"].startswith("pertemuan ini berjenis musyawarah, bukan pelatihan")
    assert facilitator.post(f"/meetings/{UNKNOWN}/evaluations", {}).status_code == 404


def test_a_training_not_yet_open_takes_no_evaluation_and_a_retry_opens_one(
    facilitator: Caller, village: Village
) -> None:
    scheduled = schedule(facilitator, village, "training")
    refused = facilitator.post(f"/meetings/{scheduled}/evaluations", {})
    assert refused.status_code == 409 and refused.get_json()["code"] == "meeting_not_open"

    facilitator.ok(f"/meetings/{scheduled}/open", {"attendees": village.participants[:2]})
    first = facilitator.post(f"/meetings/{scheduled}/evaluations", {}, headers={"Idempotency-Key": "train-1"})
    again = facilitator.post(f"/meetings/{scheduled}/evaluations", {}, headers={"Idempotency-Key": "train-1"})
    assert first.status_code == again.status_code == 201
    assert first.get_json()["evaluation_id"] == again.get_json()["evaluation_id"]
    assert len(facilitator.get(f"/meetings/{scheduled}").get_json()["training"]["evaluations"]) == 1


# --- risks of a commitment ---------------------------------------------------------------------------------------


@pytest.mark.both_stores
def test_a_risk_is_identified_reviewed_at_a_monitoring_meeting_and_read_by_outsiders(
    facilitator: Caller, partner: Caller, village: Village, well: dict[str, Any]
) -> None:
    identified = facilitator.post(f"/commitments/{well['id']}/risks", {**RAIN, "owner": "Kaur Pembangunan"})
    assert identified.status_code == 201
    risk_id = identified.get_json()["risk_id"]
    [risk] = identified.get_json()["risks"]
    assert (risk["risk_id"], risk["status"], risk["owner"], risk["latest_review"]) == (
        risk_id,
        "open",
        "Kaur Pembangunan",
        None,
    )

    monitoring = schedule(facilitator, village, "monitoring", "Rapat pemantauan sumur")
    facilitator.ok(f"/meetings/{monitoring}/open", {"attendees": village.participants})
    reviewed = facilitator.post(
        f"/commitments/{well['id']}/risks/{risk_id}/reviews",
        {"meeting_id": monitoring, "status": "mitigated", "note": "Terpal sudah dibeli."},
    )
    assert reviewed.status_code == 201

    public = partner.get(f"/commitments/{well['id']}").get_json()
    [risk] = public["risks"]
    assert (risk["description"], risk["likelihood"], risk["impact"]) == (RAIN["description"], "medium", "high")
    assert risk["status"] == "mitigated" and risk["review_count"] == 1
    assert risk["latest_review"]["meeting_id"] == monitoring
    assert risk["latest_review"]["note"] == "Terpal sudah dibeli."


def test_refusals_of_a_risk_and_its_review(facilitator: Caller, village: Village, well: dict[str, Any]) -> None:
    risks = f"/commitments/{well['id']}/risks"
    unknown_level = facilitator.post(risks, {**RAIN, "likelihood": "certain"})
    assert unknown_level.status_code == 422 and "likelihood" in unknown_level.get_json()["errors"]
    named = facilitator.post(risks, {**RAIN, "mitigation": "Pak Budi Santoso menyiapkan terpal."})
    assert named.status_code == 422 and named.get_json()["code"] == "statement_names_a_participant"
    assert facilitator.post(f"/commitments/{UNKNOWN}/risks", RAIN).status_code == 404

    risk_id = facilitator.created(risks, RAIN)["risk_id"]
    reviews = f"{risks}/{risk_id}/reviews"
    scheduled = schedule(facilitator, village, "monitoring")
    not_held = facilitator.post(reviews, {"meeting_id": scheduled, "status": "open"})
    assert not_held.status_code == 409 and not_held.get_json()["code"] == "meeting_not_open"
    assert facilitator.post(reviews, {"meeting_id": UNKNOWN, "status": "open"}).status_code == 404
    assert (
        facilitator.post(f"{risks}/{UNKNOWN}/reviews", {"meeting_id": village.meeting_id, "status": "open"}).status_code
        == 404
    )

    facilitator.created(reviews, {"meeting_id": village.meeting_id, "status": "closed"})
    again = facilitator.post(
        reviews, {"meeting_id": village.meeting_id, "status": "open"}, headers={"Accept-Language": "id"}
    )
    assert again.status_code == 409 and again.get_json()["code"] == "risk_closed"
    assert again.get_json()["detail"] == "risiko ini sudah ditutup pada peninjauan sebelumnya"


@pytest.mark.both_stores
def test_a_risks_description_mitigation_and_review_note_are_stored_sealed(
    facilitator: Caller, village: Village, well: dict[str, Any], the_ledger: Mufakat
) -> None:
    commitment_id = UUID(well["id"])
    identified = facilitator.created(f"/commitments/{commitment_id}/risks", RAIN)
    reviewed = facilitator.created(
        f"/commitments/{commitment_id}/risks/{identified['risk_id']}/reviews",
        {"meeting_id": village.meeting_id, "status": "open", "note": "Terpal belum dibeli."},
    )

    stored = the_ledger.recorder.select_events(commitment_id, gt=identified["version"] - 1, lte=reviewed["version"])
    risk, review = (json.loads(event.state) for event in stored)
    assert "Musim hujan" not in json.dumps(risk) and "terpal" not in json.dumps(risk)
    assert risk[SEALED_STATE_KEY] == {
        field: str(statement_key_id(commitment_id, identified["version"], field))
        for field in ("description", "mitigation")
    }
    assert "Terpal belum" not in json.dumps(review)
    assert review[SEALED_STATE_KEY] == {"note": str(statement_key_id(commitment_id, reviewed["version"], "note"))}
    assert reviewed["risks"][0]["latest_review"]["note"] == "Terpal belum dibeli."


def test_a_risk_is_not_reviewed_at_a_meeting_of_another_process(
    facilitator: Caller, village: Village, well: dict[str, Any]
) -> None:
    risk_id = facilitator.created(f"/commitments/{well['id']}/risks", RAIN)["risk_id"]
    elsewhere = facilitator.created("/processes", process_body())
    meeting = facilitator.created(
        f"/processes/{elsewhere['id']}/meetings", {"title": "Musdes lain", "scheduled_for": "2027-02-01T09:00:00+07:00"}
    )

    refused = facilitator.post(
        f"/commitments/{well['id']}/risks/{risk_id}/reviews", {"meeting_id": meeting["id"], "status": "open"}
    )

    assert refused.status_code == 404


# --- a partner owns a commitment ---------------------------------------------------------------------------------


@pytest.mark.both_stores
def test_a_partner_of_the_process_owns_a_commitment_and_a_risk_by_its_name(
    facilitator: Caller, partner: Caller, village: Village, adopt: Callable[[Village], dict[str, Any]]
) -> None:
    adopt(village)
    partner_id = partner_of(facilitator, village.process_id)
    made = facilitator.created(
        f"{village.proposal}/commitments",
        {"owner": {"partner_id": partner_id}, "description": "Sumur bor dusun 2.", "due": "2027-09-30"},
    )
    assert (made["owner"], made["owner_partner_id"]) == ("Yayasan Air Bersih", partner_id)

    risk = facilitator.created(f"/commitments/{made['id']}/risks", {**RAIN, "owner": {"partner_id": partner_id}})
    assert (risk["risks"][0]["owner"], risk["risks"][0]["owner_partner_id"]) == ("Yayasan Air Bersih", partner_id)
    assert partner.get(f"/commitments/{made['id']}").get_json()["owner"] == "Yayasan Air Bersih"


def test_a_partner_of_another_process_or_unknown_does_not_own_a_commitment(
    facilitator: Caller, village: Village, adopt: Callable[[Village], dict[str, Any]]
) -> None:
    adopt(village)
    elsewhere = facilitator.created("/processes", process_body())
    stranger = partner_of(facilitator, elsewhere["id"], "CV Lain")
    body = {"description": "Sumur bor dusun 2.", "due": "2027-09-30"}

    other = facilitator.post(f"{village.proposal}/commitments", {**body, "owner": {"partner_id": stranger}})
    unknown = facilitator.post(f"{village.proposal}/commitments", {**body, "owner": {"partner_id": UNKNOWN}})
    malformed = facilitator.post(f"{village.proposal}/commitments", {**body, "owner": {"name": "Yayasan"}})

    assert other.status_code == 422 and other.get_json()["errors"] == {
        "owner": [f"not a record of this process: {stranger}"]
    }
    assert unknown.status_code == 404
    assert malformed.status_code == 422 and "owner" in malformed.get_json()["errors"]


def test_opening_a_training_evaluation_on_a_stale_version_of_the_meeting_is_412(
    facilitator: Caller, village: Village
) -> None:
    training = open_training(facilitator, village)
    current = facilitator.get(f"/meetings/{training}").headers["ETag"]

    for stale in ('"0"', '"999"'):
        refused = facilitator.post(f"/meetings/{training}/evaluations", {}, headers={"If-Match": stale})
        assert (refused.status_code, refused.get_json()["code"]) == (412, "version_mismatch")
    assert facilitator.post(f"/meetings/{training}/evaluations", {}, headers={"If-Match": current}).status_code == 201


def test_a_risk_and_its_review_answer_201_with_the_location_of_their_commitment(
    facilitator: Caller, village: Village, well: dict[str, Any]
) -> None:
    identified = facilitator.post(f"/commitments/{well['id']}/risks", RAIN)
    reviewed = facilitator.post(
        f"/commitments/{well['id']}/risks/{identified.get_json()['risk_id']}/reviews",
        {"meeting_id": village.meeting_id, "status": "open"},
    )

    for answer in (identified, reviewed):
        assert answer.status_code == 201, answer.get_json()
        assert answer.headers["Location"] == f"/api/v1/commitments/{well['id']}"

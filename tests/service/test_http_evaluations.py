"""A community evaluation (score card) of a commitment over HTTP.

Story: the well of Sukamaju was promised at the Musdes; at a monitoring meeting the four residents present score it
1-5; closing counts their scores; outsiders read the count, mean and distribution, the breakdown by group with
small counts as "<3", and never who scored what nor any comment.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from uuid import UUID

import pytest
from http_callers import Caller, Village

from service.adapters.sealed_statements import SEALED_STATE_KEY, statement_key_id
from service.app.application import Mufakat
from service.app.evaluations import evaluations_of

WELL = {"owner": "Kaur Pembangunan", "description": "Sumur bor dusun 2.", "due": "2027-09-30"}


@pytest.fixture
def well(village: Village, facilitator: Caller, adopt: Callable[[Village], dict[str, Any]]) -> dict[str, Any]:
    adopt(village)
    return facilitator.created(f"{village.proposal}/commitments", WELL)


def open_evaluation(facilitator: Caller, village: Village, well: dict[str, Any], **more: Any) -> dict[str, Any]:
    body = {"meeting_id": village.meeting_id, **more}
    return facilitator.created(f"/commitments/{well['id']}/evaluations", body)


@pytest.mark.both_stores
def test_attendees_score_a_commitment_and_the_tally_is_counted(
    facilitator: Caller, anonymous: Caller, village: Village, well: dict[str, Any]
) -> None:
    opened = open_evaluation(facilitator, village, well, question="Puaskah warga dengan sumur ini?")
    assert opened["status"] == "open" and opened["commitment_id"] == well["id"]
    assert opened["question"] == "Puaskah warga dengan sumur ini?"

    scores = f"/evaluations/{opened['evaluation_id']}/scores"
    first, second, third, fourth = village.participants
    facilitator.ok(scores, {"participant_id": first, "score": 5, "comment": "Airnya jernih"})
    facilitator.ok(scores, {"participant_id": second, "score": 2})
    # The second resident changes her mind: her later score replaces the earlier one.
    facilitator.ok(scores, {"participant_id": second, "score": 4})
    facilitator.ok(scores, {"participant_id": third, "score": 4})
    facilitator.ok(scores, {"participant_id": fourth, "score": 4})
    # Outsiders see no count while it is open.
    assert anonymous.get(f"/evaluations/{opened['evaluation_id']}").get_json()["score_count"] is None

    closed = facilitator.ok(f"/evaluations/{opened['evaluation_id']}/close")

    assert closed["status"] == "closed"
    assert closed["tally"]["count"] == 4
    assert closed["tally"]["mean"] == "4.25"
    assert closed["tally"]["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 3, "5": 1}
    # The facilitator sees exact counts and each score.
    assert closed["tally"]["by_group"]["women"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1}
    assert {s["participant_id"]: s["score"] for s in closed["scores"]} == {first: 5, second: 4, third: 4, fourth: 4}

    public = anonymous.get(f"/evaluations/{opened['evaluation_id']}").get_json()
    assert public["tally"]["count"] == 4 and public["tally"]["mean"] == "4.25"
    assert public["tally"]["distribution"] == closed["tally"]["distribution"]
    # One resident per group: the columns of 4 and 5 would tell each group's score, so they are left out;
    # by gender (all unknown) the three 4s are shown, and the single 5 is not.
    nobody = {"1": 0, "2": 0, "3": 0}
    assert public["tally"]["by_group"] == {"women": nobody, "resident": nobody, "youth": nobody, "elderly": nobody}
    assert public["tally"]["by_gender"] == {"unknown": {**nobody, "4": 3}}
    assert "scores" not in public or not public["scores"]
    assert "Airnya jernih" not in str(public)
    assert first not in str(public)


def test_refusals_of_an_evaluation(facilitator: Caller, village: Village, well: dict[str, Any]) -> None:
    opened = open_evaluation(facilitator, village, well)
    scores = f"/evaluations/{opened['evaluation_id']}/scores"

    seven = facilitator.post(scores, {"participant_id": village.participants[0], "score": 7})
    assert seven.status_code == 422 and seven.get_json()["code"] == "validation_failed"
    assert "score" in seven.get_json()["errors"]

    outsider = facilitator.created(
        f"/processes/{village.process_id}/participants", {"name": "Pak Tamu", "group": "resident"}
    )["id"]
    absent = facilitator.post(scores, {"participant_id": outsider, "score": 4})
    assert absent.status_code == 409 and absent.get_json()["code"] == "not_attending"

    named = facilitator.post(
        scores, {"participant_id": village.participants[0], "score": 2, "comment": "Pak Budi Santoso lalai"}
    )
    assert named.status_code == 422 and named.get_json()["code"] == "statement_names_a_participant"
    public_name = facilitator.post(
        scores,
        {
            "participant_id": village.participants[0],
            "score": 2,
            "comment": "Pak Budi Santoso lalai",
            "names_are_public": True,
        },
    )
    assert public_name.status_code == 200

    facilitator.ok(f"/evaluations/{opened['evaluation_id']}/close")
    late = facilitator.post(
        scores, {"participant_id": village.participants[1], "score": 4}, headers={"Accept-Language": "id"}
    )
    again = facilitator.post(f"/evaluations/{opened['evaluation_id']}/close")
    assert late.status_code == 409 and late.get_json()["code"] == "evaluation_closed"
    assert late.get_json()["detail"] == "penilaian warga ini sudah ditutup"
    assert again.status_code == 409 and again.get_json()["code"] == "evaluation_closed"


def test_an_evaluation_of_an_unknown_commitment_or_at_another_process_meeting_is_not_found(
    facilitator: Caller, village: Village, well: dict[str, Any]
) -> None:
    unknown = facilitator.post(
        "/commitments/6a0e3c5e-7d2b-4c0f-9a57-2f6e3d1b8c90/evaluations", {"meeting_id": village.meeting_id}
    )
    assert unknown.status_code == 404
    stranger = facilitator.post(
        f"/commitments/{well['id']}/evaluations", {"meeting_id": "6a0e3c5e-7d2b-4c0f-9a57-2f6e3d1b8c90"}
    )
    assert stranger.status_code == 404
    assert facilitator.get("/evaluations/6a0e3c5e-7d2b-4c0f-9a57-2f6e3d1b8c90").status_code == 404


def test_a_partner_may_not_open_an_evaluation_and_a_retry_records_it_once(
    facilitator: Caller, partner: Caller, village: Village, well: dict[str, Any]
) -> None:
    path = f"/commitments/{well['id']}/evaluations"
    body = {"meeting_id": village.meeting_id}

    assert partner.post(path, body).status_code in (403, 404)
    first = facilitator.post(path, body, headers={"Idempotency-Key": "eval-1"})
    again = facilitator.post(path, body, headers={"Idempotency-Key": "eval-1"})
    assert first.status_code == 201 and again.status_code == 201
    assert first.get_json()["evaluation_id"] == again.get_json()["evaluation_id"]
    evaluation_id = first.get_json()["evaluation_id"]
    assert first.headers["Location"].endswith(f"/evaluations/{evaluation_id}")

    scores = f"/evaluations/{evaluation_id}/scores"
    assert partner.post(scores, {"participant_id": village.participants[0], "score": 4}).status_code in (403, 404)
    stale = facilitator.post(
        scores, {"participant_id": village.participants[0], "score": 4}, headers={"If-Match": '"7"'}
    )
    assert stale.status_code == 412
    current = facilitator.post(
        scores, {"participant_id": village.participants[0], "score": 4}, headers={"If-Match": first.headers["ETag"]}
    )
    assert current.status_code == 200
    assert partner.post(f"/evaluations/{evaluation_id}/close").status_code in (403, 404)


def test_a_score_said_to_have_happened_before_the_evaluation_opened_is_refused(
    facilitator: Caller, village: Village, well: dict[str, Any]
) -> None:
    opened = open_evaluation(facilitator, village, well)
    early = facilitator.post(
        f"/evaluations/{opened['evaluation_id']}/scores",
        {"participant_id": village.participants[0], "score": 4, "occurred_at": "2000-01-01T00:00:00Z"},
    )
    assert early.status_code == 409 and early.get_json()["code"] == "occurred_out_of_order"
    recorded = facilitator.get(f"/evaluations/{opened['evaluation_id']}").get_json()
    assert recorded["scores"] == []


def test_a_comment_is_stored_sealed_and_read_back_whole(
    facilitator: Caller, village: Village, well: dict[str, Any], the_ledger: Mufakat
) -> None:
    opened = open_evaluation(facilitator, village, well)
    evaluation_id = UUID(opened["evaluation_id"])
    scored = facilitator.ok(
        f"/evaluations/{evaluation_id}/scores",
        {"participant_id": village.participants[0], "score": 3, "comment": "Pompa sering mati di musim kemarau"},
    )

    (stored,) = the_ledger.recorder.select_events(evaluation_id, gt=scored["version"] - 1, lte=scored["version"])
    state = json.loads(stored.state)
    assert "Pompa sering mati" not in json.dumps(state)
    assert state[SEALED_STATE_KEY] == {"comment": str(statement_key_id(evaluation_id, scored["version"], "comment"))}
    assert scored["scores"][0]["comment"] == "Pompa sering mati di musim kemarau"


def test_a_commitment_finds_its_evaluations_in_the_order_they_were_opened(
    facilitator: Caller, village: Village, well: dict[str, Any], the_ledger: Mufakat
) -> None:
    first = open_evaluation(facilitator, village, well)["evaluation_id"]
    second = open_evaluation(facilitator, village, well, question="Apakah air cukup?")["evaluation_id"]

    found = evaluations_of(the_ledger, UUID(well["id"]))

    assert [str(e.id) for e in found] == [first, second]
    assert evaluations_of(the_ledger, UUID(village.proposal_id)) == []


def test_opening_an_evaluation_on_a_stale_version_of_the_commitment_is_412_and_opens_none(
    facilitator: Caller, village: Village, well: dict[str, Any], the_ledger: Mufakat
) -> None:
    evaluations = f"/commitments/{well['id']}/evaluations"
    current = facilitator.get(f"/commitments/{well['id']}").headers["ETag"]
    body = {"meeting_id": village.meeting_id}

    for stale in ('"0"', '"999"'):
        refused = facilitator.post(evaluations, body, headers={"If-Match": stale})
        assert (refused.status_code, refused.get_json()["code"]) == (412, "version_mismatch")
    assert evaluations_of(the_ledger, UUID(well["id"])) == []
    assert facilitator.post(evaluations, body, headers={"If-Match": current}).status_code == 201

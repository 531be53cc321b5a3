"""Input no honest client sends still gets a clear answer for its sender alone: never a 500."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from http_callers import Caller, Village, process_body
from test_http_problems import assert_problem

HUGE = str(2**70)


def _contribution_count(facilitator: Caller, village: Village) -> int:
    return int(facilitator.get(village.proposal).get_json()["contribution_count"])


def test_text_no_utf_8_can_hold_is_refused_and_nothing_is_recorded(
    village: Village, facilitator: Caller, client: FlaskClient
) -> None:
    before = _contribution_count(facilitator, village)
    raw = '{"participant_id": "' + village.participants[0] + '", "kind": "support", "text": "a\\ud800b"}'

    answer = client.post(
        f"/api/v1{village.proposal}/contributions",
        data=raw,
        content_type="application/json",
        headers={"Authorization": f"Bearer {facilitator.secret}"},
    )

    assert_problem(answer, 400, "malformed_json")
    assert _contribution_count(facilitator, village) == before


def test_a_body_nested_past_reason_is_refused(facilitator: Caller, client: FlaskClient) -> None:
    raw = '{"title": ' + "[" * 100_000 + "]" * 100_000 + "}"

    answer = client.post(
        "/api/v1/processes",
        data=raw,
        content_type="application/json",
        headers={"Authorization": f"Bearer {facilitator.secret}"},
    )

    assert_problem(answer, 400, "malformed_json")


@pytest.mark.parametrize(
    "path",
    [
        "/processes?after=" + HUGE,
        "/feed?after=" + base64.urlsafe_b64encode(f"f{HUGE}".encode()).decode().rstrip("="),
        "/feed?after=" + base64.urlsafe_b64encode(b"f-1").decode().rstrip("="),
        "/feed.csv?after=" + base64.urlsafe_b64encode(f"f{HUGE}".encode()).decode().rstrip("="),
        "/audit/events?after=" + HUGE,
        "/audit/checkpoints?after=" + HUGE,
        "/proposals/{proposal}/history?as_of_version=" + HUGE,
    ],
)
def test_a_number_past_any_database_integer_is_refused_as_invalid(village: Village, admin: Caller, path: str) -> None:
    answer = admin.client.get(
        "/api/v1" + path.format(proposal=village.proposal_id), headers={"Authorization": f"Bearer {admin.secret}"}
    )

    assert answer.status_code == 422, answer.get_json()
    assert answer.get_json()["code"] == "validation_failed"


def test_a_stale_if_match_on_a_commitment_is_412(
    village: Village, facilitator: Caller, adopt: Callable[[Village], dict[str, Any]]
) -> None:
    adopt(village)
    body = {"owner": "Kaur Pembangunan", "description": "Membangun posyandu", "due": "2027-06-30"}

    stale = facilitator.post(f"{village.proposal}/commitments", body, headers={"If-Match": '"1"'})

    assert_problem(stale, 412, "version_mismatch")
    assert facilitator.post(f"{village.proposal}/commitments", body).status_code == 201


def test_someone_invited_twice_counts_once_towards_the_quorum(village: Village, facilitator: Caller) -> None:
    invited = [village.participants[0]] * 3
    meeting = facilitator.created(
        f"/processes/{village.process_id}/meetings",
        {"title": "Rapat kecil", "scheduled_for": "2027-02-01T09:00:00+07:00", "invited": invited},
    )
    assert meeting["invited"] == [village.participants[0]]
    facilitator.ok(f"/meetings/{meeting['id']}/open", {"attendees": [village.participants[0]]})

    check = facilitator.post(f"{village.proposal}/consensus-checks", {"meeting_id": meeting["id"]})

    assert check.status_code == 201, check.get_json()


def test_a_tiny_quorum_still_needs_someone_present(facilitator: Caller) -> None:
    process = facilitator.created("/processes", process_body("public", quorum=0.0001))
    person = facilitator.created(f"/processes/{process['id']}/participants", {"name": "Ibu Ratna", "group": "women"})
    meeting = facilitator.created(
        f"/processes/{process['id']}/meetings", {"title": "Rapat", "scheduled_for": "2027-02-01T09:00:00+07:00"}
    )
    facilitator.ok(f"/meetings/{meeting['id']}/open", {"attendees": []})
    proposal = facilitator.created(
        f"/processes/{process['id']}/proposals", {"title": "Usulan", "body": "Teks", "submitted_by": person["id"]}
    )

    nobody = facilitator.post(f"/proposals/{proposal['id']}/consensus-checks", {"meeting_id": meeting["id"]})

    assert_problem(nobody, 409, "quorum_not_met")

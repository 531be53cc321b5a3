"""Idempotency-Key and If-Match over HTTP: a retry is answered again, never recorded twice; stale writes fail."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import pytest
from http_callers import Caller, Village, process_body

from service.app.application import Mufakat

# Storage-sensitive: idempotency records and concurrent writers race in the store.
pytestmark = pytest.mark.both_stores


def _contribution(village: Village, text: str = "Setuju sekali.") -> dict[str, Any]:
    return {"participant_id": village.participants[1], "kind": "support", "text": text}


def _events_of(the_ledger: Mufakat, aggregate_id: str) -> int:
    return len(list(the_ledger.events.get(UUID(aggregate_id))))


def test_the_same_key_and_body_answer_the_first_response_again_and_record_nothing(
    village: Village, facilitator: Caller, the_ledger: Mufakat
) -> None:
    key = {"Idempotency-Key": "kontribusi-budi-1"}
    first = facilitator.post(f"{village.proposal}/contributions", _contribution(village), headers=key)
    events_after_first = _events_of(the_ledger, village.proposal_id)

    again = facilitator.post(f"{village.proposal}/contributions", _contribution(village), headers=key)

    assert (again.status_code, again.get_json()) == (first.status_code, first.get_json())
    assert again.headers["ETag"] == first.headers["ETag"]
    assert _events_of(the_ledger, village.proposal_id) == events_after_first
    assert facilitator.get(village.proposal).get_json()["contribution_count"] == 1


def test_a_replay_after_later_writes_still_answers_what_the_first_request_did(
    village: Village, facilitator: Caller
) -> None:
    key = {"Idempotency-Key": "kontribusi-budi-2"}
    first = facilitator.post(f"{village.proposal}/contributions", _contribution(village), headers=key)
    facilitator.ok(f"{village.proposal}/contributions", _contribution(village, "Tambahan."))

    again = facilitator.post(f"{village.proposal}/contributions", _contribution(village), headers=key)

    assert again.get_json() == first.get_json()
    assert again.get_json()["contribution_count"] == 1
    assert facilitator.get(village.proposal).get_json()["contribution_count"] == 2


def test_a_replayed_creation_answers_201_with_the_same_resource_and_location(facilitator: Caller) -> None:
    key = {"Idempotency-Key": "buka-musrenbang-2027"}
    first = facilitator.post("/processes", process_body(), headers=key)
    again = facilitator.post("/processes", process_body(), headers=key)

    assert again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert len(facilitator.get("/processes").get_json()["items"]) == 1


def test_a_replayed_objection_answers_the_same_objection_id(village: Village, facilitator: Caller) -> None:
    key = {"Idempotency-Key": "keberatan-1"}
    body = {"raised_by": village.participants[2], "grounds": "Terlalu mahal.", "blocking": True}
    first = facilitator.post(f"{village.proposal}/objections", body, headers=key)
    again = facilitator.post(f"{village.proposal}/objections", body, headers=key)

    assert again.get_json()["objection_id"] == first.get_json()["objection_id"]
    assert len(facilitator.get(village.proposal).get_json()["objections"]) == 1


def test_the_same_key_with_another_body_is_422_and_records_nothing(
    village: Village, facilitator: Caller, the_ledger: Mufakat
) -> None:
    key = {"Idempotency-Key": "kontribusi-budi-3"}
    facilitator.post(f"{village.proposal}/contributions", _contribution(village), headers=key)
    events = _events_of(the_ledger, village.proposal_id)

    refused = facilitator.post(f"{village.proposal}/contributions", _contribution(village, "Lain."), headers=key)

    assert refused.status_code == 422
    assert refused.get_json()["code"] == "idempotency_key_reused"
    assert _events_of(the_ledger, village.proposal_id) == events


def test_the_same_key_on_another_path_is_422(village: Village, facilitator: Caller) -> None:
    key = {"Idempotency-Key": "satu-kunci"}
    facilitator.post(f"{village.proposal}/contributions", _contribution(village), headers=key)

    refused = facilitator.post("/processes", process_body(), headers=key)

    assert refused.get_json()["code"] == "idempotency_key_reused"


def test_keys_belong_to_their_caller(village: Village, facilitator: Caller, admin: Caller) -> None:
    key = {"Idempotency-Key": "kunci-bersama"}
    facilitator.post(f"{village.proposal}/contributions", _contribution(village), headers=key)

    by_admin = admin.post(f"{village.proposal}/contributions", _contribution(village), headers=key)

    assert by_admin.status_code == 200
    assert by_admin.get_json()["contribution_count"] == 2


def test_an_overlong_idempotency_key_is_refused(village: Village, facilitator: Caller) -> None:
    refused = facilitator.post(
        f"{village.proposal}/contributions", _contribution(village), headers={"Idempotency-Key": "k" * 201}
    )

    assert refused.status_code == 422
    assert "Idempotency-Key" in refused.get_json()["errors"]


def test_a_retried_token_request_issues_nothing_and_says_the_secret_is_gone(
    admin: Caller, caller: Callable[[str | None], Caller]
) -> None:
    key = {"Idempotency-Key": "token-bappeda"}
    first = admin.post("/tokens", {"role": "partner", "name": "Bappeda"}, headers=key)

    again = admin.post("/tokens", {"role": "partner", "name": "Bappeda"}, headers=key)

    assert again.status_code == 409
    assert again.get_json()["code"] == "token_not_replayable"
    assert again.get_json()["token_id"] == first.get_json()["id"]
    assert first.get_json()["token"] not in again.get_data(as_text=True)
    assert caller(first.get_json()["token"]).get("/processes").status_code == 200


@pytest.mark.parametrize("spelling", ['"{v}"', "{v}", 'W/"{v}"', "*"], ids=["quoted", "bare", "weak", "any"])
def test_a_current_if_match_is_accepted_in_every_spelling(village: Village, facilitator: Caller, spelling: str) -> None:
    current = facilitator.get(village.proposal).headers["ETag"].strip('"')

    response = facilitator.post(
        f"{village.proposal}/contributions", _contribution(village), headers={"If-Match": spelling.format(v=current)}
    )

    assert response.status_code == 200
    assert response.headers["ETag"] == f'"{int(current) + 1}"'


def test_a_stale_if_match_is_412_and_records_nothing(village: Village, facilitator: Caller) -> None:
    seen = facilitator.get(village.proposal).headers["ETag"]
    facilitator.ok(f"{village.proposal}/contributions", _contribution(village, "Lebih dulu."))

    stale = facilitator.post(f"{village.proposal}/contributions", _contribution(village), headers={"If-Match": seen})

    assert stale.status_code == 412
    assert stale.get_json()["code"] == "version_mismatch"
    assert facilitator.get(village.proposal).get_json()["contribution_count"] == 1


def test_if_match_guards_meetings_and_commitments_too(village: Village, facilitator: Caller) -> None:
    stale = facilitator.post(
        f"/meetings/{village.meeting_id}/close", {"minutes": "Selesai."}, headers={"If-Match": "1"}
    )

    assert stale.status_code == 412
    assert facilitator.get(f"/meetings/{village.meeting_id}").get_json()["status"] == "open"


def test_a_malformed_if_match_is_422_naming_the_header(village: Village, facilitator: Caller) -> None:
    refused = facilitator.post(
        f"{village.proposal}/contributions", _contribution(village), headers={"If-Match": "versi-tujuh"}
    )

    assert refused.status_code == 422
    assert refused.get_json()["code"] == "validation_failed"
    assert "If-Match" in refused.get_json()["errors"]


def test_concurrent_writers_without_if_match_all_succeed_in_one_process(village: Village, facilitator: Caller) -> None:
    def contribute(number: int) -> int:
        return facilitator.post(
            f"{village.proposal}/contributions", _contribution(village, f"Pendapat {number}")
        ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(contribute, range(16)))

    assert statuses == [200] * 16
    assert facilitator.get(village.proposal).get_json()["contribution_count"] == 16


def test_refused_commands_among_concurrent_ones_leave_the_others_intact(village: Village, facilitator: Caller) -> None:
    stranger = "00000000-0000-4000-8000-000000000000"

    def contribute(number: int) -> int:
        speaker = stranger if number % 3 == 0 else village.participants[number % 4]
        body = {"participant_id": speaker, "kind": "concern", "text": f"Pendapat {number}"}
        return facilitator.post(f"{village.proposal}/contributions", body).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(contribute, range(24)))

    assert statuses.count(409) == 8
    assert statuses.count(200) == 16
    assert facilitator.get(village.proposal).get_json()["contribution_count"] == 16


def test_the_same_key_sent_eight_times_at_once_records_one_contribution(village: Village, facilitator: Caller) -> None:
    def send(_: int) -> tuple[int, Any]:
        response = facilitator.post(
            f"{village.proposal}/contributions", _contribution(village), headers={"Idempotency-Key": "serentak"}
        )
        return response.status_code, response.get_json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(send, range(8)))

    assert {status for status, _ in answers} == {200}
    assert all(body == answers[0][1] for _, body in answers)
    assert facilitator.get(village.proposal).get_json()["contribution_count"] == 1

"""Idempotency-Key and If-Match over HTTP: a retry is answered again, never recorded twice; stale writes fail."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from http_callers import Caller, Village, process_body

from service.adapters.idempotency_keys import IDEMPOTENCY_TABLE
from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.app.idempotency import IdempotencyRecord
from service.http.app_factory import create_app
from service.http.current import current_mufakat

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


def test_a_keyed_command_records_one_event_and_keeps_its_answer_out_of_the_log(
    village: Village, facilitator: Caller, the_ledger: Mufakat
) -> None:
    log_end = the_ledger.recorder.max_notification_id()

    facilitator.post(f"{village.proposal}/contributions", _contribution(village), headers={"Idempotency-Key": "satu"})

    # The step is the only event: the key's answer is a row beside the log, not a second event.
    assert the_ledger.recorder.max_notification_id() == (log_end or 0) + 1
    (fingerprint,) = the_ledger.side_tables.fetch_one(f"SELECT fingerprint FROM {IDEMPOTENCY_TABLE}") or ()
    stored = b"".join(bytes(n.state) for n in the_ledger.recorder.select_notifications(start=1, limit=10_000))
    assert fingerprint.encode() not in stored


def test_a_refused_command_keeps_no_answer_and_its_retry_is_judged_again(
    village: Village, facilitator: Caller, the_ledger: Mufakat
) -> None:
    key = {"Idempotency-Key": "ditolak-dulu"}
    stranger = "00000000-0000-4000-8000-000000000000"
    body = {"participant_id": stranger, "kind": "concern", "text": "Belum terdaftar."}

    refused = facilitator.post(f"{village.proposal}/contributions", body, headers=key)
    again = facilitator.post(f"{village.proposal}/contributions", body, headers=key)

    assert (refused.status_code, again.status_code) == (409, 409)
    assert the_ledger.side_tables.fetch_one(f"SELECT count(*) FROM {IDEMPOTENCY_TABLE}") == (0,)
    # The key was not spent on the refusal: the corrected request with it is recorded.
    accepted = facilitator.post(f"{village.proposal}/contributions", _contribution(village), headers=key)
    assert accepted.status_code == 200
    assert accepted.get_json()["contribution_count"] == 1


def test_a_retry_of_a_command_that_recorded_nothing_answers_what_it_answered(
    village: Village, facilitator: Caller, the_ledger: Mufakat
) -> None:
    # Everyone attends already: the attendance records no event, yet it answered, and its key keeps that answer.
    key = {"Idempotency-Key": "hadir-lagi"}
    known = {"attendees": village.participants[:2]}
    log_end = the_ledger.recorder.max_notification_id()
    first = facilitator.post(f"/meetings/{village.meeting_id}/attendance", known, headers=key)
    assert the_ledger.recorder.max_notification_id() == log_end
    assert the_ledger.side_tables.fetch_one(f"SELECT count(*) FROM {IDEMPOTENCY_TABLE}") == (1,)

    wayan = {"name": "Wayan", "group": "youth"}
    latecomer = facilitator.created(f"/processes/{village.process_id}/participants", wayan)
    facilitator.ok(f"/meetings/{village.meeting_id}/attendance", {"attendees": [latecomer["id"]]})
    again = facilitator.post(f"/meetings/{village.meeting_id}/attendance", known, headers=key)
    other = facilitator.post(f"/meetings/{village.meeting_id}/attendance", {"attendees": []}, headers=key)

    assert first.status_code == again.status_code == 200
    assert again.get_json() == first.get_json()
    assert other.get_json()["code"] == "idempotency_key_reused"


def test_a_key_answered_before_the_upgrade_is_answered_again_after_it(
    village: Village, facilitator: Caller, the_ledger: Mufakat, database_url: str, tmp_path: Path
) -> None:
    key = {"Idempotency-Key": "sebelum-pemutakhiran"}
    first = facilitator.post(f"{village.proposal}/contributions", _contribution(village), headers=key)
    # The database as the release before left it: the answer kept as an IdempotencyRecord event, no table of answers.
    row = the_ledger.side_tables.fetch_one(f"SELECT record_id, fingerprint, receipt FROM {IDEMPOTENCY_TABLE}")
    assert row is not None
    record_id, fingerprint, receipt = row
    the_ledger.save(IdempotencyRecord(id=UUID(str(record_id)), fingerprint=fingerprint, receipt=json.loads(receipt)))
    the_ledger.side_tables.execute(f"DROP TABLE {IDEMPOTENCY_TABLE}")

    # The upgraded service opens the same database: the table is made and the old answers copied in.
    upgraded = create_app(
        {
            "TESTING": True,
            "MUFAKAT_LEDGER_ENV": persistence_settings(database_url),
            "MUFAKAT_SECRET_KEY_FILE": str(tmp_path / "mufakat-signing.key"),
        }
    )
    try:
        retrying = Caller(upgraded.test_client(), facilitator.secret)
        again = retrying.post(f"{village.proposal}/contributions", _contribution(village), headers=key)
        other = retrying.post(f"{village.proposal}/contributions", _contribution(village, "Lain."), headers=key)
        count = retrying.get(village.proposal).get_json()["contribution_count"]
    finally:
        with upgraded.app_context():
            current_mufakat().close()

    assert (again.status_code, again.get_json()) == (first.status_code, first.get_json())
    assert (other.status_code, other.get_json()["code"]) == (422, "idempotency_key_reused")
    assert count == 1

"""Tokens that end: an admin lists them without secrets, revokes one at once, issues one that expires, and
may only grant processes that exist. Revocation and expiry are events of the audit log."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from http_callers import Caller, process_body

from service.app.application import Mufakat


def _audit_events(auditor: Caller, token_id: str) -> list[dict[str, object]]:
    """The stored events of one token, as the raw audit log shows them (topic and decoded state)."""
    items = auditor.get("/audit/events", limit=1000).get_json()["items"]
    return [
        {"topic": item["topic"], "state": json.loads(base64.b64decode(item["state"]))}
        for item in items
        if item["originator_id"] and item["originator_id"].replace("-", "") == token_id.replace("-", "")
    ]


# --- listing -------------------------------------------------------------------------------------------------


def test_an_admin_lists_every_token_with_role_name_and_state_but_never_a_secret(
    admin: Caller, caller: Callable[[str | None], Caller]
) -> None:
    issued = admin.created("/tokens", {"role": "partner", "name": "Bappeda Kabupaten Banyumas"})

    listed = admin.get("/tokens")

    assert listed.status_code == 200
    items = listed.get_json()["items"]
    assert [(t["role"], t["name"]) for t in items] == [
        ("admin", "Admin Kabupaten"),
        ("partner", "Bappeda Kabupaten Banyumas"),
    ]
    partner = items[1]
    assert partner["id"] == issued["id"]
    assert partner["revoked"] is False and partner["revoked_at"] is None and partner["expires_at"] is None
    body = listed.get_data(as_text=True)
    assert issued["token"] not in body and "digest" not in body and "token" not in partner


@pytest.mark.both_stores  # storage-sensitive: a cursor over stored records
def test_the_token_list_is_paged_by_a_cursor(admin: Caller) -> None:
    for number in range(3):
        admin.created("/tokens", {"role": "auditor", "name": f"Inspektorat {number}"})

    first = admin.get("/tokens", limit=2).get_json()
    second = admin.get("/tokens", limit=2, after=first["next"]).get_json()

    assert [t["name"] for t in first["items"]] == ["Admin Kabupaten", "Inspektorat 0"]
    assert [t["name"] for t in second["items"]] == ["Inspektorat 1", "Inspektorat 2"]
    assert second["next"] is None or admin.get("/tokens", limit=2, after=second["next"]).get_json()["items"] == []


def test_only_an_admin_lists_tokens(facilitator: Caller, auditor: Caller, anonymous: Caller) -> None:
    assert facilitator.get("/tokens").status_code == 403
    assert auditor.get("/tokens").status_code == 403
    assert anonymous.get("/tokens").status_code == 401


# --- revocation ----------------------------------------------------------------------------------------------


@pytest.mark.both_stores  # storage-sensitive: a revocation read back from the store at once
def test_a_revoked_token_gets_401_from_the_answer_on(admin: Caller, caller: Callable[[str | None], Caller]) -> None:
    issued = admin.created("/tokens", {"role": "facilitator", "name": "Pendamping Desa"})
    holder = caller(issued["token"])
    assert holder.get("/processes").status_code == 200

    revoked = admin.post(f"/tokens/{issued['id']}/revoke")

    assert revoked.status_code == 200
    assert revoked.get_json()["revoked"] is True
    assert revoked.get_json()["revoked_at"] is not None
    assert revoked.headers["ETag"] == f'"{revoked.get_json()["version"]}"'
    refused = holder.get("/processes")
    assert refused.status_code == 401
    assert refused.get_json()["code"] == "unauthorized"
    assert holder.post("/processes", process_body()).status_code == 401
    assert admin.get(f"/tokens/{issued['id']}").get_json()["revoked"] is True


def test_revoking_a_revoked_token_records_nothing_more(admin: Caller) -> None:
    issued = admin.created("/tokens", {"role": "partner", "name": "Bappeda"})
    first = admin.ok(f"/tokens/{issued['id']}/revoke")

    again = admin.ok(f"/tokens/{issued['id']}/revoke")

    assert again["version"] == first["version"] == 2
    assert again["revoked_at"] == first["revoked_at"]


def test_only_an_admin_revokes_and_an_unknown_token_is_not_found(
    admin: Caller, facilitator: Caller, auditor: Caller, anonymous: Caller
) -> None:
    issued = admin.created("/tokens", {"role": "partner", "name": "Bappeda"})

    assert facilitator.post(f"/tokens/{issued['id']}/revoke").status_code == 403
    assert auditor.post(f"/tokens/{issued['id']}/revoke").status_code == 403
    assert anonymous.post(f"/tokens/{issued['id']}/revoke").status_code == 401
    assert admin.post(f"/tokens/{uuid4()}/revoke").status_code == 404
    assert admin.get(f"/tokens/{issued['id']}").get_json()["revoked"] is False


@pytest.mark.both_stores  # storage-sensitive: the audit log as stored
def test_a_revocation_is_in_the_audit_log_with_who_revoked_and_when(admin: Caller, auditor: Caller) -> None:
    issued = admin.created("/tokens", {"role": "partner", "name": "Bappeda"})
    admin.ok(f"/tokens/{issued['id']}/revoke")

    events = _audit_events(auditor, issued["id"])

    assert [e["topic"] for e in events] == [
        "service.app.access:AccessToken.Issued",
        "service.app.access:AccessToken.Revoked",
    ]
    revoked_state = events[1]["state"]
    assert isinstance(revoked_state, dict)
    assert "Admin Kabupaten" in json.dumps(revoked_state["actor"])
    assert "occurred_at" in revoked_state


# --- expiry --------------------------------------------------------------------------------------------------


def test_a_token_works_until_its_expiry_and_gets_401_after_it(
    admin: Caller, caller: Callable[[str | None], Caller], the_ledger: Mufakat
) -> None:
    now = datetime.now(UTC)
    issued = admin.created(
        "/tokens", {"role": "auditor", "name": "Inspektorat", "expires_at": (now + timedelta(hours=1)).isoformat()}
    )
    holder = caller(issued["token"])
    assert holder.get("/audit/verify").status_code == 200

    the_ledger.clock = lambda: now + timedelta(hours=1, seconds=1)

    expired = holder.get("/audit/verify")
    assert expired.status_code == 401
    assert "expired" in expired.get_json()["detail"]


@pytest.mark.both_stores  # storage-sensitive: the audit log as stored
def test_the_expiry_is_answered_in_utc_and_recorded_in_the_issue_event(admin: Caller, auditor: Caller) -> None:
    issued = admin.created("/tokens", {"role": "partner", "name": "Bappeda", "expires_at": "2030-06-30T17:00:00+07:00"})

    assert issued["expires_at"] == "2030-06-30T10:00:00Z"
    assert admin.get(f"/tokens/{issued['id']}").get_json()["expires_at"] == "2030-06-30T10:00:00Z"
    (event,) = _audit_events(auditor, issued["id"])
    assert event["topic"] == "service.app.access:AccessToken.Issued"
    assert "2030-06-30T10:00:00" in json.dumps(event["state"]["expires_at"])  # type: ignore[index]


def test_an_expiry_that_is_not_a_moment_is_refused(admin: Caller) -> None:
    refused = admin.post("/tokens", {"role": "partner", "name": "Bappeda", "expires_at": "besok"})

    assert refused.status_code == 422
    assert refused.get_json()["code"] == "validation_failed"
    assert "expires_at" in json.dumps(refused.get_json()["errors"])


# --- grants --------------------------------------------------------------------------------------------------


def test_a_token_may_only_be_given_processes_that_exist(admin: Caller) -> None:
    process = admin.created("/processes", process_body("restricted"))
    missing = str(uuid4())

    refused = admin.post("/tokens", {"role": "partner", "name": "Bappeda", "processes": [process["id"], missing]})

    assert refused.status_code == 422
    problem = refused.get_json()
    assert problem["code"] == "validation_failed"
    assert missing in json.dumps(problem["errors"]) and process["id"] not in json.dumps(problem["errors"])
    assert [t["name"] for t in admin.get("/tokens").get_json()["items"]] == ["Admin Kabupaten"]


def test_a_token_given_an_existing_process_reads_it(admin: Caller, caller: Callable[[str | None], Caller]) -> None:
    process = admin.created("/processes", process_body("restricted"))

    issued = admin.created("/tokens", {"role": "partner", "name": "Bappeda", "processes": [process["id"]]})

    assert issued["processes"] == [process["id"]]
    assert caller(issued["token"]).get(f"/processes/{process['id']}").status_code == 200

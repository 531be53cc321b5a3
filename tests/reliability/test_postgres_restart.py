"""PostgreSQL restarts in the middle of writes: every command in flight is answered, and a retry with its
Idempotency-Key is recorded once, never twice.

Three facilitators record processes, each under an Idempotency-Key of its own; the private server
(tests/private_postgres.py, never the shared one) is stopped the hard way (`pg_ctl -m immediate`, as a crash)
and started again while they write. A write answered with anything but 201 is retried with the same key until
it is acknowledged. Afterwards each key names one process, the log holds exactly one creation per key, and the
log verifies.
"""

from __future__ import annotations

import threading
import time
from uuid import UUID

import pytest
from conftest import PrivatePostgres, wait_until
from flask import Flask
from reliability_harness import PROCESSES, build_app

from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.audit.verify import verify_store
from service.http.current import current_mufakat

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CONNECT_TIMEOUT_SECONDS = 2
RETRY_FOR_SECONDS = 40


class KeyedWriter(threading.Thread):
    """Records processes, each under its own Idempotency-Key, retrying a key until it is acknowledged."""

    def __init__(self, app: Flask, token: str, name: str) -> None:
        super().__init__(daemon=True)
        self.client = app.test_client()
        self.token = token
        self.prefix = name
        self.acknowledged: dict[str, str] = {}  # key -> process id
        self.statuses: list[tuple[int, str | None]] = []
        self.retried_keys: set[str] = set()
        self.stopping = threading.Event()
        self.gave_up: str | None = None

    def run(self) -> None:
        number = 0
        while not self.stopping.is_set():
            number += 1
            key = f"{self.prefix}-{number}"
            deadline = time.monotonic() + RETRY_FOR_SECONDS
            while True:
                answer = self.client.post(
                    PROCESSES,
                    json={
                        "title": f"Musrenbang {key}",
                        "region_code": "3201012001",
                        "region_name": "Sukamaju",
                        "visibility": "public",
                    },
                    headers={"Authorization": f"Bearer {self.token}", "Idempotency-Key": key},
                )
                body = answer.get_json(silent=True) or {}
                self.statuses.append((answer.status_code, body.get("code")))
                if answer.status_code == 201:
                    self.acknowledged[key] = body["id"]
                    break
                self.retried_keys.add(key)
                if time.monotonic() > deadline:
                    self.gave_up = key
                    return
                time.sleep(0.2)


def test_a_postgres_restart_mid_write_answers_every_command_and_retries_by_key_are_never_doubled(
    private_postgres: PrivatePostgres,
) -> None:
    settings = persistence_settings(private_postgres.url)
    settings["POSTGRES_CONNECT_TIMEOUT"] = str(CONNECT_TIMEOUT_SECONDS)
    app = build_app(settings)
    with app.app_context():
        _, token = current_mufakat().tokens.issue("admin", "Operator Uji", [])
    writers = [KeyedWriter(app, token, f"penulis-{n}") for n in range(3)]
    for writer in writers:
        writer.start()

    def acknowledged() -> int:
        return sum(len(writer.acknowledged) for writer in writers)

    try:
        wait_until(lambda: acknowledged() >= 10, 30, "10 acknowledged writes")
        private_postgres.kill()
        private_postgres.start()
        restarted_with = acknowledged()
        wait_until(lambda: acknowledged() >= restarted_with + 10, 60, "10 writes acknowledged after the restart")
    finally:
        for writer in writers:
            writer.stopping.set()
        for writer in writers:
            writer.join(timeout=RETRY_FOR_SECONDS + 10)
    assert not any(writer.is_alive() for writer in writers)
    assert [writer.gave_up for writer in writers] == [None, None, None]

    statuses = [status for writer in writers for status in writer.statuses]
    refused = {status for status in statuses if status[0] != 201}
    assert refused <= {(503, "database_unavailable")}, refused
    keys = {key: process_id for writer in writers for key, process_id in writer.acknowledged.items()}
    retried = set().union(*(writer.retried_keys for writer in writers))

    app.extensions["mufakat"].close()
    fresh = Mufakat(env=settings)
    try:
        titles = {key: fresh.repository.get(UUID(process_id)).title for key, process_id in keys.items()}
        created = [
            notification
            for notification in fresh.recorder.select_notifications(start=1, limit=1_000_000)
            if notification.topic.startswith("domain.process:Process.") and notification.originator_version == 1
        ]
        report = verify_store(fresh.recorder)
    finally:
        fresh.close()
    assert titles == {key: f"Musrenbang {key}" for key in keys}
    # One creation per key: no retry after the restart recorded a second process.
    assert len(created) == len(keys)
    assert len({notification.originator_id for notification in created}) == len(keys)
    assert report.first_failure is None, report.as_dict()
    print(
        f"\npostgres restart: {len(keys)} keys acknowledged, {len(retried)} of them retried after a 503, "
        f"{sum(1 for s in statuses if s[0] != 201)} answers 503, {len(created)} creations in the log"
    )

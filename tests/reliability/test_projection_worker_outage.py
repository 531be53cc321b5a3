"""The projection worker rides out a database outage: it waits, resumes, and applies every event once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import PrivatePostgres, wait_until

from domain.rules import DecisionRules
from projections.runner import ReadModels
from service.adapters.storage import persistence_settings
from service.app.application import CommandContext, Mufakat

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _open_processes(url: str, how_many: int, first_number: int) -> None:
    ledger = Mufakat(env=persistence_settings(url))
    try:
        token, _ = ledger.tokens.issue("admin", "Admin Kabupaten", [])
        context = CommandContext(token.principal())
        for number in range(first_number, first_number + how_many):
            ledger.processes.open(
                context, f"Musrenbang Desa {number}", "", "33.02.10.2001", "Sukamaju", "public", DecisionRules()
            )
    finally:
        ledger.close()


def _tracked_position(url: str) -> int:
    ledger = Mufakat(env=persistence_settings(url))
    try:
        return ReadModels(ledger).position()
    finally:
        ledger.close()


def _last_position(url: str) -> int:
    ledger = Mufakat(env=persistence_settings(url))
    try:
        return ledger.recorder.max_notification_id() or 0
    finally:
        ledger.close()


def test_the_projection_worker_survives_an_outage_and_catches_up_after_it(
    private_postgres: PrivatePostgres, tmp_path: Path
) -> None:
    url = private_postgres.url
    _open_processes(url, 3, first_number=1)
    log = (tmp_path / "worker.log").open("w")
    environment = {**os.environ, "MUFAKAT_DATABASE_URL": url, "MUFAKAT_POSTGRES_CONNECT_TIMEOUT": "2"}
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "mufakat"), "projections", "run", "--max-sleep", "0.2"],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: _tracked_position(url) == _last_position(url), 30, "the worker to catch up")

        # The database goes away under the worker, long enough for several of its polls to fail.
        private_postgres.kill()
        wait_until(
            lambda: "database unavailable" in (tmp_path / "worker.log").read_text(), 60, "the worker to notice"
        )
        time.sleep(1)
        assert worker.poll() is None, "the worker died during the outage instead of waiting"

        # The database returns with new writes; the worker resumes on its own and applies them.
        private_postgres.start()
        _open_processes(url, 2, first_number=4)
        wait_until(lambda: _tracked_position(url) == _last_position(url), 60, "the worker to resume")

        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
        log.close()

    # Resuming applied each event once: the rows equal those of a clean rebuild.
    ledger = Mufakat(env=persistence_settings(url))
    try:
        models = ReadModels(ledger)
        incremental = models.dump()
        models.rebuild()
        assert models.dump() == incremental
    finally:
        ledger.close()

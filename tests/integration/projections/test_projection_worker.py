"""`mufakat projections run` and `rebuild` as real processes: killed mid-run, restarted, exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import pytest

from projections.runner import ReadModels
from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.cli.demo import record_demo

_CLI = [sys.executable, "-c", "from service.cli.main import main; main()"]


def _until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the worker did not get there in time"
        time.sleep(0.005)


@pytest.fixture
def recorded(database_url: str) -> Iterator[Mufakat]:
    """A ledger holding the demo several times over: enough pages for a worker to be caught mid-run."""
    ledger = Mufakat(env=persistence_settings(database_url))
    _, secret = ledger.tokens.issue("facilitator", "Fasilitator Uji", [])
    for _ in range(4):
        record_demo(ledger, secret)
    yield ledger
    ledger.close()


def _worker(database_url: str, *args: str) -> subprocess.Popen[str]:
    environment = {**os.environ, "MUFAKAT_DATABASE_URL": database_url}
    return subprocess.Popen(
        [*_CLI, "projections", *args], env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


class WorkerContract:
    """The projection worker's promises, on whichever database the subclass names."""

    def test_a_worker_killed_mid_run_and_restarted_leaves_the_rows_of_a_clean_rebuild(
        self, recorded: Mufakat, database_url: str
    ) -> None:
        end = recorded.recorder.max_notification_id() or 0
        observer = ReadModels(recorded)

        # Small pages, so that the kill lands between (or inside) many committed transactions.
        first = _worker(database_url, "run", "--page-size", "3")
        _until(lambda: observer.position() > 0)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        stopped_at = observer.position()
        assert 0 < stopped_at < end

        second = _worker(database_url, "run", "--page-size", "7")
        _until(lambda: observer.position() >= end)
        second.send_signal(signal.SIGTERM)
        _, errors = second.communicate(timeout=20)
        assert second.returncode == 0
        assert f"following the event log from position {stopped_at}" in errors
        assert f"stopped at position {end}" in errors
        resumed = observer.dump()

        observer.rebuild()

        assert observer.dump() == resumed
        assert len(resumed["projection_feed_items"]) > 0

    def test_the_rebuild_command_replays_the_log_and_reports_its_speed(
        self, recorded: Mufakat, database_url: str
    ) -> None:
        models = ReadModels(recorded, page_size=3)
        models.catch_up()
        incremental = models.dump()

        rebuild = _worker(database_url, "rebuild")
        output, errors = rebuild.communicate(timeout=60)

        assert rebuild.returncode == 0, errors
        assert "events/s" in output
        assert f"position {recorded.recorder.max_notification_id()}" in output
        assert models.dump() == incremental


class TestWorkerOnSQLite(WorkerContract):
    """On the embedded SQLite file."""


@pytest.mark.postgres
class TestWorkerOnPostgreSQL(WorkerContract):
    """On PostgreSQL."""

    @pytest.fixture
    def database_url(self, postgres_database_url: str) -> str:
        """A fresh PostgreSQL database of this test's own."""
        return postgres_database_url

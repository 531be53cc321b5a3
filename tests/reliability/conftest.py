"""Fixtures of the reliability tests: a PostgreSQL server of the test's own, and gunicorn servers.

The private server (`tests/private_postgres.py`) comes from Debian's binaries,
lives in a temporary folder on a free port, keeps `fsync` and
`synchronous_commit` on, and is never the shared server on 5432: these tests
kill it. When `CI=true` a missing binary fails the run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from private_postgres import PG_BIN, PrivatePostgres, free_port, postgres_binaries_missing, private_folder

REPOSITORY = Path(__file__).resolve().parents[2]
# PG_BIN, PrivatePostgres and free_port are imported from here by the reliability tests.
__all__ = ["PG_BIN", "GunicornServer", "PrivatePostgres", "free_port", "wait_until"]


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--soak-minutes N`: run the soak test (test_soak.py) for N minutes; 0, the default, skips it (not in CI)."""
    parser.addoption(
        "--soak-minutes",
        type=float,
        default=0.0,
        help="minutes of the reliability soak (mixed writers and readers, kill -9 of a worker each minute); 0: off",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without `--soak-minutes`, the soak is deselected (not collected as a skip: CI reports 0 skipped)."""
    if float(config.getoption("--soak-minutes", default=0.0) or 0.0) > 0:
        return
    soak = [item for item in items if item.path.name == "test_soak.py"]
    if soak:
        config.hook.pytest_deselected(items=soak)
        items[:] = [item for item in items if item.path.name != "test_soak.py"]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def wait_until(condition: Callable[[], bool], timeout: float, what: str, interval: float = 0.1) -> float:
    """Polls `condition` until it holds; fails naming `what` after `timeout` seconds. Returns the wait."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            pytest.fail(f"{what} did not happen within {timeout} s")
        time.sleep(interval)
    return time.monotonic() - started


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """A running PostgreSQL server of this test's own, removed afterwards."""
    reason = postgres_binaries_missing()
    if reason is not None:
        if _in_ci():
            pytest.fail(f"{reason}; CI=true requires the reliability tests to run", pytrace=False)
        pytest.skip(reason)
    server = PrivatePostgres(private_folder(), free_port())
    try:
        server.initialise()
        server.start()
        yield server
    finally:
        server.remove()


class GunicornServer:
    """One `gunicorn -c deploy/gunicorn.conf.py` process serving the app on its own port."""

    def __init__(self, port: int, environment: dict[str, str], log: Path) -> None:
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.log = log
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(REPOSITORY / "deploy" / "gunicorn.conf.py"),
            "--pythonpath",
            str(Path(__file__).parent),
            "-b",
            f"127.0.0.1:{port}",
            "reliability_harness:gunicorn_app()",
        ]
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                command, cwd=REPOSITORY, env=environment, stdout=output, stderr=subprocess.STDOUT
            )

    def wait_ready(self, timeout: float = 30) -> None:
        """Waits until the server answers its readiness probe."""

        def ready() -> bool:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn on {self.port} exited:\n{self.log.read_text()[-3000:]}")
            try:
                # A worker opening its first connection on a busy machine may take seconds: wait, do not fail.
                return requests.get(f"{self.base_url}/api/v1/ready", timeout=10).status_code == 200
            except (requests.ConnectionError, requests.Timeout):
                return False  # not listening yet, or too busy starting to answer within the probe's timeout

        wait_until(ready, timeout, f"gunicorn on port {self.port} answering /api/v1/ready")

    def stop(self) -> None:
        """SIGTERM (graceful shutdown), then SIGKILL if it lingers."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture
def start_gunicorn(tmp_path: Path) -> Iterator[Callable[[str], GunicornServer]]:
    """Starts gunicorn servers on free ports against a database URL; stops them all afterwards."""
    servers: list[GunicornServer] = []

    def start(database_url: str) -> GunicornServer:
        index = len(servers)
        metrics = tmp_path / f"metrics-{index}"
        environment = {
            **os.environ,
            "MUFAKAT_DATABASE_URL": database_url,
            "MUFAKAT_WORKERS": "2",
            "MUFAKAT_THREADS": "2",
            "MUFAKAT_SECRET_KEY_FILE": str(tmp_path / "signing.key"),
            "PROMETHEUS_MULTIPROC_DIR": str(metrics),
        }
        server = GunicornServer(free_port(), environment, tmp_path / f"gunicorn-{index}.log")
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()

"""Fixtures of the reliability tests: a PostgreSQL server of the test's own, and gunicorn servers.

The private server comes from Debian's binaries (`/usr/lib/postgresql/15/bin`,
or `MUFAKAT_PG_BIN`), lives in a temporary folder on a free port, keeps
`fsync` and `synchronous_commit` on, and is never the shared server on 5432:
these tests kill it. As root, `initdb` refuses to run, so the server runs as
the `postgres` user. When `CI=true` a missing binary fails the run.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

REPOSITORY = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("MUFAKAT_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition: Callable[[], bool], timeout: float, what: str, interval: float = 0.1) -> float:
    """Polls `condition` until it holds; fails naming `what` after `timeout` seconds. Returns the wait."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            pytest.fail(f"{what} did not happen within {timeout} s")
        time.sleep(interval)
    return time.monotonic() - started


class PrivatePostgres:
    """A PostgreSQL server of one test: started, killed and restarted at will."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = port
        # initdb and postgres refuse to run as root.
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        """The database URL of its `postgres` database."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str, timeout: float = 60) -> None:
        subprocess.run([*self.run_as, *command], check=True, capture_output=True, timeout=timeout)

    def initialise(self) -> None:
        """Creates the cluster (trust authentication, user `postgres`)."""
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )

    def start(self) -> None:
        """Starts the server and waits until it accepts connections."""
        options = (
            f"-c port={self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.folder}"
            " -c fsync=on -c synchronous_commit=on -c max_connections=50"
        )
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )

    def kill(self) -> None:
        """Stops the server the hard way (`-m immediate`: no checkpoint, as a crash would)."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "-t", "60", "stop")

    def stop(self) -> None:
        """Stops the server if it runs."""
        subprocess.run(
            [*self.run_as, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop"],
            capture_output=True,
            timeout=90,
        )


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """A running PostgreSQL server of this test's own, removed afterwards."""
    if not (PG_BIN / "initdb").exists():
        reason = f"no PostgreSQL binaries in {PG_BIN} (set MUFAKAT_PG_BIN)"
        if _in_ci():
            pytest.fail(f"{reason}; CI=true requires the reliability tests to run", pytrace=False)
        pytest.skip(reason)
    # Not under pytest's tmp_path: as root that is private to root, and the server runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="mufakat-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    server = PrivatePostgres(folder, free_port())
    try:
        server.initialise()
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


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
            except requests.ConnectionError:
                return False

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

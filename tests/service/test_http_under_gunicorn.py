"""Concurrent writers over a real gunicorn with two worker processes on one SQLite file lose nothing."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import requests

from service.adapters.storage import persistence_settings
from service.app.application import Mufakat

WRITERS = 24
REPOSITORY = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_serving(base: str, server: subprocess.Popen[bytes], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            if requests.get(f"{base}/api/v1/health", timeout=5).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.05)
    raise TimeoutError("gunicorn did not start serving")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    """A gunicorn with two workers on a fresh SQLite file; its base URL, an admin token, the database."""
    database_url = "sqlite:///" + str(tmp_path / "mufakat.db")
    setup = Mufakat(env=persistence_settings(database_url))
    _, secret = setup.tokens.issue("admin", "Admin Uji Beban", [])
    setup.close()
    port = _free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "service.http.app_factory:create_app()",
        ],
        cwd=REPOSITORY,
        env={**os.environ, "MUFAKAT_DATABASE_URL": database_url},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(base, server)
        yield base, secret, database_url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_24_writers_at_once_over_two_workers_all_succeed_and_every_event_is_kept(
    served: tuple[str, str, str],
) -> None:
    base, secret, database_url = served
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {secret}"

    def post(path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = session.post(f"{base}/api/v1{path}", json=body, timeout=30)
        assert response.status_code in (200, 201), response.text
        return response.json()  # type: ignore[no-any-return]

    # A process with one participant and a proposal, then 24 people talk at once.
    process = post(
        "/processes",
        {"title": "Musdes Uji", "region_code": "33.01", "region_name": "Desa Uji", "visibility": "public"},
    )
    speaker = post(f"/processes/{process['id']}/participants", {"name": "Warga", "group": "resident"})["id"]
    proposal = post(
        f"/processes/{process['id']}/proposals",
        {"title": "Jalan desa", "body": "Perbaikan jalan.", "submitted_by": speaker},
    )
    start = threading.Barrier(WRITERS)
    statuses: list[int] = []

    def contribute(number: int) -> None:
        with requests.Session() as own:
            start.wait()
            response = own.post(
                f"{base}/api/v1/proposals/{proposal['id']}/contributions",
                json={"participant_id": speaker, "kind": "information", "text": f"Pendapat ke-{number}"},
                headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": f"pendapat-{number}"},
                timeout=60,
            )
            statuses.append(response.status_code)

    writers = [threading.Thread(target=contribute, args=(n,)) for n in range(WRITERS)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()

    assert statuses == [200] * WRITERS
    final = session.get(f"{base}/api/v1/proposals/{proposal['id']}", timeout=30).json()
    assert final["contribution_count"] == WRITERS
    assert final["version"] == 1 + WRITERS
    assert _stored_contributions(database_url, UUID(proposal["id"])) == WRITERS


def _stored_contributions(database_url: str, proposal_id: UUID) -> int:
    """The contributions stored for the proposal, counted in the log itself by a fresh ledger."""
    ledger = Mufakat(env=persistence_settings(database_url))
    try:
        return sum(1 for event in ledger.events.get(proposal_id) if type(event).__name__ == "Contributed")
    finally:
        ledger.close()

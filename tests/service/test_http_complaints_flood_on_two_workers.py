"""A flood of anonymous complaints from one address is refused with 429 and `Retry-After` across TWO gunicorn
workers: the count lives in the ledger's database (`service.adapters.complaint_limits`), not in a worker's
memory, so spreading the flood over workers does not pass `MUFAKAT_COMPLAINTS_PER_HOUR`."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from test_http_under_gunicorn import REPOSITORY, _free_port, _wait_until_serving

from service.adapters.storage import persistence_settings
from service.app.application import Mufakat

LIMIT = 5
FLOOD = 16


@pytest.fixture
def two_workers(database_url: str, tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    """A real gunicorn with two worker processes on this test's database, logging each request with the pid of
    the worker that answered it; its base URL, a public process's id and the access log."""
    setup = Mufakat(env=persistence_settings(database_url))
    _, secret = setup.tokens.issue("admin", "Admin Uji Banjir", [])
    setup.close()
    port = _free_port()
    access_log = tmp_path / "access.log"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(p)s %(m)s %(U)s %(s)s",
            "service.http.app_factory:create_app()",
        ],
        cwd=REPOSITORY,
        env={
            **os.environ,
            "MUFAKAT_DATABASE_URL": database_url,
            "MUFAKAT_COMPLAINTS_PER_HOUR": str(LIMIT),
            "MUFAKAT_SECRET_KEY_FILE": str(tmp_path / "mufakat-signing.key"),
            "MUFAKAT_WEB_SESSION_KEY_FILE": str(tmp_path / "mufakat-web-session.key"),
        },
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(base, server)
        process = requests.post(
            f"{base}/api/v1/processes",
            json={"title": "Musdes Uji", "region_code": "33.01", "region_name": "Desa Uji", "visibility": "public"},
            headers={"Authorization": f"Bearer {secret}"},
            timeout=30,
        )
        assert process.status_code == 201, process.text
        yield base, str(process.json()["id"]), access_log
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.both_stores
def test_a_flood_of_anonymous_complaints_over_two_workers_gets_429_with_retry_after_past_the_limit(
    two_workers: tuple[str, str, Path],
) -> None:
    base, process_id, access_log = two_workers

    def flood() -> list[requests.Response]:
        """FLOOD complaints sent at once, each on its own connection."""
        start = threading.Barrier(FLOOD)
        answers: list[requests.Response] = []

        def complain(number: int) -> None:
            with requests.Session() as own:
                start.wait()
                answers.append(
                    own.post(
                        f"{base}/api/v1/processes/{process_id}/complaints",
                        json={"text": f"Semen hilang, laporan ke-{number}"},
                        timeout=60,
                    )
                )

        threads = [threading.Thread(target=complain, args=(n,)) for n in range(FLOOD)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return answers

    def workers_answering() -> set[str]:
        lines = [line.split() for line in access_log.read_text().splitlines() if "/complaints" in line]
        return {line[0] for line in lines}

    answers = flood()
    # On a loaded machine the kernel may hand one worker the whole first flood: more floods until the other
    # worker answered too, every one of them refused (the first worker's count holds on the second).
    for _ in range(10):
        if len(workers_answering()) == 2:
            break
        assert {answer.status_code for answer in flood()} == {429}

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] * LIMIT + [429] * (FLOOD - LIMIT)
    for refused in (answer for answer in answers if answer.status_code == 429):
        assert refused.headers["Content-Type"].startswith("application/problem+json")
        assert refused.json()["code"] == "too_many_complaints"
        assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    # Both workers answered complaints: the limit held across them, not inside one.
    assert len(workers_answering()) == 2, access_log.read_text()

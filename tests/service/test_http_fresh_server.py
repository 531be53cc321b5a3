"""A freshly started `mufakat serve` (real gunicorn, several workers): the first console page of every worker
is served, a session holds on every worker, and gunicorn's own refusals are problem+json like every answer."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from service.adapters.storage import persistence_settings
from service.app.application import Mufakat

# Storage-sensitive: gunicorn workers open one database together.
pytestmark = pytest.mark.both_stores

WORKERS = 3


@dataclass
class Server:
    """A `mufakat serve` started from a clone, with its ledger and keys in a data folder of their own."""

    base: str
    clone: Path
    data: Path
    log: Path
    facilitator_token: str

    def worker_pids(self) -> set[int]:
        """The workers gunicorn booted (its own log line)."""
        return {int(line.rsplit(":", 1)[1]) for line in self._lines() if "Booting worker with pid:" in line}

    def requests_logged(self, route: str) -> list[dict[str, object]]:
        """The application's JSON request lines of one route (worker pid, status)."""
        found = []
        for line in self._lines():
            if line.startswith("{"):
                record = json.loads(line)
                if record.get("event") == "request" and record.get("route") == route:
                    found.append(record)
        return found

    def log_text(self) -> str:
        """Everything the server wrote."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def _lines(self) -> list[str]:
        return self.log_text().splitlines()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_listening(server: Server, process: subprocess.Popen[bytes], seconds: float = 60.0) -> None:
    """Until every worker is booted and the port accepts connections, sending no HTTP request."""
    port = int(server.base.rsplit(":", 1)[1])
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"mufakat serve exited with {process.returncode}:\n{server.log_text()[-2000:]}")
        if len(server.worker_pids()) >= WORKERS:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                pass
        time.sleep(0.05)
    raise TimeoutError("mufakat serve did not start")


@contextmanager
def _serving(folder: Path, database_url: str | None = None) -> Iterator[Server]:
    """`mufakat serve --workers 3` as the README's quick start runs it, from a clone, on a ledger nothing served
    yet (on SQLite in the data folder unless `database_url` names a PostgreSQL database)."""
    clone, data = folder / "clone", folder / "data"
    clone.mkdir()
    data.mkdir()
    if database_url is None or database_url.startswith("sqlite"):
        database_url = f"sqlite:///{data / 'mufakat.db'}"
    setup = Mufakat(env=persistence_settings(database_url))
    _, secret = setup.tokens.issue("facilitator", "Fasilitator Uji Server", [])
    setup.close()
    port = _free_port()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("MUFAKAT_")}
    environment.update(
        {
            "MUFAKAT_DATABASE_URL": database_url,
            "MUFAKAT_SECRET_KEY_FILE": str(data / "signing.key"),
            "MUFAKAT_THREADS": "2",
        }
    )
    server = Server(f"http://127.0.0.1:{port}", clone, data, folder / "server.log", secret)
    with server.log.open("wb") as log:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "mufakat"), "serve", "--port", str(port), "--workers", str(WORKERS)],
            cwd=clone,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_listening(server, process)
            yield server
        finally:
            process.terminate()
            process.wait(timeout=60)


@pytest.fixture
def fresh_server(tmp_path: Path, database_url: str) -> Iterator[Server]:
    """A server that has answered nothing yet, on SQLite and on PostgreSQL."""
    with _serving(tmp_path, database_url) as server:
        yield server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the tests of what gunicorn refuses (storage plays no part there)."""
    with _serving(tmp_path_factory.mktemp("refusals")) as started:
        yield started


def _get(url: str, **options: object) -> requests.Response:
    """A GET on a connection of its own (so that gunicorn hands it to any worker)."""
    return requests.get(url, timeout=30, headers={"Connection": "close"}, **options)  # type: ignore[arg-type]


def test_the_first_console_page_of_every_worker_is_served_and_a_session_holds_on_all_of_them(
    fresh_server: Server,
) -> None:
    # Phones open the sign-in page at once, before anyone else asked the console anything.
    statuses: list[int] = []
    deadline = time.monotonic() + 60
    with ThreadPoolExecutor(max_workers=WORKERS * 3) as phones:
        while time.monotonic() < deadline:
            batch = phones.map(lambda _: _get(f"{fresh_server.base}/console/masuk").status_code, range(WORKERS * 3))
            statuses.extend(batch)
            served_by = {record["pid"] for record in fresh_server.requests_logged("/console/masuk")}
            if served_by >= fresh_server.worker_pids():
                break
    served = fresh_server.requests_logged("/console/masuk")
    assert {record["pid"] for record in served} >= fresh_server.worker_pids(), "a worker served no sign-in page"
    assert set(statuses) == {200}
    assert {record["status"] for record in served} == {200}

    # The key that signs the cookies was made in the data folder, privately, and nothing in the clone.
    key_file = fresh_server.data / "mufakat-web-session.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert list(fresh_server.clone.iterdir()) == []

    # A facilitator signs in once; the session is good on whichever worker takes the next page.
    browser = requests.Session()
    page = browser.get(f"{fresh_server.base}/console/masuk", timeout=30)
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    signed_in = browser.post(
        f"{fresh_server.base}/console/masuk",
        data={"csrf_token": csrf, "token": fresh_server.facilitator_token},
        allow_redirects=False,
        timeout=30,
    )
    assert signed_in.status_code == 302
    cookie = {"mufakat_console": browser.cookies["mufakat_console"]}
    with ThreadPoolExecutor(max_workers=WORKERS * 2) as tabs:
        pages = list(
            tabs.map(
                lambda _: _get(f"{fresh_server.base}/console/", cookies=cookie, allow_redirects=False),
                range(WORKERS * 4),
            )
        )
    assert {page.status_code for page in pages} == {200}
    assert len({record["pid"] for record in fresh_server.requests_logged("/console/")}) > 1


def _raw(server: Server, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Sends bytes as they are (a request gunicorn must refuse) and reads the whole answer."""
    port = int(server.base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, _, value in (h.partition(":") for h in header_lines)}
    return int(status_line.split()[1]), headers, body


@pytest.mark.parametrize(
    ("request_bytes", "status", "code"),
    [
        pytest.param(
            b"GET /api/v1/feed?region_code=" + b"3" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
            414,
            "uri_too_long",
            id="request line over 8190 bytes",
        ),
        pytest.param(
            b"GET /api/v1/feed HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"3" * 9000 + b"\r\n\r\n",
            431,
            "request_header_fields_too_large",
            id="one header over 8190 bytes",
        ),
        pytest.param(
            b"GET /api/v1/feed HTTP/1.1\r\n" + b"".join(b"X-H%d: 3\r\n" % n for n in range(120)) + b"\r\n",
            431,
            "request_header_fields_too_large",
            id="more than 100 headers",
        ),
        pytest.param(b"GET /api/v1/feed 33333333\r\n\r\n", 400, "bad_request", id="no HTTP version"),
    ],
)
def test_gunicorns_own_refusals_are_problem_details_and_its_log_quotes_nothing_sent(
    server: Server, request_bytes: bytes, status: int, code: str
) -> None:
    answered, headers, body = _raw(server, request_bytes)
    assert answered == status
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["code"] == code
    assert problem["status"] == status
    assert {"type", "title", "detail"} <= problem.keys()
    log = server.log_text()
    assert "33333333" not in log  # what was sent
    assert "ip=" not in log  # and who sent it


def test_a_request_line_longer_than_gunicorns_default_reaches_the_app(server: Server) -> None:
    # 6,000 bytes: over gunicorn's default of 4,094, which answered an HTML 400 of its own.
    answer = _get(f"{server.base}/api/v1/feed", params={"region_code": "3" * 6000})
    assert answer.headers["Content-Type"].startswith(("application/json", "application/problem+json"))
    assert answer.status_code in (200, 422)

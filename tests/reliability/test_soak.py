"""The soak: mixed writers and readers of the whole cycle against gunicorn for many minutes, a worker killed
with SIGKILL once a minute; resident memory and open file descriptors sampled, and asserted flat; nothing
acknowledged lost, the log verifies.

Off by default, and so in CI (deselected, not skipped):
`pytest -n 0 -s tests/reliability/test_soak.py --soak-minutes 30`. Writers walk a village's musyawarah
(process, participants, meeting, proposal, contributions, consensus check, stances, decision), each write
under an Idempotency-Key of its own, retried with the same key when the worker serving it was killed (a reset
connection or a 5xx from the master); readers read proposals, their history, the feed and the process list.
"""

from __future__ import annotations

import os
import random
import signal
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import GunicornServer

from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.audit.signing import load_signing_key, public_key_text
from service.audit.verify import verify_store

pytestmark = pytest.mark.slow

API = "/api/v1"
NAMES = ["Ibu Siti Aminah", "Pak Budi Santoso", "Mbak Dewi Lestari", "Mas Agus Salim"]
SAMPLE_SECONDS = 10
KILL_EVERY_SECONDS = 60
RETRY_SECONDS = 60


@pytest.fixture
def soak_minutes(request: pytest.FixtureRequest) -> float:
    minutes = float(request.config.getoption("--soak-minutes", default=0.0) or 0.0)
    assert minutes > 0, "collected only with --soak-minutes N (conftest.py deselects it otherwise)"
    return minutes


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _open_files(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


class Client:
    """Requests with a bearer token; writes retried under their Idempotency-Key while a worker is down."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.errors: list[str] = []
        self.retries = 0

    def write(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        key = uuid.uuid4().hex
        deadline = time.monotonic() + RETRY_SECONDS
        while True:
            try:
                answer = self.session.post(
                    f"{self.base_url}{API}{path}", json=body, headers={"Idempotency-Key": key}, timeout=30
                )
                if answer.status_code in (200, 201):
                    return answer.json()  # type: ignore[no-any-return]
                if answer.status_code not in (502, 503, 504):
                    self.errors.append(f"{answer.status_code} {path} {answer.text[:200]}")
                    raise AssertionError(self.errors[-1])
            except requests.RequestException:
                pass  # the worker serving it was killed: the same key again
            self.retries += 1
            if time.monotonic() > deadline:
                raise AssertionError(f"{path} was not acknowledged within {RETRY_SECONDS} s")
            time.sleep(0.3)

    def read(self, path: str) -> None:
        try:
            answer = self.session.get(f"{self.base_url}{API}{path}", timeout=30)
        except requests.RequestException:
            return  # killed mid-read: a reader just reads again
        if answer.status_code >= 500 and answer.status_code not in (502, 503, 504):
            self.errors.append(f"{answer.status_code} GET {path}")


class Writer(threading.Thread):
    """Walks one village's musyawarah after another; keeps what was acknowledged."""

    def __init__(self, client: Client, stopping: threading.Event) -> None:
        super().__init__(daemon=True)
        self.client = client
        self.stopping = stopping
        self.proposals: dict[str, tuple[int, bool]] = {}  # id -> (contributions acknowledged, adopted)
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                self.cycle()
        except BaseException as error:
            self.failure = error

    def cycle(self) -> None:
        write = self.client.write
        process = write(
            "/processes",
            {
                "title": "Musrenbang Desa Soak",
                "region_code": "33.01.01.2001",
                "region_name": "Desa Soak",
                "visibility": "public",
            },
        )
        people = [
            write(f"/processes/{process['id']}/participants", {"name": name, "group": "resident"})["id"]
            for name in NAMES
        ]
        meeting = write(
            f"/processes/{process['id']}/meetings",
            {"title": "Musyawarah Desa", "scheduled_for": "2027-01-15T09:00:00+07:00", "location": "Balai Desa"},
        )
        write(f"/meetings/{meeting['id']}/open", {"attendees": people})
        proposal = write(
            f"/processes/{process['id']}/proposals",
            {"title": "Posyandu", "body": "Membangun posyandu.", "submitted_by": people[0]},
        )
        path = f"/proposals/{proposal['id']}"
        contributions = random.randint(1, 4)
        for n in range(contributions):
            write(f"{path}/contributions", {"participant_id": people[n], "kind": "support", "text": "Setuju."})
        self.proposals[proposal["id"]] = (contributions, False)
        check = write(f"{path}/consensus-checks", {"meeting_id": meeting["id"]})
        for person in people:
            write(f"{path}/consensus-checks/{check['check_id']}/stances", {"participant_id": person, "stance": "agree"})
        write(f"{path}/consensus-checks/{check['check_id']}/close", {})
        write(f"{path}/decision", {"outcome": "adopted", "method": "consensus", "rationale": "Mufakat."})
        self.proposals[proposal["id"]] = (contributions, True)


class Reader(threading.Thread):
    """Reads what the writers wrote: proposals, their history, the feed, the process list."""

    def __init__(self, client: Client, writers: list[Writer], stopping: threading.Event) -> None:
        super().__init__(daemon=True)
        self.client = client
        self.writers = writers
        self.stopping = stopping
        self.reads = 0

    def run(self) -> None:
        while not self.stopping.is_set():
            known = [proposal for writer in self.writers for proposal in list(writer.proposals)]
            if known:
                proposal = random.choice(known)
                self.client.read(f"/proposals/{proposal}")
                self.client.read(f"/proposals/{proposal}/history")
            self.client.read("/feed")
            self.client.read("/processes")
            self.reads += 4
            time.sleep(0.05)


def _thirds(samples: list[int]) -> tuple[float, float]:
    """The medians of the first and the last third of the samples (taken after the warm-up)."""
    third = max(1, len(samples) // 3)
    return statistics.median(samples[:third]), statistics.median(samples[-third:])


def test_soak_mixed_cycle_writers_and_readers_with_a_worker_killed_each_minute_stay_flat_and_lose_nothing(
    soak_minutes: float, start_gunicorn: Callable[[str], GunicornServer], tmp_path: Path
) -> None:
    url = "sqlite:///" + str(tmp_path / "soak.db")
    ledger = Mufakat(env=persistence_settings(url))
    try:
        _, token = ledger.tokens.issue("admin", "Operator Soak", [])
    finally:
        ledger.close()
    server = start_gunicorn(url)
    server.wait_ready(timeout=60)
    master = server.process.pid
    stopping = threading.Event()
    writers = [Writer(Client(server.base_url, token), stopping) for _ in range(2)]
    readers = [Reader(Client(server.base_url, token), writers, stopping) for _ in range(2)]
    for thread in [*writers, *readers]:
        thread.start()

    started = time.monotonic()
    rss: list[int] = []
    files: list[int] = []
    kills = 0
    next_kill = started + KILL_EVERY_SECONDS
    warm_until = started + min(60.0, soak_minutes * 60 / 4)
    try:
        while time.monotonic() - started < soak_minutes * 60:
            time.sleep(SAMPLE_SECONDS)
            assert server.process.poll() is None, "gunicorn's master exited"
            assert all(writer.failure is None for writer in writers), [w.failure for w in writers]
            pids = [master, *_children(master)]
            if time.monotonic() >= warm_until:
                rss.append(sum(_rss_kib(pid) for pid in pids))
                files.append(sum(_open_files(pid) for pid in pids))
            if time.monotonic() >= next_kill:
                workers = _children(master)
                if workers:
                    os.kill(random.choice(workers), signal.SIGKILL)
                    kills += 1
                next_kill += KILL_EVERY_SECONDS
    finally:
        stopping.set()
        for thread in [*writers, *readers]:
            thread.join(timeout=RETRY_SECONDS + 30)
    assert all(writer.failure is None for writer in writers), [w.failure for w in writers]
    errors = [error for client in [w.client for w in writers] + [r.client for r in readers] for error in client.errors]
    assert errors == []

    # Nothing acknowledged is lost, nothing retried is doubled.
    reader = Client(server.base_url, token)
    for writer in writers:
        for proposal_id, (contributions, adopted) in writer.proposals.items():
            answer = reader.session.get(f"{server.base_url}{API}/proposals/{proposal_id}", timeout=30)
            assert answer.status_code == 200
            body = answer.json()
            assert body["contribution_count"] == contributions, proposal_id
            if adopted:
                assert body["status"] == "decided", proposal_id
                assert body["decision"]["outcome"] == "adopted", proposal_id
    server.stop()
    ledger = Mufakat(env=persistence_settings(url))
    try:
        # The service's key, when it made one (it seals checkpoints with it); else the log's own consistency.
        key_file = tmp_path / "signing.key"
        trusted = public_key_text(load_signing_key(key_file)) if key_file.exists() else None
        report = verify_store(ledger.recorder, trusted_key=trusted)
        events = ledger.recorder.max_notification_id() or 0
    finally:
        ledger.close()

    rss_first, rss_last = _thirds(rss)
    files_first, files_last = _thirds(files)
    proposals = sum(len(writer.proposals) for writer in writers)
    retries = sum(writer.client.retries for writer in writers)
    print(
        f"\nsoak: {soak_minutes:g} min, {kills} workers killed, {proposals} proposals through the musyawarah, "
        f"{events} events, {retries} writes retried by key, {sum(r.reads for r in readers)} reads; "
        f"RSS (master + workers) {rss_first / 1024:.0f} -> {rss_last / 1024:.0f} MiB "
        f"(min {min(rss) / 1024:.0f}, max {max(rss) / 1024:.0f}); open files {files_first:.0f} -> {files_last:.0f} "
        f"(max {max(files)}); verify ok over {report.events_checked} events"
    )
    assert report.first_failure is None, report.as_dict()
    assert rss_last <= rss_first * 1.25 + 20 * 1024
    assert files_last <= files_first + 10

"""Two writers on one store take turns: two `mufakat demo` at once both record a whole demo, or one stops cleanly.

Before, the second demo on one SQLite file failed half-way with "database is locked" (a transaction that read
first could not write after the other demo committed) and left a half-recorded demo behind.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from service.adapters.storage import SideTables, persistence_settings
from service.adapters.writer_token import writer_token_for
from service.app.application import Mufakat
from service.http.app_factory import create_app
from service.http.current import current_mufakat

_MUFAKAT = str(Path(sys.executable).with_name("mufakat"))


def _start_demo(database_url: str, key_file: Path, lock_timeout: str = "30") -> subprocess.Popen[str]:
    environment = {
        "PATH": str(Path(sys.executable).parent),
        "MUFAKAT_DATABASE_URL": database_url,
        "MUFAKAT_SECRET_KEY_FILE": str(key_file),
        "MUFAKAT_SQLITE_LOCK_TIMEOUT": lock_timeout,
    }
    return subprocess.Popen(
        [_MUFAKAT, "demo"],
        env=environment,
        cwd=key_file.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _recorded(database_url: str) -> Counter[str]:
    """How many events of each kind the store holds."""
    ledger = Mufakat(env=persistence_settings(database_url))
    try:
        return Counter(n.topic for n in ledger.recorder.select_notifications(start=1, limit=1_000_000))
    finally:
        ledger.close()


@pytest.fixture(scope="module")
def one_demo(tmp_path_factory: pytest.TempPathFactory) -> Counter[str]:
    """What one `mufakat demo` records, alone on a store of its own."""
    folder = tmp_path_factory.mktemp("one-demo")
    url = f"sqlite:///{folder / 'alone.db'}"
    alone = _start_demo(url, folder / "signing.key")
    assert alone.wait(timeout=120) == 0, alone.stderr.read() if alone.stderr else ""
    return _recorded(url)


@pytest.mark.slow
@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_two_demos_started_together_on_one_store_both_record_a_whole_demo(
    store: str, request: pytest.FixtureRequest, tmp_path: Path, one_demo: Counter[str]
) -> None:
    url = str(request.getfixturevalue("sqlite_database_url" if store == "sqlite" else "postgres_database_url"))
    Mufakat(env=persistence_settings(url)).close()  # the tables exist, as they do under a running service

    demos = [_start_demo(url, tmp_path / "signing.key") for _ in range(2)]
    outcomes = [(demo.wait(timeout=180), demo.stderr.read() if demo.stderr else "") for demo in demos]

    assert [code for code, _ in outcomes] == [0, 0], outcomes
    recorded = _recorded(url)
    # Exactly two whole demos: every kind of step twice as often as one demo records it, no step more or less;
    # the berita acara certificate of the one signing key both demos seal with is bound to the log once.
    bound = "service.audit.minutes_certificates:MinutesCertificate.Bound"
    assert one_demo[bound] == 1
    assert recorded == Counter({topic: 1 if topic == bound else 2 * count for topic, count in one_demo.items()})
    opened_by_one_demo = sum(count for topic, count in one_demo.items() if topic.endswith("Process.Opened"))
    # its village's Musrenbang and Musdes, and the kecamatan and the neighbour village it forwards to
    assert opened_by_one_demo >= 2
    assert sum(count for topic, count in recorded.items() if topic.endswith("Process.Opened")) == 2 * opened_by_one_demo


def test_a_demo_that_waits_longer_than_the_lock_timeout_stops_and_records_nothing(
    sqlite_database_url: str, tmp_path: Path
) -> None:
    Mufakat(env=persistence_settings(sqlite_database_url)).close()
    other_writer = writer_token_for(persistence_settings(sqlite_database_url))
    assert other_writer.acquire()
    try:
        demo = _start_demo(sqlite_database_url, tmp_path / "signing.key", lock_timeout="1")
        code = demo.wait(timeout=60)
        said = demo.stderr.read() if demo.stderr else ""
    finally:
        other_writer.close()

    assert code == 1
    assert "MUFAKAT_SQLITE_LOCK_TIMEOUT" in said and "nothing of the demo was recorded" in said
    assert "Traceback" not in said
    assert _recorded(sqlite_database_url) == Counter()


def test_a_write_that_read_first_waits_for_another_process_writing_instead_of_failing(
    sqlite_database_url: str,
) -> None:
    """A side-table write reads, then writes: it must wait for the lock, not fail on a stale read."""
    ledger = Mufakat(env=persistence_settings(sqlite_database_url))
    tables = SideTables(ledger.recorder)
    tables.execute("CREATE TABLE IF NOT EXISTS turns (name TEXT PRIMARY KEY)")
    path = sqlite_database_url.removeprefix("sqlite:///")
    other = sqlite3.connect(path, isolation_level=None, timeout=5, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO turns (name) VALUES ('other process')")
    committed_later = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    committed_later.start()
    try:
        with tables.transaction() as cursor:
            cursor.execute("SELECT count(*) FROM turns")
            time.sleep(0.5)  # the other process commits meanwhile
            cursor.execute("INSERT INTO turns (name) VALUES ('this process')")
    finally:
        committed_later.join()
        other.close()
        ledger.close()

    assert sorted(name for (name,) in sqlite3.connect(path).execute("SELECT name FROM turns")) == [
        "other process",
        "this process",
    ]


def test_a_server_write_that_waits_longer_than_the_lock_timeout_answers_503_and_records_nothing(
    sqlite_database_url: str,
) -> None:
    settings = {**persistence_settings(sqlite_database_url), "SQLITE_LOCK_TIMEOUT": "1"}
    app = create_app({"TESTING": True, "MUFAKAT_LEDGER_ENV": settings})
    with app.app_context():
        ledger = current_mufakat()
        _, secret = ledger.tokens.issue("admin", "Admin Kabupaten", [])
    recorded_before = ledger.recorder.max_notification_id()
    other_writer = writer_token_for(settings)  # a `mufakat demo` holding the store
    assert other_writer.acquire()
    answers: list[Any] = []

    def open_a_process() -> None:
        answers.append(
            app.test_client().post(
                "/api/v1/processes",
                json={
                    "title": "Musrenbang Desa Sukamaju 2027",
                    "description": "Musyawarah perencanaan pembangunan desa",
                    "region_code": "33.01.01.2001",
                    "region_name": "Desa Sukamaju",
                    "visibility": "public",
                },
                headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": "musrenbang-1"},
            )
        )

    request = threading.Thread(target=open_a_process)
    try:
        request.start()
        request.join(timeout=10)  # the lock timeout is 1 s: the answer comes long before
        answered_in_time = bool(answers)
    finally:
        other_writer.close()
        request.join(timeout=60)
        ledger.close()

    assert answered_in_time, "the request still waited for the writer token after 10 s"
    (answer,) = answers
    assert (answer.status_code, answer.get_json()["code"]) == (503, "database_unavailable")
    assert answer.mimetype == "application/problem+json" and answer.headers["Retry-After"]
    reopened = Mufakat(env=persistence_settings(sqlite_database_url))
    try:
        assert reopened.recorder.max_notification_id() == recorded_before
    finally:
        reopened.close()

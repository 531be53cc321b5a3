"""Which writer token a ledger takes is decided by the store it opens, not by a path left in its settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.adapters.storage import persistence_settings
from service.adapters.writer_token import AdvisoryLockWriterToken, FileWriterToken, WriterToken, writer_token_for


def test_a_postgres_store_configured_over_the_default_sqlite_path_takes_the_advisory_lock_and_makes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    layered = {
        **persistence_settings("sqlite:///mufakat.db"),
        **persistence_settings("postgresql://postgres@127.0.0.1:5432/mufakat"),
    }

    token = writer_token_for(layered)

    assert isinstance(token, AdvisoryLockWriterToken)
    assert list(tmp_path.iterdir()) == []


def test_an_sqlite_file_takes_the_lock_file_beside_it(tmp_path: Path) -> None:
    token = writer_token_for(persistence_settings(f"sqlite:///{tmp_path / 'ledger.db'}"))
    try:
        assert isinstance(token, FileWriterToken)
        assert (tmp_path / "ledger.db.writer-lock").exists()
    finally:
        token.close()


def test_a_store_in_memory_has_no_token_to_take() -> None:
    token = writer_token_for({"SQLITE_DBNAME": "/tmp/never-opened.db"})  # no persistence module: in memory

    assert type(token) is WriterToken
    assert token.acquire() is False


def test_a_worker_handing_the_token_over_lets_the_writer_already_waiting_take_it_first(tmp_path: Path) -> None:
    import fcntl
    import threading
    import time

    path = str(tmp_path / "ledger.db")
    busy, waiting = FileWriterToken(path), FileWriterToken(path)
    order: list[str] = []
    try:
        assert busy.acquire()

        def wait_for_the_token() -> None:
            waiting.acquire()
            order.append("the waiting writer")
            time.sleep(0.05)  # it works a little, then hands the token back
            waiting.release()

        other = threading.Thread(target=wait_for_the_token)
        other.start()
        with open(f"{path}.writer-queue", "a+b") as queue:  # wait until the other writer stands in the queue
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                try:
                    fcntl.flock(queue, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    fcntl.flock(queue, fcntl.LOCK_UN)
                    time.sleep(0.001)
                except BlockingIOError:
                    break
        busy.release()
        assert busy.acquire(after_handover=True)
        order.append("the worker that handed it over")
        other.join()

        assert order == ["the waiting writer", "the worker that handed it over"]
    finally:
        busy.close()
        waiting.close()

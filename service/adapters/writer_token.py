"""The writer token: one worker process at a time runs and commits commands on a store.

Without it, two workers writing to one hot proposal keep building batches on a
version the other has just replaced, and much of their work fails and runs
again (on PostgreSQL often enough to give up with 503). A worker takes the token
before running a change and gives it back once nothing of it waits to be
committed; the next holder reads the latest state first.

- SQLite: an exclusive `flock` on a file beside the database (all workers share a host).
- PostgreSQL: a session-level advisory lock on a connection of its own, so workers on
  several hosts take turns too; if a worker dies its session ends and the lock goes with it.
- An in-memory store has one writer anyway: no token.

Every writer takes it, the command line too (`GroupCommitLedger.writing_alone`
holds it across a whole command such as `mufakat demo`). A writer waits for it at
most the store's lock timeout (`MUFAKAT_SQLITE_LOCK_TIMEOUT` on SQLite), then gives
up with `WriterTokenBusy` before it wrote anything.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Mapping
from typing import IO, Any

from eventsourcing.persistence import OperationalError

from service.adapters.storage import connect_postgres

#: How long a worker process keeps the token while it has commands queued.
WRITER_SLICE_SECONDS = 0.02
#: An arbitrary, fixed key for the writers' advisory lock on PostgreSQL ("mufw").
POSTGRES_WRITER_LOCK_KEY = 0x6D756677
#: How long a writer waits for the token when the environment names no lock timeout (seconds).
DEFAULT_WAIT_SECONDS = 30.0
#: Pauses between two tries of a busy `flock`, doubling (a waiting writer polls: `flock` cannot time out).
_FIRST_POLL_SECONDS = 0.0005
_LONGEST_POLL_SECONDS = 0.002
#: How long a worker that just handed the token over lets the writers already waiting take it first.
HANDOVER_SECONDS = 0.01


class WriterTokenBusy(OperationalError):
    """Another writer kept the token longer than this one may wait: nothing was written (retry later)."""


class WriterToken:
    """No token: for a store only this process writes to (in memory)."""

    def __init__(self) -> None:
        self.held = False
        self.since = 0.0

    def acquire(self, after_handover: bool = False) -> bool:
        """Waits for the token (the GIL is released while waiting); True when it was not held already.

        `after_handover`: this process gave the token up at the end of a time slice; the writers of other
        processes waiting for it by then take it first (at most `HANDOVER_SECONDS`), so that a busy worker does
        not take it straight back and keep the others' commands waiting slice after slice.
        """
        if self.held:
            return False
        if after_handover:
            self._let_waiting_writers_in()
        if not self._lock():
            return False
        self.held = True
        self.since = time.monotonic()
        return True

    def held_too_long(self) -> bool:
        """Whether this process held the token for a whole time slice (others may be waiting)."""
        return self.held and time.monotonic() - self.since > WRITER_SLICE_SECONDS

    def release(self) -> None:
        """Gives the token back."""
        if self.held:
            self._unlock()
            self.held = False

    def close(self) -> None:
        """Gives the token back for good."""
        self.release()

    def _lock(self) -> bool:
        return False

    def _unlock(self) -> None:
        """Nothing to give back."""

    def _let_waiting_writers_in(self) -> None:
        """Nobody else waits for a token of one process."""


class FileWriterToken(WriterToken):
    """The token as an exclusive `flock` on a file beside an SQLite database.

    A writer that has to wait says so with a shared `flock` on a second file (`<db>.writer-queue`) for as long as
    it waits; the kernel drops it if the writer dies. A worker handing the token over at the end of its time slice
    reads that (`_let_waiting_writers_in`) and lets them take it first. Without it the worker took the token straight
    back before a waiting one's next poll, again and again: under 8 connections on 2 workers a command's p99 was
    414 ms (32 ms on one worker alone).
    """

    def __init__(self, sqlite_path: str, wait_seconds: float = DEFAULT_WAIT_SECONDS) -> None:
        super().__init__()
        self.wait_seconds = wait_seconds
        self._file: IO[bytes] | None = open(f"{sqlite_path}.writer-lock", "a+b")  # noqa: SIM115
        self._queue: IO[bytes] | None = open(f"{sqlite_path}.writer-queue", "a+b")  # noqa: SIM115

    def _lock(self) -> bool:
        if self._file is None:
            return False
        deadline = time.monotonic() + self.wait_seconds
        pause = _FIRST_POLL_SECONDS
        waiting = False
        try:
            while True:
                try:
                    fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise WriterTokenBusy(
                            f"another writer held the SQLite file longer than {self.wait_seconds:g} s"
                            " (MUFAKAT_SQLITE_LOCK_TIMEOUT)"
                        ) from None
                    if not waiting and self._queue is not None:
                        fcntl.flock(self._queue, fcntl.LOCK_SH)  # in the queue: a holder handing over sees it
                        waiting = True
                    time.sleep(pause)
                    pause = min(pause * 2, _LONGEST_POLL_SECONDS)
        finally:
            if waiting and self._queue is not None:
                fcntl.flock(self._queue, fcntl.LOCK_UN)

    def _let_waiting_writers_in(self) -> None:
        """Waits while another process's writer waits for the token (at most `HANDOVER_SECONDS`)."""
        if self._queue is None:
            return
        deadline = time.monotonic() + HANDOVER_SECONDS
        while time.monotonic() < deadline:
            try:
                fcntl.flock(self._queue, fcntl.LOCK_EX | fcntl.LOCK_NB)  # nobody in the queue
            except BlockingIOError:
                time.sleep(_FIRST_POLL_SECONDS)
                continue
            fcntl.flock(self._queue, fcntl.LOCK_UN)
            return

    def _unlock(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)

    def close(self) -> None:
        """Gives the token back for good and closes the lock files."""
        super().close()
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._queue is not None:
            self._queue.close()
            self._queue = None


class AdvisoryLockWriterToken(WriterToken):
    """The token as a session-level advisory lock, on a PostgreSQL connection of its own."""

    def __init__(self, connect: Any) -> None:
        super().__init__()
        self._connect = connect
        self._connection: Any = None

    def _lock(self) -> bool:
        if self._connection is None or self._connection.closed:
            self._connection = self._connect()
        self._connection.execute("SELECT pg_advisory_lock(%s)", (POSTGRES_WRITER_LOCK_KEY,))
        return True

    def _unlock(self) -> None:
        try:
            self._connection.execute("SELECT pg_advisory_unlock(%s)", (POSTGRES_WRITER_LOCK_KEY,))
        except Exception:  # a broken session has lost its locks already
            self._connection.close()

    def close(self) -> None:
        """Gives the token back for good and closes its connection."""
        super().close()
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def writer_token_for(env: Mapping[str, str]) -> WriterToken:
    """The writer token of the store the eventsourcing environment names.

    Decided by the persistence module, the store eventsourcing opens: an environment may carry an SQLite path
    beside a PostgreSQL module (the default settings overridden), and a lock file beside that path would
    neither serialise the PostgreSQL writers nor belong where it would be created (the working directory).
    """
    module = env.get("PERSISTENCE_MODULE", "")
    if module.startswith("eventsourcing.postgres"):
        return AdvisoryLockWriterToken(lambda: connect_postgres(env))
    sqlite_path = env.get("SQLITE_DBNAME")
    if sqlite_path and "sqlite" in module.lower():
        in_memory = sqlite_path == ":memory:" or "mode=memory" in sqlite_path
        wait_seconds = float(env.get("SQLITE_LOCK_TIMEOUT") or DEFAULT_WAIT_SECONDS)
        return WriterToken() if in_memory else FileWriterToken(sqlite_path, wait_seconds)
    return WriterToken()

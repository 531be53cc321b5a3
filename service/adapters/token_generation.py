"""The token generation: a counter every worker reads in about two microseconds, telling its cache of principals
whether any access token may have changed since an entry was read.

Each worker keeps the principals of the tokens it has seen, tagged with the generation read *before* the
token's record was read. A write that holds an access token's event (issue, grant, revocation, sign-in link)
moves the generation on twice under an exclusive lock: to an odd value before its insert, to the next even
value after its commit (or its failure). So:

- while a token may be changing, or after a writer died between its commit and its second move (the kernel
  releases its lock, the value stays odd), the generation is odd and `current()` answers None: no cached
  principal is used, every request reads the token's record as it would without a cache;
- an entry tagged with an even value was read after every earlier token write had committed, and any later
  one moves the value on before it inserts: an entry whose tag is the value now is the stored state.

A revocation therefore counts on every worker from its commit, even when its writer crashed before answering.
The next writer of a token, or the next ledger to open (a worker gunicorn restarted), settles an odd value a
dead writer left.

- SQLite (all workers on one host): 8 bytes in `<database>.tokens-generation` (mode 0600), mapped into every
  worker (`mmap`), the writers' lock an `flock` on it. The value is copied in and out of the page with
  8-byte moves at offset 0 (an mmap slice is one `memcpy`), which x86-64 and arm64 perform whole, so a read
  never sees half of a write. A worker whose file was deleted or replaced under it (its link count is 0)
  uses no cache until it has mapped the file again, and tags what it keeps with how often it mapped it.
- eventsourcing's own in-memory store (one process, one ledger): the same counter as a plain integer.
- PostgreSQL: no counter (`current()` is always None), so every request reads the token's record with one
  indexed query, as before. Workers there may be on several hosts, where no file is shared, and a counter
  row read per request costs what the token's own query costs (`bench/authenticate_speed.py`, 2026-12-07:
  about 180 µs of CPU each); LISTEN/NOTIFY would be cheap to read but needs a listener thread per worker,
  and a lost listener connection would have to turn every cache off until it is back. Not done.
"""

from __future__ import annotations

import fcntl
import mmap
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

_WIDTH = 8


class TokenGeneration:
    """No counter: nothing may be cached, every request reads the token's record (PostgreSQL)."""

    def current(self) -> int | None:
        """The generation now; None while no cached principal may be trusted."""
        return None

    @contextmanager
    def changing(self) -> Iterator[None]:
        """Around the insert of a token's events: odd before it, even again after its commit or failure."""
        yield

    def close(self) -> None:
        """Lets go of the counter."""


class LocalTokenGeneration(TokenGeneration):
    """The counter of a store only this process reads and writes (in memory)."""

    def __init__(self) -> None:
        self._value = 0
        self._lock = threading.Lock()

    def current(self) -> int | None:
        """The generation now; None while a token is being written."""
        value = self._value
        return None if value & 1 else value

    @contextmanager
    def changing(self) -> Iterator[None]:
        """Odd while the insert runs, even again after it."""
        with self._lock:
            self._value += 1
            try:
                yield
            finally:
                self._value += 1


class FileTokenGeneration(TokenGeneration):
    """The counter in a file beside an SQLite database, mapped into every worker of the host."""

    def __init__(self, path: str) -> None:
        self.path = path
        # `flock` does not exclude the threads of one process from each other: this lock does.
        self._lock = threading.Lock()
        self._mapped = _MappedCounter.open(path, epoch=0)
        self.settle()

    def current(self) -> int | None:
        """The generation now; None while a token is being written, after a writer died mid-write, or when the
        file was deleted or replaced under this worker (it maps the file at the path for the next request).

        The value carries how many times this worker mapped the file, so that a new file's count never
        meets a tag read from the old one.
        """
        mapped = self._mapped
        if mapped.unlinked():
            self._map_again(mapped)
            return None
        value = mapped.read()
        return None if value & 1 else (mapped.epoch << 64) | value

    @contextmanager
    def changing(self) -> Iterator[None]:
        """Odd (under the file's lock) while the insert runs, even again after its commit or failure."""
        with self._lock:
            mapped = self._linked()
            with mapped.locked():
                value = mapped.read()
                # An odd value with the lock free was left by a writer that died between its two moves.
                mapped.write(value + (2 if value & 1 else 1))
                try:
                    yield
                finally:
                    mapped.write(mapped.read() + 1)
            if mapped.unlinked():  # deleted meanwhile: the workers that mapped the new file must see it too
                with self._linked().locked() as new:
                    new.write(new.read() + 2)

    def settle(self) -> None:
        """Makes even a value a writer left odd when it died (the lock is free: nobody is writing)."""
        with self._lock, self._linked().locked() as mapped:
            value = mapped.read()
            if value & 1:
                mapped.write(value + 1)

    def close(self) -> None:
        """Unmaps and closes the file."""
        with self._lock:
            self._mapped.close()

    def _linked(self) -> _MappedCounter:
        mapped = self._mapped
        return self._map_again(mapped) if mapped.unlinked() else mapped

    def _map_again(self, old: _MappedCounter) -> _MappedCounter:
        """Maps the file now at the path. The old mapping stays open: a reader may be copying from it."""
        self._mapped = _MappedCounter.open(self.path, epoch=old.epoch + 1)
        return self._mapped


class _MappedCounter:
    """One opening of the counter's file: its descriptor, its mapping and how many openings came before."""

    def __init__(self, fd: int, mapping: mmap.mmap, epoch: int) -> None:
        self.fd = fd
        self.mapping = mapping
        self.epoch = epoch

    @classmethod
    def open(cls, path: str, epoch: int) -> _MappedCounter:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < _WIDTH:
                fcntl.flock(fd, fcntl.LOCK_EX)
                try:
                    if os.fstat(fd).st_size < _WIDTH:  # a new file: zeros, an even generation
                        os.ftruncate(fd, _WIDTH)
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
            return cls(fd, mmap.mmap(fd, _WIDTH), epoch)
        except BaseException:
            os.close(fd)
            raise

    def unlinked(self) -> bool:
        """Whether the file was deleted or replaced (renamed over) since it was opened."""
        return os.fstat(self.fd).st_nlink == 0

    def read(self) -> int:
        return int.from_bytes(self.mapping[:_WIDTH], "little")

    def write(self, value: int) -> None:
        self.mapping[:_WIDTH] = value.to_bytes(_WIDTH, "little")

    @contextmanager
    def locked(self) -> Iterator[_MappedCounter]:
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            yield self
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self.mapping.close()
        os.close(self.fd)


def token_generation_for(env: Mapping[str, str]) -> TokenGeneration:
    """The token generation of the store the eventsourcing environment names.

    Decided by the persistence module, the store eventsourcing opens: an environment may carry an SQLite path
    beside a PostgreSQL module (settings overridden), and that file is no counter the workers share. An
    in-memory SQLite database may be shared by name between ledgers of one process: none is kept there.
    """
    module = env.get("PERSISTENCE_MODULE", "")
    if module.startswith("eventsourcing.postgres"):
        return TokenGeneration()
    if "sqlite" in module.lower():
        sqlite_path = env.get("SQLITE_DBNAME", "")
        if not sqlite_path or sqlite_path == ":memory:" or "mode=memory" in sqlite_path:
            return TokenGeneration()
        return FileTokenGeneration(f"{sqlite_path}.tokens-generation")
    return LocalTokenGeneration()

"""The keys of an SQLite ledger, kept in a file of their own where a deleted key is gone at once.

In the ledger's own file a deleted key stays on disk for as long as any reader of
the ledger (a backup, an export, a projection worker) holds its snapshot: the WAL
keeps the page as it was, and the checkpoint that would overwrite it waits for
every such reader (70 s were seen). Keys therefore live beside the ledger, in
`mufakat.keys.db` for `mufakat.db`, which only Mufakat reads, a statement at a
time. A delete there runs with `secure_delete=ON` (the key's bytes are zeroed in
the page) and is followed at once by a checkpoint that copies the zeroed page over
the old one and truncates the file's WAL to nothing; it waits only for readers of
the key file, whose reads last milliseconds (at most half a second, then it is retried).
Once `delete` returns True, no file of the ledger or of its keys holds the key,
whoever reads the ledger. Were a long reader of the key file itself (an operator's
`sqlite3 mufakat.keys.db ".backup ..."` of a huge file) to hold the checkpoint
back, `delete` says so (False) and the vault retries (`purge`).

The file is in WAL mode, not a rollback journal: a key is written with every step
that seals a statement, and a WAL commit costs one fsync where a rollback journal
costs three (measured here: 3.8 ms against 19 ms). Every write is
`synchronous=FULL`: a key acknowledged is on disk before the event it opens is
committed (the recorder writes keys first), so a power cut can leave a key without
its event (harmless: random bytes sealing nothing), never the reverse.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

KEYS_TABLE = "participant_keys"


def key_file_path(ledger_path: str) -> Path:
    """Where the keys of the ledger in `ledger_path` are kept: `mufakat.db` -> `mufakat.keys.db`."""
    ledger = Path(ledger_path)
    return ledger.with_name(f"{ledger.stem}.keys{ledger.suffix or '.db'}")


def keeps_a_key_file(ledger_path: str) -> bool:
    """Whether the ledger is an SQLite file (an in-memory ledger keeps its keys in memory with it)."""
    return bool(ledger_path) and ":memory:" not in ledger_path and "mode=memory" not in ledger_path


class KeyFile:
    """The keys (of participants and of sealed statements) of one SQLite ledger, by owner id."""

    #: How long a delete's checkpoint waits for the key file's readers before the vault retries it later.
    purge_wait_seconds = 0.5

    def __init__(self, path: Path, lock_timeout: float) -> None:
        self.path = path
        created = not path.exists()
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=lock_timeout)
        if created:
            os.chmod(path, 0o600)  # keys are secrets; SQLite gives its WAL the same mode
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute("PRAGMA secure_delete=ON")
        self._connection.execute("PRAGMA synchronous=FULL")
        self._connection.execute(
            f"CREATE TABLE IF NOT EXISTS {KEYS_TABLE} (participant_id TEXT PRIMARY KEY, key_material TEXT NOT NULL)"
        )

    def insert(self, rows: Sequence[tuple[str, str]]) -> None:
        """Stores keys (owner id, key), replacing a key of the same owner that no stored event uses.

        The recorder writes a step's statement keys while it holds the ledger's write lock and before
        the step's event commits: a key of the same id can only be one left by an attempt that failed.
        """
        if not rows:
            return
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                self._connection.executemany(
                    f"INSERT INTO {KEYS_TABLE} (participant_id, key_material) VALUES (?, ?) "
                    "ON CONFLICT (participant_id) DO UPDATE SET key_material = excluded.key_material",
                    rows,
                )
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def get(self, owner_id: str) -> str | None:
        """The key of an owner; None once destroyed (or never made)."""
        with self._lock:
            # fetchall, not fetchone: the statement finishes, so no read stays open to hold a checkpoint back.
            rows = self._connection.execute(
                f"SELECT key_material FROM {KEYS_TABLE} WHERE participant_id = ?", (owner_id,)
            ).fetchall()
        return str(rows[0][0]) if rows else None

    def delete(self, owner_ids: Sequence[str]) -> bool:
        """Destroys keys; True when their bytes are in no file any more (zeroed in place, the WAL emptied).

        False when a reader of the key file held the checkpoint back: the keys are destroyed (no one can
        read them), their bytes stay in the file's WAL until `purge` succeeds.
        """
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                self._connection.executemany(
                    f"DELETE FROM {KEYS_TABLE} WHERE participant_id = ?", [(owner_id,) for owner_id in owner_ids]
                )
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")
        return self.purge()

    def purge(self, wait_seconds: float | None = None) -> bool:
        """Copies every page into the file and truncates its WAL; True when nothing was left behind.

        Waits for the key file's readers and writers at most `wait_seconds` (default `purge_wait_seconds`).
        """
        wait = self.purge_wait_seconds if wait_seconds is None else wait_seconds
        with self._lock:
            waited = self._connection.execute("PRAGMA busy_timeout").fetchall()[0][0]
            self._connection.execute(f"PRAGMA busy_timeout = {max(1, int(wait * 1000))}")
            try:
                busy, _, _ = self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()[0]
            finally:
                self._connection.execute(f"PRAGMA busy_timeout = {int(waited)}")
        return busy == 0

    def close(self) -> None:
        """Closes the file."""
        with self._lock:
            self._connection.close()

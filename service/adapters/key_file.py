"""The keys of an SQLite ledger, kept in a file of their own where a deleted key is gone at once.

In the ledger's own file (WAL mode) a deleted key stays on disk for as long as any
reader of the ledger (a backup, an export, a projection worker) holds its snapshot:
the WAL keeps the page as it was, and a checkpoint that would overwrite it waits for
every such reader (70 s were seen). Keys therefore live beside the ledger, in
`mufakat.keys.db` for `mufakat.db`, which runs in rollback-journal mode
(`journal_mode=DELETE`) with `secure_delete=ON`: a delete overwrites the key's bytes
with zeros in the file itself, and its journal (which held the page as it was for
the length of the transaction) is deleted at the commit. Once the commit returns,
no file of the ledger or of its keys holds the key, whoever reads the ledger. A
key's readers are single statements of a few milliseconds, so a write waits for
them at most that long (up to `MUFAKAT_SQLITE_LOCK_TIMEOUT`).

Every write is `synchronous=FULL`: a key acknowledged is on disk before the event
it opens is committed (the recorder writes keys first), so a power cut can leave a
key without its event (harmless: random bytes sealing nothing), never the reverse.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

KEYS_TABLE = "participant_keys"
#: The file's own journal while a transaction runs; it is deleted at the commit.
JOURNAL_SUFFIX = "-journal"


def key_file_path(ledger_path: str) -> Path:
    """Where the keys of the ledger in `ledger_path` are kept: `mufakat.db` -> `mufakat.keys.db`."""
    ledger = Path(ledger_path)
    return ledger.with_name(f"{ledger.stem}.keys{ledger.suffix or '.db'}")


def keeps_a_key_file(ledger_path: str) -> bool:
    """Whether the ledger is an SQLite file (an in-memory ledger keeps its keys in memory with it)."""
    return bool(ledger_path) and ":memory:" not in ledger_path and "mode=memory" not in ledger_path


class KeyFile:
    """The keys (of participants and of sealed statements) of one SQLite ledger, by owner id."""

    def __init__(self, path: Path, lock_timeout: float) -> None:
        self.path = path
        created = not path.exists()
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=lock_timeout)
        if created:
            os.chmod(path, 0o600)  # keys are secrets; SQLite gives its journal the same mode
        self._connection.execute("PRAGMA journal_mode=DELETE")
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
            row = self._connection.execute(
                f"SELECT key_material FROM {KEYS_TABLE} WHERE participant_id = ?", (owner_id,)
            ).fetchone()
        return None if row is None else str(row[0])

    def delete(self, owner_ids: Sequence[str]) -> None:
        """Destroys keys: when this returns, their bytes are in no file (zeroed in place, journal deleted)."""
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

    def close(self) -> None:
        """Closes the file."""
        with self._lock:
            self._connection.close()

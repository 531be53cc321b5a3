"""Personal data of participants, sealed with a key of each participant's own (UU 27/2022 PDP).

The same keys hold the key of each sealed statement (`service.adapters.sealed_statements`):
redacting a statement destroys its key exactly as forgetting a participant does.

Names and contacts enter the event log only as AES-GCM ciphertext. The keys
live beside the log, never in it: forgetting a participant deletes their key,
after which their sealed text is unreadable everywhere (events, snapshots,
exports, backups taken later) while every hash over the stored events still
verifies. Losing the keys loses every name; they are backed up with the database.

Where the keys live decides when a deleted key's bytes are gone from the disk:

- SQLite: in a file of their own beside the ledger (`mufakat.keys.db`,
  `service.adapters.key_file`), where a delete zeroes the key in place before the
  forget answers, whoever holds the ledger's files open. A ledger whose keys are
  still in its own `participant_keys` table (from before) has them moved into the
  key file when it is first opened; the old rows are deleted and purged as below.
- PostgreSQL: in the table `participant_keys`. A deleted row stays in its page
  until the table is rewritten, so forgetting also records the owner's id (nothing
  else) in `forgotten_keys_on_disk`, rewrites the table (`VACUUM FULL`) and only
  then removes that record. The rewrite must wait for every transaction on the
  server that might still see the row: while it fails it is retried in the
  background (doubling the pause up to a minute), each failure is logged
  (`forgotten_key_still_on_disk`), and `/api/v1/ready` reports the count; any
  process that opens the vault resumes the retries. PostgreSQL's own WAL still
  holds a key as it was inserted until its segments are recycled: that is not
  in Mufakat's hands (docs/operations.md says how to bound it).

The vault also keeps the server's secret for idempotency fingerprints
(`server_secrets`, in the ledger's database): a fingerprint in the event log (and
in exports) is an HMAC of the request, so it confirms no guess of a name or phone
number to anyone without the database's side tables.
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from service.adapters.key_file import KEYS_TABLE, KeyFile, keeps_a_key_file, key_file_path
from service.adapters.storage import SideTables

FORGOTTEN_PLACEHOLDER = "[data pribadi dihapus]"
_NONCE_BYTES = 12
PENDING_TABLE = "forgotten_keys_on_disk"
SECRETS_TABLE = "server_secrets"
FINGERPRINT_SECRET = "idempotency-fingerprint"
#: What `forgotten_keys_on_disk` records while the keys moved out of an SQLite ledger may still lie in its files.
MOVED_KEYS_MARK = "keys-moved-to-the-key-file"
#: How `forgotten_keys_on_disk` marks a redacted statement whose words a reader may keep in the ledger's files.
WORDS_MARK_PREFIX = "redacted-statement:"
#: Pauses between purge attempts while a reader holds the files: doubling, at most a minute.
FIRST_RETRY_SECONDS = 0.5
LONGEST_RETRY_SECONDS = 60.0

erasure_log = logging.getLogger("mufakat.erasure")


class PersonalDataVault:
    """Seals and opens participants' personal data; forgets it by destroying the key."""

    def __init__(self, tables: SideTables) -> None:
        self.tables = tables
        self._retrying = threading.Lock()
        self._retry_thread: threading.Thread | None = None
        self._closed = threading.Event()
        self._fingerprint_secret: bytes | None = None
        ledger_path = "" if tables.is_postgres else str(tables.datastore.pool.db_name)
        #: The SQLite ledger's key file; None where the keys are a table of the ledger's database.
        self.key_file: KeyFile | None = None
        if keeps_a_key_file(ledger_path):
            self.key_file = KeyFile(key_file_path(ledger_path), float(tables.datastore.pool.lock_timeout or 5))
        else:
            tables.execute(
                f"CREATE TABLE IF NOT EXISTS {KEYS_TABLE} (participant_id TEXT PRIMARY KEY, key_material TEXT NOT NULL)"
            )
        tables.execute(
            f"CREATE TABLE IF NOT EXISTS {PENDING_TABLE} (participant_id TEXT PRIMARY KEY, forgotten_at TEXT NOT NULL)"
        )
        tables.execute(f"CREATE TABLE IF NOT EXISTS {SECRETS_TABLE} (name TEXT PRIMARY KEY, secret TEXT NOT NULL)")
        if self.key_file is not None:
            self._move_keys_into_the_key_file()
        if self.keys_possibly_on_disk():
            self._retry_in_background()

    def create_key(self, participant_id: UUID) -> None:
        """Makes the participant's own key (before their first sealed value is stored)."""
        key = base64.b64encode(AESGCM.generate_key(bit_length=256)).decode("ascii")
        if self.key_file is not None:
            self.key_file.insert([(str(participant_id), key)])
            return
        self.tables.execute(
            f"INSERT INTO {KEYS_TABLE} (participant_id, key_material) VALUES (?, ?)", (str(participant_id), key)
        )

    def store_keys(self, rows: Sequence[tuple[str, str]], ledger_cursor: Any) -> None:
        """Stores statements' keys (id, key) for events being inserted by `ledger_cursor`'s transaction.

        Called by the recorder after the events' insert took the ledger's write lock and before it commits:
        into the key file (committed first, so an event is never stored without its key), or into the key
        table in the events' own transaction.
        """
        if not rows:
            return
        if self.key_file is not None:
            self.key_file.insert(rows)
        else:
            ledger_cursor.executemany(f"INSERT INTO {KEYS_TABLE} (participant_id, key_material) VALUES (?, ?)", rows)

    def seal(self, participant_id: UUID, plaintext: str | None) -> str | None:
        """The text encrypted with the participant's key, bound to their id."""
        if plaintext is None:
            return None
        key = self._key(participant_id)
        if key is None:
            raise LookupError("no key for this participant")
        nonce = os.urandom(_NONCE_BYTES)
        ciphertext = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), participant_id.bytes)
        return base64.b64encode(nonce + ciphertext).decode("ascii")

    def open(self, participant_id: UUID, sealed: str | None) -> str | None:
        """The plaintext, or the placeholder once the participant was forgotten."""
        if sealed is None:
            return None
        key = self._key(participant_id)
        if key is None:
            return FORGOTTEN_PLACEHOLDER
        raw = base64.b64decode(sealed)
        plaintext = AESGCM(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], participant_id.bytes)
        return plaintext.decode("utf-8")

    def forget(self, participant_id: UUID) -> bool:
        """Destroys the participant's key: their sealed data can never be read again.

        True when the key's bytes are gone from the files too; False when a reader
        kept them there for now (then retried in the background until they are).
        """
        return self.forget_keys([participant_id])

    def forget_keys(self, owner_ids: Sequence[UUID]) -> bool:
        """Destroys keys (of participants, or of statements being redacted), as `forget` does one."""
        forgotten_at = datetime.now(UTC).isoformat()
        if self.key_file is not None:  # gone from every file once this returns True, readers of the ledger or not
            if self.key_file.delete([str(owner_id) for owner_id in owner_ids]):
                erasure_log.info("forgotten_keys_purged", extra={"fields": {"keys": len(owner_ids)}})
                return True
            self._note_pending([str(owner_id) for owner_id in owner_ids], forgotten_at)
        else:
            with self.tables.transaction() as cursor:
                for owner_id in owner_ids:
                    cursor.execute(f"DELETE FROM {KEYS_TABLE} WHERE participant_id = ?", (str(owner_id),))
            self._note_pending([str(owner_id) for owner_id in owner_ids], forgotten_at)
        if self.purge():
            return True
        self._retry_in_background()
        return False

    def _note_pending(self, marks: Sequence[str], noted_at: str) -> None:
        """Records (ids only) what may still have bytes in the files until a purge succeeds."""
        with self.tables.transaction() as cursor:
            for mark in marks:
                cursor.execute(f"DELETE FROM {PENDING_TABLE} WHERE participant_id = ?", (mark,))
                cursor.execute(
                    f"INSERT INTO {PENDING_TABLE} (participant_id, forgotten_at) VALUES (?, ?)", (mark, noted_at)
                )

    def keys_possibly_on_disk(self) -> int:
        """How many forgotten keys may still have bytes in the database's files (0 once every purge succeeded)."""
        row = self.tables.fetch_one(
            f"SELECT count(*) FROM {PENDING_TABLE} WHERE participant_id NOT LIKE ?", (f"{WORDS_MARK_PREFIX}%",)
        )
        return int(row[0]) if row else 0

    def words_possibly_on_disk(self) -> int:
        """How many redacted statements' words may still lie in the SQLite ledger's files (0 once purged)."""
        row = self.tables.fetch_one(
            f"SELECT count(*) FROM {PENDING_TABLE} WHERE participant_id LIKE ?", (f"{WORDS_MARK_PREFIX}%",)
        )
        return int(row[0]) if row else 0

    def note_words_on_disk(self, key_ids: Sequence[UUID]) -> None:
        """Records (by their keys' ids, nothing else) redacted statements whose words a reader of the SQLite
        ledger keeps in its files for now (copies in read models or snapshots), and retries until they are gone.

        Their keys are gone already (the key file): what a reader keeps is the plaintext the read models held.
        """
        self._note_pending([f"{WORDS_MARK_PREFIX}{key_id}" for key_id in key_ids], datetime.now(UTC).isoformat())
        erasure_log.warning(
            "redacted_words_still_on_disk",
            extra={"fields": {"statements": len(key_ids), "reason": "a reader holds the database files; retrying"}},
        )
        self._retry_in_background()

    def purge(self, wait_seconds: float = 0.5) -> bool:
        """One attempt to remove forgotten keys' (and redacted words') bytes from the files; True when none remain.

        On SQLite a forgotten key waits for the key file's checkpoint; moved keys and redacted words wait
        for the ledger's. On PostgreSQL every forgotten key waits for the key table's rewrite.
        """
        pending = [str(mark) for (mark,) in self.tables.fetch_all(f"SELECT participant_id FROM {PENDING_TABLE}")]
        if not pending:
            return True
        in_key_file = [
            mark
            for mark in pending
            if self.key_file is not None and mark != MOVED_KEYS_MARK and not mark.startswith(WORDS_MARK_PREFIX)
        ]
        in_ledger = [mark for mark in pending if mark not in in_key_file]
        purged: list[str] = []
        if in_key_file and self.key_file is not None and self.key_file.purge(wait_seconds):
            purged += in_key_file
        if in_ledger and self.tables.purge_deleted(KEYS_TABLE, wait_seconds=wait_seconds):
            purged += in_ledger
        if purged:
            with self.tables.transaction() as cursor:
                for mark in purged:
                    cursor.execute(f"DELETE FROM {PENDING_TABLE} WHERE participant_id = ?", (mark,))
            erasure_log.info("forgotten_keys_purged", extra={"fields": {"keys": len(purged)}})
        if len(purged) < len(pending):
            erasure_log.warning(
                "forgotten_key_still_on_disk",
                extra={
                    "fields": {
                        "keys": len(pending) - len(purged),
                        "reason": "a reader holds the database files; retrying",
                    }
                },
            )
            return False
        return True

    def close(self) -> None:
        """Stops the background retries of this process (the next process to open the vault resumes them)."""
        self._closed.set()
        with self._retrying:
            retrying = self._retry_thread
        if retrying is not None and retrying is not threading.current_thread():
            retrying.join(timeout=5)
        if self.key_file is not None:
            self.key_file.close()

    def _move_keys_into_the_key_file(self) -> None:
        """Moves the keys of a ledger from before the key file out of its table, then purges them from its files.

        Copied first (a key already there stays), deleted after: a process stopped in between moves them again.
        """
        assert self.key_file is not None
        if not self._old_key_table_exists():
            return
        rows = self.tables.fetch_all(f"SELECT participant_id, key_material FROM {KEYS_TABLE}")
        new_here = [(str(owner), str(key)) for owner, key in rows if self.key_file.get(str(owner)) is None]
        self.key_file.insert(new_here)
        with self.tables.transaction() as cursor:  # another worker opening at the same time may have moved them
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", (KEYS_TABLE,))
            found = cursor.fetchone()
            if found is None or not int(found[0]):
                return
            cursor.execute(f"DELETE FROM {KEYS_TABLE}")
            cursor.execute(f"DROP TABLE {KEYS_TABLE}")
            cursor.execute(
                f"INSERT INTO {PENDING_TABLE} (participant_id, forgotten_at) VALUES (?, ?) "
                "ON CONFLICT (participant_id) DO NOTHING",
                (MOVED_KEYS_MARK, datetime.now(UTC).isoformat()),
            )
        erasure_log.info("keys_moved_to_the_key_file", extra={"fields": {"keys": len(rows)}})
        self.purge()

    @property
    def retrying(self) -> bool:
        """Whether this process is retrying to purge forgotten keys from the files."""
        thread = self._retry_thread
        return thread is not None and thread.is_alive()

    def _retry_in_background(self) -> None:
        with self._retrying:
            if self._retry_thread is not None and self._retry_thread.is_alive():
                return
            self._retry_thread = threading.Thread(target=self._retry_until_purged, name="mufakat-erasure", daemon=True)
            self._retry_thread.start()

    def _retry_until_purged(self) -> None:
        pause = FIRST_RETRY_SECONDS
        while not self._closed.wait(pause):
            try:
                if self.purge():
                    return
            except Exception as error:  # the database closed or went away: the next opening resumes
                erasure_log.warning("erasure_retry_failed", extra={"fields": {"error": type(error).__name__}})
                return
            pause = min(pause * 2, LONGEST_RETRY_SECONDS)

    def fingerprint_secret(self) -> bytes:
        """The server's secret for idempotency fingerprints: made once per database, shared by every worker."""
        if self._fingerprint_secret is None:
            row = self.tables.fetch_one(f"SELECT secret FROM {SECRETS_TABLE} WHERE name = ?", (FINGERPRINT_SECRET,))
            if row is None:
                with self.tables.transaction() as cursor:  # first worker wins; the others read its secret
                    cursor.execute(
                        f"INSERT INTO {SECRETS_TABLE} (name, secret) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                        (FINGERPRINT_SECRET, secrets.token_hex(32)),
                    )
                row = self.tables.fetch_one(f"SELECT secret FROM {SECRETS_TABLE} WHERE name = ?", (FINGERPRINT_SECRET,))
            assert row is not None
            self._fingerprint_secret = bytes.fromhex(str(row[0]))
        return self._fingerprint_secret

    def key(self, owner_id: UUID) -> bytes | None:
        """The key of a participant or a statement; None once destroyed."""
        return self._key(owner_id)

    def _old_key_table_exists(self) -> bool:
        found = self.tables.fetch_one(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", (KEYS_TABLE,)
        )
        return found is not None and bool(int(found[0]))

    def _key(self, participant_id: UUID) -> bytes | None:
        if self.key_file is not None:
            stored = self.key_file.get(str(participant_id))
            return base64.b64decode(stored) if stored else None
        row = self.tables.fetch_one(
            f"SELECT key_material FROM {KEYS_TABLE} WHERE participant_id = ?", (str(participant_id),)
        )
        return base64.b64decode(row[0]) if row else None

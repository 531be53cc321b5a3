"""Personal data of participants, sealed with a key of each participant's own (UU 27/2022 PDP).

The same key table holds the key of each sealed statement (`service.adapters.sealed_statements`):
redacting a statement destroys its key exactly as forgetting a participant does.

Names and contacts enter the event log only as AES-GCM ciphertext. The keys
live in the `participant_keys` table beside the log, never in it: forgetting a
participant deletes their key, after which their sealed text is unreadable
everywhere (events, snapshots, exports, backups taken later) while every hash
over the stored events still verifies. Losing the key table loses every name;
it is backed up with the database.

A deleted row is not yet gone from the files: SQLite keeps old page images in
its WAL until a checkpoint truncates it, which any open reader (a backup, an
export, a projection worker) prevents; PostgreSQL keeps a dead row in its page
until the table is rewritten. So forgetting also records the participant's id
(nothing else) in `forgotten_keys_on_disk`, purges (checkpoint / `VACUUM
FULL`), and only then removes that record. While a purge fails it is retried
in the background (doubling the pause up to a minute), each failure is logged
(`forgotten_key_still_on_disk`), and `/api/v1/ready` reports the count; any
process that opens the vault resumes the retries.

The vault also keeps the server's secret for idempotency fingerprints
(`server_secrets`): a fingerprint in the event log (and in exports) is an
HMAC of the request, so it confirms no guess of a name or phone number to
anyone without the database's side tables.
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from service.adapters.storage import SideTables

FORGOTTEN_PLACEHOLDER = "[data pribadi dihapus]"
_NONCE_BYTES = 12
KEYS_TABLE = "participant_keys"
PENDING_TABLE = "forgotten_keys_on_disk"
SECRETS_TABLE = "server_secrets"
FINGERPRINT_SECRET = "idempotency-fingerprint"
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
        tables.execute(
            f"CREATE TABLE IF NOT EXISTS {KEYS_TABLE} (participant_id TEXT PRIMARY KEY, key_material TEXT NOT NULL)"
        )
        tables.execute(
            f"CREATE TABLE IF NOT EXISTS {PENDING_TABLE} (participant_id TEXT PRIMARY KEY, forgotten_at TEXT NOT NULL)"
        )
        tables.execute(f"CREATE TABLE IF NOT EXISTS {SECRETS_TABLE} (name TEXT PRIMARY KEY, secret TEXT NOT NULL)")
        if self.keys_possibly_on_disk():
            self._retry_in_background()

    def create_key(self, participant_id: UUID) -> None:
        """Makes the participant's own key (before their first sealed value is stored)."""
        key = base64.b64encode(AESGCM.generate_key(bit_length=256)).decode("ascii")
        self.tables.execute(
            "INSERT INTO participant_keys (participant_id, key_material) VALUES (?, ?)",
            (str(participant_id), key),
        )

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
        with self.tables.transaction() as cursor:
            for owner_id in owner_ids:
                cursor.execute(f"DELETE FROM {KEYS_TABLE} WHERE participant_id = ?", (str(owner_id),))
                cursor.execute(f"DELETE FROM {PENDING_TABLE} WHERE participant_id = ?", (str(owner_id),))
                cursor.execute(
                    f"INSERT INTO {PENDING_TABLE} (participant_id, forgotten_at) VALUES (?, ?)",
                    (str(owner_id), forgotten_at),
                )
        if self.purge():
            return True
        self._retry_in_background()
        return False

    def keys_possibly_on_disk(self) -> int:
        """How many forgotten keys may still have bytes in the database's files (0 once every purge succeeded)."""
        row = self.tables.fetch_one(f"SELECT count(*) FROM {PENDING_TABLE}")
        return int(row[0]) if row else 0

    def purge(self, wait_seconds: float = 0.5) -> bool:
        """One attempt to remove forgotten keys' bytes from the files; True when none may remain."""
        pending = self.tables.fetch_all(f"SELECT participant_id FROM {PENDING_TABLE}")
        if not pending:
            return True
        if not self.tables.purge_deleted(KEYS_TABLE, wait_seconds=wait_seconds):
            erasure_log.warning(
                "forgotten_key_still_on_disk",
                extra={"fields": {"keys": len(pending), "reason": "a reader holds the database files; retrying"}},
            )
            return False
        with self.tables.transaction() as cursor:
            for (participant_id,) in pending:
                cursor.execute(f"DELETE FROM {PENDING_TABLE} WHERE participant_id = ?", (participant_id,))
        erasure_log.info("forgotten_keys_purged", extra={"fields": {"keys": len(pending)}})
        return True

    def close(self) -> None:
        """Stops the background retries of this process (the next process to open the vault resumes them)."""
        self._closed.set()
        with self._retrying:
            retrying = self._retry_thread
        if retrying is not None and retrying is not threading.current_thread():
            retrying.join(timeout=5)

    @property
    def retrying(self) -> bool:
        """Whether this process is retrying to purge forgotten keys from the files."""
        thread = self._retry_thread
        return thread is not None and thread.is_alive()

    def _retry_in_background(self) -> None:
        with self._retrying:
            if self._retry_thread is not None and self._retry_thread.is_alive():
                return
            self._retry_thread = threading.Thread(
                target=self._retry_until_purged, name="mufakat-erasure", daemon=True
            )
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
                row = self.tables.fetch_one(
                    f"SELECT secret FROM {SECRETS_TABLE} WHERE name = ?", (FINGERPRINT_SECRET,)
                )
            assert row is not None
            self._fingerprint_secret = bytes.fromhex(str(row[0]))
        return self._fingerprint_secret

    def key(self, owner_id: UUID) -> bytes | None:
        """The key of a participant or a statement; None once destroyed."""
        return self._key(owner_id)

    def _key(self, participant_id: UUID) -> bytes | None:
        row = self.tables.fetch_one(
            f"SELECT key_material FROM {KEYS_TABLE} WHERE participant_id = ?", (str(participant_id),)
        )
        return base64.b64decode(row[0]) if row else None

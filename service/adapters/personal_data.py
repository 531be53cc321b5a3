"""Personal data of participants, sealed with a key of each participant's own (UU 27/2022 PDP).

Names and contacts enter the event log only as AES-GCM ciphertext. The keys
live in the `participant_keys` table beside the log, never in it: forgetting a
participant deletes their key, after which their sealed text is unreadable
everywhere (events, snapshots, exports, backups taken later) while every hash
over the stored events still verifies. Losing the key table loses every name;
it is backed up with the database.
"""

from __future__ import annotations

import base64
import os
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from service.adapters.storage import SideTables

FORGOTTEN_PLACEHOLDER = "[data pribadi dihapus]"
_NONCE_BYTES = 12


class PersonalDataVault:
    """Seals and opens participants' personal data; forgets it by destroying the key."""

    def __init__(self, tables: SideTables) -> None:
        self.tables = tables
        tables.execute(
            "CREATE TABLE IF NOT EXISTS participant_keys (participant_id TEXT PRIMARY KEY, key_material TEXT NOT NULL)"
        )

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

    def forget(self, participant_id: UUID) -> None:
        """Destroys the participant's key: their sealed data can never be read again."""
        self.tables.execute("DELETE FROM participant_keys WHERE participant_id = ?", (str(participant_id),))

    def _key(self, participant_id: UUID) -> bytes | None:
        row = self.tables.fetch_one(
            "SELECT key_material FROM participant_keys WHERE participant_id = ?", (str(participant_id),)
        )
        return base64.b64decode(row[0]) if row else None

"""One-time sign-in links of the console, kept in the ledger's own database: only the hash of each link's secret.

An admin makes a link for one token; the facilitator opens it (or scans its QR
code) on a phone and is signed in as that token, without typing its secret.
The table keeps the SHA-256 of the link's random secret (256 bits), the token
record it signs in, the link's id (which the token's events name) and when it
expires. Using a link is one conditional UPDATE: it claims the row only if it
was never used and has not expired, and returns what it claimed, so of two
workers racing with the same link exactly one signs in, on SQLite (whose write
transactions are serialised) and on PostgreSQL (whose second UPDATE waits for
the first's row lock, then finds the row used) alike.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from service.adapters.storage import SideTables

#: Bytes of randomness in a link's secret (256 bits, well above the 128 an attacker would have to guess).
LINK_SECRET_BYTES = 32
#: Rows of links that expired this long ago (milliseconds: a day) are deleted when a new link is kept.
_KEPT_AFTER_EXPIRY_MS = 24 * 3600 * 1000


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _milliseconds(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("a link's moments carry their time zone")
    return int(moment.timestamp() * 1000)


def new_link_secret() -> str:
    """A fresh random secret for one sign-in link (URL-safe, 43 characters)."""
    return secrets.token_urlsafe(LINK_SECRET_BYTES)


@dataclass(frozen=True)
class ClaimedLink:
    """A link that was just used: which link it was and the token record it signs in."""

    link_id: UUID
    token_record_id: UUID


class SignInLinks:
    """The sign-in links not yet used (and those used or expired lately), by the hash of their secret."""

    def __init__(self, tables: SideTables) -> None:
        self.tables = tables
        tables.execute(
            "CREATE TABLE IF NOT EXISTS sign_in_links (secret_digest TEXT PRIMARY KEY, link_id TEXT NOT NULL, "
            "token_record_id TEXT NOT NULL, expires_at_ms BIGINT NOT NULL, used_at_ms BIGINT)"
        )

    def keep(self, secret: str, link_id: UUID, token_record_id: UUID, expires_at: datetime, now: datetime) -> None:
        """Keeps a new link (its secret only hashed); rows of links that expired a day ago go on the way."""
        expires = _milliseconds(expires_at)
        with self.tables.transaction() as cursor:
            cursor.execute(
                "DELETE FROM sign_in_links WHERE expires_at_ms < ?", (_milliseconds(now) - _KEPT_AFTER_EXPIRY_MS,)
            )
            cursor.execute(
                "INSERT INTO sign_in_links (secret_digest, link_id, token_record_id, expires_at_ms) "
                "VALUES (?, ?, ?, ?)",
                (_digest(secret), str(link_id), str(token_record_id), expires),
            )

    def claim(self, secret: str, now: datetime) -> ClaimedLink | None:
        """Uses a link, once: what it signs in, or None for a secret never handed out, used before or expired."""
        with self.tables.transaction() as cursor:
            cursor.execute(
                "UPDATE sign_in_links SET used_at_ms = ? "
                "WHERE secret_digest = ? AND used_at_ms IS NULL AND expires_at_ms > ? "
                "RETURNING link_id, token_record_id",
                (_milliseconds(now), _digest(secret), _milliseconds(now)),
            )
            row = cursor.fetchone()
        return None if row is None else ClaimedLink(UUID(str(row[0])), UUID(str(row[1])))

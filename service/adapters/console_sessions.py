"""Console sessions, kept in the ledger's own database: a signed cookie is worth nothing without one.

The console's cookie carries a random session id (256 bits) that the server
handed out at sign-in; the table keeps only its SHA-256, beside the token
record it stands for. Anyone who knows the cookie-signing key and every
token record id (an auditor reads them in the raw log) still cannot make a
session: there is no row to find without the id itself. Signing out deletes
the row, so a copied cookie replayed afterwards finds nothing. Every worker
and host reads the same table, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from uuid import UUID

from service.adapters.storage import SideTables

#: Bytes of randomness in a session id (256 bits, well above the 128 an attacker would have to guess).
SESSION_ID_BYTES = 32


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


class ConsoleSessions:
    """The open console sessions: which token record each stands for, by the hash of its id."""

    def __init__(self, tables: SideTables) -> None:
        self.tables = tables
        tables.execute(
            "CREATE TABLE IF NOT EXISTS console_sessions (session_digest TEXT PRIMARY KEY, "
            "token_record_id TEXT NOT NULL, opened_at TEXT NOT NULL)"
        )
        tables.execute("CREATE INDEX IF NOT EXISTS console_sessions_by_token ON console_sessions (token_record_id)")

    def open(self, token_record_id: UUID, opened_at: datetime) -> str:
        """Opens a session for a token record; returns its id, which is stored only as a hash."""
        session_id = secrets.token_urlsafe(SESSION_ID_BYTES)
        with self.tables.transaction() as cursor:
            cursor.execute(
                "INSERT INTO console_sessions (session_digest, token_record_id, opened_at) VALUES (?, ?, ?)",
                (_digest(session_id), str(token_record_id), opened_at.isoformat()),
            )
        return session_id

    def token_of(self, session_id: str) -> UUID | None:
        """The token record an open session stands for; None for an id that was never handed out or is ended."""
        row = self.tables.fetch_one(
            "SELECT token_record_id FROM console_sessions WHERE session_digest = ?", (_digest(session_id),)
        )
        return None if row is None else UUID(str(row[0]))

    def end(self, session_id: str) -> None:
        """Ends a session: its id opens nothing any more, on any worker."""
        # A plain delete: the row holds only the hash of an id that is now dead, nothing to purge from the files.
        with self.tables.transaction() as cursor:
            cursor.execute("DELETE FROM console_sessions WHERE session_digest = ?", (_digest(session_id),))

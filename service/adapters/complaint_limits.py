"""How many complaints each client address filed without a token lately, kept in the ledger's own database.

Every gunicorn worker (and every host on one PostgreSQL) counts in the same table, so a flood cannot spread its
complaints over workers to pass the limit. The table holds, per address and hour, one counter: the address only
as an HMAC keyed with the server's secret (an address is personal data), and rows of hours gone are deleted as
new ones are counted. Counting is one upsert that returns the new count, atomic on SQLite (serialised writes) and
on PostgreSQL (the row lock) alike.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from service.adapters.storage import SideTables

#: The length of one counting window, in milliseconds (an hour).
WINDOW_MS = 3600 * 1000


class ComplaintLimits:
    """Counts anonymous complaints per client address and hour; refuses those past the limit."""

    def __init__(self, tables: SideTables) -> None:
        self.tables = tables
        tables.execute(
            "CREATE TABLE IF NOT EXISTS complaint_filings (address_digest TEXT NOT NULL, "
            "window_start_ms BIGINT NOT NULL, filed INTEGER NOT NULL, PRIMARY KEY (address_digest, window_start_ms))"
        )

    @staticmethod
    def digest(address: str, secret: bytes) -> str:
        """The address as the table keeps it: an HMAC-SHA256 with the server's secret."""
        return hmac.new(secret, f"complaint-address:{address}".encode(), hashlib.sha256).hexdigest()

    def admit(self, address_digest: str, now: datetime, limit: int) -> int | None:
        """Counts one more complaint from this address: None when within `limit` this hour, else the seconds
        until the hour ends (the `Retry-After`)."""
        now_ms = int(now.timestamp() * 1000)
        window = now_ms - now_ms % WINDOW_MS
        with self.tables.transaction() as cursor:
            cursor.execute("DELETE FROM complaint_filings WHERE window_start_ms < ?", (window,))
            cursor.execute(
                "INSERT INTO complaint_filings (address_digest, window_start_ms, filed) VALUES (?, ?, 1) "
                "ON CONFLICT (address_digest, window_start_ms) DO UPDATE SET filed = complaint_filings.filed + 1 "
                "RETURNING filed",
                (address_digest, window),
            )
            row = cursor.fetchone()
        filed = int(row[0]) if row is not None else 1
        if filed <= limit:
            return None
        return max(1, -(-(window + WINDOW_MS - now_ms) // 1000))

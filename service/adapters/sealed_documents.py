"""The sealed documents (berita acara PDFs), kept byte for byte beside the log, keyed by their SHA-256.

The log records each document's SHA-256 (`Meeting.MinutesSealed`); this table
keeps the bytes so that they are served exactly as sealed and never rendered
again. It lives in the ledger's own database (`SideTables`), so a backup of the
database is a backup of the documents.

The bytes are stored before the event that names them is recorded: the key is
the content's own hash, so storing them again (a retried command) changes
nothing, and bytes whose event was never recorded are named by no event and
served to nobody.
"""

from __future__ import annotations

import hashlib

from service.adapters.storage import SideTables


class SealedDocumentAltered(Exception):
    """The bytes stored under a SHA-256 no longer have that SHA-256."""


class SealedDocuments:
    """Stores and returns sealed documents by the SHA-256 the log records for them."""

    def __init__(self, tables: SideTables) -> None:
        self.tables = tables
        content_type = "BYTEA" if tables.is_postgres else "BLOB"
        tables.execute(
            "CREATE TABLE IF NOT EXISTS sealed_documents ("
            f"sha256 TEXT PRIMARY KEY, media_type TEXT NOT NULL, content {content_type} NOT NULL)"
        )

    def store(self, content: bytes, media_type: str = "application/pdf") -> str:
        """Keeps the bytes (once, however often they are stored) and returns their SHA-256."""
        digest = hashlib.sha256(content).hexdigest()
        self.tables.execute(
            "INSERT INTO sealed_documents (sha256, media_type, content) VALUES (?, ?, ?) "
            "ON CONFLICT (sha256) DO NOTHING",
            (digest, media_type, content),
        )
        return digest

    def load(self, sha256: str) -> bytes | None:
        """The bytes sealed under this SHA-256, checked against it; None when none are kept."""
        row = self.tables.fetch_one("SELECT content FROM sealed_documents WHERE sha256 = ?", (sha256,))
        if row is None:
            return None
        content = bytes(row[0])
        if hashlib.sha256(content).hexdigest() != sha256:
            raise SealedDocumentAltered(f"the document stored under {sha256} was altered")
        return content

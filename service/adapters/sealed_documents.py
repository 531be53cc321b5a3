"""The sealed documents (berita acara PDFs), kept byte for byte beside the log, keyed by their SHA-256.

The log records each document's SHA-256 (`Meeting.MinutesSealed`); this table
keeps the bytes so that they are served exactly as sealed and never rendered
again. It lives in the ledger's own database (`SideTables`), so a backup of the
database is a backup of the documents.

The bytes are stored before the event that names them is recorded: the key is
the content's own hash, so storing them again (a retried command) changes
nothing, and bytes whose event was never recorded are named by no event and
served to nobody.

A document that names people (the full version) is personal data: it is kept
encrypted with a key of its own, kept where the ledger keeps its other keys (the
vault: on SQLite the key file beside the ledger, whose deleted keys leave every
file before the answer, readers of the ledger or not; on PostgreSQL its key
table). Erasing that key (`forget`) makes the document unreadable everywhere,
backups taken later included, while its SHA-256 in the log still proves what was
sealed. Documents sealed before their keys moved to the vault keep theirs in
`sealed_document_keys`, in the ledger's own files.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Sequence
from uuid import NAMESPACE_OID, UUID, uuid5

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from service.adapters.personal_data import PersonalDataVault
from service.adapters.storage import SideTables

_NONCE_BYTES = 12


def document_key_id(sha256: str) -> UUID:
    """The id under which the vault keeps the key of the document sealed as this SHA-256."""
    return uuid5(NAMESPACE_OID, f"mufakat-document:{sha256}")


class SealedDocumentAltered(Exception):
    """The bytes stored under a SHA-256 no longer have that SHA-256."""


class SealedDocumentForgotten(Exception):
    """The document named people and its key was erased: it can never be read again."""


class SealedDocuments:
    """Stores and returns sealed documents by the SHA-256 the log records for them."""

    def __init__(self, tables: SideTables, vault: PersonalDataVault) -> None:
        self.tables = tables
        self.vault = vault
        content_type = "BYTEA" if tables.is_postgres else "BLOB"
        tables.execute(
            "CREATE TABLE IF NOT EXISTS sealed_documents (sha256 TEXT PRIMARY KEY, media_type TEXT NOT NULL, "
            f"encrypted INTEGER NOT NULL, content {content_type} NOT NULL)"
        )
        tables.execute(
            "CREATE TABLE IF NOT EXISTS sealed_document_keys (sha256 TEXT PRIMARY KEY, key_material TEXT NOT NULL)"
        )

    def store(self, content: bytes, personal: bool = False, media_type: str = "application/pdf") -> str:
        """Keeps the bytes (once, however often they are stored; encrypted when they name people); their SHA-256."""
        digest = hashlib.sha256(content).hexdigest()
        stored = content
        with self.tables.transaction() as cursor:
            cursor.execute("SELECT 1 FROM sealed_documents WHERE sha256 = ?", (digest,))
            if cursor.fetchone() is not None:
                return digest
            if personal:
                key = AESGCM.generate_key(bit_length=256)
                nonce = os.urandom(_NONCE_BYTES)
                stored = nonce + AESGCM(key).encrypt(nonce, content, bytes.fromhex(digest))
                key_text = base64.b64encode(key).decode("ascii")
                # Into the key file first (SQLite), or the key table in this very transaction (PostgreSQL).
                self.vault.store_keys([(str(document_key_id(digest)), key_text)], cursor)
            cursor.execute(
                "INSERT INTO sealed_documents (sha256, media_type, encrypted, content) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (sha256) DO NOTHING",
                (digest, media_type, 1 if personal else 0, stored),
            )
        return digest

    def load(self, sha256: str) -> bytes | None:
        """The bytes sealed under this SHA-256, checked against it; None when none are kept.

        Raises `SealedDocumentForgotten` for a document whose key was erased.
        """
        row = self.tables.fetch_one("SELECT encrypted, content FROM sealed_documents WHERE sha256 = ?", (sha256,))
        if row is None:
            return None
        content = bytes(row[1])
        if row[0]:
            key = self._key(sha256)
            if key is None:
                raise SealedDocumentForgotten(f"the document sealed as {sha256} named people and was erased")
            content = AESGCM(key).decrypt(content[:_NONCE_BYTES], content[_NONCE_BYTES:], bytes.fromhex(sha256))
        if hashlib.sha256(content).hexdigest() != sha256:
            raise SealedDocumentAltered(f"the document stored under {sha256} was altered")
        return content

    #: The tables `erase` deletes from: the caller purges them from the files (`SideTables.purge_deleted_from`).
    TABLES = ("sealed_documents", "sealed_document_keys")

    def erase(self, sha256s: Sequence[str]) -> None:
        """Deletes documents' bytes (and keys) in one transaction: none can be served again; their hashes still
        verify. Their pages leave the files with the caller's purge of `TABLES`; keys in the vault leave them
        at once."""
        with self.tables.transaction() as cursor:
            for sha256 in sha256s:
                cursor.execute("DELETE FROM sealed_document_keys WHERE sha256 = ?", (sha256,))
                cursor.execute("DELETE FROM sealed_documents WHERE sha256 = ?", (sha256,))
        if sha256s:
            self.vault.forget_keys([document_key_id(sha256) for sha256 in sha256s])

    def forget(self, sha256: str) -> None:
        """Erases the key of a document that names people: nobody can read it again; its hash still verifies."""
        self.vault.forget_keys([document_key_id(sha256)])
        self.tables.erase("DELETE FROM sealed_document_keys WHERE sha256 = ?", (sha256,))

    def _key(self, sha256: str) -> bytes | None:
        """The document's key: in the vault, or for a document sealed before, in `sealed_document_keys`."""
        key = self.vault.key(document_key_id(sha256))
        if key is not None:
            return key
        found = self.tables.fetch_one("SELECT key_material FROM sealed_document_keys WHERE sha256 = ?", (sha256,))
        return None if found is None else base64.b64decode(found[0])

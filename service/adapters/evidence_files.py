"""Evidence files of assessments (a photo of the social map, a scanned questionnaire), kept by their SHA-256.

The log records each file's SHA-256 (`Assessment.EvidenceAttached`), so the Merkle proofs cover the files; the
bytes are kept beside the ledger, where `MUFAKAT_EVIDENCE_STORE` says:

- unset: a folder beside an SQLite ledger (`mufakat.evidence/` for `mufakat.db`), a table of the ledger's own
  database on PostgreSQL (so several app servers see the same files, and a database backup holds them);
- `database`: the table, on either store;
- any other value: that folder.

Photos lose their EXIF (GPS included) before they are hashed: a resident's house must not be located from a
public photo. Pillow does it by decoding the image and encoding it again without any metadata (`clean_photo`):
a JPEG is re-encoded at quality 90 after being turned upright by its EXIF orientation, a PNG is re-encoded
losslessly without its text, EXIF or time chunks; the ICC colour profile is kept (it locates nobody). A PDF is
kept as sent.

Bytes are stored before the event that names them is recorded, atomically (a file appears whole under its name
or not at all). Storing the same bytes again changes nothing. Bytes whose event was refused or never recorded are
named by no assessment and served to nobody: they are harmless, and the same upload, made again, finds them.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PIL import Image, ImageOps, UnidentifiedImageError

from service.adapters.storage import SideTables

#: The most an evidence file may weigh, as sent.
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
#: The value of MUFAKAT_EVIDENCE_STORE that keeps the files in a table of the ledger.
IN_THE_DATABASE = "database"
_JPEG_QUALITY = 90


class EvidenceRefused(Exception):
    """A file that is not evidence Mufakat keeps: `status` 415 (not a JPEG, PNG or PDF) or 413 (too large)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class CleanFile:
    """An evidence file ready to keep: its bytes (metadata stripped), media type and SHA-256."""

    content: bytes
    media_type: str

    @property
    def sha256(self) -> str:
        """The hash the log records."""
        return hashlib.sha256(self.content).hexdigest()


def media_type_of(content: bytes) -> str | None:
    """The media type the bytes themselves show (never the name or the type the sender claimed)."""
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def clean_photo(content: bytes, media_type: str) -> bytes:
    """The photo encoded again by Pillow without EXIF, GPS, XMP, comments or text chunks."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            icc = image.info.get("icc_profile")
            upright = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise EvidenceRefused(415, f"the file could not be read as {media_type}") from error
    except Image.DecompressionBombError as error:
        raise EvidenceRefused(413, "the image has too many pixels") from error
    out = io.BytesIO()
    if media_type == "image/jpeg":
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        upright.save(out, format="JPEG", quality=_JPEG_QUALITY, icc_profile=icc, optimize=False)
    else:
        upright.save(out, format="PNG", icc_profile=icc)
    return out.getvalue()


def prepared(content: bytes) -> CleanFile:
    """The evidence file as it is kept: refused unless JPEG, PNG or PDF of at most 10 MB; photos cleaned."""
    if len(content) > MAX_EVIDENCE_BYTES:
        raise EvidenceRefused(413, "an evidence file may be at most 10 MB")
    media_type = media_type_of(content)
    if media_type is None:
        raise EvidenceRefused(415, "evidence must be a JPEG or PNG photo or a PDF")
    if media_type == "application/pdf":
        return CleanFile(content, media_type)
    return CleanFile(clean_photo(content, media_type), media_type)


class EvidenceFiles(Protocol):
    """Where evidence files are kept."""

    def keep(self, content: bytes) -> str:
        """Keeps the bytes (once, however often); their SHA-256."""

    def read(self, sha256: str) -> bytes | None:
        """The bytes kept under that SHA-256 (None: none, or altered since)."""


class EvidenceFolder:
    """Evidence files in a folder, each named by its SHA-256 (in a subfolder of its first two digits)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / sha256

    def keep(self, content: bytes) -> str:
        """Writes a temporary file, syncs it, then renames it to its hash: whole or not at all."""
        digest = hashlib.sha256(content).hexdigest()
        path = self._path(digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(content)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        return digest

    def read(self, sha256: str) -> bytes | None:
        """The bytes, if they are there and still have their hash."""
        try:
            content = self._path(sha256).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return content if hashlib.sha256(content).hexdigest() == sha256 else None


class EvidenceTable:
    """Evidence files in a table of the ledger's own database."""

    def __init__(self, tables: SideTables) -> None:
        self.tables = tables
        content_type = "BYTEA" if tables.is_postgres else "BLOB"
        tables.execute(
            f"CREATE TABLE IF NOT EXISTS evidence_files (sha256 TEXT PRIMARY KEY, content {content_type} NOT NULL)"
        )

    def keep(self, content: bytes) -> str:
        """Inserts the bytes in one transaction, unless they are there already."""
        digest = hashlib.sha256(content).hexdigest()
        self.tables.execute(
            "INSERT INTO evidence_files (sha256, content) VALUES (?, ?) ON CONFLICT (sha256) DO NOTHING",
            (digest, content),
        )
        return digest

    def read(self, sha256: str) -> bytes | None:
        """The bytes, if they are there and still have their hash."""
        with self.tables.transaction() as cursor:
            cursor.execute("SELECT content FROM evidence_files WHERE sha256 = ?", (sha256,))
            row = cursor.fetchone()
        if row is None:
            return None
        content = bytes(row[0])
        return content if hashlib.sha256(content).hexdigest() == sha256 else None


def evidence_files(setting: str | None, tables: SideTables) -> EvidenceFiles:
    """The evidence store `MUFAKAT_EVIDENCE_STORE` names (see the module's docstring)."""
    if setting == IN_THE_DATABASE or (setting is None and tables.is_postgres):
        return EvidenceTable(tables)
    if setting:
        return EvidenceFolder(Path(setting))
    ledger = str(tables.datastore.pool.db_name)
    if ":memory:" in ledger or "mode=memory" in ledger:
        return EvidenceTable(tables)
    path = Path(ledger.removeprefix("file:").split("?")[0])
    return EvidenceFolder(path.with_name(f"{path.stem}.evidence"))

"""A berita acara as PDF bytes: rendered the same way every time, so its SHA-256 can be sealed in the log.

The same `MinutesDocument` and language always give byte-identical PDFs: the
creation date is the meeting's `occurred_at`, the file /ID comes from the
document's own id, the font is the one shipped beside this module, and nothing
reads a clock or a random source. (A different fpdf2 or font version may lay
the bytes out differently, which is why the sealed bytes are kept, not re-made.)
"""

from __future__ import annotations

import hashlib

from service.adapters.minutes_blocks import fixed_file_id
from service.adapters.minutes_document import MinutesDocument
from service.adapters.minutes_layout import MinutesPages
from service.adapters.minutes_words import LANGUAGES, WORDS


def render_minutes_pdf(document: MinutesDocument, language: str = "id") -> bytes:
    """The berita acara as PDF bytes, in Bahasa Indonesia (default) or English ("en")."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}")
    return _FixedIdentity(document, language).rendered(
        document.occurred_at,
        f"{WORDS[language]['title']}: {document.meeting_title}",
        f"{document.process_title}, {document.region_name} ({document.region_code})",
        language,
    )


def document_file_id(document: MinutesDocument, language: str) -> str:
    """The PDF /ID of a rendering: the same for the same document, version and language; two equal halves."""
    return fixed_file_id("mufakat-minutes", document.document_id, document.version, language)


def sha256_hex(pdf: bytes) -> str:
    """The SHA-256 of a file's bytes as lowercase hex, as the log records it."""
    return hashlib.sha256(pdf).hexdigest()


def matches_sealed_hash(pdf: bytes, sealed_sha256: str) -> bool:
    """Whether these bytes are exactly the ones whose SHA-256 was sealed."""
    return sha256_hex(pdf) == sealed_sha256.strip().lower()


class _FixedIdentity(MinutesPages):
    def file_id(self) -> str:
        return document_file_id(self.document, self.language)

"""Sealing a berita acara and serving it: rendered once, signed with the service's PDF key, kept by SHA-256.

The PDF key's certificate is bound to the ledger's key in the log before it signs
(`service.audit.minutes_certificates`).

The bytes are kept before the event that names them is recorded (see
`service.adapters.sealed_documents`); they are served exactly as kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from domain.meeting import Meeting
from domain.process import Process
from service.adapters.minutes_document import MinutesDocument
from service.adapters.minutes_pdf import render_minutes_pdf
from service.adapters.minutes_seal import SealingIdentity, sign_minutes_pdf
from service.adapters.sealed_documents import SealedDocumentForgotten, SealedDocuments
from service.app.errors import Forbidden, NotFound
from service.app.minutes import Ledger, MinutesRequest, gather_minutes


def render_sealed(document: MinutesDocument, language: str, identity: SealingIdentity, signed_at: datetime) -> bytes:
    """The document rendered and signed with the service's PDF key: the bytes that are sealed."""
    return sign_minutes_pdf(render_minutes_pdf(document, language), identity, signed_at)


def prepare_sealing(
    ledger: Ledger,
    documents: SealedDocuments,
    process: Process,
    meeting: Meeting,
    request: MinutesRequest,
    occurred_at: datetime,
    identity: Callable[[], SealingIdentity],
    public_url: str,
) -> dict[str, Any]:
    """Renders both versions once, signs and keeps them, seals the names; returns what the event records.

    `identity` is asked for the signing key only once the sealing is allowed (its first use records an event).

    The bytes are kept before the event is recorded (see `service.adapters.sealed_documents`).
    """
    replaces = meeting.latest_sealed_version
    meeting.ensure_minutes_may_be_sealed(replaces, occurred_at)
    gathered, log_position = gather_minutes(ledger, process, meeting, request, (replaces or 0) + 1, public_url)
    sealed: dict[str, bytes] = {}
    signer = identity()
    for version, document in gathered.items():
        sealed[version] = render_sealed(document, request.language, signer, occurred_at)
        documents.store(sealed[version], personal=version == "full")
    names_key_id = uuid4()
    ledger.vault.create_key(names_key_id)
    signers = request.signers
    return {
        "replaces": replaces,
        "log_position": log_position,
        "chair_role": signers.chair.role,
        "secretary_role": signers.secretary.role,
        "signatory_roles": [s.role for s in signers.signatories],
        "names_key_id": names_key_id,
        "sealed_names": ledger.vault.seal(names_key_id, signers.names_json()),
        "agenda": list(request.agenda),
        "notes": request.notes,
        "language": request.language,
        "public_sha256": hashlib.sha256(sealed["public"]).hexdigest(),
        "public_size": len(sealed["public"]),
        "full_sha256": hashlib.sha256(sealed["full"]).hexdigest(),
        "full_size": len(sealed["full"]),
    }


@dataclass(frozen=True)
class SealedPdf:
    """One sealed berita acara as kept: its bytes, which version of which sealing, and its SHA-256."""

    content: bytes
    meeting_id: UUID
    sealed_version: int
    version: str
    sha256: str
    latest: bool


def sealed_pdf(
    documents: SealedDocuments,
    meeting: Meeting,
    version: str,
    sealed_version: int | None,
    may_see_personal_data: bool,
) -> SealedPdf:
    """The sealed bytes of a meeting's berita acara (the latest sealing unless one is named).

    The full version, which names people, only for those who may see the process's personal data.
    """
    if version == "full" and not may_see_personal_data:
        raise Forbidden("the full berita acara names people: only the process's facilitators, admins and auditors")
    record = meeting.sealed(sealed_version)
    if record is None:
        raise NotFound("minutes", f"{meeting.id}/v{sealed_version or 'latest'}")
    sha256 = record[f"{version}_sha256"]
    try:
        content = documents.load(sha256)
    except SealedDocumentForgotten:
        content = None
    if content is None:
        raise NotFound("minutes", f"{meeting.id}/v{record['sealed_version']}")
    return SealedPdf(
        content=content,
        meeting_id=meeting.id,
        sealed_version=record["sealed_version"],
        version=version,
        sha256=sha256,
        latest=record["sealed_version"] == meeting.latest_sealed_version,
    )


def forget_minutes_names(ledger: Ledger, documents: SealedDocuments, meeting: Meeting) -> int:
    """Erases every name a meeting's sealed minutes hold (the sealed names, the full versions); how many sealings.

    The public versions stay, and every SHA-256 in the log still verifies.
    """
    for record in meeting.sealed_minutes:
        ledger.vault.forget(record["names_key_id"])
        documents.forget(record["full_sha256"])
    return len(meeting.sealed_minutes)

"""Sealing a dispute's agreement as a signed document, like a berita acara: rendered once with the berita acara's
fonts, signed with the same PDF key, kept by SHA-256 beside the ledger, and its hash and the log position it covers
recorded in the log (`Dispute.AgreementSealed`); and serving the kept bytes to whoever may read them.

The PDF names no person: parties are groups, partners and organisations, signatories appear by role, and no
mediation session's summary, issue or option is in it. Who reads it: those who run or review the process always;
outsiders only for a public dispute whose agreement's text is public (`text_public`), as its JSON says.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.commitment import Commitment
from domain.dispute import Dispute
from domain.errors import NoAgreementToSeal
from domain.partner import Partner
from domain.process import Process
from service.adapters.agreement_pdf import AgreementDocument, render_agreement_pdf
from service.adapters.ledger import EventLedger
from service.adapters.minutes_seal import sign_minutes_pdf
from service.adapters.minutes_words import LANGUAGES, group_word
from service.adapters.sealed_documents import SealedDocumentForgotten, SealedDocuments
from service.app.access import Principal
from service.app.disputes import ReadsDisputes, readable_dispute
from service.app.errors import NotFound
from service.app.readable import ensure_expected, writable_process
from service.app.receipts import CommandContext, Receipt, at_default_time
from service.app.unit_of_work import UnitOfWork, command
from service.audit.minutes_certificates import sealing_identity
from service.audit.signing import load_or_create_signing_key
from service.settings import Settings


def agreement_pdf_path(dispute_id: UUID, sealed_version: int | None = None) -> str:
    """The path of a sealed agreement's PDF, below the API's `/api/v1`."""
    return f"/disputes/{dispute_id}/agreement.pdf" + ("" if sealed_version is None else f"?sealed={sealed_version}")


def agreement_document(
    uow: UnitOfWork, process: Process, dispute: Dispute, language: str, log_position: int
) -> AgreementDocument:
    """What the sealed agreement says, gathered from the dispute and the records it names."""
    agreement = dispute.agreement
    if agreement is None:
        raise NoAgreementToSeal("this dispute has no agreement to seal", dispute_id=dispute.id)

    def party(named: dict[str, str]) -> str:
        if "group" in named:
            return group_word(named["group"], language)
        if "partner_id" in named:
            return uow.get(Partner, UUID(named["partner_id"]), "partner", copy=False).name
        return named["organisation"]

    commitments = [
        uow.get(Commitment, UUID(cid), "commitment", copy=False).description for cid in agreement["commitment_ids"]
    ]
    return AgreementDocument(
        document_id=f"{dispute.id}/v{len(dispute.agreement_sealings) + 1}",
        process_title=process.title,
        region_name=process.region_name,
        region_code=process.region_code,
        dispute_title=dispute.title,
        parties=tuple(party(p) for p in dispute.parties),
        text=agreement["text"],
        commitments=tuple(commitments),
        signatory_roles=tuple(agreement["signatory_roles"]),
        agreed_at=agreement["agreed_at"].astimezone(ZoneInfo(process.time_zone)),
        log_position=log_position,
    )


class AgreementSealing:
    """Seals the agreements of disputes."""

    def __init__(self, uow: UnitOfWork, ledger: EventLedger, settings: Settings) -> None:
        self.uow = uow
        self.ledger = ledger
        self.settings = settings

    def seal(
        self,
        context: CommandContext,
        dispute_id: UUID,
        language: str = "id",
        signing_key: Ed25519PrivateKey | None = None,
        key_file: Path | None = None,
    ) -> Receipt:
        """Seals the agreement of a dispute: rendered once, signed with the service's PDF key, kept, hashed in the
        log with the log position it covers. Sealing again (after an erratum of its text) makes a new version.

        Rendering happens before the command joins a batch, as the berita acara's sealing does."""
        return at_default_time(context, lambda asked: self._seal(asked, dispute_id, language, signing_key, key_file))

    def _seal(
        self,
        context: CommandContext,
        dispute_id: UUID,
        language: str,
        signing_key: Ed25519PrivateKey | None,
        key_file: Path | None,
    ) -> Receipt:
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}")
        if context.idempotency is not None and (earlier := self.uow.earlier_answer(context.idempotency)):
            return earlier
        dispute: Dispute = self.uow.get(Dispute, dispute_id, "dispute")
        try:
            process = writable_process(self.uow, dispute.process_id, context, copy=False)
        except NotFound:
            raise NotFound("dispute", dispute_id) from None
        ensure_expected(dispute, context)
        sealed_at = context.when(self.uow.clock)
        # Checked before anything is rendered or signed (the identity's first use records an event).
        dispute.seal_agreement("0" * 64, 0, 0, language, context.actor, occurred_at=sealed_at)
        dispute = self.uow.get(Dispute, dispute_id, "dispute")
        log_position = self.ledger.recorder.max_notification_id() or 0
        document = agreement_document(self.uow, process, dispute, language, log_position)
        key_file_path = key_file or self.settings.secret_key_file
        identity = sealing_identity(
            self.ledger, signing_key or load_or_create_signing_key(key_file_path), self.uow.clock(), key_file_path
        )
        content = sign_minutes_pdf(render_agreement_pdf(document, language), identity, sealed_at)
        self.ledger.sealed_documents.store(content)
        sha256 = hashlib.sha256(content).hexdigest()
        return self._record(context, dispute_id, sha256, len(content), log_position, language, sealed_at)

    @command
    def _record(
        self,
        context: CommandContext,
        dispute_id: UUID,
        sha256: str,
        size: int,
        log_position: int,
        language: str,
        sealed_at: datetime,
    ) -> Receipt:
        dispute: Dispute = self.uow.get(Dispute, dispute_id, "dispute")
        writable_process(self.uow, dispute.process_id, context, copy=False)
        ensure_expected(dispute, context)
        dispute.seal_agreement(sha256, size, log_position, language, context.actor, occurred_at=sealed_at)
        self.uow.stage(dispute)
        return Receipt("dispute", dispute_id, dispute.version, aggregate=dispute)


@dataclass(frozen=True)
class SealedAgreement:
    """One sealed agreement as kept: its bytes, which version, its SHA-256."""

    content: bytes
    dispute_id: UUID
    sealed_version: int
    sha256: str


def may_read_agreement_pdf(principal: Principal, dispute: Dispute) -> bool:
    """Those who run or review the process; outsiders only when the agreement's text is theirs to read."""
    if principal.may_see_personal_data(dispute.process_id):
        return True
    return dispute.is_public and bool((dispute.agreement or {}).get("text_public"))


def sealed_agreement(
    ledger: ReadsDisputes,
    documents: SealedDocuments,
    principal: Principal,
    dispute_id: UUID,
    sealed_version: int | None,
) -> SealedAgreement:
    """The kept bytes of a dispute's sealed agreement (the latest sealing unless one is named), if the caller may
    read them: otherwise, as for a sealing that does not exist, not found."""
    dispute = readable_dispute(ledger, principal, dispute_id)
    if not may_read_agreement_pdf(principal, dispute):
        raise NotFound("agreement", dispute_id)
    sealings = dispute.agreement_sealings
    chosen = [s for s in sealings if sealed_version is None or s["sealed_version"] == sealed_version]
    if not chosen:
        raise NotFound("agreement", f"{dispute_id}/v{sealed_version or 'latest'}")
    record = chosen[-1]
    try:
        content = documents.load(record["sha256"])
    except SealedDocumentForgotten:
        content = None
    if content is None:
        raise NotFound("agreement", f"{dispute_id}/v{record['sealed_version']}")
    return SealedAgreement(content, dispute_id, int(record["sealed_version"]), str(record["sha256"]))

"""Sealing a process's programme report and serving it: rendered once, signed like the berita acara, kept by SHA-256.

The PDF is signed with the service's PDF key, whose certificate is bound to the
ledger's key in the log (`service.audit.minutes_certificates`), exactly as a
berita acara is. The bytes are kept before the event that names them is
recorded (`service.adapters.sealed_documents`) and served exactly as kept.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.process import Process
from domain.programme_report import ProgrammeReport, report_id_of
from service.adapters.ledger import EventLedger
from service.adapters.minutes_seal import sign_minutes_pdf
from service.adapters.minutes_words import written_date
from service.adapters.report_pdf import render_report_pdf
from service.adapters.report_words import rupiah
from service.adapters.sealed_documents import SealedDocumentForgotten
from service.app.access import Principal
from service.app.errors import NotFound, VersionMismatch
from service.app.programme_report import Sources, figures_of, gather_report
from service.app.readable import readable_process, writable_process
from service.app.receipts import CommandContext, Receipt, at_default_time
from service.app.unit_of_work import UnitOfWork, command
from service.audit.minutes_certificates import sealing_identity
from service.audit.signing import load_or_create_signing_key
from service.settings import Settings


def report_path(process_id: UUID, report_version: int | None = None) -> str:
    """The path of a sealed report's PDF below the API's `/api/v1` (the latest one without a version)."""
    return f"/processes/{process_id}/report" + ("" if report_version is None else f"/{report_version}.pdf")


class ProgrammeReports:
    """Seals the programme report of a process: the facilitator of the process or an admin."""

    def __init__(self, uow: UnitOfWork, ledger: EventLedger, sources: Sources, settings: Settings) -> None:
        self.uow = uow
        self.ledger = ledger
        self.sources = sources
        self.settings = settings

    def seal(
        self,
        context: CommandContext,
        process_id: UUID,
        language: str = "id",
        signing_key: Ed25519PrivateKey | None = None,
        key_file: Path | None = None,
        occurred_at: datetime | None = None,
    ) -> Receipt:
        """Renders the public report once, signs and keeps it, and records its SHA-256 and the log it covers.

        Rendering happens before the command joins a batch; the record is then made in one command.
        """
        asked = context if occurred_at is None else replace(context, occurred_at=occurred_at)
        return at_default_time(asked, lambda lifted: self._seal(lifted, process_id, language, signing_key, key_file))

    def _seal(
        self,
        context: CommandContext,
        process_id: UUID,
        language: str,
        signing_key: Ed25519PrivateKey | None,
        key_file: Path | None,
    ) -> Receipt:
        if context.idempotency is not None and (earlier := self.uow.earlier_answer(context.idempotency)):
            return earlier
        occurred_at = context.when(self.uow.clock)
        process = writable_process(self.uow, process_id, context)
        existing = self._existing(process_id)
        ensure_latest_version(existing, context)
        if existing is not None:
            existing.ensure_may_be_sealed(occurred_at)
        document = gather_report(self.sources, process, occurred_at, language, self.settings.public_url.rstrip("/"))
        ledger_key_file = key_file or self.settings.secret_key_file
        signer = sealing_identity(
            self.ledger, signing_key or load_or_create_signing_key(ledger_key_file), self.uow.clock(), ledger_key_file
        )
        pdf = sign_minutes_pdf(render_report_pdf(document, language), signer, occurred_at)
        self.ledger.sealed_documents.store(pdf, personal=False)
        sealing = {
            "log_position": document.log_position,
            "language": language,
            "sha256": hashlib.sha256(pdf).hexdigest(),
            "size": len(pdf),
            "figures": figures_of(document),
        }
        return self._record(context, process_id, sealing, occurred_at)

    def _existing(self, process_id: UUID) -> ProgrammeReport | None:
        try:
            return self.uow.get(ProgrammeReport, report_id_of(process_id), "programme report")
        except NotFound:
            return None

    @command
    def _record(
        self, context: CommandContext, process_id: UUID, sealing: dict[str, Any], occurred_at: datetime
    ) -> Receipt:
        writable_process(self.uow, process_id, context, copy=False)
        report = self._existing(process_id)
        ensure_latest_version(report, context)
        if report is None:
            report = ProgrammeReport.start(process_id, context.actor, occurred_at=occurred_at)
        report.seal(**sealing, actor=context.actor, occurred_at=occurred_at)
        self.uow.stage(report)
        return Receipt("programme_report", report.id, report.latest_version or 0, created=True, aggregate=report)


def ensure_latest_version(report: ProgrammeReport | None, context: CommandContext) -> None:
    """Refuses a sealing sent for another report version than the latest (`If-Match`; 0 before the first).

    A report's ETag is its latest version number, as `GET /processes/{id}/report/versions` lists them.
    """
    latest = 0 if report is None else report.latest_version or 0
    if context.expected_version is not None and context.expected_version != latest:
        raise VersionMismatch(context.expected_version, latest)


def readable_report(uow: UnitOfWork, principal: Principal, process_id: UUID) -> tuple[ProgrammeReport, Process]:
    """The process's report and the process, if the caller may read the process and a report was sealed."""
    process = readable_process(uow, process_id, principal, copy=False)
    try:
        report = uow.get(ProgrammeReport, report_id_of(process_id), "programme report", copy=False)
    except NotFound:
        raise NotFound("programme report of process", process_id) from None
    return report, process


@dataclass(frozen=True)
class SealedReport:
    """One sealed programme report as kept: its bytes, which version, its SHA-256, and whether it is the latest."""

    content: bytes
    process_id: UUID
    report_version: int
    sha256: str
    latest: bool


def sealed_report(
    uow: UnitOfWork, documents: Any, principal: Principal, process_id: UUID, report_version: int | None
) -> SealedReport:
    """The sealed bytes of a process's report (the latest unless a version is named)."""
    report, _ = readable_report(uow, principal, process_id)
    record = report.sealed(report_version)
    if record is None:
        raise NotFound("programme report", f"{process_id}/v{report_version}")
    try:
        content = documents.load(record["sha256"])
    except SealedDocumentForgotten:
        content = None
    if content is None:
        raise NotFound("programme report", f"{process_id}/v{record['report_version']}")
    return SealedReport(
        content=content,
        process_id=process_id,
        report_version=record["report_version"],
        sha256=record["sha256"],
        latest=record["report_version"] == report.latest_version,
    )


_SUMMARY = {
    "id": (
        "Laporan Hasil dan Dampak: {title} ({region})\n"
        "Per {date}: {needs} kebutuhan ditemukan, {answered} terjawab. {adopted} usulan disepakati, {rejected} "
        "ditolak. {commitments} tindak lanjut, {completed} selesai, {overdue} terlambat; realisasi {spent}{budget}. "
        "{complaints} pengaduan, {resolved} selesai. {contributions} kontribusi mitra.\n"
        "PDF (versi {version}): {url}\n"
        "SHA-256: {sha256}"
    ),
    "en": (
        "Programme report: {title} ({region})\n"
        "As of {date}: {needs} needs found, {answered} answered. {adopted} proposals adopted, {rejected} rejected. "
        "{commitments} commitments, {completed} completed, {overdue} overdue; {spent} spent{budget}. "
        "{complaints} complaints, {resolved} resolved. {contributions} partner contributions.\n"
        "PDF (version {version}): {url}\n"
        "SHA-256: {sha256}"
    ),
}
_OF_BUDGET = {"id": " dari {budget}", "en": " of {budget}"}
_TITLE_LENGTH = 80


def report_summary(
    uow: UnitOfWork, principal: Principal, process_id: UUID, public_url: str, language: str = "id"
) -> str:
    """The latest sealed report in a few lines for sharing by message: its figures, its link and its SHA-256."""
    report, process = readable_report(uow, principal, process_id)
    record = report.sealed()
    assert record is not None  # a report exists only with its first sealing
    figures = record["figures"]
    title = process.title if len(process.title) <= _TITLE_LENGTH else process.title[: _TITLE_LENGTH - 1] + "\u2026"
    budget = figures.get("budget")
    sealed_at = record["sealed_at"].astimezone(ZoneInfo(process.time_zone))
    return _SUMMARY[language].format(
        title=title,
        region=process.region_name,
        date=written_date(sealed_at.date(), language),
        needs=figures["needs"],
        answered=figures["needs_answered"],
        adopted=figures["adopted"],
        rejected=figures["rejected"],
        commitments=figures["commitments"],
        completed=figures["completed"],
        overdue=figures["overdue"],
        spent=rupiah(figures["spent"], language),
        budget="" if budget is None else _OF_BUDGET[language].format(budget=rupiah(budget, language)),
        complaints=figures["complaints"],
        resolved=figures["complaints_resolved"],
        contributions=figures["contributions"],
        version=record["report_version"],
        url=f"{public_url}/api/v1{report_path(process_id, record['report_version'])}",
        sha256=record["sha256"],
    )


def report_sealings(uow: UnitOfWork, process_id: UUID) -> list[dict[str, Any]]:
    """Every sealing of the process's report, oldest first (none before the first); for pages that list them."""
    try:
        report = uow.get(ProgrammeReport, report_id_of(process_id), "programme report", copy=False)
    except NotFound:
        return []
    return list(report.sealings)

"""`mufakat verify-report FILE.pdf`: is this PDF a programme report sealed in this ledger, and is it the latest?

The proof is the file's SHA-256 among the `ProgrammeReport.Sealed` events of the
log (which the audit chain protects); the PAdES signature inside the PDF is
checked as `verify-minutes` checks a berita acara's: made under a certificate
that the log binds to the service's key (or one of its rotation chain, or
`--public-key`). Exit 0: sealed here and signed by the ledger's key; 1: not a
report of this ledger, or its signature does not hold; 2 with
`--require-latest`: genuine, but a later version was sealed since.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import click
from eventsourcing.utils import get_topic

from domain.programme_report import ProgrammeReport
from service.adapters.minutes_seal import check_minutes_signature
from service.app.application import Mufakat
from service.cli.minutes import ledger_to_check_against, sealed_pdf_check, trusted_certificates, trusted_keys

_PAGE = 500


@dataclass(frozen=True)
class SealedReportMatch:
    """Where the log sealed these bytes: which process, which report version, and the latest version since."""

    process_id: str
    report_version: int
    log_position: int
    covers_position: int
    sealed_at: str
    latest_version: int


def sealed_report_match(ledger: Mufakat, sha256: str) -> SealedReportMatch | None:
    """The sealing that recorded this SHA-256, read from the log's ProgrammeReport.Sealed events."""
    found: dict[str, Any] | None = None
    latest: dict[str, int] = {}
    processes: dict[str, str] = {}
    start = 1
    topics = [get_topic(ProgrammeReport.Started), get_topic(ProgrammeReport.Sealed)]
    while True:
        page = ledger.recorder.select_notifications(start, _PAGE, topics=topics)
        for notification in page:
            event = ledger.mapper.to_domain_event(notification)
            report_id = str(event.originator_id)
            if isinstance(event, ProgrammeReport.Started):
                processes[report_id] = str(event.process_id)
                continue
            assert isinstance(event, ProgrammeReport.Sealed)
            latest[report_id] = max(latest.get(report_id, 0), event.report_version)
            if event.sha256 == sha256:
                found = {
                    "report_id": report_id,
                    "report_version": event.report_version,
                    "log_position": notification.id,
                    "covers_position": event.log_position,
                    "sealed_at": event.occurred_at.isoformat(),
                }
        if len(page) < _PAGE:
            break
        start = page[-1].id + 1
    if found is None:
        return None
    report_id = found.pop("report_id")
    return SealedReportMatch(process_id=processes[report_id], latest_version=latest[report_id], **found)


@dataclass(frozen=True)
class ReportVerification:
    """What `verify-report` found about one file."""

    file: str
    sha256: str
    sealed: SealedReportMatch | None
    signature: str

    @property
    def holds(self) -> bool:
        """Sealed in this ledger and signed by the ledger's key."""
        return self.sealed is not None and self.signature == "valid"


def verify_report_file(ledger: Mufakat, pdf: bytes, name: str, public_key: str | None) -> ReportVerification:
    """Whether these bytes are a programme report sealed in this ledger, and whether the ledger's key signed them."""
    sha256 = hashlib.sha256(pdf).hexdigest()
    try:
        check = check_minutes_signature(pdf)
    except Exception:  # a damaged file is an answer ("unreadable"), not a traceback
        signature = "unreadable"
    else:
        keys = trusted_keys(ledger, public_key)
        if check is None:
            signature = "missing"
        elif check.modified_after_signing:
            signature = "modified after sealing"
        elif not check.intact or not check.covers_whole_file:
            signature = "broken"
        elif not keys:
            signature = "no trusted key"
        elif check.made_under(trusted_certificates(ledger, keys)):
            signature = "valid"
        else:
            signature = "other key"
    return ReportVerification(file=name, sha256=sha256, sealed=sealed_report_match(ledger, sha256), signature=signature)


def _report(found: ReportVerification) -> str:
    lines = [found.file, f"  SHA-256: {found.sha256}"]
    sealed = found.sealed
    if sealed is None:
        lines.append(
            "  NOT a programme report sealed in this ledger: no ProgrammeReport.Sealed event has this SHA-256."
        )
    else:
        lines.append(
            f"  Sealed: programme report of process {sealed.process_id}, version {sealed.report_version}, at"
            f" {sealed.sealed_at}; event at log position {sealed.log_position}, covering the log up to"
            f" {sealed.covers_position}."
        )
        lines.append(
            "  Latest: yes."
            if sealed.report_version == sealed.latest_version
            else f"  Latest: NO, version {sealed.latest_version} was sealed since."
        )
    lines.append(f"  Signature: {found.signature}.")
    lines.append("  Verdict: " + ("GENUINE." if found.holds else "NOT VERIFIED."))
    return "\n".join(lines)


@sealed_pdf_check("verify-report", "a later version was sealed")
def verify_report(pdf_file: Path, public_key: str | None, require_latest: bool, as_json: bool) -> None:
    """Says whether FILE.pdf is a programme report sealed in this ledger, of which process and version."""
    with ledger_to_check_against() as ledger:
        found = verify_report_file(ledger, pdf_file.read_bytes(), str(pdf_file), public_key)
    click.echo(json.dumps({**asdict(found), "holds": found.holds}, indent=2) if as_json else _report(found))
    if not found.holds:
        sys.exit(1)
    if require_latest and found.sealed is not None and found.sealed.report_version != found.sealed.latest_version:
        sys.exit(2)


COMMANDS = [verify_report]

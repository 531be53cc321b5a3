"""The use cases of complaints (pengaduan), and their reads: the inbox, tracking by code and the public counts.

Anyone may file a complaint on a process they may read: on a public process, without a token. The complaint keeps
its text sealed (`SEALED_FIELDS`) and the complainant's contact sealed with a key of its own in the vault (made
before the unit of work, destroyed when no complaint came of it, and forgettable later). The tracking code is
made by the caller of `file` (random, or derived from the request's Idempotency-Key so that a retry answers the
same code) and stored only as its SHA-256. A process finds its complaints through its complaint log
(`service.app.complaint_index`), which leaves the `Process` aggregate unchanged.

Outsiders read only counts by status and the median days to a first response, never a complaint's words or
contact; the complainant reads the status and the responses of their own complaint by its code.
"""

from __future__ import annotations

import statistics
from typing import Any, Protocol
from uuid import UUID, uuid4

from eventsourcing.application import EventSourcedLog

from domain.commitment import Commitment
from domain.complaint import STATUSES, Complaint
from domain.process import Process
from domain.proposal import Proposal
from service.app.access import Principal
from service.app.complaint_index import (
    ComplaintListed,
    ComplaintTracked,
    complaint_listed,
    complaint_log_id,
    complaint_tracked,
    tracking_digest,
    tracking_log_id,
)
from service.app.errors import Forbidden, NotFound
from service.app.ports import Vault
from service.app.readable import ensure_expected, readable_process, writable_process
from service.app.receipts import CommandContext, Receipt
from service.app.unit_of_work import UnitOfWork, command

_ABOUT_CLASSES: dict[str, type[Proposal] | type[Commitment]] = {"proposal": Proposal, "commitment": Commitment}


class Complaints:
    """Filing complaints and responding to them."""

    def __init__(self, uow: UnitOfWork, vault: Vault) -> None:
        self.uow = uow
        self.vault = vault

    def file(
        self,
        context: CommandContext,
        process_id: UUID,
        text: str,
        tracking_code: str,
        about: dict[str, UUID] | None = None,
        contact: str | None = None,
    ) -> Receipt:
        """Files a complaint on a process the caller may read; its contact is sealed with a key of its own.

        The key is made once, before the unit of work (which may run again), and destroyed when no complaint
        came of it (a refusal, a replayed request).
        """
        complaint_id = uuid4()
        if contact is None:
            return self._file(context, process_id, complaint_id, text, tracking_code, about, None)
        self.vault.create_key(complaint_id)
        try:
            receipt = self._file(context, process_id, complaint_id, text, tracking_code, about, contact)
        except BaseException:
            self.vault.forget(complaint_id)
            raise
        if receipt.id != complaint_id:
            self.vault.forget(complaint_id)
        return receipt

    @command
    def _file(
        self,
        context: CommandContext,
        process_id: UUID,
        complaint_id: UUID,
        text: str,
        tracking_code: str,
        about: dict[str, UUID] | None,
        contact: str | None,
    ) -> Receipt:
        process = readable_process(self.uow, process_id, context.principal, copy=False)
        subject = None if not about else self._subject(process, about)
        digest = tracking_digest(tracking_code)
        complaint = Complaint.file(
            complaint_id,
            process.id,
            text,
            digest,
            context.actor,
            occurred_at=context.when(self.uow.clock),
            about=subject,
            sealed_contact=None if contact is None else self.vault.seal(complaint_id, contact),
        )
        self.uow.stage(complaint, complaint_listed(process.id, complaint_id), complaint_tracked(digest, complaint_id))
        return Receipt("complaint", complaint_id, complaint.version, created=True, aggregate=complaint)

    def _subject(self, process: Process, about: dict[str, UUID]) -> tuple[str, UUID]:
        """What the complaint is about: a proposal or a commitment of this process (another's is not found)."""
        kind, subject_id = next(iter(about.items()))
        kind = kind.removesuffix("_id")
        found = self.uow.get(_ABOUT_CLASSES[kind], subject_id, kind, copy=False)
        if found.process_id != process.id:
            raise NotFound(kind, subject_id)
        return kind, subject_id

    @command
    def respond(self, context: CommandContext, complaint_id: UUID, status: str, response: str) -> Receipt:
        """Answers a complaint with a status and words: by the process's facilitator or an admin."""
        complaint: Complaint = self.uow.get(Complaint, complaint_id, "complaint")
        try:
            writable_process(self.uow, complaint.process_id, context, copy=False)
        except NotFound:
            raise NotFound("complaint", complaint_id) from None
        ensure_expected(complaint, context)
        complaint.respond(status, response, context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(complaint)
        return Receipt("complaint", complaint_id, complaint.version, aggregate=complaint)

    def forget_contact(self, complaint_id: UUID) -> bool:
        """Destroys the key of a complaint's contact: it can never be read again (True once gone from disk)."""
        return self.vault.forget(complaint_id)


# --- reads ------------------------------------------------------------------------------------------------


class Ledger(Protocol):
    """What the reads need of the application: its unit of work, its event store and its vault."""

    @property
    def uow(self) -> UnitOfWork:
        """The unit of work (its `get`)."""

    @property
    def events(self) -> Any:
        """The event store the logs are read from."""

    @property
    def vault(self) -> Vault:
        """Where the complainants' contacts are sealed."""


def complaints_of(ledger: Ledger, process_id: UUID) -> list[Complaint]:
    """A process's complaints in the order they were filed."""
    log = EventSourcedLog(ledger.events, complaint_log_id(process_id), ComplaintListed)
    return [ledger.uow.get(Complaint, entry.complaint_id, "complaint", copy=False) for entry in log.get()]


def public_counts(ledger: Ledger, process_id: UUID) -> dict[str, Any]:
    """What everyone sees of a process's complaints: how many are in each status, and the median days from
    filing to a first response (None before any response), never a word of them."""
    found = complaints_of(ledger, process_id)
    counts: dict[str, Any] = {status: 0 for status in STATUSES}
    for complaint in found:
        counts[complaint.status] += 1
    days = [d for d in (c.days_to_first_response for c in found) if d is not None]
    counts["median_days_to_response"] = round(statistics.median(days), 1) if days else None
    return counts


def as_read(ledger: Ledger, complaint: Complaint) -> dict[str, Any]:
    """A complaint as the inbox shows it: its words, what it is about, its contact opened, its history."""
    return {
        "complaint_id": complaint.id,
        "version": complaint.version,
        "process_id": complaint.process_id,
        "status": complaint.status,
        "text": complaint.text,
        "about": None if complaint.about_kind is None else {f"{complaint.about_kind}_id": complaint.about_id},
        "contact": None if complaint.contact_forgotten else ledger.vault.open(complaint.id, complaint.sealed_contact),
        "contact_forgotten": complaint.contact_forgotten,
        "filed_at": complaint.filed_at,
        "history": complaint.history,
        "redactions": complaint.redactions,
    }


def inbox(ledger: Ledger, caller: Principal, process_id: UUID, after: int, limit: int) -> dict[str, Any]:
    """A process's complaints with their words and contacts: for its facilitator, auditors and admins."""
    process = readable_process(ledger.uow, process_id, caller, copy=False)
    if not caller.may_see_personal_data(process.id):
        raise Forbidden("only the process's facilitator, an auditor or an admin reads its complaints")
    found = complaints_of(ledger, process.id)
    page = found[after : after + limit]
    return {
        "items": [as_read(ledger, complaint) for complaint in page],
        "next": str(after + limit) if after + limit < len(found) else None,
    }


def complaint(ledger: Ledger, caller: Principal, complaint_id: UUID) -> dict[str, Any]:
    """One complaint as the inbox shows it, for those who read the inbox of its process."""
    found: Complaint = ledger.uow.get(Complaint, complaint_id, "complaint", copy=False)
    try:
        process = readable_process(ledger.uow, found.process_id, caller, copy=False)
    except NotFound:
        raise NotFound("complaint", complaint_id) from None
    if not caller.may_see_personal_data(process.id):
        raise NotFound("complaint", complaint_id)
    return as_read(ledger, found)


def track(ledger: Ledger, tracking_code: str) -> dict[str, Any]:
    """The status and history of the complaint a tracking code follows (not found for any other code)."""
    digest = tracking_digest(tracking_code)
    log = EventSourcedLog(ledger.events, tracking_log_id(digest), ComplaintTracked)
    entry = next(iter(log.get()), None)
    if entry is None:
        raise NotFound("complaint", "of this tracking code")
    found: Complaint = ledger.uow.get(Complaint, entry.complaint_id, "complaint", copy=False)
    return {"status": found.status, "history": found.history}

"""The use cases of disputes (pengelolaan konflik), and the reads of them.

A dispute is indexed by the directory of disputes (`service.app.dispute_directory`), a log of its own written with
the dispute, so neither the process nor the proposal it is about holds any new state. What outsiders read of a
dispute is decided here: a restricted dispute is not found to them; a public one shows its title, status, parties
(groups, partners and organisations: never a person), dates and whether an agreement exists (its text only when
the agreement says so), never the summaries' words nor the issues and options discussed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID, uuid4

from eventsourcing.application import EventSourcedLog

from domain.commitment import Commitment
from domain.complaint import Complaint
from domain.dispute import Dispute
from domain.partner import Partner
from domain.process import Process
from domain.proposal import Proposal
from service.app.access import Principal
from service.app.dispute_directory import DisputeListed, DisputesByProcess
from service.app.errors import NotFound
from service.app.readable import ensure_expected, meeting_of_process, readable_process, writable_process
from service.app.receipts import CommandContext, Receipt
from service.app.statement_names import StatementNames
from service.app.unit_of_work import UnitOfWork, command


class RecordOfAnotherProcess(Exception):
    """A proposal, commitment, complaint or partner that is not one of the dispute's process (422, naming the
    field and the id, never a person)."""

    code = "validation_failed"

    def __init__(self, field: str, record_id: UUID | str) -> None:
        super().__init__(f"not a record of this process: {record_id}")
        self.field = field
        self.record_id = str(record_id)


def _record_of_the_process(
    uow: UnitOfWork, cls: type[Complaint | Partner], process: Process, record_id: UUID, field: str
) -> None:
    """A complaint or partner named by a dispute is one of its process: an unknown id and a record of another
    process are refused alike, naming the field (as a proposal or commitment `about` is)."""
    try:
        record = uow.get(cls, record_id, cls.__name__.lower(), copy=False)
    except NotFound:
        raise RecordOfAnotherProcess(field, record_id) from None
    if record.process_id != process.id:
        raise RecordOfAnotherProcess(field, record_id)


def ensure_complaint_of(uow: UnitOfWork, process: Process, complaint_id: UUID) -> None:
    """A complaint the dispute is about belongs to its process.

    Any complaint of the process may become a dispute, whatever its status: an escalated one (diteruskan) is the
    usual case, but a conflict can surface in a complaint still received or in review, and the facilitator should
    not have to answer it first. Opening the dispute changes nothing of the complaint: its status, its tracking
    history and the public counts stay as they were."""
    _record_of_the_process(uow, Complaint, process, complaint_id, "about")


def ensure_partner_of(uow: UnitOfWork, process: Process, partner_id: UUID) -> None:
    """A partner named as a party is a partner of the dispute's process."""
    _record_of_the_process(uow, Partner, process, partner_id, "parties")


def ensure_about_the_process(uow: UnitOfWork, process: Process, about: Mapping[str, Any] | None) -> None:
    """What a dispute is about is a record of its own process (a proposal, a commitment, a complaint)."""
    if not about:
        return
    kinds: tuple[tuple[str, type[Proposal | Commitment]], ...] = (
        ("proposal_id", Proposal),
        ("commitment_id", Commitment),
    )
    for kind, cls in kinds:
        if about.get(kind) is not None:
            try:
                record = uow.get(cls, UUID(str(about[kind])), kind.removesuffix("_id"), copy=False)
            except NotFound:
                raise RecordOfAnotherProcess("about", about[kind]) from None
            if record.process_id != process.id:
                raise RecordOfAnotherProcess("about", about[kind])
    if about.get("complaint_id") is not None:
        ensure_complaint_of(uow, process, UUID(str(about["complaint_id"])))


class Disputes:
    """Opening disputes, mediating them in meetings, and recording how they end."""

    def __init__(self, uow: UnitOfWork, statement_names: StatementNames, directory: EventSourcedLog[DisputeListed]):
        self.uow = uow
        self.statement_names = statement_names
        self.directory = directory
        self.by_process = DisputesByProcess(directory)

    def _open_dispute(self, dispute_id: UUID, context: CommandContext) -> tuple[Dispute, Process]:
        """A dispute to change (a copy) and its open process, at the version expected."""
        dispute: Dispute = self.uow.get(Dispute, dispute_id, "dispute")
        try:
            process = writable_process(self.uow, dispute.process_id, context, copy=False)
        except NotFound:
            raise NotFound("dispute", dispute_id) from None
        process.ensure_open()
        ensure_expected(dispute, context)
        return dispute, process

    @command
    def open(
        self,
        context: CommandContext,
        process_id: UUID,
        title: str,
        parties: Sequence[Mapping[str, Any]],
        about: Mapping[str, Any] | None = None,
        visibility: str = "restricted",
    ) -> Receipt:
        """Opens a dispute between groups, partners or organisations (restricted unless said public)."""
        process = writable_process(self.uow, process_id, context, copy=False)
        process.ensure_open()
        ensure_expected(process, context)
        organisations = {f"parties.{n}": p.get("organisation") for n, p in enumerate(parties)}
        self.statement_names.ensure_unnamed(process, context.names_are_public, title=title, **organisations)
        for party in parties:
            if party.get("partner_id") is not None:
                ensure_partner_of(self.uow, process, UUID(str(party["partner_id"])))
        ensure_about_the_process(self.uow, process, about)
        dispute = Dispute.open(
            id=uuid4(),
            process_id=process_id,
            title=title,
            parties=[{k: None if v is None else str(v) for k, v in party.items()} for party in parties],
            about=None if about is None else dict(about),
            visibility=visibility,
            actor=context.actor,
            occurred_at=context.when(self.uow.clock),
        )
        # The directory entry is numbered when it is committed, after the entries before it.
        listed = self.directory.trigger_event(process_id=process_id, dispute_id=dispute.id, next_originator_version=0)
        self.uow.stage(dispute, listed)
        return Receipt("dispute", dispute.id, dispute.version, created=True, aggregate=dispute)

    @command
    def hold_session(
        self, context: CommandContext, dispute_id: UUID, meeting_id: UUID, summary: str | None = None
    ) -> Receipt:
        """Records a mediation session held in a meeting of the process, with its summary (sealed)."""
        dispute, process = self._open_dispute(dispute_id, context)
        self.statement_names.ensure_unnamed(process, context.names_are_public, summary=summary)
        held_at = context.when(self.uow.clock)
        meeting_of_process(self.uow, meeting_id, process).ensure_during(held_at, "a mediation session")
        session_id = uuid4()
        dispute.hold_session(session_id, meeting_id, summary, context.actor, occurred_at=held_at)
        self.uow.stage(dispute)
        return Receipt("dispute", dispute_id, dispute.version, part_id=session_id, created=True, aggregate=dispute)

    @command
    def record_issue(
        self, context: CommandContext, dispute_id: UUID, title: str, interests: Sequence[Mapping[str, Any]] = ()
    ) -> Receipt:
        """Records an issue at stake and what each side needs and demands (read only by those who run it)."""
        dispute, _ = self._open_dispute(dispute_id, context)
        issue_id = uuid4()
        rows = [dict(row) for row in interests]
        dispute.record_issue(issue_id, title, rows, context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(dispute)
        return Receipt("dispute", dispute_id, dispute.version, part_id=issue_id, created=True, aggregate=dispute)

    @command
    def consider_option(
        self, context: CommandContext, dispute_id: UUID, text: str, issue_id: UUID | None = None
    ) -> Receipt:
        """Records an option considered, for one issue or the whole dispute."""
        dispute, _ = self._open_dispute(dispute_id, context)
        option_id = uuid4()
        dispute.consider_option(option_id, issue_id, text, context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(dispute)
        return Receipt("dispute", dispute_id, dispute.version, part_id=option_id, created=True, aggregate=dispute)

    @command
    def agree(
        self,
        context: CommandContext,
        dispute_id: UUID,
        text: str,
        signatory_roles: Sequence[str],
        commitment_ids: Sequence[UUID] = (),
        promises: Sequence[Mapping[str, Any]] = (),
        text_public: bool = False,
    ) -> Receipt:
        """Records the agreement (kesepakatan): its text, the roles that signed, the commitments made for it
        (commitments of the process) and the follow-up promised that has no commitment yet."""
        dispute, process = self._open_dispute(dispute_id, context)
        said = {f"promises.{n}": str(p.get("description") or "") for n, p in enumerate(promises)}
        self.statement_names.ensure_unnamed(process, context.names_are_public, text=text, **said)
        for commitment_id in commitment_ids:
            ensure_about_the_process(self.uow, process, {"commitment_id": commitment_id})
        dispute.agree(
            text,
            list(signatory_roles),
            list(commitment_ids),
            [{k: None if v is None else str(v) for k, v in p.items()} for p in promises],
            text_public,
            context.actor,
            occurred_at=context.when(self.uow.clock),
        )
        self.uow.stage(dispute)
        return Receipt("dispute", dispute_id, dispute.version, aggregate=dispute)

    @command
    def escalate(self, context: CommandContext, dispute_id: UUID, to: str, reason: str) -> Receipt:
        """Takes the dispute to the BPD, the camat, the police or a court, saying why."""
        dispute, process = self._open_dispute(dispute_id, context)
        self.statement_names.ensure_unnamed(process, context.names_are_public, reason=reason)
        dispute.escalate(to, reason, context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(dispute)
        return Receipt("dispute", dispute_id, dispute.version, aggregate=dispute)

    @command
    def drop(self, context: CommandContext, dispute_id: UUID, reason: str) -> Receipt:
        """Drops the dispute, saying why."""
        dispute, process = self._open_dispute(dispute_id, context)
        self.statement_names.ensure_unnamed(process, context.names_are_public, reason=reason)
        dispute.drop_dispute(reason, context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(dispute)
        return Receipt("dispute", dispute_id, dispute.version, aggregate=dispute)

    @command
    def correct(
        self,
        context: CommandContext,
        dispute_id: UUID,
        field: str,
        text: str,
        reason: str,
        session_id: UUID | None = None,
    ) -> Receipt:
        """Records an erratum of the title, a summary, the agreement or a reason; the original stays."""
        dispute, process = self._open_dispute(dispute_id, context)
        self.statement_names.ensure_unnamed(process, context.names_are_public, text=text, reason=reason)
        dispute.correct(field, session_id, text, reason, context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(dispute)
        return Receipt("dispute", dispute_id, dispute.version, aggregate=dispute)


# --- reads ------------------------------------------------------------------------------------


class ReadsDisputes(Protocol):
    """What the reads need of the application: its unit of work and the directory of disputes."""

    @property
    def uow(self) -> UnitOfWork: ...

    @property
    def disputes(self) -> Disputes: ...


@dataclass(frozen=True)
class SeenDispute:
    """A dispute as one caller may read it, dumped by its schema."""

    dispute_id: UUID
    version: int
    process_id: UUID
    title: str
    status: str
    visibility: str
    parties: list[dict[str, str]]
    about: dict[str, str] | None
    opened_at: datetime
    updated_at: datetime
    sessions: list[dict[str, Any]]
    issues: list[dict[str, Any]] | None
    options: list[dict[str, Any]] | None
    agreement: dict[str, Any] | None
    escalation: dict[str, Any] | None
    drop: dict[str, Any] | None
    corrections: list[dict[str, Any]] | None


def may_read_dispute(principal: Principal, dispute: Dispute) -> bool:
    """Those who run or review the process read every dispute; others only a public one."""
    return principal.may_see_personal_data(dispute.process_id) or dispute.is_public


def seen(dispute: Dispute, principal: Principal) -> SeenDispute:
    """The dispute as this caller may read it: outsiders get no summary's words, no issue or option, and of the
    agreement only that it exists, the roles that signed and when (its text when the agreement says so)."""
    insider = principal.may_see_personal_data(dispute.process_id)
    sessions = [
        {
            "session_id": s["session_id"],
            "meeting_id": s["meeting_id"],
            "held_at": s["held_at"],
            "summary": s["summary"] if insider else None,
            "redacted": s["redacted"],
        }
        for s in dispute.sessions.values()
    ]
    agreement = dispute.agreement
    if agreement is not None and not insider:
        agreement = {
            "signatory_roles": agreement["signatory_roles"],
            "agreed_at": agreement["agreed_at"],
            "text_public": agreement["text_public"],
            "text": agreement["text"] if agreement["text_public"] else None,
            "commitment_ids": agreement["commitment_ids"],
            "promises": [],
            # The sealed PDF holds the text: outsiders learn of it only where the text is theirs to read.
            "sealings": dispute.agreement_sealings if agreement["text_public"] else [],
        }
    if agreement is not None:
        path = f"/api/v1/disputes/{dispute.id}/agreement.pdf"
        sealings = [{**s, "url": f"{path}?sealed={s['sealed_version']}"} for s in agreement.get("sealings") or []]
        agreement = {**agreement, "sealings": sealings}
    escalation = dispute.escalation
    if escalation is not None and not insider:
        escalation = {"to": escalation["to"], "escalated_at": escalation["escalated_at"], "reason": None}
    drop = dispute.drop
    if drop is not None and not insider:
        drop = {"dropped_at": drop["dropped_at"], "reason": None}
    return SeenDispute(
        dispute_id=dispute.id,
        version=dispute.version,
        process_id=dispute.process_id,
        title=dispute.title,
        status=dispute.status,
        visibility=dispute.visibility,
        parties=[dict(party) for party in dispute.parties],
        # A complaint's id is the complainant's business: outsiders do not learn which complaint became a dispute.
        about=dispute.about if insider or dispute.about is None or "complaint_id" not in dispute.about else None,
        opened_at=dispute.opened_at,
        updated_at=dispute.updated_at,
        sessions=sessions,
        issues=list(dispute.issues.values()) if insider else None,
        options=list(dispute.options.values()) if insider else None,
        agreement=agreement,
        escalation=escalation,
        drop=drop,
        corrections=list(dispute.corrections) if insider else None,
    )


def readable_dispute(ledger: ReadsDisputes, principal: Principal, dispute_id: UUID) -> Dispute:
    """The dispute, if the caller may read it: a restricted one is not found to outsiders."""
    dispute: Dispute = ledger.uow.get(Dispute, dispute_id, "dispute", copy=False)
    try:
        readable_process(ledger.uow, dispute.process_id, principal, copy=False)
    except NotFound:
        raise NotFound("dispute", dispute_id) from None
    if not may_read_dispute(principal, dispute):
        raise NotFound("dispute", dispute_id)
    return dispute


def dispute(ledger: ReadsDisputes, principal: Principal, dispute_id: UUID) -> SeenDispute:
    """One dispute as the caller may read it."""
    return seen(readable_dispute(ledger, principal, dispute_id), principal)


def dispute_ids_of(ledger: ReadsDisputes, process_id: UUID) -> list[UUID]:
    """The ids of a process's disputes, in the order they were opened (from the directory of disputes)."""
    return ledger.disputes.by_process.of(process_id)


def disputes_of(
    ledger: ReadsDisputes, principal: Principal, process_id: UUID, after: int, limit: int
) -> tuple[list[SeenDispute], int | None]:
    """A page of the process's disputes the caller may read, oldest first, and the next cursor."""
    readable_process(ledger.uow, process_id, principal, copy=False)
    found = [ledger.uow.get(Dispute, did, "dispute", copy=False) for did in dispute_ids_of(ledger, process_id)]
    shown = [seen(d, principal) for d in found if may_read_dispute(principal, d)]
    return shown[after : after + limit], after + limit if after + limit < len(shown) else None


def disputes_about_proposal(ledger: ReadsDisputes, principal: Principal, proposal: Proposal) -> list[Dispute]:
    """The disputes about this proposal the caller may read (for its history and its portal story)."""
    found = [ledger.uow.get(Dispute, did, "dispute", copy=False) for did in dispute_ids_of(ledger, proposal.process_id)]
    return [d for d in found if d.proposal_id == str(proposal.id) and may_read_dispute(principal, d)]

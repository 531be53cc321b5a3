"""The use cases of assessments (kajian kebutuhan dan potensi), and the reads of their findings.

A use case gets its aggregates from its unit of work (`self.uow`), lets the domain decide, stages what changed
and returns its `Receipt`; `self.uow.run_command` runs it in the group commit, again whole after a concurrent
write. Storing an evidence file is the one side effect: it happens before the command, keyed by the file's own
hash, so a second run (or a retried request) stores nothing new, and a file whose command was refused is named by
no assessment and served to nobody.

The reads are plain functions of the ledger and the caller: outsiders (the public, partners, facilitators of other
processes) read findings and the groups who raised them, respondents' counts with small cells suppressed, and only
the evidence files a standing finding cites.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID, uuid4

from eventsourcing.application import EventSourcedLog

from domain.assessment import Assessment
from domain.partner import Partner
from domain.process import Process
from domain.proposal import Proposal
from domain.sectors import sector_name
from projections.suppression import protect_beside_total
from service.app.access import Principal
from service.app.complaint_index import PartnerListed, partner_log_id
from service.app.errors import NotFound
from service.app.ports import CleanedFile, EvidenceStore
from service.app.readable import ensure_expected, meeting_of_process, readable_process, writable_process
from service.app.receipts import CommandContext, Receipt
from service.app.statement_names import StatementNames
from service.app.unit_of_work import UnitOfWork, command


class FindingsOfAnotherProcess(Exception):
    """Finding ids that are no finding of the proposal's process (422, naming the ids, never a person)."""

    code = "validation_failed"

    def __init__(self, finding_ids: Sequence[UUID], field: str = "addresses") -> None:
        super().__init__("not a finding of this process: " + ", ".join(map(str, finding_ids)))
        self.finding_ids = [str(finding_id) for finding_id in finding_ids]
        #: The field of the request that named them (`addresses` of a proposal, `answers` of an offer).
        self.field = field


class Assessments:
    """Recording assessments, their evidence and findings, and which proposals address the findings."""

    def __init__(
        self,
        uow: UnitOfWork,
        evidence: EvidenceStore,
        clean: Callable[[bytes], CleanedFile],
        statement_names: StatementNames,
    ) -> None:
        self.uow = uow
        self.evidence = evidence
        self.clean = clean
        self.statement_names = statement_names

    # --- what every use case reads ------------------------------------------------------------

    def _writable_process(self, process_id: UUID, context: CommandContext, copy: bool = True) -> Process:
        """The open process, if the caller may write to it (a restricted one it may not read: not found)."""
        process = writable_process(self.uow, process_id, context, copy=copy)
        process.ensure_open()
        return process

    def _open_assessment(self, assessment_id: UUID, context: CommandContext) -> tuple[Assessment, Process]:
        """An assessment to change (a copy) and its open process, at the version expected."""
        assessment: Assessment = self.uow.get(Assessment, assessment_id, "assessment")
        try:
            process = self._writable_process(assessment.process_id, context, copy=False)
        except NotFound:
            raise NotFound("assessment", assessment_id) from None
        ensure_expected(assessment, context)
        return assessment, process

    # --- assessments ----------------------------------------------------------------------------

    @command
    def start(
        self,
        context: CommandContext,
        process_id: UUID,
        title: str,
        method: str,
        meeting_id: UUID | None = None,
        respondents: Sequence[Mapping[str, Any]] = (),
    ) -> Receipt:
        """Records an assessment held with the community (typed in from paper: `occurred_at` says when)."""
        process = self._writable_process(process_id, context)
        ensure_expected(process, context)
        self.statement_names.ensure_unnamed(process, context.names_are_public, title=title)
        started_at = context.when(self.uow.clock)
        if meeting_id is not None:
            meeting_of_process(self.uow, meeting_id, process).ensure_during(started_at, "an assessment")
        assessment_id = uuid4()
        process.start_assessment(assessment_id, context.actor, occurred_at=started_at)
        assessment = Assessment.start(
            id=assessment_id,
            process_id=process_id,
            title=title,
            method=method,
            meeting_id=meeting_id,
            respondents=[dict(row) for row in respondents],
            actor=context.actor,
            occurred_at=started_at,
        )
        self.uow.stage(process, assessment)
        return Receipt("assessment", assessment_id, assessment.version, created=True)

    def attach_evidence(
        self, context: CommandContext, assessment_id: UUID, content: bytes, name: str
    ) -> tuple[Receipt, str]:
        """Keeps an evidence file (photos without their EXIF and GPS) and records its SHA-256 in the assessment;
        the receipt and the SHA-256 a finding cites it by.

        Who may write is asked before a byte is kept; the file is kept before the command, which may run again.
        """
        self._open_assessment(assessment_id, context)
        clean = self.clean(content)
        self.evidence.keep(clean.content)
        receipt = self._record_evidence(
            context, assessment_id, clean.sha256, name, clean.media_type, len(clean.content)
        )
        return receipt, clean.sha256

    @command
    def _record_evidence(
        self, context: CommandContext, assessment_id: UUID, sha256: str, name: str, media_type: str, size: int
    ) -> Receipt:
        assessment, _ = self._open_assessment(assessment_id, context)
        assessment.attach_evidence(
            sha256, name, media_type, size, context.actor, occurred_at=context.when(self.uow.clock)
        )
        self.uow.stage(assessment)
        return Receipt("assessment", assessment_id, assessment.version, created=True)

    @command
    def record_finding(
        self,
        context: CommandContext,
        assessment_id: UUID,
        kind: str,
        title: str,
        description: str | None = None,
        sector: str | None = None,
        location: Mapping[str, str] | None = None,
        groups: Sequence[str] = (),
        evidence: Sequence[Mapping[str, Any]] = (),
    ) -> Receipt:
        """Records a need or a potential found by the assessment, the groups who raised it and its evidence."""
        assessment, process = self._open_assessment(assessment_id, context)
        self.statement_names.ensure_unnamed(process, context.names_are_public, title=title, description=description)
        finding_id = uuid4()
        assessment.record_finding(
            finding_id,
            kind,
            title,
            description,
            sector,
            None if location is None else dict(location),
            list(groups),
            [str(item["sha256"]) for item in evidence],
            context.actor,
            occurred_at=context.when(self.uow.clock),
        )
        self.uow.stage(assessment)
        return Receipt("assessment", assessment_id, assessment.version, part_id=finding_id, created=True)

    @command
    def correct_finding(
        self, context: CommandContext, assessment_id: UUID, finding_id: UUID, field: str, text: str, reason: str
    ) -> Receipt:
        """Records an erratum of a finding's title or description; the original stays in history."""
        assessment, process = self._open_assessment(assessment_id, context)
        self.statement_names.ensure_unnamed(process, context.names_are_public, text=text, reason=reason)
        assessment.correct_finding(
            finding_id, field, text, reason, context.actor, occurred_at=context.when(self.uow.clock)
        )
        self.uow.stage(assessment)
        return Receipt("assessment", assessment_id, assessment.version, part_id=finding_id)

    @command
    def withdraw_finding(self, context: CommandContext, assessment_id: UUID, finding_id: UUID, reason: str) -> Receipt:
        """Withdraws a finding recorded in error, with the reason; it stays on record as withdrawn."""
        assessment, process = self._open_assessment(assessment_id, context)
        self.statement_names.ensure_unnamed(process, context.names_are_public, reason=reason)
        assessment.withdraw_finding(finding_id, reason, context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(assessment)
        return Receipt("assessment", assessment_id, assessment.version, part_id=finding_id)

    @command
    def close(self, context: CommandContext, assessment_id: UUID) -> Receipt:
        """Closes an assessment: nothing more is added to it."""
        assessment, _ = self._open_assessment(assessment_id, context)
        assessment.close(context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(assessment)
        return Receipt("assessment", assessment_id, assessment.version)

    # --- what proposals address -------------------------------------------------------------------

    def addressed(self, process: Process, finding_ids: Sequence[UUID]) -> list[dict[str, str]]:
        """The findings of the process's assessments with these ids, as a proposal records them."""
        return addressed_findings(self.uow, process, finding_ids)

    @command
    def link(self, context: CommandContext, proposal_id: UUID, addresses: Sequence[UUID]) -> Receipt:
        """Records which findings (needs it answers, potentials it builds on) an undecided proposal addresses."""
        proposal: Proposal = self.uow.get(Proposal, proposal_id, "proposal")
        try:
            process = self._writable_process(proposal.process_id, context, copy=False)
        except NotFound:
            raise NotFound("proposal", proposal_id) from None
        ensure_expected(proposal, context)
        proposal.ensure_undecided()
        proposal.link_findings(
            addressed_findings(self.uow, process, addresses), context.actor, occurred_at=context.when(self.uow.clock)
        )
        self.uow.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version)


def addressed_findings(
    uow: UnitOfWork, process: Process, finding_ids: Sequence[UUID], field: str = "addresses"
) -> list[dict[str, str]]:
    """The findings of the process's assessments with these ids, as a proposal (or an offer) records them
    ({finding_id, assessment_id, kind, title}); `FindingsOfAnotherProcess` names every id that is none of them,
    and the request's `field` that named them."""
    wanted = [str(finding_id) for finding_id in finding_ids]
    found: dict[str, dict[str, str]] = {}
    for assessment in (uow.get(Assessment, aid, "assessment", copy=False) for aid in process.assessment_ids):
        for finding_id in wanted:
            if finding_id in assessment.findings and finding_id not in found:
                assessment.ensure_finding_stands(finding_id)
                finding = assessment.findings[finding_id]
                found[finding_id] = {
                    "finding_id": finding_id,
                    "assessment_id": str(assessment.id),
                    "kind": finding["kind"],
                    "title": finding["title"],
                }
    missing = [UUID(finding_id) for finding_id in wanted if finding_id not in found]
    if missing:
        raise FindingsOfAnotherProcess(missing, field)
    return [found[finding_id] for finding_id in wanted]


# --- reads ------------------------------------------------------------------------------------


class ReadsAssessments(Protocol):
    """What the reads need of the application: its unit of work and its assessments (their evidence store)."""

    @property
    def uow(self) -> UnitOfWork: ...

    @property
    def assessments(self) -> Assessments: ...

    @property
    def events(self) -> Any: ...


def _is_insider(principal: Principal, process: Process) -> bool:
    """Whether the caller runs or reviews the process (its facilitators, admins, auditors): they see every evidence
    file attached and exact counts; everyone else sees what outsiders see."""
    return principal.may_see_personal_data(process.id)


def respondents_as_seen(assessment: Assessment, exact: bool) -> dict[str, Any]:
    """The respondents: exact rows for insiders; for outsiders only counts by group and by gender, each with
    cells of 1 or 2 shown as "<3" and protected against subtraction from the total (as participation is)."""
    total = assessment.respondent_count
    by_group: Counter[str] = Counter()
    by_gender: Counter[str] = Counter()
    for row in assessment.respondents:
        by_group[str(row["group"])] += int(row["count"])
        by_gender[str(row["gender"] or "unstated")] += int(row["count"])
    groups = protect_beside_total(dict(by_group), total, exact)
    counts = {"total": total, "by_group": groups, "by_gender": protect_beside_total(dict(by_gender), total, exact)}
    if exact:
        rows = [dict(row) for row in assessment.respondents]
    else:
        rows = [{"group": group, "gender": None, "count": count} for group, count in groups.items()]
    return {"respondents": rows, "respondent_counts": counts}


def finding_as_seen(finding: Mapping[str, Any], assessment_id: UUID, language: str = "id") -> dict[str, Any]:
    """A finding as anyone may read it (it belongs to the community: groups, never a person)."""
    withdrawn = finding["withdrawn"]
    return {
        "finding_id": finding["finding_id"],
        "assessment_id": str(assessment_id),
        "kind": finding["kind"],
        "title": finding["title"],
        "description": finding["description"],
        "sector": finding["sector"],
        "sector_name": sector_name(finding["sector"], language),
        "location": finding["location"],
        "groups": list(finding["groups"]),
        "evidence": list(finding["evidence"]),
        "recorded_at": finding["recorded_at"],
        "status": "withdrawn" if withdrawn is not None else "standing",
        "withdrawal": withdrawn,
        "corrected": sorted(finding["corrections"]),
    }


@dataclass(frozen=True)
class SeenAssessment:
    """An assessment as one caller may read it, dumped by its schema."""

    id: UUID
    version: int
    process_id: UUID
    title: str
    method: str
    meeting_id: UUID | None
    status: str
    started_at: datetime
    closed_at: datetime | None
    respondents: list[dict[str, Any]]
    respondent_counts: dict[str, Any]
    evidence: list[dict[str, Any]]
    findings: list[dict[str, Any]]


def seen(assessment: Assessment, process: Process, principal: Principal, language: str = "id") -> SeenAssessment:
    """The assessment as this caller may read it: outsiders see small respondent counts suppressed and only the
    evidence files a standing finding cites."""
    insider = _is_insider(principal, process)
    exact = principal.sees_exact_counts(process.id)
    evidence = [
        {"sha256": sha256, **details}
        for sha256, details in assessment.evidence.items()
        if insider or assessment.is_cited(sha256)
    ]
    return SeenAssessment(
        id=assessment.id,
        version=assessment.version,
        process_id=assessment.process_id,
        title=assessment.title,
        method=assessment.method,
        meeting_id=assessment.meeting_id,
        status=assessment.status,
        started_at=assessment.started_at,
        closed_at=assessment.closed_at,
        evidence=evidence,
        findings=[finding_as_seen(f, assessment.id, language) for f in assessment.findings.values()],
        **respondents_as_seen(assessment, exact),
    )


def readable_assessment(
    ledger: ReadsAssessments, principal: Principal, assessment_id: UUID
) -> tuple[Assessment, Process]:
    """The assessment and its process, if the caller may read the process (else not found)."""
    assessment: Assessment = ledger.uow.get(Assessment, assessment_id, "assessment", copy=False)
    try:
        process = readable_process(ledger.uow, assessment.process_id, principal, copy=False)
    except NotFound:
        raise NotFound("assessment", assessment_id) from None
    return assessment, process


def assessment(
    ledger: ReadsAssessments, principal: Principal, assessment_id: UUID, language: str = "id"
) -> SeenAssessment:
    """One assessment as the caller may read it."""
    found, process = readable_assessment(ledger, principal, assessment_id)
    return seen(found, process, principal, language)


def assessments_of(
    ledger: ReadsAssessments, principal: Principal, process_id: UUID, after: int, limit: int, language: str = "id"
) -> tuple[list[SeenAssessment], int | None]:
    """A page of a process's assessments in the order they were recorded, and the next cursor."""
    process = readable_process(ledger.uow, process_id, principal, copy=False)
    ids = process.assessment_ids[after : after + limit]
    page = [
        seen(ledger.uow.get(Assessment, aid, "assessment", copy=False), process, principal, language) for aid in ids
    ]
    return page, after + limit if after + limit < len(process.assessment_ids) else None


def findings_of(
    ledger: ReadsAssessments,
    principal: Principal,
    process_id: UUID,
    after: int,
    limit: int,
    unanswered: bool = False,
    language: str = "id",
) -> dict[str, Any]:
    """The findings of a process's assessments, each with the proposals that address it (`addressed_by`) and those
    of them adopted (`answered_by`), and the partners' offers that answer it (`answered_by_offers`: a resource
    found for the need); with `unanswered`, only the standing needs no adopted proposal answers yet.
    `by_group` counts the findings listed (all pages) by the groups who raised them: were the women's needs heard,
    and what happened to them?"""
    process = readable_process(ledger.uow, process_id, principal, copy=False)
    addressed_by: dict[str, list[str]] = {}
    answered_by: dict[str, list[str]] = {}
    for proposal_id in process.proposal_ids:
        proposal: Proposal = ledger.uow.get(Proposal, proposal_id, "proposal", copy=False)
        adopted = proposal.decision is not None and proposal.decision.outcome == "adopted"
        for finding_id in proposal.addresses:
            addressed_by.setdefault(finding_id, []).append(str(proposal_id))
            if adopted:
                answered_by.setdefault(finding_id, []).append(str(proposal_id))
    offered = offers_answering(ledger, process.id)
    listed: list[dict[str, Any]] = []
    for assessment_id in process.assessment_ids:
        found: Assessment = ledger.uow.get(Assessment, assessment_id, "assessment", copy=False)
        for finding in found.findings.values():
            item = finding_as_seen(finding, found.id, language)
            item["addressed_by"] = addressed_by.get(finding["finding_id"], [])
            item["answered_by"] = answered_by.get(finding["finding_id"], [])
            item["answered_by_offers"] = offered.get(finding["finding_id"], [])
            if unanswered and (item["kind"] != "need" or item["status"] != "standing" or item["answered_by"]):
                continue
            listed.append(item)
    by_group: Counter[str] = Counter(group for item in listed for group in item["groups"])
    page = listed[after : after + limit]
    return {
        "items": page,
        "by_group": dict(sorted(by_group.items())),
        "next": str(after + limit) if after + limit < len(listed) else None,
    }


def offers_answering(ledger: ReadsAssessments, process_id: UUID) -> dict[str, list[str]]:
    """The ids of the partners' offers (resources they open access to) that answer each finding of a process."""
    log = EventSourcedLog(ledger.events, partner_log_id(process_id), PartnerListed)
    answered_by: dict[str, list[str]] = {}
    for entry in log.get():
        found: Partner = ledger.uow.get(Partner, entry.partner_id, "partner", copy=False)
        for offer in found.offers.values():
            for finding_id in offer["answers"]:
                answered_by.setdefault(finding_id, []).append(offer["offer_id"])
    return answered_by


def evidence_file(
    ledger: ReadsAssessments, principal: Principal, assessment_id: UUID, sha256: str
) -> tuple[bytes, str]:
    """The bytes and media type of an evidence file of an assessment the caller may read: insiders read every file
    attached, outsiders only those a standing finding cites. Anything else is not found."""
    found, process = readable_assessment(ledger, principal, assessment_id)
    details = found.evidence.get(sha256)
    if details is None or not (_is_insider(principal, process) or found.is_cited(sha256)):
        raise NotFound("evidence", sha256)
    content = ledger.assessments.evidence.read(sha256)
    if content is None:
        raise NotFound("evidence", sha256)
    return content, str(details["media_type"])

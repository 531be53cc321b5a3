"""What a process's programme report (laporan hasil dan dampak) says, gathered from the ledger's aggregates.

Only what the public may read: findings and their groups, the latest closed
ranking, decisions and how they were taken, commitments with their indicators,
money spent and lateness, closed community evaluations with small cells
suppressed, complaints as counts only, partners' contributions, and public
disputes by title, parties and status. No person's name: partners are
organisations, dispute parties are groups or organisations, a commitment's owner
is the role or body responsible as recorded for the public.

The document covers the log up to the position read after the aggregates, and
"overdue" is judged on the day of the sealing (in the process's time zone), so
the same ledger position and the same moment give the same document.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import EventSourcedLog
from eventsourcing.persistence import ApplicationRecorder, Mapper
from eventsourcing.utils import get_topic

from domain.assessment import Assessment
from domain.commitment import Commitment
from domain.complaint import STATUSES
from domain.dispute import Dispute
from domain.partner import Partner
from domain.process import Process
from domain.proposal import Proposal
from projections.suppression import THRESHOLD, protect_beside_total
from service.adapters.minutes_words import group_word
from service.adapters.report_document import (
    CommitmentLine,
    ComplaintCounts,
    ContributionLine,
    DecisionLine,
    DisputeLine,
    FindingLine,
    IndicatorLine,
    Priorities,
    PriorityLine,
    ReportDocument,
    ScoreCard,
)
from service.app.complaint_index import PartnerListed, partner_log_id
from service.app.complaints import public_counts
from service.app.disputes import Disputes, dispute_ids_of
from service.app.evaluations import evaluations_of
from service.app.promises import is_late_promise
from service.app.rankings import rankings_of
from service.app.unit_of_work import UnitOfWork

_PAGE = 500

VERIFICATION = {
    "id": (
        "Periksa: mufakat verify-report berkas.pdf menyebut proses, versi laporan dan posisi peristiwa penyegelan; "
        "atau bandingkan SHA-256 berkas ini (sha256sum) dengan GET /api/v1/processes/{id}/report/versions."
    ),
    "en": (
        "To verify: mufakat verify-report file.pdf names the process, the report version and the sealing event's "
        "position; or compare this file's SHA-256 (sha256sum) with GET /api/v1/processes/{id}/report/versions."
    ),
}


class Sources(Protocol):
    """What gathering needs of the application: its unit of work, its stores and the directory of disputes."""

    @property
    def uow(self) -> UnitOfWork: ...

    @property
    def events(self) -> Any: ...

    @property
    def recorder(self) -> ApplicationRecorder: ...

    @property
    def mapper(self) -> Mapper[UUID]: ...

    @property
    def disputes(self) -> Disputes: ...

    @property
    def vault(self) -> Any: ...


def gather_report(
    ledger: Sources, process: Process, occurred_at: datetime, language: str, public_url: str
) -> ReportDocument:
    """The public programme report of a process as it stands, and the log position it covers (in the document)."""
    as_of = occurred_at.astimezone(ZoneInfo(process.time_zone))
    proposals = [ledger.uow.get(Proposal, pid, "proposal", copy=False) for pid in process.proposal_ids]
    commitments = _commitments(ledger, process.id)
    # Read after the aggregates: whatever the document shows lies at or before this position.
    log_position = ledger.recorder.max_notification_id() or 0
    counts = public_counts(ledger, process.id)
    return ReportDocument(
        document_id=f"{process.id}@{log_position}",
        process_title=process.title,
        region_name=process.region_name,
        region_code=process.region_code,
        as_of=as_of,
        log_position=log_position,
        public_url=f"{public_url}/proses/{process.id}",
        verification=VERIFICATION[language].replace("{id}", str(process.id)),
        findings=_findings(ledger, process, proposals),
        priorities=_priorities(ledger, process),
        decisions=tuple(
            DecisionLine(p.title, p.decision.outcome, p.decision.method) for p in proposals if p.decision is not None
        ),
        commitments=tuple(_commitment_line(ledger.uow, c, as_of) for c in commitments),
        score_cards=tuple(card for c in commitments for card in _score_cards(ledger, c)),
        complaints=ComplaintCounts(
            by_status=tuple((status, int(counts[status])) for status in STATUSES),
            median_days_to_response=counts["median_days_to_response"],
        ),
        contributions=_contributions(ledger, process, {c.id: c.description for c in commitments}),
        disputes=_disputes(ledger, process, language),
    )


def _findings(ledger: Sources, process: Process, proposals: list[Proposal]) -> tuple[FindingLine, ...]:
    addressed: dict[str, int] = {}
    answered: set[str] = set()
    for proposal in proposals:
        for finding_id in proposal.addresses:
            addressed[finding_id] = addressed.get(finding_id, 0) + 1
            if proposal.decision is not None and proposal.decision.outcome == "adopted":
                answered.add(finding_id)
    lines = []
    for assessment_id in process.assessment_ids:
        assessment = ledger.uow.get(Assessment, assessment_id, "assessment", copy=False)
        for finding in assessment.findings.values():
            if finding["withdrawn"] is not None:
                continue
            found = finding["finding_id"]
            lines.append(
                FindingLine(
                    kind=finding["kind"],
                    title=finding["title"],
                    groups=tuple(finding["groups"]),
                    addressed_by=addressed.get(found, 0),
                    answered=found in answered,
                )
            )
    return tuple(lines)


def _priorities(ledger: Sources, process: Process) -> Priorities | None:
    closed = [r for r in rankings_of(ledger, process.id) if r.result is not None and r.closed_at is not None]
    if not closed:
        return None
    latest = max(closed, key=lambda r: (r.closed_at, r.version))
    titles = {
        row["proposal_id"]: ledger.uow.get(Proposal, UUID(row["proposal_id"]), "proposal", copy=False).title
        for row in latest.result or []
    }
    assert latest.closed_at is not None
    return Priorities(
        method=latest.method,
        budget_ceiling=latest.budget_ceiling,
        ballot_count=len(latest.ballots),
        closed_at=latest.closed_at.astimezone(ZoneInfo(process.time_zone)),
        items=tuple(
            PriorityLine(
                rank=int(row["rank"]),
                title=titles[row["proposal_id"]],
                estimated_cost=row.get("estimated_cost"),
                cumulative_cost=row.get("cumulative_cost"),
                within_ceiling=bool(row.get("within_ceiling")),
            )
            for row in latest.result or []
        ),
    )


def _commitments(ledger: Sources, process_id: UUID) -> list[Commitment]:
    """Every commitment of the process, in the order they were made."""
    found: list[Commitment] = []
    start = 1
    while True:
        page = ledger.recorder.select_notifications(start, _PAGE, topics=[get_topic(Commitment.Made)])
        for notification in page:
            made = ledger.mapper.to_domain_event(notification)
            if getattr(made, "process_id", None) == process_id:
                found.append(ledger.uow.get(Commitment, made.originator_id, "commitment", copy=False))
        if len(page) < _PAGE:
            return found
        start = page[-1].id + 1


def _commitment_line(uow: UnitOfWork, commitment: Commitment, as_of: datetime) -> CommitmentLine:
    spending = commitment.spending()
    return CommitmentLine(
        description=commitment.description,
        owner=commitment.owner,
        due=commitment.due,
        percent=commitment.percent,
        completed=commitment.completed,
        overdue=is_late_promise(uow, commitment, as_of.date()),
        budget=spending["budget"],
        spent=spending["spent"] or "0",
        indicators=tuple(
            IndicatorLine(
                name=str(m["name"]),
                unit=_text(m.get("unit")),
                baseline=_text(m.get("baseline")),
                target=_text(m.get("target")),
                latest=_text(m.get("latest")),
            )
            for m in commitment.indicators_against_targets()
        ),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _score_cards(ledger: Sources, commitment: Commitment) -> list[ScoreCard]:
    """The commitment's closed evaluations, as the public may read them: small cells "<3", no mean of 1 or 2."""
    cards = []
    for evaluation in evaluations_of(ledger, commitment.id):
        tally = evaluation.tally
        if tally is None:
            continue
        count = int(tally["count"])
        distribution = protect_beside_total(dict(tally["distribution"]), count, False)
        cards.append(
            ScoreCard(
                commitment=commitment.description,
                question=evaluation.question,
                count=count,
                mean=tally["mean"] if count >= THRESHOLD else None,
                distribution=tuple(distribution.items()),  # left out whole when no cell can be protected
            )
        )
    return cards


def _partners(ledger: Sources, process_id: UUID) -> list[Partner]:
    log = EventSourcedLog(ledger.events, partner_log_id(process_id), PartnerListed)
    return [ledger.uow.get(Partner, entry.partner_id, "partner", copy=False) for entry in log.get()]


def _contributions(ledger: Sources, process: Process, commitments: dict[UUID, str]) -> tuple[ContributionLine, ...]:
    lines = []
    for partner in _partners(ledger, process.id):
        for given in partner.contributions:
            toward = given.get("commitment_id")
            lines.append(
                ContributionLine(
                    partner=partner.name,
                    partner_kind=partner.kind,
                    kind=given["kind"],
                    description=given["description"],
                    amount=given.get("amount"),
                    commitment=None if toward is None else commitments.get(UUID(str(toward))),
                )
            )
    return tuple(lines)


def _disputes(ledger: Sources, process: Process, language: str) -> tuple[DisputeLine, ...]:
    partners = {str(p.id): p.name for p in _partners(ledger, process.id)}
    lines = []
    for dispute_id in dispute_ids_of(ledger, process.id):
        dispute = ledger.uow.get(Dispute, dispute_id, "dispute", copy=False)
        if not dispute.is_public:
            continue
        parties = tuple(_party(party, partners, language) for party in dispute.parties)
        lines.append(DisputeLine(title=dispute.title, parties=parties, status=dispute.status))
    return tuple(lines)


def _party(party: dict[str, Any], partners: dict[str, str], language: str) -> str:
    """A party in words: a group, an organisation, or a partner by its name (never a person)."""
    if "group" in party:
        return group_word(str(party["group"]), language)
    if "partner_id" in party:
        return partners.get(str(party["partner_id"]), "-")
    return str(party.get("organisation", "-"))


def figures_of(document: ReportDocument) -> dict[str, Any]:
    """The report's headline counts and sums (money as decimal strings), recorded with its sealing."""
    needs = [f for f in document.findings if f.kind == "need"]
    budgets = [c.budget for c in document.commitments if c.budget is not None]
    return {
        "needs": len(needs),
        "needs_answered": sum(1 for f in needs if f.answered),
        "potentials": len(document.findings) - len(needs),
        "priorities": 0 if document.priorities is None else len(document.priorities.items),
        "adopted": sum(1 for d in document.decisions if d.outcome == "adopted"),
        "rejected": sum(1 for d in document.decisions if d.outcome == "rejected"),
        "commitments": len(document.commitments),
        "completed": sum(1 for c in document.commitments if c.completed),
        "overdue": sum(1 for c in document.commitments if c.overdue),
        "spent": str(sum((Decimal(c.spent) for c in document.commitments), Decimal(0))),
        "budget": str(sum((Decimal(b) for b in budgets), Decimal(0))) if budgets else None,
        "score_cards": len(document.score_cards),
        "complaints": document.complaints.total,
        "complaints_resolved": dict(document.complaints.by_status).get("resolved", 0),
        "median_days_to_response": document.complaints.median_days_to_response,
        "contributions": len(document.contributions),
        "public_disputes": len(document.disputes),
    }

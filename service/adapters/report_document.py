"""What a programme report (laporan hasil dan dampak) says: plain values gathered from the ledger, then laid out.

Everything here is public: groups and roles, never a person's name; complaints
only as counts. `service.app.programme_report` gathers it; `report_pdf` renders it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from service.adapters.minutes_document import Count


@dataclass(frozen=True)
class FindingLine:
    """A need or potential an assessment found, and whether an adopted proposal answers it."""

    kind: str
    title: str
    groups: tuple[str, ...]
    addressed_by: int
    answered: bool


@dataclass(frozen=True)
class PriorityLine:
    """One row of the daftar prioritas."""

    rank: int
    title: str
    estimated_cost: str | None
    cumulative_cost: str | None
    within_ceiling: bool


@dataclass(frozen=True)
class Priorities:
    """The latest closed ranking: its rule, ceiling and rows."""

    method: str
    budget_ceiling: str | None
    ballot_count: int
    closed_at: datetime
    items: tuple[PriorityLine, ...]


@dataclass(frozen=True)
class DecisionLine:
    """A decided proposal: adopted, rejected or deferred, and how."""

    title: str
    outcome: str
    method: str


@dataclass(frozen=True)
class IndicatorLine:
    """An indicator of a commitment against its target."""

    name: str
    unit: str | None
    baseline: str | None
    target: str | None
    latest: str | None


@dataclass(frozen=True)
class CommitmentLine:
    """A commitment (tindak lanjut): progress, money spent against budget, indicators, and whether it is late."""

    description: str
    owner: str
    due: date
    percent: int
    completed: bool
    overdue: bool
    budget: str | None
    spent: str
    indicators: tuple[IndicatorLine, ...]


@dataclass(frozen=True)
class ScoreCard:
    """A closed community evaluation: how many scored, the mean and distribution as the public may read them."""

    commitment: str
    question: str | None
    count: int
    mean: str | None
    distribution: tuple[tuple[str, Count], ...]


@dataclass(frozen=True)
class ComplaintCounts:
    """How many complaints are in each status and the median days to a first response; never a word of them."""

    by_status: tuple[tuple[str, int], ...]
    median_days_to_response: float | None

    @property
    def total(self) -> int:
        """Every complaint filed."""
        return sum(n for _, n in self.by_status)


@dataclass(frozen=True)
class ContributionLine:
    """What a partner (an organisation) contributes, toward which commitment."""

    partner: str
    partner_kind: str
    kind: str
    description: str
    amount: str | None
    commitment: str | None


@dataclass(frozen=True)
class DisputeLine:
    """A public dispute: its title, parties (groups and organisations) and status only."""

    title: str
    parties: tuple[str, ...]
    status: str


@dataclass(frozen=True)
class ReportDocument:
    """The whole programme report of one process, as of one ledger position."""

    document_id: str
    process_title: str
    region_name: str
    region_code: str
    as_of: datetime
    log_position: int
    public_url: str
    verification: str
    findings: tuple[FindingLine, ...]
    priorities: Priorities | None
    decisions: tuple[DecisionLine, ...]
    commitments: tuple[CommitmentLine, ...]
    score_cards: tuple[ScoreCard, ...]
    complaints: ComplaintCounts
    contributions: tuple[ContributionLine, ...]
    disputes: tuple[DisputeLine, ...]

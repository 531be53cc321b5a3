"""A commitment (tindak lanjut): the follow-up promised on an adopted decision, how it is measured, what it may
cost, and its progress.

Money and indicator values are decimals, kept in the events as canonical decimal strings (never floats) so the
hash chain covers exactly what was typed.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import (
    CommitmentAlreadyCompleted,
    EvidenceNotAttached,
    IndicatorUnknown,
    ProposalNotAdopted,
    RiskClosed,
    RiskNotFound,
    ValueNotAllowed,
    ensure_aware,
    ensure_decimal,
    ensure_not_before,
    ensure_one_of,
)
from domain.steps import RecordedInOrder, Start, Step

#: The media types an evidence file of a progress report may have (as those of an assessment).
EVIDENCE_MEDIA_TYPES = ("image/jpeg", "image/png", "application/pdf")
#: How likely a risk is, and how hard it would hit (kemungkinan, dampak).
RISK_LEVELS = ("low", "medium", "high")
#: Where a risk stands: open, mitigated (mitigasi berjalan), occurred (terjadi), closed (ditutup, for good).
RISK_STATUSES = ("open", "mitigated", "occurred", "closed")


def measure(
    name: str,
    unit: str | None = None,
    baseline: Any = None,
    target: Any = None,
    means_of_verification: str | None = None,
) -> dict[str, str | None]:
    """An indicator as a commitment records it: baseline and target as decimal strings (None when not given)."""
    return {
        "name": name,
        "unit": unit,
        "baseline": None if baseline is None else ensure_decimal(f"baseline of {name}", baseline),
        "target": None if target is None else ensure_decimal(f"target of {name}", target),
        "means_of_verification": means_of_verification,
    }


def _named_once(measures: list[dict[str, str | None]]) -> None:
    names = [m["name"] for m in measures]
    twice = sorted({str(n) for n in names if names.count(n) > 1})
    if twice:
        raise IndicatorUnknown(f"each indicator is named once: {', '.join(twice)}")


class Commitment(RecordedInOrder, Aggregate):
    """Who will do what by when for an adopted proposal, how it is measured, and how far they got.

    Version 2 of the aggregate (its snapshots) keeps when the commitment was made; version 3 its objectives,
    indicators with baseline and target, budget, the latest value of each indicator, the money spent and the
    evidence files of its reports; version 4 the partner that owns it, if one does, and its risks.
    """

    class_version = 4

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Snapshots taken before version 2: the commitment was made when it was recorded."""
        state["made_at"] = state["_created_on"]

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        """Snapshots taken before version 3: indicators were names only, with no budget, values, spending or
        evidence files."""
        state["objectives"] = []
        state["measures"] = [measure(name) for name in state["indicators"]]
        state["budget"] = None
        state["latest_values"] = {}
        state["spent"] = "0"
        state["evidence"] = {}

    @staticmethod
    def upcast_v3_v4(state: dict[str, Any]) -> None:
        """Snapshots taken before version 4: owned by whoever `owner` names, never a partner, and no risks."""
        state["owner_partner_id"] = None
        state["risks"] = {}

    class Made(Start):
        """Version 3 added the objectives, the indicators' units, baselines, targets and means of verification,
        and the budget; version 4 the partner that owns it (`owner` is then the partner's name)."""

        class_version = 4
        proposal_id: UUID
        process_id: UUID
        owner: str
        description: str
        due: date
        indicators: list[str]
        objectives: list[str]
        measures: list[dict[str, str | None]]
        budget: str | None
        owner_partner_id: UUID | None

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Commitments made before version 3 named their indicators only."""
            state["objectives"] = []
            state["measures"] = [measure(name) for name in state["indicators"]]
            state["budget"] = None

        @staticmethod
        def upcast_v3_v4(state: dict[str, Any]) -> None:
            """Commitments made before version 4 were owned by whoever `owner` names, never a partner."""
            state["owner_partner_id"] = None

    class ProgressReported(Step):
        """Version 3 added the indicators' values, the money spent since the last report and evidence files."""

        class_version = 3
        percent: int
        note: str
        evidence_url: str | None
        indicator_values: dict[str, str]
        spent: str | None
        evidence: list[str]

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Reports made before version 3 gave a percent and a note only."""
            state["indicator_values"] = {}
            state["spent"] = None
            state["evidence"] = []

    class EvidenceAttached(Step):
        """An evidence file of the commitment's progress (a photo, a receipt), kept by its SHA-256."""

        sha256: str
        name: str
        media_type: str
        size: int

    class RiskIdentified(Step):
        """A risk to the commitment: what may happen, how likely and how hard, the mitigation agreed and who owns
        it (a role, or a partner by id with its name). Description and mitigation are statements."""

        risk_id: UUID
        description: str
        likelihood: str
        impact: str
        mitigation: str
        owner: str | None
        owner_partner_id: UUID | None
        status: str

    class RiskReviewed(Step):
        """A risk reviewed at a meeting of the process: where it stands now, with an optional note (a statement)."""

        risk_id: UUID
        meeting_id: UUID
        status: str
        note: str | None

    @event(Made)
    def __init__(
        self,
        id: UUID,
        proposal_id: UUID,
        process_id: UUID,
        owner: str,
        description: str,
        due: date,
        indicators: list[str],
        objectives: list[str],
        measures: list[dict[str, str | None]],
        budget: str | None,
        occurred_at: datetime,
        actor: Actor,
        owner_partner_id: UUID | None = None,
    ) -> None:
        self.made_at = occurred_at
        # The partner that owns the commitment (`owner` is then its name), None when a role does.
        self.owner_partner_id = owner_partner_id
        self.proposal_id = proposal_id
        self.process_id = process_id
        self.owner = owner
        self.description = description
        self.due = due
        self.indicators = list(indicators)
        self.objectives = list(objectives)
        self.measures = [dict(m) for m in measures]
        self.budget = budget
        self.percent = 0
        self.reports = 0
        self.completed = False
        # The latest value of each indicator by name: {value, reported_at}.
        self.latest_values: dict[str, dict[str, Any]] = {}
        self.spent = "0"
        # Each evidence file by its SHA-256: {name, media_type, size}.
        self.evidence: dict[str, dict[str, Any]] = {}
        # Each risk by its id (as text), in the order identified: what was said, where it stands, its reviews.
        self.risks: dict[str, dict[str, Any]] = {}

    @classmethod
    def make(
        cls,
        id: UUID,
        proposal_id: UUID,
        process_id: UUID,
        decision_outcome: str | None,
        owner: str,
        description: str,
        due: date,
        indicators: list[str],
        actor: Actor,
        *,
        occurred_at: datetime,
        measures: list[dict[str, str | None]] | None = None,
        objectives: list[str] | None = None,
        budget: Any = None,
        owner_partner_id: UUID | None = None,
    ) -> Commitment:
        """Makes a commitment, only on a proposal that was adopted; its indicators are named once each and its
        budget is a decimal amount, never negative. `indicators` names indicators given without a target.
        A partner owning it is given by `owner_partner_id`, with its name as `owner`."""
        if decision_outcome != "adopted":
            raise ProposalNotAdopted("follow-up can only be committed on an adopted proposal", proposal_id=proposal_id)
        ensure_aware(occurred_at)
        all_measures = [measure(name) for name in indicators] + [dict(m) for m in measures or []]
        _named_once(all_measures)
        return cls(
            id=id,
            proposal_id=proposal_id,
            process_id=process_id,
            owner=owner,
            description=description,
            due=due,
            indicators=[str(m["name"]) for m in all_measures],
            objectives=list(objectives or []),
            measures=all_measures,
            budget=None if budget is None else ensure_decimal("budget", budget, money=True),
            occurred_at=occurred_at,
            actor=actor,
            owner_partner_id=owner_partner_id,
        )

    # --- evidence ------------------------------------------------------------

    def attach_evidence(
        self, sha256: str, name: str, media_type: str, size: int, actor: Actor, *, occurred_at: datetime
    ) -> bool:
        """Records an evidence file by its SHA-256; a file attached already is recorded once (returns False)."""
        ensure_one_of("media_type", media_type, EVIDENCE_MEDIA_TYPES)
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueNotAllowed("sha256 must be 64 lowercase hexadecimal digits")
        ensure_not_before(occurred_at, self.made_at, "the commitment was made", commitment_id=self.id)
        if sha256 in self.evidence:
            return False
        self._evidence_attached(
            sha256=sha256, name=name, media_type=media_type, size=size, occurred_at=occurred_at, actor=actor
        )
        return True

    @event(EvidenceAttached)
    def _evidence_attached(
        self, sha256: str, name: str, media_type: str, size: int, occurred_at: datetime, actor: Actor
    ) -> None:
        self.evidence = {**self.evidence, sha256: {"name": name, "media_type": media_type, "size": size}}

    # --- progress ------------------------------------------------------------

    def report_progress(
        self,
        percent: int,
        note: str,
        evidence_url: str | None,
        actor: Actor,
        *,
        occurred_at: datetime,
        indicator_values: dict[str, Any] | None = None,
        spent: Any = None,
        evidence: list[str] | None = None,
    ) -> None:
        """Records a progress report; 100 percent completes the commitment. No progress before it was made.

        `indicator_values` gives values of the commitment's own indicators; `spent` is the money spent since the
        previous report (a decimal, never negative); `evidence` cites files attached to the commitment before."""
        ensure_one_of("percent", percent, tuple(range(101)))
        if self.completed:
            raise CommitmentAlreadyCompleted("this commitment is already completed", commitment_id=self.id)
        ensure_not_before(occurred_at, self.made_at, "the commitment was made", commitment_id=self.id)
        values = {}
        for name, value in (indicator_values or {}).items():
            if name not in self.indicators:
                raise IndicatorUnknown(f"this commitment has no indicator named {name}", commitment_id=self.id)
            values[name] = ensure_decimal(f"value of {name}", value)
        for sha256 in evidence or []:
            if sha256 not in self.evidence:
                raise EvidenceNotAttached(
                    f"evidence {sha256} was not attached to this commitment: upload it first", commitment_id=self.id
                )
        self._progress_reported(
            percent=percent,
            note=note,
            evidence_url=evidence_url,
            indicator_values=values,
            spent=None if spent is None else ensure_decimal("spent", spent, money=True),
            evidence=list(evidence or []),
            occurred_at=occurred_at,
            actor=actor,
        )

    @event(ProgressReported)
    def _progress_reported(
        self,
        percent: int,
        note: str,
        evidence_url: str | None,
        indicator_values: dict[str, str],
        spent: str | None,
        evidence: list[str],
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        self.percent = percent
        self.reports += 1
        self.completed = percent >= 100
        if indicator_values:
            self.latest_values = {
                **self.latest_values,
                **{name: {"value": value, "reported_at": occurred_at} for name, value in indicator_values.items()},
            }
        if spent is not None:
            self.spent = str(Decimal(self.spent) + Decimal(spent))

    # --- risks ---------------------------------------------------------------

    def identify_risk(
        self,
        risk_id: UUID,
        description: str,
        likelihood: str,
        impact: str,
        mitigation: str,
        actor: Actor,
        *,
        occurred_at: datetime,
        owner: str | None = None,
        owner_partner_id: UUID | None = None,
        status: str = "open",
    ) -> None:
        """Records a risk to the commitment with its likelihood, impact and mitigation, owned by a role or a partner
        (its name as `owner`); it starts open unless told otherwise, never closed. Not before the commitment."""
        ensure_one_of("likelihood", likelihood, RISK_LEVELS)
        ensure_one_of("impact", impact, RISK_LEVELS)
        ensure_one_of("status", status, RISK_STATUSES[:-1])
        if not description.strip() or not mitigation.strip():
            raise ValueNotAllowed("a risk says what may happen and how it is mitigated")
        ensure_not_before(occurred_at, self.made_at, "the commitment was made", commitment_id=self.id)
        self._risk_identified(
            risk_id=risk_id,
            description=description.strip(),
            likelihood=likelihood,
            impact=impact,
            mitigation=mitigation.strip(),
            owner=(owner or "").strip() or None,
            owner_partner_id=owner_partner_id,
            status=status,
            occurred_at=occurred_at,
            actor=actor,
        )

    @event(RiskIdentified)
    def _risk_identified(
        self,
        risk_id: UUID,
        description: str,
        likelihood: str,
        impact: str,
        mitigation: str,
        owner: str | None,
        owner_partner_id: UUID | None,
        status: str,
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        self.risks = {
            **self.risks,
            str(risk_id): {
                "description": description,
                "likelihood": likelihood,
                "impact": impact,
                "mitigation": mitigation,
                "owner": owner,
                "owner_partner_id": owner_partner_id,
                "status": status,
                "identified_at": occurred_at,
                "reviews": [],
            },
        }

    def review_risk(
        self, risk_id: UUID, meeting_id: UUID, status: str, note: str | None, actor: Actor, *, occurred_at: datetime
    ) -> None:
        """Records a review of a risk held at a meeting: where it stands now. A closed risk is reviewed no more,
        and no review is before the risk was identified or before an earlier review."""
        risk = self.risks.get(str(risk_id))
        if risk is None:
            raise RiskNotFound(risk_id)
        ensure_one_of("status", status, RISK_STATUSES)
        if risk["status"] == "closed":
            raise RiskClosed("this risk was closed at an earlier review", commitment_id=self.id, risk_id=risk_id)
        ensure_not_before(occurred_at, risk["identified_at"], "the risk was identified", commitment_id=self.id)
        latest = risk["reviews"][-1]["reviewed_at"] if risk["reviews"] else None
        ensure_not_before(occurred_at, latest, "the risk's latest review", commitment_id=self.id)
        said = note.strip() if note else None
        self._risk_reviewed(
            risk_id=risk_id,
            meeting_id=meeting_id,
            status=status,
            note=said or None,
            occurred_at=occurred_at,
            actor=actor,
        )

    @event(RiskReviewed)
    def _risk_reviewed(
        self, risk_id: UUID, meeting_id: UUID, status: str, note: str | None, occurred_at: datetime, actor: Actor
    ) -> None:
        risk = self.risks[str(risk_id)]
        review = {"meeting_id": meeting_id, "status": status, "note": note, "reviewed_at": occurred_at}
        self.risks = {**self.risks, str(risk_id): {**risk, "status": status, "reviews": [*risk["reviews"], review]}}

    def risks_with_latest_review(self) -> list[dict[str, Any]]:
        """Each risk in the order identified, with where it stands and its latest review (None before any)."""
        return [
            {
                "risk_id": UUID(risk_id),
                **{key: value for key, value in risk.items() if key != "reviews"},
                "review_count": len(risk["reviews"]),
                "latest_review": risk["reviews"][-1] if risk["reviews"] else None,
            }
            for risk_id, risk in self.risks.items()
        ]

    # --- what a reader sees --------------------------------------------------

    def is_overdue(self, today: date) -> bool:
        """Whether the due date passed before the commitment reached 100 percent."""
        return not self.completed and self.due < today

    def indicators_against_targets(self) -> list[dict[str, Any]]:
        """Each indicator with its baseline, target and latest value (None until a report gives one)."""
        return [
            {
                **m,
                "latest": self.latest_values.get(str(m["name"]), {}).get("value"),
                "reported_at": self.latest_values.get(str(m["name"]), {}).get("reported_at"),
            }
            for m in self.measures
        ]

    def spending(self) -> dict[str, str | None]:
        """The money spent in all reports against the budget (decimal strings; the rest None without a budget)."""
        remaining = None if self.budget is None else str(Decimal(self.budget) - Decimal(self.spent))
        return {"budget": self.budget, "spent": self.spent, "remaining": remaining}

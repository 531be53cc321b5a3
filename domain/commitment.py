"""A commitment (tindak lanjut): the follow-up promised on an adopted decision, and its progress."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import (
    CommitmentAlreadyCompleted,
    ProposalNotAdopted,
    ensure_aware,
    ensure_not_before,
    ensure_one_of,
)
from domain.steps import Start, Step


class Commitment(Aggregate):
    """Who will do what by when for an adopted proposal, and how far they got.

    Version 2 of the aggregate (its snapshots) keeps when the commitment was made.
    """

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Snapshots taken before version 2: the commitment was made when it was recorded."""
        state["made_at"] = state["_created_on"]

    class Made(Start):
        proposal_id: UUID
        process_id: UUID
        owner: str
        description: str
        due: date
        indicators: list[str]

    class ProgressReported(Step):
        percent: int
        note: str
        evidence_url: str | None

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
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        self.made_at = occurred_at
        self.proposal_id = proposal_id
        self.process_id = process_id
        self.owner = owner
        self.description = description
        self.due = due
        self.indicators = list(indicators)
        self.percent = 0
        self.reports = 0
        self.completed = False

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
    ) -> Commitment:
        """Makes a commitment, only on a proposal that was adopted."""
        if decision_outcome != "adopted":
            raise ProposalNotAdopted("follow-up can only be committed on an adopted proposal", proposal_id=proposal_id)
        ensure_aware(occurred_at)
        return cls(
            id=id,
            proposal_id=proposal_id,
            process_id=process_id,
            owner=owner,
            description=description,
            due=due,
            indicators=indicators,
            occurred_at=occurred_at,
            actor=actor,
        )

    def report_progress(
        self, percent: int, note: str, evidence_url: str | None, actor: Actor, *, occurred_at: datetime
    ) -> None:
        """Records a progress report; 100 percent completes the commitment. No progress before it was made."""
        ensure_one_of("percent", percent, tuple(range(101)))
        if self.completed:
            raise CommitmentAlreadyCompleted("this commitment is already completed", commitment_id=self.id)
        ensure_not_before(occurred_at, self.made_at, "the commitment was made", commitment_id=self.id)
        self._progress_reported(
            percent=percent, note=note, evidence_url=evidence_url, occurred_at=occurred_at, actor=actor
        )

    @event(ProgressReported)
    def _progress_reported(
        self, percent: int, note: str, evidence_url: str | None, occurred_at: datetime, actor: Actor
    ) -> None:
        self.percent = percent
        self.reports += 1
        self.completed = percent >= 100

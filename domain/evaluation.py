"""A community evaluation (community score card): the people at a meeting score a commitment 1-5.

At a meeting of the commitment's process the facilitator opens an evaluation of a commitment, with an optional
question ("Seberapa puas Bapak/Ibu dengan pembangunan sumur ini?"). Each attendee gives one score from 1 to 5 with
an optional comment; a later score of the same attendee replaces the earlier one. The scorer's group and gender are
recorded with the score (they are open in the register) so the tally can be broken down by them. Closing counts the
scores: their number, their mean (a decimal string, "4.25") and their distribution, by group and by gender. A
comment is a statement (sealed, redactable); who scored what is never shown to outsiders.

An evaluation is about a commitment or about a training: the attendees of a training (a meeting of kind `training`)
score it the same way, at that training (its `meeting_id`), with no commitment. Evaluations opened before trainings
could be evaluated were about a commitment.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import EvaluationClosed, ScoreNotValid, ensure_aware, ensure_not_before
from domain.steps import RecordedInOrder, Start, Step

SCORES = (1, 2, 3, 4, 5)
#: What an evaluation is about: a commitment (scored at a meeting of its process) or a training (scored at it).
SUBJECTS = ("commitment", "training")
UNKNOWN_GENDER = "unknown"


def ensure_score(value: object) -> int:
    """A score is a whole number from 1 to 5 (not a bool, not 4.5)."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCORES:
        raise ScoreNotValid("a score is a whole number from 1 to 5")
    return value


def mean_text(scores: list[int]) -> str | None:
    """The mean of the scores as a decimal string with two places ("4.25"), None without scores."""
    if not scores:
        return None
    mean = Decimal(sum(scores)) / Decimal(len(scores))
    return format(mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")


def tally(scores: list[dict[str, Any]]) -> dict[str, Any]:
    """Count, mean and distribution ({"1".."5": n}) of the scores, and the distribution by group and by gender
    (exact: suppression for outsiders is the reader's business, `projections.suppression`)."""
    values = [int(s["score"]) for s in scores]
    by_group: dict[str, dict[str, int]] = {}
    by_gender: dict[str, dict[str, int]] = {}
    for s in scores:
        for table, key in ((by_group, s["group"]), (by_gender, s["gender"] or UNKNOWN_GENDER)):
            row = table.setdefault(key, {str(n): 0 for n in SCORES})
            row[str(s["score"])] += 1
    return {
        "count": len(values),
        "mean": mean_text(values),
        "distribution": {str(n): values.count(n) for n in SCORES},
        "by_group": by_group,
        "by_gender": by_gender,
    }


class Evaluation(RecordedInOrder, Aggregate):
    """One community evaluation of a commitment or of a training, held at a meeting: its scores and, once closed,
    its tally. Version 2 of the aggregate (its snapshots) keeps what it is about."""

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Snapshots taken before version 2 are of evaluations of a commitment."""
        state["subject"] = "commitment"

    class Opened(Start):
        """Version 3 added what the evaluation is about (`subject`); a training's has no commitment."""

        class_version = 3
        process_id: UUID
        commitment_id: UUID | None
        meeting_id: UUID
        question: str | None
        subject: str

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Evaluations opened before version 3 were about a commitment."""
            state["subject"] = "commitment"

    class Scored(Step):
        """An attendee's score (1-5) and optional comment; it replaces an earlier score of the same participant."""

        participant_id: UUID
        score: int
        comment: str | None
        group: str
        gender: str | None

    class Closed(Step):
        """The tally the scores were counted into."""

        tally: dict[str, Any]

    @event(Opened)
    def __init__(
        self,
        id: UUID,
        process_id: UUID,
        commitment_id: UUID | None,
        meeting_id: UUID,
        question: str | None,
        occurred_at: datetime,
        actor: Actor,
        subject: str = "commitment",
    ) -> None:
        self.subject = subject
        self.process_id = process_id
        self.commitment_id = commitment_id
        self.meeting_id = meeting_id
        self.question = question
        self.opened_at = occurred_at
        # The latest score of each participant (id as text): {"score", "comment", "group", "gender"}.
        self.scores: dict[str, dict[str, Any]] = {}
        self.tally: dict[str, Any] | None = None
        self.closed_at: datetime | None = None

    @classmethod
    def open(
        cls,
        id: UUID,
        process_id: UUID,
        commitment_id: UUID,
        meeting_id: UUID,
        question: str | None,
        actor: Actor,
        *,
        occurred_at: datetime,
    ) -> Evaluation:
        """Opens an evaluation of a commitment at a meeting, with an optional question (blank is none)."""
        ensure_aware(occurred_at)
        asked = question.strip() if question else None
        return cls(
            id=id,
            process_id=process_id,
            commitment_id=commitment_id,
            meeting_id=meeting_id,
            question=asked or None,
            occurred_at=occurred_at,
            actor=actor,
        )

    @classmethod
    def open_about_training(
        cls, id: UUID, process_id: UUID, meeting_id: UUID, question: str | None, actor: Actor, *, occurred_at: datetime
    ) -> Evaluation:
        """Opens an evaluation of a training (attendance and satisfaction) at that training, with an optional
        question (blank is none); the use case checks the meeting is a training."""
        ensure_aware(occurred_at)
        asked = question.strip() if question else None
        return cls(
            id=id,
            process_id=process_id,
            commitment_id=None,
            meeting_id=meeting_id,
            question=asked or None,
            occurred_at=occurred_at,
            actor=actor,
            subject="training",
        )

    @property
    def status(self) -> str:
        """`open` while scores are given, `closed` once they are counted."""
        return "open" if self.tally is None else "closed"

    def ensure_open(self) -> None:
        """Scores are given, and the evaluation closed, only while it is open."""
        if self.tally is not None:
            raise EvaluationClosed("this evaluation is already closed", evaluation_id=self.id)

    def score(
        self,
        participant_id: UUID,
        score: object,
        comment: str | None,
        group: str,
        gender: str | None,
        actor: Actor,
        *,
        occurred_at: datetime,
    ) -> None:
        """Records an attendee's score from 1 to 5 with an optional comment; a later score replaces the earlier."""
        self.ensure_open()
        ensure_not_before(occurred_at, self.opened_at, "the evaluation opened", evaluation_id=self.id)
        given = ensure_score(score)
        said = comment.strip() if comment else None
        self._scored(
            participant_id=participant_id,
            score=given,
            comment=said or None,
            group=group,
            gender=gender,
            occurred_at=occurred_at,
            actor=actor,
        )

    @event(Scored)
    def _scored(
        self,
        participant_id: UUID,
        score: int,
        comment: str | None,
        group: str,
        gender: str | None,
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        self.scores = {
            **self.scores,
            str(participant_id): {"score": score, "comment": comment, "group": group, "gender": gender},
        }

    def close(self, actor: Actor, *, occurred_at: datetime) -> None:
        """Counts the scores into the tally (an evaluation without scores closes with a count of 0)."""
        self.ensure_open()
        ensure_not_before(occurred_at, self.opened_at, "the evaluation opened", evaluation_id=self.id)
        self._closed(tally=tally(list(self.scores.values())), occurred_at=occurred_at, actor=actor)

    @event(Closed)
    def _closed(self, tally: dict[str, Any], occurred_at: datetime, actor: Actor) -> None:
        self.tally = tally
        self.closed_at = occurred_at

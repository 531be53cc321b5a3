"""A ranking round (pemeringkatan usulan): the room orders many costed proposals against a budget ceiling.

At an open meeting the facilitator opens a ranking over two or more proposals of the process, by Borda count or by
scores 1-5 (optionally per weighted criterion, as the scoring sheets of a Musrenbang kecamatan), with an optional
budget ceiling (pagu indikatif). Each attendee hands in one ballot; a later ballot replaces the earlier one.
Closing needs ballots from at least the process's quorum of the attendees; the result ranks the proposals (ties
as `rank` says), adds their estimated costs down the ranks and marks what fits the ceiling. The rule and the
ceiling stay in the result, as a decision keeps its rules. Ballots are secret to outsiders: they read the result
and the number of ballots only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import (
    BallotNotValid,
    QuorumNotMet,
    RankedTextChanged,
    RankingClosed,
    RankingNeedsTwoProposals,
    ValueNotAllowed,
    ensure_aware,
    ensure_not_before,
    ensure_one_of,
)
from domain.planning import decimal_text
from domain.rules import as_fraction
from domain.steps import RecordedInOrder, Start, Step

RANKING_METHODS = ("borda", "score")
SCORES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Ranked:
    """One proposal as a ranking sees it: its id, the text version ranked, its cost and when it was submitted."""

    proposal_id: str
    text_version: int
    estimated_cost: str | None
    submitted_at: str

    def as_dict(self) -> dict[str, Any]:
        """As the opening event keeps it."""
        return {
            "proposal_id": self.proposal_id,
            "text_version": self.text_version,
            "estimated_cost": self.estimated_cost,
            "submitted_at": self.submitted_at,
        }


def ensure_criteria(criteria: Sequence[Mapping[str, Any]] | None, method: str) -> list[dict[str, str]] | None:
    """Weighted criteria (score rounds only): distinct names, each with a positive decimal weight (default 1)."""
    if not criteria:
        return None
    if method != "score":
        raise ValueNotAllowed("criteria belong to a score round, not to a borda round")
    checked: list[dict[str, str]] = []
    for criterion in criteria:
        name = str(criterion.get("name", "")).strip()
        if not name or name in {c["name"] for c in checked}:
            raise ValueNotAllowed("each criterion has a name of its own")
        weight = decimal_text(criterion.get("weight", "1"), "weight", places=3)
        if Decimal(weight) == 0:
            raise ValueNotAllowed("a criterion's weight is more than 0")
        checked.append({"name": name, "weight": weight})
    return checked


def ensure_ballot(
    method: str,
    proposals: Sequence[str],
    criteria: Sequence[Mapping[str, str]] | None,
    order: Sequence[str] | None,
    scores: Mapping[str, Any] | None,
) -> tuple[list[str] | None, dict[str, Any] | None]:
    """The ballot as stored: a borda order that is a permutation of the proposals, or a score (per criterion when
    the round has criteria) of 1-5 for each proposal."""
    if method == "borda":
        if order is None or sorted(order) != sorted(proposals):
            raise BallotNotValid("a borda ballot orders every proposal of the ranking once, best first")
        return list(order), None
    if scores is None or sorted(scores) != sorted(proposals):
        raise BallotNotValid("a score ballot scores every proposal of the ranking")
    names = [c["name"] for c in criteria or ()]
    stored: dict[str, Any] = {}
    for proposal_id in proposals:
        given = scores[proposal_id]
        if names:
            if not isinstance(given, Mapping) or sorted(given) != sorted(names):
                raise BallotNotValid("a score ballot scores each proposal on every criterion of the ranking")
            stored[proposal_id] = {name: _score(given[name]) for name in names}
        else:
            stored[proposal_id] = _score(given)
    return None, stored


def _score(value: Any) -> int:
    if isinstance(value, bool) or value not in SCORES:
        raise BallotNotValid("a score is a whole number from 1 to 5")
    return int(value)


def tally(
    method: str,
    proposals: Sequence[Ranked],
    ballots: Sequence[Mapping[str, Any]],
    criteria: Sequence[Mapping[str, str]] | None,
    budget_ceiling: str | None,
) -> list[dict[str, Any]]:
    """The result: proposals by rank with their points, cost, cumulative cost and whether it fits the ceiling.

    Borda: with n proposals a ballot gives n-1 points to the first, down to 0 for the last; score: the sum of the
    scores (each times its criterion's weight). Rank 1 has the most points; ties go to more first places (borda)
    or more 5s (score), then to the earlier submission, then to the order the ranking listed them in. A proposal
    without an estimated cost adds nothing to the cumulative cost.
    """
    points: dict[str, Decimal] = {p.proposal_id: Decimal(0) for p in proposals}
    firsts: dict[str, int] = {p.proposal_id: 0 for p in proposals}
    weights = {c["name"]: Decimal(c["weight"]) for c in criteria or ()}
    for ballot in ballots:
        if method == "borda":
            order = ballot["order"]
            for place, proposal_id in enumerate(order):
                points[proposal_id] += len(order) - 1 - place
            firsts[order[0]] += 1
        else:
            for proposal_id, given in ballot["scores"].items():
                marks = given if isinstance(given, Mapping) else {"": given}
                for name, score in marks.items():
                    points[proposal_id] += weights.get(name, Decimal(1)) * score
                    firsts[proposal_id] += score == 5
    listed = {p.proposal_id: n for n, p in enumerate(proposals)}
    ordered = sorted(
        proposals, key=lambda p: (-points[p.proposal_id], -firsts[p.proposal_id], p.submitted_at, listed[p.proposal_id])
    )
    ceiling = None if budget_ceiling is None else Decimal(budget_ceiling)
    cumulative = Decimal(0)
    result = []
    for rank, ranked in enumerate(ordered, start=1):
        if ranked.estimated_cost is not None:
            cumulative += Decimal(ranked.estimated_cost)
        result.append(
            {
                "proposal_id": ranked.proposal_id,
                "rank": rank,
                "points": _points_text(points[ranked.proposal_id]),
                "estimated_cost": ranked.estimated_cost,
                "cumulative_cost": format(cumulative, "f"),
                "within_ceiling": ceiling is None or cumulative <= ceiling,
            }
        )
    return result


def _points_text(points: Decimal) -> str:
    """Points as a decimal string ("12", "13.5"): weights may make them fractional, never a float."""
    return format(points.normalize(), "f") if points != points.to_integral() else str(int(points))


class Ranking(RecordedInOrder, Aggregate):
    """One ranking round of a process, held at a meeting: its proposals, ballots and, once closed, its result."""

    class Opened(Start):
        process_id: UUID
        meeting_id: UUID
        method: str
        proposals: list[dict[str, Any]]
        budget_ceiling: str | None
        criteria: list[dict[str, str]] | None

    class BallotCast(Step):
        """A ballot: a borda `order` or `scores`; it replaces an earlier ballot of the same participant."""

        participant_id: UUID
        order: list[str] | None
        scores: dict[str, Any] | None

    class Closed(Step):
        """The result, the number of ballots it was counted from and the rule it was counted by."""

        result: list[dict[str, Any]]
        ballots: int
        rules: dict[str, Any]

    @event(Opened)
    def __init__(
        self,
        id: UUID,
        process_id: UUID,
        meeting_id: UUID,
        method: str,
        proposals: list[dict[str, Any]],
        budget_ceiling: str | None,
        criteria: list[dict[str, str]] | None,
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        self.process_id = process_id
        self.meeting_id = meeting_id
        self.method = method
        self.proposals = proposals
        self.budget_ceiling = budget_ceiling
        self.criteria = criteria
        self.opened_at = occurred_at
        # The latest ballot of each participant (id as text): {"order": ..., "scores": ...}.
        self.ballots: dict[str, dict[str, Any]] = {}
        self.result: list[dict[str, Any]] | None = None
        self.closed_at: datetime | None = None

    @classmethod
    def open(
        cls,
        id: UUID,
        process_id: UUID,
        meeting_id: UUID,
        method: str,
        proposals: Sequence[Ranked],
        budget_ceiling: object | None,
        criteria: Sequence[Mapping[str, Any]] | None,
        actor: Actor,
        *,
        occurred_at: datetime,
    ) -> Ranking:
        """Opens a ranking of two or more distinct proposals by a method, with an optional budget ceiling."""
        ensure_aware(occurred_at)
        ensure_one_of("method", method, RANKING_METHODS)
        if len({p.proposal_id for p in proposals}) < 2 or len({p.proposal_id for p in proposals}) != len(proposals):
            raise RankingNeedsTwoProposals("a ranking orders at least two different proposals")
        return cls(
            id=id,
            process_id=process_id,
            meeting_id=meeting_id,
            method=method,
            proposals=[p.as_dict() for p in proposals],
            budget_ceiling=None if budget_ceiling is None else decimal_text(budget_ceiling, "budget ceiling"),
            criteria=ensure_criteria(criteria, method),
            occurred_at=occurred_at,
            actor=actor,
        )

    @property
    def status(self) -> str:
        """`open` while ballots are handed in, `closed` once the result is counted."""
        return "open" if self.result is None else "closed"

    @property
    def proposal_ids(self) -> list[str]:
        """The ranked proposals' ids (as text), in the order the ranking listed them."""
        return [p["proposal_id"] for p in self.proposals]

    def ensure_open(self) -> None:
        """Ballots are handed in, and the ranking closed, only while it is open."""
        if self.result is not None:
            raise RankingClosed("this ranking is already closed", ranking_id=self.id)

    def cast_ballot(
        self,
        participant_id: UUID,
        actor: Actor,
        *,
        occurred_at: datetime,
        order: Sequence[object] | None = None,
        scores: Mapping[Any, Any] | None = None,
    ) -> None:
        """Records an attendee's ballot; a later ballot of the same participant replaces the earlier one."""
        self.ensure_open()
        ensure_not_before(occurred_at, self.opened_at, "the ranking opened", ranking_id=self.id)
        stored_order, stored_scores = ensure_ballot(
            self.method,
            self.proposal_ids,
            self.criteria,
            None if order is None else [str(p) for p in order],
            None if scores is None else {str(p): s for p, s in scores.items()},
        )
        self._ballot_cast(
            participant_id=participant_id,
            order=stored_order,
            scores=stored_scores,
            occurred_at=occurred_at,
            actor=actor,
        )

    @event(BallotCast)
    def _ballot_cast(
        self,
        participant_id: UUID,
        order: list[str] | None,
        scores: dict[str, Any] | None,
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        self.ballots = {**self.ballots, str(participant_id): {"order": order, "scores": scores}}

    def close(
        self,
        attendees: int,
        quorum: float,
        text_versions: Mapping[str, int],
        actor: Actor,
        *,
        occurred_at: datetime,
    ) -> None:
        """Counts the result once ballots from at least `quorum` of the meeting's `attendees` are in, and only if no
        ranked proposal's text (and so its cost) changed since the ranking opened."""
        self.ensure_open()
        ensure_not_before(occurred_at, self.opened_at, "the ranking opened", ranking_id=self.id)
        if attendees == 0 or len(self.ballots) < as_fraction(quorum) * attendees:
            raise QuorumNotMet(
                f"only {len(self.ballots)} of {attendees} attendees handed in a ballot; the quorum is {quorum:.0%}",
                ranking_id=self.id,
            )
        changed = [p["proposal_id"] for p in self.proposals if text_versions.get(p["proposal_id"]) != p["text_version"]]
        if changed:
            raise RankedTextChanged(
                "a ranked proposal was amended since the ranking opened: open a new ranking on the new text",
                ranking_id=self.id,
                proposal_id=changed[0],
            )
        result = tally(
            self.method,
            [Ranked(**p) for p in self.proposals],
            list(self.ballots.values()),
            self.criteria,
            self.budget_ceiling,
        )
        rules = {"method": self.method, "budget_ceiling": self.budget_ceiling, "criteria": self.criteria}
        self._closed(result=result, ballots=len(self.ballots), rules=rules, occurred_at=occurred_at, actor=actor)

    @event(Closed)
    def _closed(
        self, result: list[dict[str, Any]], ballots: int, rules: dict[str, Any], occurred_at: datetime, actor: Actor
    ) -> None:
        self.result = result
        self.closed_at = occurred_at

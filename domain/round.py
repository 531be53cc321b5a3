"""A round of a proposal's deliberation: a consensus check or a vote, held at one meeting on one text version.

One round, two kinds. What they share is coded once, here: a round is open until it closes; each participant's
latest mark (a stance, a ballot) is kept and counted; a mark and the close lie within the round's time; the
close counts the marks against the quorum and the process's rules into a result and a tally; a closed round
on the current text founds a decision by its method. What tells the kinds apart is small and lives with them
(`domain.deliberation`): their words (`RoundKind`), whether a mark may change, and how the count decides.

Rounds are plain dataclasses held in the Proposal aggregate's state: the fields of each kind are its stored
form (snapshots) and stay as they are; a kind's words are class variables, never stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from domain.errors import (
    QuorumNotMet,
    RuleBroken,
    TextChangedSinceCheck,
    ensure_not_after,
    ensure_not_before,
)
from domain.rules import DecisionRules

R = TypeVar("R", bound="Round")


@dataclass(frozen=True)
class RoundKind:
    """What one kind of round is called and what it decides: its words, marks, results and refusals."""

    #: What the round is called in a sentence ("consensus check", "vote").
    name: str
    #: What a participant gives in it ("stance", "ballot").
    mark: str
    #: The marks a participant may give.
    marks: tuple[str, ...]
    #: The decision method it founds ("consensus", "vote").
    method: str
    #: Its result when it carries the text, and when it does not.
    carried: str
    not_carried: str
    #: The refusal of a step in the round once it is closed.
    not_open: type[RuleBroken]
    #: The refusal of a decision by its method when no such round was held on the text.
    none_held: type[RuleBroken]
    #: The refusal of an adoption on a round that did not carry the text, and its sentence.
    not_carried_refusal: type[RuleBroken]
    not_carried_detail: str
    #: The name of the round's id among a refusal's ids ("check_id", "vote_id").
    id_name: str


@dataclass(kw_only=True)
class Round:
    """What a consensus check and a vote share: held at one meeting on one text version, opened, marked, closed.

    `text_version` is the proposal's text the round was held on (None only for
    rounds stored before it was recorded); `after_annulments` is how many
    decisions of the proposal had been annulled when it opened, so that a
    decision never stands on a round that founded an annulled one; `last_step_at` is when its latest stance
    or ballot happened in the room (None before any, or for rounds snapshotted before it was kept): a round
    cannot close before it.
    """

    kind: ClassVar[RoundKind]

    meeting_id: str
    status: str = "open"
    result: str | None = None
    tally: dict[str, Any] | None = None
    text_version: int | None = None
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    after_annulments: int = 0
    last_step_at: datetime | None = None

    # --- what a kind says --------------------------------------------------------

    @property
    def round_id(self) -> str:
        """The id of this check or vote."""
        raise NotImplementedError

    @property
    def marks(self) -> dict[str, str]:
        """Each participant's latest mark (stance or ballot), by participant id."""
        raise NotImplementedError

    def _ensure_may_mark_again(self, participant_id: UUID) -> None:
        """Refuses a participant's second mark where the kind allows only one (a mind may change, a ballot not)."""

    def _verdict(
        self, counts: dict[str, int], rules: DecisionRules, quorum_met: bool, blocking_objections: int
    ) -> tuple[bool, dict[str, object]]:
        """Whether the count carries the text, and what the kind adds to the tally."""
        raise NotImplementedError

    def _ensure_bears_rejection(self, rules: DecisionRules) -> None:
        """Refuses a rejection by this round's method that its count does not bear (asked once its quorum held)."""
        raise NotImplementedError

    # --- what every round does ---------------------------------------------------

    @property
    def is_open(self) -> bool:
        """Stances or ballots are still taken."""
        return self.status == "open"

    @property
    def ids(self) -> dict[str, str]:
        """The round's id as a refusal names it."""
        return {self.kind.id_name: self.round_id}

    @property
    def times(self) -> list[datetime]:
        """When the steps of this round happened in the room, as far as they are known: opened, latest mark, closed."""
        return [t for t in (self.opened_at, self.last_step_at, self.closed_at) if t is not None]

    def count(self) -> dict[str, int]:
        """How many hold each mark now (a changed mind counts once, as its latest stance)."""
        counts = dict.fromkeys(self.kind.marks, 0)
        for mark in self.marks.values():
            counts[mark] += 1
        return counts

    def ensure_takes_mark(self, participant_id: UUID, occurred_at: datetime) -> None:
        """Refuses a mark in a closed round, a second ballot, or a mark before the round opened."""
        if not self.is_open:
            raise self.kind.not_open(f"this {self.kind.name} is closed", **self.ids)
        self._ensure_may_mark_again(participant_id)
        ensure_not_before(occurred_at, self.opened_at, f"its {self.kind.name} opened", **self.ids)

    def take_mark(self, participant_id: UUID, mark: str, occurred_at: datetime) -> None:
        """Keeps a participant's mark as their latest, and when it happened."""
        self.marks[str(participant_id)] = mark
        self.note_step(occurred_at)

    def note_step(self, occurred_at: datetime) -> None:
        """Keeps when the latest stance or ballot of this round happened."""
        if self.last_step_at is None or occurred_at > self.last_step_at:
            self.last_step_at = occurred_at

    def closing(
        self,
        invited: int,
        present_of_invited: int,
        rules: DecisionRules,
        *,
        blocking_objections: int,
        occurred_at: datetime,
        meeting_closed_at: datetime | None,
    ) -> tuple[str, dict[str, object]]:
        """The result and tally this round closes with at `occurred_at`; refuses a close the round does not allow.

        It closes once, within the time of its meeting: not before it opened nor before its latest mark, and
        not after its meeting closed (`meeting_closed_at`, None while the meeting is open). The tally keeps the
        count, the quorum's inputs and whether it held, and what the kind decided by.
        """
        if not self.is_open:
            raise self.kind.not_open(f"this {self.kind.name} is already closed", **self.ids)
        ensure_not_before(occurred_at, self.opened_at, "it opened", **self.ids)
        ensure_not_before(occurred_at, self.last_step_at, f"its latest {self.kind.mark}", **self.ids)
        ensure_not_after(occurred_at, meeting_closed_at, "its meeting closed", **self.ids)
        counts = self.count()
        quorum_met = rules.quorum_holds(invited, present_of_invited)
        carried, particulars = self._verdict(counts, rules, quorum_met, blocking_objections)
        tally: dict[str, object] = {
            **counts,
            "invited": invited,
            "present": present_of_invited,
            "quorum_met": quorum_met,
            **particulars,
        }
        return (self.kind.carried if carried else self.kind.not_carried), tally

    def close(self, result: str, tally: dict[str, object], occurred_at: datetime) -> None:
        """Closes the round with its result and tally, at the time it closed in the room."""
        self.status = "closed"
        self.result = result
        self.tally = dict(tally)
        self.closed_at = occurred_at

    def ensure_bears(self, outcome: str, rules: DecisionRules, text_version: int, proposal_id: UUID) -> None:
        """Refuses a decision `outcome` by this round's method that this round, the latest of its kind, does not
        bear out: an adoption needs it carried; any decision needs it held on the current text
        (`text_version`); a rejection needs its quorum held and its count against the text."""
        if outcome == "adopted" and self.result != self.kind.carried:
            raise self.kind.not_carried_refusal(self.kind.not_carried_detail, proposal_id=proposal_id)
        if self.text_version != text_version:
            raise TextChangedSinceCheck(
                f"the text was amended since: that check or vote was held on text version "
                f"{self.text_version}, the current text is version {text_version}",
                proposal_id=proposal_id,
            )
        if outcome == "rejected":
            if not (self.tally or {}).get("quorum_met", False):
                raise QuorumNotMet(
                    f"the latest {self.kind.name} was held without quorum: it decided nothing", **self.ids
                )
            self._ensure_bears_rejection(rules)


def ensure_quorum(rules: DecisionRules, invited: int, present_of_invited: int, meeting_id: UUID) -> None:
    """Refuses to open a round at a meeting whose quorum does not hold."""
    if not rules.quorum_holds(invited, present_of_invited):
        raise QuorumNotMet(
            f"only {present_of_invited} of {invited} invited attend; the quorum is {rules.quorum:.0%}",
            meeting_id=meeting_id,
        )


def latest_since(rounds: list[R], annulments: int) -> R | None:
    """The latest of these rounds opened since the `annulments`-th annulment (none founded an annulled decision)."""
    current = [r for r in rounds if r.after_annulments == annulments]
    return current[-1] if current else None


def last_closed(*rounds: Round | None) -> Round | None:
    """The round that closed last of these (all are closed when a decision is made)."""
    held: list[Round] = [r for r in rounds if r is not None]
    if not held:
        return None
    return max(held, key=lambda r: (r.closed_at is not None, r.closed_at or datetime.min))

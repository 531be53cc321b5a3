"""The parts of a proposal's deliberation: objections, consensus checks, votes, the decision, corrections.

Plain dataclasses held inside the Proposal aggregate; their ids are text so
that the aggregate's state stays JSON for snapshots. Every field added after
the first release has a default, so that snapshots stored before it still read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

OBJECTION_OUTCOMES = ("addressed", "withdrawn", "overruled")
CONTRIBUTION_KINDS = ("support", "concern", "question", "information")
STANCES = ("agree", "abstain", "disagree", "block")
CHOICES = ("yes", "no", "abstain")
OUTCOMES = ("adopted", "rejected", "deferred")
METHODS = ("consensus", "vote", "none")


@dataclass
class Objection:
    """An objection (keberatan), blocking or not, and how it ended."""

    objection_id: str
    raised_by: str
    grounds: str
    blocking: bool
    state: str = "unresolved"
    note: str | None = None
    raised_at: datetime | None = None
    #: The version of the step that resolved it (None while unresolved, or resolved before this was kept).
    note_version: int | None = None

    @property
    def is_unresolved_blocking(self) -> bool:
        """A blocking objection still standing: consensus cannot be reached over it."""
        return self.blocking and self.state == "unresolved"


@dataclass(kw_only=True)
class Round:
    """What a consensus check and a vote share: held at one meeting on one text version, opened, closed.

    `text_version` is the proposal's text the round was held on (None only for
    rounds stored before it was recorded); `after_annulments` is how many
    decisions of the proposal had been annulled when it opened, so that a
    decision never stands on a round that founded an annulled one; `last_step_at` is when its latest stance
    or ballot happened in the room (None before any, or for rounds snapshotted before it was kept): a round
    cannot close before it.
    """

    meeting_id: str
    status: str = "open"
    result: str | None = None
    tally: dict[str, Any] | None = None
    text_version: int | None = None
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    after_annulments: int = 0
    last_step_at: datetime | None = None

    def note_step(self, occurred_at: datetime) -> None:
        """Keeps when the latest stance or ballot of this round happened."""
        if self.last_step_at is None or occurred_at > self.last_step_at:
            self.last_step_at = occurred_at

    @property
    def is_open(self) -> bool:
        """Stances or ballots are still taken."""
        return self.status == "open"


@dataclass(kw_only=True)
class ConsensusCheck(Round):
    """A consensus check (pengecekan mufakat) at one meeting, with each participant's latest stance."""

    check_id: str
    stances: dict[str, str] = field(default_factory=dict)

    def count_stances(self) -> dict[str, int]:
        """How many hold each stance now (a changed mind counts once, as its latest stance)."""
        counts = dict.fromkeys(STANCES, 0)
        for stance in self.stances.values():
            counts[stance] += 1
        return counts


@dataclass(kw_only=True)
class Vote(Round):
    """A vote (pemungutan suara) at one meeting, one ballot per attending participant."""

    vote_id: str
    ballots: dict[str, str] = field(default_factory=dict)

    def count_ballots(self) -> dict[str, int]:
        """How many ballots were cast for each choice."""
        counts = dict.fromkeys(CHOICES, 0)
        for choice in self.ballots.values():
            counts[choice] += 1
        return counts


@dataclass
class Decision:
    """The decision on a proposal, with the rules it was made under; `decided_at` is when, in the room."""

    outcome: str
    method: str
    rationale: str
    rules: dict[str, Any]
    decided_at: datetime


@dataclass
class Annulment:
    """A decision annulled by a later musyawarah, with why, on what legal basis, and when."""

    decision: Decision
    reason: str
    legal_basis: str | None
    meeting_id: str | None
    annulled_at: datetime


@dataclass
class Correction:
    """An erratum: the corrected text of one free-text field of the step recorded at `version`."""

    version: int
    field: str
    text: str
    reason: str
    corrected_at: datetime

"""The parts of a proposal's deliberation: objections, consensus checks, votes, the decision.

Plain dataclasses held inside the Proposal aggregate; their ids are text so
that the aggregate's state stays JSON for snapshots.
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

    @property
    def is_unresolved_blocking(self) -> bool:
        """A blocking objection still standing: consensus cannot be reached over it."""
        return self.blocking and self.state == "unresolved"


@dataclass
class ConsensusCheck:
    """A consensus check (pengecekan mufakat) at one meeting, with each participant's latest stance."""

    check_id: str
    meeting_id: str
    status: str = "open"
    stances: dict[str, str] = field(default_factory=dict)
    result: str | None = None
    tally: dict[str, Any] | None = None

    def count_stances(self) -> dict[str, int]:
        """How many hold each stance now (a changed mind counts once, as its latest stance)."""
        counts = dict.fromkeys(STANCES, 0)
        for stance in self.stances.values():
            counts[stance] += 1
        return counts


@dataclass
class Vote:
    """A vote (pemungutan suara) at one meeting, one ballot per attending participant."""

    vote_id: str
    meeting_id: str
    status: str = "open"
    ballots: dict[str, str] = field(default_factory=dict)
    result: str | None = None
    tally: dict[str, Any] | None = None

    def count_ballots(self) -> dict[str, int]:
        """How many ballots were cast for each choice."""
        counts = dict.fromkeys(CHOICES, 0)
        for choice in self.ballots.values():
            counts[choice] += 1
        return counts


@dataclass
class Decision:
    """The decision on a proposal, with the rules it was made under."""

    outcome: str
    method: str
    rationale: str
    rules: dict[str, Any]
    decided_at: datetime

"""Proposals, meetings and decision histories as outsiders read them: choices only as tallies, nobody named.

A history with every stance and ballot, even under a pseudonym numbered within
the proposal, lets a reader line the steps up with everything else that is
public (the order of the register, who spoke, a group with one member) and
tell how the only wheelchair user of a village voted. So the public, partners
and facilitators of other processes get no stance or ballot step (the step
that closes a check or a vote carries the tally), no field that names a
participant, and whoever recorded a step by role only. Which fields of a step
name a participant is the registry's word (`projections.registry`).
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any, TypeVar

from projections.history import Recorder, Step

T = TypeVar("T")


#: Steps that record one person's choice: outsiders see choices only as the tally of the step that closes them.
INDIVIDUAL_CHOICES = frozenset({"StanceTaken", "BallotCast"})


def outsider_steps(found: list[Step]) -> list[Step]:
    """The history as outsiders (the public, partners, facilitators of other processes) read it.

    No stance or ballot step (the closing step's tally says how many chose what), no field naming a
    participant (no id, no pseudonym that would line steps up), and whoever recorded a step by role only.
    The sentences were already worded naming a group only where at least 3 attendees share it.
    """
    shown = []
    for step in found:
        if step.type in INDIVIDUAL_CHOICES:
            continue
        data = {key: value for key, value in step.data.items() if key not in step.names}
        actor = Recorder(step.actor.role, step.actor.role)
        shown.append(dataclasses.replace(step, data=data, names=(), actor=actor))
    return shown


class WithoutWhoAttended:
    """A meeting as outsiders read it: how many were invited and attend, not who (no participant ids)."""

    WITHHELD = frozenset({"invited", "attendees"})

    def __init__(self, meeting: object) -> None:
        self._meeting = meeting

    def __getattr__(self, attribute: str) -> Any:
        if attribute in self.WITHHELD:
            raise AttributeError(attribute)
        return getattr(self._meeting, attribute)


def outsider_proposal(proposal: T) -> T:
    """A copy of the proposal as it stood, naming nobody: no submitter, no raiser, stances only as tallies.

    While a vote is open not even how many ballots are in (None): a count that moves with each tap tells a
    reader who watches the hall when each person voted, and the tally at the close is all they may learn.
    """
    shown: Any = copy.deepcopy(proposal)
    shown.submitted_by = None
    for objection in shown.objections.values():
        objection.raised_by = None
    for check in shown.checks.values():
        check.stances = {}
    for vote in shown.votes.values():
        if vote.is_open:
            vote.ballots = None
    return shown  # type: ignore[no-any-return]

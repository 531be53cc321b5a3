"""Participants in public decision histories: pseudonymous within one proposal, never linkable across.

A public history shows every stance and ballot. With real participant ids, anyone
could follow one person (the only wheelchair user of a village, say) through
every decision of every process. So readers who may not see personal data
(the public, partners) get each participant as a pseudonym numbered by first
appearance in that proposal's history, `00000000-0000-0000-0000-000000000001`
and so on: a changed stance still shows as the same participant within the
proposal, while nothing ties two proposals' pseudonyms together. Their group
still appears in every summary. Which fields of a step name a participant is
the registry's word (`projections.registry`).
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any, TypeVar
from uuid import UUID

from projections.history import Recorder, Step

T = TypeVar("T")


class ProposalPseudonyms:
    """Numbers the participants of one proposal's history in order of first appearance."""

    def __init__(self) -> None:
        self._numbers: dict[str, UUID] = {}

    def of(self, participant_id: object) -> UUID:
        """The pseudonym of a participant in this proposal."""
        key = str(participant_id)
        if key not in self._numbers:
            self._numbers[key] = UUID(int=len(self._numbers) + 1)
        return self._numbers[key]

    def _named(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._named(item) for item in value]
        return str(self.of(value))

    def steps(self, found: list[Step]) -> list[Step]:
        """The history's steps, oldest first, with every participant id replaced."""
        shown = []
        for step in found:
            data = dict(step.data)
            for name in step.names:
                if data.get(name) is not None:
                    data[name] = self._named(data[name])
            shown.append(dataclasses.replace(step, data=data))
        return shown

    def proposal(self, proposal: T) -> T:
        """A copy of the proposal as it stood, with every participant id replaced (after `steps`, which
        numbers them)."""
        shown: Any = copy.deepcopy(proposal)
        shown.submitted_by = self.of(shown.submitted_by)
        for objection in shown.objections.values():
            objection.raised_by = str(self.of(objection.raised_by))
        for check in shown.checks.values():
            check.stances = {str(self.of(pid)): stance for pid, stance in check.stances.items()}
        return shown  # type: ignore[no-any-return]


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


def outsider_proposal(proposal: T) -> T:
    """A copy of the proposal as it stood, naming nobody: no submitter, no raiser, stances only as tallies."""
    shown: Any = copy.deepcopy(proposal)
    shown.submitted_by = None
    for objection in shown.objections.values():
        objection.raised_by = None
    for check in shown.checks.values():
        check.stances = {}
    return shown  # type: ignore[no-any-return]

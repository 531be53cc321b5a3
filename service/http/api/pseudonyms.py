"""Participants in public decision histories: pseudonymous within one proposal, never linkable across.

A public history shows every stance and ballot. With real participant ids, anyone
could follow one person (the only wheelchair user of a village, say) through
every decision of every process. So readers who may not see personal data
(the public, partners) get each participant as a pseudonym numbered by first
appearance in that proposal's history, `00000000-0000-0000-0000-000000000001`
and so on: a changed stance still shows as the same participant within the
proposal, while nothing ties two proposals' pseudonyms together. Their group
still appears in every summary.
"""

from __future__ import annotations

import copy
from typing import Any
from uuid import UUID

#: The fields of a step's data that name a participant.
PARTICIPANT_FIELDS = ("participant_id", "raised_by", "proposed_by", "submitted_by")


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

    def steps(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The history's items, oldest first, with every participant id replaced."""
        shown = []
        for item in items:
            data = dict(item["data"])
            for name in PARTICIPANT_FIELDS:
                if data.get(name) is not None:
                    data[name] = str(self.of(data[name]))
            shown.append({**item, "data": data})
        return shown

    def state(self, state: dict[str, Any]) -> dict[str, Any]:
        """The proposal as it stood, with every participant id replaced (after `steps`, which numbers them)."""
        shown = copy.deepcopy(state)
        shown["submitted_by"] = self.of(shown["submitted_by"])
        for objection in shown["objections"]:
            objection["raised_by"] = str(self.of(objection["raised_by"]))
        for check in shown["consensus_checks"]:
            check["stances"] = {str(self.of(pid)): stance for pid, stance in check["stances"].items()}
        return shown

"""What was said on a proposal (its contributions), as the record reads today: corrected where an erratum was
recorded, "[teks disunting]" where the words were redacted.

The proposal keeps only a count of its contributions; the words are in its events, read here for the console's
proposal page and the berita acara.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.proposal import REDACTED_TEXT, Proposal


@dataclass(frozen=True)
class Contribution:
    """One contribution: who spoke (an id, personal to whoever may see names), its kind and words, and when."""

    version: int
    participant_id: UUID
    kind: str
    text: str
    occurred_at: datetime


def contributions_of(event_store: Any, proposal: Proposal) -> list[Contribution]:
    """Every contribution to the proposal, in the order they were recorded, with corrections and redactions."""
    said = []
    for step in event_store.get(proposal.id):
        if not isinstance(step, Proposal.Contributed):
            continue
        version = step.originator_version
        text = step.text
        correction = proposal.corrected(version, "text")
        if proposal.is_redacted(version, "text"):
            text = REDACTED_TEXT
        elif correction is not None:
            text = correction.text
        said.append(Contribution(version, UUID(str(step.participant_id)), step.kind, text, step.occurred_at))
    return said

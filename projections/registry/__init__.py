"""The registry of events: one entry per event class of every aggregate and of the service.

Each entry says how the event is worded (Bahasa Indonesia and English), where it is published (a proposal's
history, the transparency feed) and which of its fields name a participant. The read models, the history's
sentences and what outsiders see of histories all read it here; a test fails when an event has no entry.
Adding an event to an aggregate touches the aggregate, its entry in the module named after it, and its tests.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.utils import get_topic

from projections.registry import (
    assessment,
    commitment,
    complaint,
    dispute,
    evaluation,
    meeting,
    partner,
    process,
    programme_report,
    proposal,
    ranking,
    service,
)
from projections.registry.entry import FEED, HISTORY, Entry

__all__ = ["FEED", "HISTORY", "REGISTRY", "Entry", "entry", "published_in"]

#: Every entry by the topic its event is stored under.
REGISTRY: dict[str, Entry] = {
    item.topic: item
    for module in (
        process,
        meeting,
        proposal,
        commitment,
        assessment,
        ranking,
        dispute,
        complaint,
        partner,
        evaluation,
        programme_report,
        service,
    )
    for item in module.ENTRIES
}


def entry(event: type[Any] | str) -> Entry:
    """The entry of an event class or of its topic (KeyError for an event nobody registered: a test keeps
    that from happening)."""
    return REGISTRY[event if isinstance(event, str) else get_topic(event)]


def published_in(output: str) -> tuple[Entry, ...]:
    """The entries of the events one output (`HISTORY`, `FEED`) publishes, in registry order."""
    return tuple(item for item in REGISTRY.values() if output in item.published)

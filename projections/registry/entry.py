"""What the registry says of one event: its words, where it is published, which fields name a participant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eventsourcing.utils import get_topic

from projections.directory import Directory

#: A proposal's public decision history (GET /proposals/{id}/history).
HISTORY = "history"
#: The transparency feed (GET /feed): the record of a public proposal that a decision item sums up.
FEED = "feed"

IN_HISTORY = frozenset({HISTORY})
IN_HISTORY_AND_FEED = frozenset({HISTORY, FEED})
IN_FEED = frozenset({FEED})

#: A sentence about an event: from its fields and whom it concerns ("peserta kelompok perempuan"), in one language.
Sentence = Callable[[dict[str, Any], str], str]
#: How the feed's record of a public proposal follows one of its steps.
RecordStep = Callable[[dict[str, Any], Any, Directory], None]


@dataclass(frozen=True)
class Entry:
    """One event class, once: how it is worded, where it is published, which of its fields name a participant.

    `event` is the class itself, or its topic for the service's own events (the read models import nothing
    of the service). `names` lists the fields that name a participant by id (or a list of them); the first
    is the participant a sentence speaks of. `follows` says how the feed's record of a public proposal
    changes with the event (only for events published in the feed).
    """

    event: type[Any] | str
    id: Sentence
    en: Sentence
    names: tuple[str, ...] = ()
    published: frozenset[str] = frozenset()
    follows: RecordStep | None = None

    @property
    def topic(self) -> str:
        """The topic it is stored under."""
        return self.event if isinstance(self.event, str) else get_topic(self.event)

    @property
    def concerns(self) -> str | None:
        """The field naming the participant its sentence speaks of, if any."""
        return self.names[0] if self.names else None

    def sentence(self, data: dict[str, Any], who: str, language: str) -> str:
        """What happened, in one sentence of `language` (`id` or `en`)."""
        return self.en(data, who) if language == "en" else self.id(data, who)

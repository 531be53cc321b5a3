"""Every event of every aggregate, and of the service, has one entry in the registry: its words in Bahasa
Indonesia and English, where it is published, and which of its fields name a participant.

The events are found by walking the code, not from a list: every `Aggregate` subclass of `domain`,
`service.app` and `service.audit` and the event classes nested in it, and the service's own logged events
(a `DomainEvent` at module level). An event added without its entry fails here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from eventsourcing.domain import Aggregate, DomainEvent
from eventsourcing.utils import get_topic

import domain
import service.app
import service.audit
from domain.proposal import Proposal
from projections.registry import FEED, HISTORY, REGISTRY
from projections.registry.service import CHECKPOINT_TOPIC

_ENVELOPE = {"self", "originator_id", "originator_version", "timestamp", "originator_topic"}


def _modules() -> Iterator[ModuleType]:
    for package in (domain, service.app, service.audit):
        for found in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            yield importlib.import_module(found.name)


def _defined_in(module: ModuleType) -> list[type[Any]]:
    return [value for value in vars(module).values() if isinstance(value, type) and value.__module__ == module.__name__]


def _nested_events(aggregate: type[Aggregate]) -> list[type[Any]]:
    """The event classes of an aggregate, without the two bases eventsourcing gives every aggregate (`Event`,
    and `Created` when the aggregate names its own creation event)."""
    nested = [value for value in vars(aggregate).values() if isinstance(value, type) and issubclass(value, DomainEvent)]
    names_its_creation = any(
        issubclass(event, Aggregate.Created) and event is not aggregate.Created for event in nested
    )
    return [
        event
        for event in nested
        if event is not aggregate.Event and not (event is aggregate.Created and names_its_creation)
    ]


def _aggregates() -> list[type[Aggregate]]:
    return sorted(
        {cls for module in _modules() for cls in _defined_in(module) if issubclass(cls, Aggregate)},
        key=get_topic,
    )


def _every_event() -> list[type[Any]]:
    nested = {event for aggregate in _aggregates() for event in _nested_events(aggregate)}
    logged = {
        cls
        for module in _modules()
        for cls in _defined_in(module)
        if issubclass(cls, DomainEvent) and not issubclass(cls, Aggregate.Event) and "." not in cls.__qualname__
    }
    return sorted(nested | logged, key=get_topic)


EVENTS = _every_event()
EVENT_TOPICS = {get_topic(event): event for event in EVENTS}


def _fields(event: type[Any]) -> set[str]:
    return set(inspect.signature(event).parameters) - _ENVELOPE


def test_the_walk_finds_the_events_of_every_aggregate_and_of_the_service() -> None:
    found = {get_topic(event) for event in EVENTS}

    assert {aggregate.__name__ for aggregate in _aggregates()} >= {
        "Process",
        "Participant",
        "Meeting",
        "Proposal",
        "Commitment",
        "AccessToken",
        "IdempotencyRecord",
    }
    assert {
        "domain.proposal:Proposal.Decided",
        "domain.meeting:Meeting.Opened",
        "service.app.process_directory:ProcessListed",
        CHECKPOINT_TOPIC,
    } <= found
    assert not any(topic.endswith((".Event", ".Created")) for topic in found)


def test_every_event_has_an_entry_in_the_registry() -> None:
    assert [topic for topic in EVENT_TOPICS if topic not in REGISTRY] == []


def test_the_registry_has_no_entry_for_an_event_that_does_not_exist() -> None:
    assert sorted(set(REGISTRY) - set(EVENT_TOPICS)) == []


@pytest.mark.parametrize("topic", sorted(REGISTRY))
def test_every_event_is_worded_in_bahasa_indonesia_and_in_english(topic: str) -> None:
    entry = REGISTRY[topic]

    indonesian = entry.sentence({}, "peserta kelompok perempuan", "id")
    english = entry.sentence({}, "a participant from the women group", "en")

    assert indonesian.strip() and english.strip()
    assert indonesian != english


@pytest.mark.parametrize("topic", sorted(REGISTRY))
def test_the_fields_an_entry_names_are_fields_of_its_event(topic: str) -> None:
    assert set(REGISTRY[topic].names) <= _fields(EVENT_TOPICS[topic])


def test_a_field_that_names_a_participant_in_one_event_is_named_in_every_event_that_carries_it() -> None:
    naming = {name for entry in REGISTRY.values() for name in entry.names}

    forgotten = {
        f"{topic} {field}"
        for topic, event in EVENT_TOPICS.items()
        for field in _fields(event) & naming
        if field not in REGISTRY[topic].names
    }

    assert sorted(forgotten) == []


def test_every_step_of_a_proposal_is_published_in_its_history() -> None:
    steps = [get_topic(event) for event in _nested_events(Proposal)]

    assert [topic for topic in steps if HISTORY not in REGISTRY[topic].published] == []
    assert {entry.topic for entry in REGISTRY.values() if HISTORY in entry.published} == set(steps)


def test_only_proposals_commitments_sealed_minutes_and_checkpoints_reach_the_feed() -> None:
    published = {topic.partition(":")[0] for topic, entry in REGISTRY.items() if FEED in entry.published}

    assert published == {"domain.proposal", "domain.commitment", "domain.meeting", "service.audit.checkpoints"}
    assert [t for t, e in REGISTRY.items() if FEED in e.published and t.startswith("domain.meeting")] == [
        "domain.meeting:Meeting.MinutesSealed"
    ]

"""Every aggregate names its events explicitly, in the past tense, and every one of them says when it happened.

The aggregates and their events are found by walking `domain`, not from a list kept by hand: an event added to
an aggregate is checked here the moment it exists.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import re

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

import domain
from domain.steps import RecordedInOrder, Start, Step


def domain_aggregates() -> list[type[Aggregate]]:
    """Every aggregate class defined in a module of `domain`."""
    found = set()
    for module_info in pkgutil.walk_packages(domain.__path__, "domain."):
        module = importlib.import_module(module_info.name)
        found |= {
            value
            for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, Aggregate) and value.__module__ == module.__name__
        }
    return sorted(found, key=get_topic)


def declared_events(aggregate: type[Aggregate]) -> set[str]:
    """The names of the event classes an aggregate declares itself (not the library's `Event` and `Created`)."""
    return {
        name
        for name, value in vars(aggregate).items()
        if isinstance(value, type)
        and issubclass(value, Aggregate.Event)
        and name != "Event"
        and not name.startswith("_")
    } - {"Created", "Snapshot"}


AGGREGATES = domain_aggregates()
#: English verbs whose past participle does not end in -ed.
IRREGULAR_PAST_PARTICIPLES = {"Made", "Cast", "Taken", "Withdrawn", "Forgotten", "Held", "Sent", "Written"}


def test_the_walk_finds_every_aggregate_of_the_domain_and_its_events() -> None:
    names = {aggregate.__name__: declared_events(aggregate) for aggregate in AGGREGATES}

    assert set(names) >= {"Process", "Participant", "Meeting", "Proposal", "Commitment"}
    assert {"Submitted", "Decided", "Redacted"} <= names["Proposal"]
    assert all(names.values()), names


@pytest.mark.parametrize("aggregate", AGGREGATES, ids=lambda a: a.__name__)
def test_every_event_is_declared_by_its_aggregate_and_keeps_its_stored_topic(aggregate: type[Aggregate]) -> None:
    module = aggregate.__module__
    for name in declared_events(aggregate):
        assert get_topic(getattr(aggregate, name)) == f"{module}:{aggregate.__name__}.{name}"


@pytest.mark.parametrize("aggregate", AGGREGATES, ids=lambda a: a.__name__)
def test_every_event_is_named_in_the_past_tense(aggregate: type[Aggregate]) -> None:
    present = [
        name
        for name in declared_events(aggregate)
        if not name.endswith("ed") and re.findall("[A-Z][a-z]*", name)[-1] not in IRREGULAR_PAST_PARTICIPLES
    ]

    assert present == []


@pytest.mark.parametrize("aggregate", AGGREGATES, ids=lambda a: a.__name__)
def test_every_event_carries_its_actor_and_when_it_happened(aggregate: type[Aggregate]) -> None:
    for name in declared_events(aggregate):
        event_class = getattr(aggregate, name)
        assert issubclass(event_class, (Step, Start)), name
        fields = {field.name for field in dataclasses.fields(event_class)}
        assert {"occurred_at", "actor", "timestamp"} <= fields, name
        assert event_class.class_version >= 2, name


@pytest.mark.parametrize("aggregate", AGGREGATES, ids=lambda a: a.__name__)
def test_every_aggregate_records_its_events_in_order_when_the_clock_jumps_back(aggregate: type[Aggregate]) -> None:
    assert issubclass(aggregate, RecordedInOrder)
    assert aggregate.trigger_event is RecordedInOrder.trigger_event

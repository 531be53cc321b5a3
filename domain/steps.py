"""What every event of every aggregate shares: who did it and when it happened in the room.

`occurred_at` is given by whoever records the step (many musyawarah are typed
in afterwards from paper minutes); the event's own `timestamp` stays when it
was recorded, never before the event before it (`RecordedInOrder`). Events
stored before `occurred_at` existed (class version 1) are read as having
happened when they were recorded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import Aggregate, CanMutateAggregate

from domain.actor import Actor


def occurred_when_recorded(state: dict[str, Any]) -> None:
    """Upcasts a stored event without `occurred_at`: it happened when it was recorded (its timestamp)."""
    state["occurred_at"] = state["timestamp"]


class Step(Aggregate.Event):
    """A step taken after an aggregate was created. Version 2 added `occurred_at`."""

    class_version = 2
    occurred_at: datetime
    actor: Actor

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Version 1 steps happened, as far as the record knows, when they were recorded."""
        occurred_when_recorded(state)


class Start(Aggregate.Created):
    """The step that creates an aggregate. Version 2 added `occurred_at`."""

    class_version = 2
    occurred_at: datetime
    actor: Actor

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Version 1 creations happened, as far as the record knows, when they were recorded."""
        occurred_when_recorded(state)


class RecordedInOrder:
    """Mixed into every aggregate before `Aggregate`: each event is recorded (its `timestamp`, `recorded_at`) no
    earlier than the event before it, even after the server's clock jumped back.

    A village server that boots with an old time, then is set right by NTP, would otherwise record a step an hour
    before the step it follows; the history read `?as_of=` a moment, which picks the version by these times,
    would then show a step before what it follows. The time recorded is the clock's unless that is behind.
    """

    def trigger_event(self, event_class: type[CanMutateAggregate[UUID]], **kwargs: Any) -> None:
        """Records the event at the clock's time, or at the previous event's when the clock is behind it."""
        if kwargs.get("timestamp") is None:
            kwargs["timestamp"] = max(event_class.create_timestamp(), cast(Aggregate, self).modified_on)
        super().trigger_event(event_class, **kwargs)  # type: ignore[misc]

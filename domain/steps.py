"""What every event of every aggregate shares: who did it and when it happened in the room.

`occurred_at` is given by whoever records the step (many musyawarah are typed
in afterwards from paper minutes); the event's own `timestamp` stays when it
was recorded. Events stored before `occurred_at` existed (class version 1) are
read as having happened when they were recorded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate

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

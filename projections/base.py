"""What every read model is: the topics it reads, its tables, and how it applies a batch of events."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Protocol

from eventsourcing.persistence import Notification

from projections.sql import Sql


class Projection(ABC):
    """A read model built from the event log.

    The runner hands it the events of one page of the log, in log order, inside
    one transaction that also moves its tracking position: `begin` starts the
    batch (caches start empty), `apply` takes one event, `flush` writes what
    the batch changed. Nothing is written outside that transaction.
    """

    #: Its row in `projection_tracking`.
    name: str
    #: The topics of the events it reads.
    topics: tuple[str, ...]
    #: Its tables, dropped on rebuild (indexes go with them).
    tables: tuple[str, ...]

    @abstractmethod
    def schema(self, is_postgres: bool) -> list[str]:
        """The statements that create its tables and indexes (idempotent)."""

    @abstractmethod
    def begin(self, sql: Sql) -> None:
        """Starts a batch: forget anything cached by an earlier one."""

    @abstractmethod
    def apply(self, notification: Notification, event: Any) -> None:
        """Takes one event of the batch: as stored (position, topic, state) and decoded."""

    @abstractmethod
    def flush(self, sql: Sql) -> None:
        """Writes what the batch changed."""


class Store(Protocol):
    """What the read models read of a ledger: its recorder and its mapper (an eventsourcing `Application` has both)."""

    @property
    def recorder(self) -> Any:
        """The application recorder (notifications, in log order)."""

    @property
    def mapper(self) -> Any:
        """The mapper from stored events to domain events."""

"""What a command is asked with and what it answers.

Every use case of the ledger takes a `CommandContext` (who asks, the version
they expect, their Idempotency-Key) and returns a `Receipt`. The receipt is
kept by the idempotency record as primitives, so that a retried request is
answered exactly as the first one was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actor import Actor
from service.app.access import Principal
from service.app.idempotency import IdempotencyKey


@dataclass(frozen=True)
class Receipt:
    """What a command did: which resource it wrote, at which version, and the part it created."""

    kind: str
    id: UUID
    version: int
    part_id: UUID | None = None
    created: bool = False
    replayed: bool = False
    #: The resource as the command left it (not kept by the idempotency record): answering
    #: from it spares reading back what was just written.
    aggregate: Aggregate | None = field(default=None, compare=False, repr=False)

    def as_dict(self) -> dict[str, Any]:
        """The receipt as primitives, as the idempotency record keeps it."""
        return {
            "kind": self.kind,
            "id": str(self.id),
            "version": self.version,
            "part_id": str(self.part_id) if self.part_id else None,
            "created": self.created,
            "replayed": self.replayed,
        }

    @classmethod
    def from_dict(cls, fields: dict[str, Any]) -> Receipt:
        """The receipt back from `as_dict`, marked as a replay."""
        return cls(
            kind=fields["kind"],
            id=UUID(fields["id"]),
            version=fields["version"],
            part_id=UUID(fields["part_id"]) if fields.get("part_id") else None,
            created=fields.get("created", False),
            replayed=True,
        )


@dataclass(frozen=True)
class CommandContext:
    """Who asks, which version they expect (`If-Match`), their Idempotency-Key, when the step
    happened in the room (`occurred_at`; None: now, by the ledger's clock), and whether the caller
    says the names in its statements are public (`names_are_public`: a village head in office)."""

    principal: Principal
    expected_version: int | None = None
    idempotency: IdempotencyKey | None = None
    occurred_at: datetime | None = None
    names_are_public: bool = False

    def when(self, clock: Callable[[], datetime]) -> datetime:
        """When the step happened in the room: as the caller said, or now by `clock`."""
        return self.occurred_at if self.occurred_at is not None else clock()

    @property
    def actor(self) -> Actor:
        """The actor every event of the command records."""
        return self.principal.actor

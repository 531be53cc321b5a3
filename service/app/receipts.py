"""What a command is asked with and what it answers.

Every use case of the ledger takes a `CommandContext` (who asks, the version
they expect, their Idempotency-Key) and returns a `Receipt`. The receipt is
kept by the idempotency record as primitives, so that a retried request is
answered exactly as the first one was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actor import Actor
from domain.errors import OccurredOutOfOrder
from service.app.access import Principal
from service.app.idempotency import IdempotencyKey

T = TypeVar("T")


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
    happened in the room (`occurred_at`; None: now, by the ledger's clock, but never before the
    step it depends on), and whether the caller says the names in its statements are public
    (`names_are_public`: a village head in office)."""

    principal: Principal
    expected_version: int | None = None
    idempotency: IdempotencyKey | None = None
    occurred_at: datetime | None = None
    names_are_public: bool = False
    #: The earliest time a step given no time may be recorded at: the step it depends on, learnt from a
    #: refusal of the clock's time (see `at_default_time`). None until then.
    default_not_before: datetime | None = None

    def when(self, clock: Callable[[], datetime]) -> datetime:
        """When the step happened in the room: as the caller said, or now by `clock`, lifted to the step it
        depends on when the clock is behind it."""
        if self.occurred_at is not None:
            return self.occurred_at
        now = clock()
        if self.default_not_before is not None and now < self.default_not_before:
            return self.default_not_before
        return now

    @property
    def actor(self) -> Actor:
        """The actor every event of the command records."""
        return self.principal.actor


def at_default_time(context: CommandContext, run: Callable[[CommandContext], T]) -> T:
    """Runs a command; when the caller gave no time and the clock's time fell before the step it depends on,
    runs it again with the time lifted to that step, so that it is recorded, in order, and never refused for it.

    A server clock that jumps back (a village server or a Raspberry Pi without a battery clock that boots with an
    old time until NTP corrects it, an NTP correction, a VM restored) would otherwise refuse every step on what was
    recorded before the jump, telling a facilitator who said no time that their step "is said to have happened"
    too early. A time the caller gave is checked as given: it is never moved. Each run lifts the time further (a
    step may depend on several), and a refusal that does not concern the default time, or an end it falls after,
    stands.
    """
    for _ in range(_MOST_LIFTS):
        try:
            return run(context)
        except OccurredOutOfOrder as refused:
            earliest = refused.not_before
            floor = context.default_not_before
            if context.occurred_at is not None or earliest is None or (floor is not None and earliest <= floor):
                raise
            context = replace(context, default_not_before=earliest.astimezone(UTC))
    return run(context)


#: More guards of order than any step passes (a ballot: its vote opened, its latest ballot, the meeting's close).
_MOST_LIFTS = 8

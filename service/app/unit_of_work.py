"""The unit of work: a use case gets its aggregates, lets the domain act, and stages what changed.

    @command
    def close(self, context, process_id):
        process = writable_process(self.uow, process_id, context)  # get
        process.close(context.actor)                                # act
        self.uow.stage(process)                                     # stage
        return Receipt("process", process_id, process.version)

A use-case object holds its unit of work as `self.uow`; the unit of work receives
the ledger (`Ledger`, the narrow part of `service.adapters.ledger` it uses), so the
same use cases run on PostgreSQL, SQLite or eventsourcing's in-memory store.

`@command` runs the whole method in the group commit (`service.adapters.group_commit`)
and answers only once the state it was judged on is committed: its receipt after
the commit of what it staged, a refusal after the commit of the batches it read.
When that commit failed on a concurrent write, the method runs again, whole, on
the fresh state: so a use case holds no side effect (a key made, a number taken)
that a second run would repeat; those happen before or after it.

The Idempotency-Key is kept here: a key answered before gets that answer back;
a new key's answer (its fingerprint and the receipt) is a row of a table beside
the log (`service.adapters.idempotency_keys`), inserted in the same transaction
as the events: no event of its own.
"""

from __future__ import annotations

import functools
import random
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate, DomainEvent

from service.adapters.group_commit import AggregateMissing, Change, Joined, Work
from service.adapters.idempotency_keys import KeptAnswer
from service.app.errors import IdempotencyKeyReused, NotFound, TooMuchContention
from service.app.idempotency import IdempotencyKey
from service.app.receipts import CommandContext, Receipt, at_default_time

TAggregate = TypeVar("TAggregate", bound=Aggregate)
P = ParamSpec("P")
T = TypeVar("T")
_ATTEMPTS = 20


class Ledger(Protocol):
    """What the unit of work needs of the ledger: the group commit and the aggregates it reads."""

    @property
    def events(self) -> Any:
        """The event store (its `get`: the events of one aggregate)."""

    def run_in_batch(self, work: Work[T], claim: UUID | None = None) -> Joined[T]:
        """Runs the work on the state the batches before it left, joining the open batch."""

    def settle(self, joined: Joined[Any]) -> bool:
        """Waits until what the work was judged on is committed: False when it must run again."""

    def kept_answer(self, record_id: UUID) -> KeptAnswer | None:
        """The answer committed for an Idempotency-Key's record id, or None."""

    def get_aggregate(
        self, cls: type[TAggregate], aggregate_id: UUID, kind: str, version: int | None = None, copy: bool = True
    ) -> TAggregate:
        """An aggregate (inside a change: as the batches not yet committed left it)."""


class HoldsUnitOfWork(Protocol):
    """A use-case object: it holds its unit of work."""

    uow: UnitOfWork


L = TypeVar("L", bound=HoldsUnitOfWork)
UseCase = Callable[Concatenate[L, CommandContext, P], Receipt]


def command(use_case: UseCase[L, P]) -> UseCase[L, P]:
    """Makes a use case method a unit of work, re-run whole from a fresh read after a write conflict, and after
    a refusal of its default time for falling before the step it depends on (`at_default_time`)."""

    @functools.wraps(use_case)
    def run(self: L, context: CommandContext, *args: P.args, **kwargs: P.kwargs) -> Receipt:
        def run_asked(asked: CommandContext) -> Receipt:
            return self.uow.run_command(asked, functools.partial(use_case, self, asked, *args, **kwargs))

        return at_default_time(context, run_asked)

    return run


class UnitOfWork:
    """Runs use cases as units of work on the ledger's group commit."""

    def __init__(self, ledger: Ledger, clock: Callable[[], datetime] | None = None) -> None:
        self.ledger = ledger
        #: The time a step is recorded at when the request gives none.
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self._staging = threading.local()

    def stage(self, *changed: Aggregate | DomainEvent) -> None:
        """Saves what the running use case changed (aggregates, log entries) with its answer."""
        self._staging.changed.extend(changed)

    def run_command(self, context: CommandContext, use_case: Callable[[], Receipt]) -> Receipt:
        """Runs a use case in the group commit and answers once what it was judged on is committed."""
        key = context.idempotency
        for attempt in range(_ATTEMPTS):
            joined = self.ledger.run_in_batch(lambda: self._judge(key, use_case), claim=key.record_id if key else None)
            if self.ledger.settle(joined):
                if joined.error is not None:
                    raise joined.error
                assert joined.value is not None
                return joined.value
            # Someone else wrote first, or a batch this was judged on failed: run again on the
            # fresh state, after a short random pause that grows with each attempt, so that
            # writers who collided do not collide again in lockstep.
            time.sleep(random.uniform(0, 0.001 * 2 ** min(attempt, 6)))
        raise TooMuchContention("too many concurrent writes to this resource; try again")

    def _judge(self, key: IdempotencyKey | None, use_case: Callable[[], Receipt]) -> tuple[Receipt, list[Change]]:
        """The use case's receipt and what it staged (with the key's answer), or the key's earlier answer."""
        if key is not None:
            earlier = self.earlier_answer(key)
            if earlier is not None:
                return earlier, []
        changed: list[Change] = []
        self._staging.changed = changed
        receipt = use_case()
        if key is not None:
            changed.append(KeptAnswer(key.record_id, key.fingerprint, receipt.as_dict(), datetime.now(UTC)))
        written = next((a for a in changed if isinstance(a, Aggregate) and a.id == receipt.id), None)
        return replace(receipt, aggregate=written), changed

    def earlier_answer(self, key: IdempotencyKey) -> Receipt | None:
        """The receipt a command with this Idempotency-Key already got, marked as a replay; None for a new key."""
        kept = self.ledger.kept_answer(key.record_id)
        if kept is None:
            return None
        if kept.fingerprint != key.fingerprint:
            raise IdempotencyKeyReused("this Idempotency-Key was already used for a different request")
        return Receipt.from_dict(kept.receipt)

    def get(
        self, cls: type[TAggregate], aggregate_id: UUID, kind: str, version: int | None = None, copy: bool = True
    ) -> TAggregate:
        """An aggregate (in a use case: as the batches before it left it); `copy=False`: shared, read only."""
        try:
            return self.ledger.get_aggregate(cls, aggregate_id, kind, version, copy)
        except AggregateMissing:
            raise NotFound(kind, aggregate_id) from None

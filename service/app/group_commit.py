"""Group commit: the commands of one worker process, saved together without trading durability.

The commands of one worker process run one at a time and are committed in
groups (one fsync for all the commands that arrived while the previous group
was being written, none acknowledged before its commit); on SQLite one worker
process at a time holds the writer token, so workers do not waste their work on
versions another has just replaced, and a holder reads what it wrote from its
cache instead of the database. A concurrent writer makes a save fail on a
version; the command then runs again on the fresh state, so concurrent writers
never lose each other's events.

`GroupCommitLedger` is this machinery alone; the use cases that run on it live
in `service.app.application`.
"""

from __future__ import annotations

import fcntl
import random
import threading
import time
from collections.abc import Iterator, Sequence
from copy import deepcopy
from dataclasses import dataclass, field, replace
from typing import TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, DomainEvent
from eventsourcing.persistence import IntegrityError

from service.app.errors import IdempotencyKeyReused, NotFound, TooMuchContention
from service.app.idempotency import IdempotencyKey, IdempotencyRecord
from service.app.receipts import Change, CommandContext, Receipt

TAggregate = TypeVar("TAggregate", bound=Aggregate)
_ATTEMPTS = 20
#: How long a worker process keeps the writer token while it has commands queued.
_WRITER_SLICE_SECONDS = 0.02


class _WriterToken:
    """One worker process at a time runs and commits commands on a SQLite file.

    Without it, two workers writing to one hot proposal keep building batches on
    a version the other has just replaced, and half of their work fails and runs
    again. A process takes the token (an exclusive `flock` on a file beside the
    database) before running a change and gives it back once nothing of it waits
    to be committed; the next holder reads the latest state first. PostgreSQL, or
    a writer without the token (the CLI), still meets the optimistic check.
    """

    def __init__(self, sqlite_path: str | None) -> None:
        usable = sqlite_path and sqlite_path != ":memory:" and "mode=memory" not in sqlite_path
        self._file = open(f"{sqlite_path}.writer-lock", "a+b") if usable else None  # noqa: SIM115
        self.held = False
        self.since = 0.0

    def acquire(self) -> bool:
        """Waits for the token (the GIL is released while waiting); True when it was not held already."""
        if self._file is not None and not self.held:
            fcntl.flock(self._file, fcntl.LOCK_EX)
            self.held = True
            self.since = time.monotonic()
            return True
        return False

    def held_too_long(self) -> bool:
        """Whether this process held the token for a whole time slice (others may be waiting)."""
        return self.held and time.monotonic() - self.since > _WRITER_SLICE_SECONDS

    def release(self) -> None:
        """Gives the token back."""
        if self._file is not None and self.held:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self.held = False

    def close(self) -> None:
        """Gives the token back for good."""
        self.release()
        if self._file is not None:
            self._file.close()
            self._file = None


@dataclass(eq=False)
class _Batch:
    """Changes saved together in one transaction (group commit), and how that went."""

    previous: _Batch | None = None
    aggregates: dict[UUID, Aggregate] = field(default_factory=dict)
    events: list[DomainEvent] = field(default_factory=list)
    has_leader: bool = False
    done: threading.Event = field(default_factory=threading.Event)
    failure: BaseException | None = None


class GroupCommitLedger(Application[UUID]):
    """An event-sourced application whose commands are run one at a time and committed in groups."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env)
        self._command_lock = threading.Lock()
        # After a time slice with the writer token, new changes wait until it was handed over.
        self._handover = threading.Condition(self._command_lock)
        self._yielding = False
        self._local = threading.local()
        self._joinable: _Batch | None = None
        self._committing: _Batch | None = None
        self._writer = _WriterToken(self.env.get("SQLITE_DBNAME"))
        # Aggregates whose cached state is the stored one while the writer token is held.
        self._fresh: set[UUID] = set()
        self._last_written: int | None = None

    def close(self) -> None:
        """Closes the database connections and gives up the writer token."""
        self._writer.close()
        super().close()

    # --- the command loop ------------------------------------------------------

    def _execute(self, context: CommandContext, change: Change) -> Receipt:
        """Runs a change, saves it with others in one transaction, or runs it again after a conflict.

        Group commit: changes run one at a time in this process, each on the state the
        changes before it left (saved or still in a batch), and join the open batch.
        The first change of a batch commits it, after the batch before it, in one
        transaction; the others wait for that commit. A durable commit (an fsync) then
        serves every change of the batch, and nothing is acknowledged before it. When a
        batch fails on a concurrent write (another process, another host), every change
        in it runs again on the fresh state, as a single change would.
        """
        for attempt in range(_ATTEMPTS):
            with self._command_lock:
                while self._yielding:
                    self._handover.wait()
                busy = self._batch_holding(context.idempotency.record_id) if context.idempotency else None
                if busy is None:
                    if self._writer.acquire() and self.recorder.max_notification_id() != self._last_written:
                        self._fresh.clear()  # others wrote while this process did not hold the token
                    batch = self._open_batch()
                    try:
                        joined = self._run_in_batch(context, change, batch)
                    except BaseException:
                        self._release_writer_if_idle()
                        raise
                    if isinstance(joined, Receipt):
                        self._release_writer_if_idle()
                        return joined  # an earlier answer to the same Idempotency-Key
                    receipt, changed = joined
                    leads = not batch.has_leader
                    batch.has_leader = True
            if busy is not None:
                # The same key is in a batch not yet committed: its answer comes from the store.
                busy.done.wait()
                continue
            if leads:
                self._commit(batch)
            else:
                batch.done.wait()
            if batch.failure is None:
                written = next((a for a in changed if isinstance(a, Aggregate) and a.id == receipt.id), None)
                return replace(receipt, aggregate=written)
            if not isinstance(batch.failure, IntegrityError):
                raise batch.failure
            # Someone else wrote first: run again on the fresh state (a stale If-Match
            # then fails in `_ensure_expected`, a duplicate key finds its record). A short
            # random pause first, growing with each attempt, so that writers who collided
            # do not collide again in lockstep.
            time.sleep(random.uniform(0, 0.001 * 2 ** min(attempt, 6)))
        raise TooMuchContention("too many concurrent writes to this resource; try again")

    def _run_in_batch(
        self, context: CommandContext, change: Change, batch: _Batch
    ) -> Receipt | tuple[Receipt, Sequence[Aggregate | DomainEvent]]:
        """Runs the change on the batch's state and adds what it changed to the batch (command lock held)."""
        self._local.batch = batch
        versions_before = {aggregate_id: aggregate.version for aggregate_id, aggregate in batch.aggregates.items()}
        try:
            if context.idempotency is not None:
                earlier = self._earlier_answer(context.idempotency)
                if earlier is not None:
                    return earlier
            receipt, changed = change()
        finally:
            self._local.batch = None
        self._ensure_storable(changed, versions_before)
        for item in changed:
            if isinstance(item, Aggregate):
                batch.aggregates[item.id] = item
            else:
                batch.events.append(item)
        if context.idempotency is not None:
            record = IdempotencyRecord(
                id=context.idempotency.record_id,
                fingerprint=context.idempotency.fingerprint,
                receipt=receipt.as_dict(),
            )
            batch.aggregates[record.id] = record
        return receipt, changed

    def _ensure_storable(self, changed: Sequence[Aggregate | DomainEvent], versions_before: dict[UUID, int]) -> None:
        """Encodes this change's new events once before they join the batch.

        An event that cannot be stored (text no UTF-8 can hold, a type without a
        transcoding) must fail its own command here, while the batch is untouched
        (changes work on copies), not the whole group commit with everyone's writes.
        """
        for item in changed:
            if isinstance(item, Aggregate):
                before = versions_before.get(item.id, 0)
                for event in item.pending_events:
                    if event.originator_version > before:
                        self.mapper.to_stored_event(event)
            else:
                self.mapper.to_stored_event(item)

    def _open_batch(self) -> _Batch:
        """The batch changes join now (command lock held)."""
        if self._joinable is None:
            previous = self._committing if self._committing is not None and not self._committing.done.is_set() else None
            self._joinable = _Batch(previous=previous)
        return self._joinable

    def _batch_holding(self, aggregate_id: UUID) -> _Batch | None:
        """The uncommitted batch that holds this aggregate, if any (command lock held)."""
        batch = self._joinable or self._committing
        while batch is not None and not batch.done.is_set():
            if aggregate_id in batch.aggregates:
                return batch
            batch = batch.previous
        return None

    def _commit(self, batch: _Batch) -> None:
        """Saves a batch in one transaction, after the batch whose state it builds on."""
        if batch.previous is not None:
            batch.previous.done.wait()
        with self._command_lock:
            # From here on new changes open the next batch, which builds on this one.
            if self._joinable is batch:
                self._joinable = None
            self._committing = batch
        try:
            if batch.previous is not None and batch.previous.failure is not None:
                raise IntegrityError("the batch this one builds on was not saved")
            recordings = self.save(*batch.aggregates.values(), *batch.events)
            if recordings:  # a command may find nothing new to record (a known attendee again)
                self._remember_saved(batch, max(r.notification.id for r in recordings))
        except BaseException as failure:  # handed to every change of the batch, which re-raises it
            batch.failure = failure
            with self._command_lock:
                self._fresh.clear()
        finally:
            batch.previous = None
            batch.done.set()
            with self._command_lock:
                if self._writer.held_too_long():
                    # Let the batches in flight drain, then hand the token to the other workers.
                    self._yielding = True
                self._release_writer_if_idle()

    def _remember_saved(self, batch: _Batch, last_position: int) -> None:
        """Caches what a batch saved, so the next change reads it without a query (writer token held)."""
        cache = self.repository.cache
        if cache is None or not self._writer.held:
            return
        with self._command_lock:
            # When the log still ends here as the token comes back, nobody wrote in between.
            self._last_written = last_position
            for aggregate_id, aggregate in batch.aggregates.items():
                if not isinstance(aggregate, IdempotencyRecord):
                    cache.put(aggregate_id, aggregate)
                    self._fresh.add(aggregate_id)

    def _release_writer_if_idle(self) -> None:
        """Lets other worker processes write once nothing of this one waits to be committed (lock held)."""
        joinable = self._joinable is not None and self._joinable.has_leader
        committing = self._committing is not None and not self._committing.done.is_set()
        if not joinable and not committing:
            self._writer.release()
            if self._yielding:
                self._yielding = False
                self._handover.notify_all()

    # --- reading what the running change builds on ------------------------------

    def _batches_in_flight(self) -> Iterator[_Batch]:
        """The batch of the change running now, then the uncommitted batches it builds on."""
        batch: _Batch | None = getattr(self._local, "batch", None)
        while batch is not None:
            yield batch
            previous = batch.previous
            batch = previous if previous is not None and not previous.done.is_set() else None

    def _uncommitted_events(self) -> Iterator[list[DomainEvent]]:
        """The events the running change builds on but nobody has saved yet, newest batch first.

        Outside a change there are none. A use case that numbers events of a log
        (the directory of processes) continues from these, not from the stored end.
        """
        for batch in self._batches_in_flight():
            yield batch.events

    def _unchanged_since_read(self, aggregate_id: UUID) -> Aggregate | None:
        """The cached aggregate, when nobody can have written it since this process read or wrote it.

        Only while this process holds the writer token: then every write to the file
        is this process's own, and a write of another kind (a conflict) clears the set.
        """
        if not self._writer.held or aggregate_id not in self._fresh or self.repository.cache is None:
            return None
        try:
            cached = cast(Aggregate, self.repository.cache.get(aggregate_id))
        except KeyError:
            return None
        return cached

    def _pending(self, aggregate_id: UUID) -> Aggregate | None:
        """This aggregate as a change of a batch not yet committed left it, for the change running now."""
        for batch in self._batches_in_flight():
            found = batch.aggregates.get(aggregate_id)
            if found is not None:
                return found
        return None

    def _earlier_answer(self, key: IdempotencyKey) -> Receipt | None:
        """The receipt a command with this Idempotency-Key already got, marked as a replay; None for a new key."""
        # Most keys are new: one indexed query says so, without looking for snapshots first.
        if next(self.events.get(key.record_id, limit=1), None) is None:
            return None
        try:
            record = self._get(IdempotencyRecord, key.record_id, "idempotency record", copy=False)
        except NotFound:
            return None
        if record.fingerprint != key.fingerprint:
            raise IdempotencyKeyReused("this Idempotency-Key was already used for a different request")
        return Receipt.from_dict(record.receipt)

    def _get(
        self, cls: type[TAggregate], aggregate_id: UUID, kind: str, version: int | None = None, copy: bool = True
    ) -> TAggregate:
        """An aggregate; `copy=False` shares the cached one, for reading only (no deep copy).

        Inside a change it is the state the batches not yet committed left, so that
        the commands of one group build on each other, not on the stored versions.
        """
        in_command = version is None and getattr(self._local, "batch", None) is not None
        pending = (self._pending(aggregate_id) or self._unchanged_since_read(aggregate_id)) if in_command else None
        if pending is not None:
            aggregate: Aggregate = deepcopy(pending) if copy else pending
        else:
            try:
                aggregate = self.repository.get(aggregate_id, version=version, deepcopy_from_cache=copy)
            except AggregateNotFoundError:
                raise NotFound(kind, aggregate_id) from None
            if in_command and self._writer.held:
                self._fresh.add(aggregate_id)
        if not isinstance(aggregate, cls):
            raise NotFound(kind, aggregate_id)
        return aggregate


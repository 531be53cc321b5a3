"""Group commit: the changes of one worker process, saved together without trading durability.

The changes of one worker process run one at a time and are committed in
groups (one fsync for all the changes that arrived while the previous group
was being written, none answered before its commit). One worker process at a
time holds the writer token (`service.adapters.writer_token`), so workers do
not waste their work on versions another has just replaced, and the holder
reads what it wrote from its cache instead of the database.

This module knows nothing of use cases: `run_in_batch` runs a piece of work
that returns a value and what it changed, and `settle` says once the state the
work was judged on is committed (True) or must be judged again (False: a
concurrent writer, or a batch it read from failed). The unit of work the use
cases see is `service.app.unit_of_work`.

What a piece of work changed may include the answer to its Idempotency-Key
(`KeptAnswer`): it is no event, but a row the recorder inserts in the batch's
transaction (`service.adapters.idempotency_keys`); `kept_answer` reads it back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Generic, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, DomainEvent
from eventsourcing.persistence import IntegrityError, StoredEvent

from service.adapters.idempotency_keys import KeptAnswer
from service.adapters.writer_token import writer_token_for

TAggregate = TypeVar("TAggregate", bound=Aggregate)
T = TypeVar("T")
#: What a piece of work saves: aggregates, entries of a log, and the answer to its Idempotency-Key.
Change = Aggregate | DomainEvent | KeptAnswer
#: A piece of work on the state it reads: its answer, and what it changed.
Work = Callable[[], tuple[T, Sequence[Change]]]


#: Values a change can never alter in place: shared, not copied, when an aggregate is copied.
_IMMUTABLE: frozenset[type] = frozenset(
    {str, int, float, bool, bytes, type(None), UUID, datetime, date, timedelta, Decimal}
)


def copy_for_change(value: T) -> T:
    """A copy a change may alter without touching the original (the cached, shared aggregate).

    What `copy.deepcopy` gives, at a fraction of its cost on the hot path: values
    nothing alters in place (text, numbers, ids, times, frozen dataclasses of
    them) are shared, containers and other objects are copied member by member.
    """
    kind = type(value)
    if kind in _IMMUTABLE:
        return value
    if kind is dict:
        mapping = cast(dict[Any, Any], value)
        # Maps that grow with every step (a proposal's steps by version) hold only text: copied at C speed.
        if _IMMUTABLE.issuperset(map(type, mapping.values())):
            return cast(T, mapping.copy())
        items = mapping.items()
        return cast(T, {key: item if type(item) in _IMMUTABLE else copy_for_change(item) for key, item in items})
    if kind is list:
        members = cast(list[Any], value)
        if _IMMUTABLE.issuperset(map(type, members)):
            return cast(T, members.copy())
        return cast(T, [copy_for_change(item) for item in members])
    params = getattr(kind, "__dataclass_params__", None)
    if params is not None and params.frozen and all(type(v) in _IMMUTABLE for v in vars(value).values()):
        return value
    if isinstance(value, Aggregate) or (params is not None and not kind.__dict__.get("__slots__")):
        copied = object.__new__(kind)
        copied.__dict__.update({name: copy_for_change(item) for name, item in vars(value).items()})
        return cast(T, copied)
    return deepcopy(value)


class AggregateMissing(LookupError):
    """No aggregate of this kind has this id."""

    def __init__(self, kind: str, aggregate_id: UUID) -> None:
        super().__init__(f"{kind} {aggregate_id} was not found")
        self.kind = kind
        self.aggregate_id = aggregate_id


@dataclass(eq=False)
class _Batch:
    """Changes saved together in one transaction (group commit), and how that went."""

    previous: _Batch | None = None
    aggregates: dict[UUID, Aggregate] = field(default_factory=dict)
    #: The new events in order, each encoded once as it joined.
    events: list[DomainEvent] = field(default_factory=list)
    stored: list[StoredEvent] = field(default_factory=list)
    #: Positions in `stored` of entries of a log (numbered at commit, after the log's stored end).
    log_entries: list[int] = field(default_factory=list)
    #: The answers to Idempotency-Keys, by record id: the keys this batch claims until it is committed.
    answers: dict[UUID, KeptAnswer] = field(default_factory=dict)
    has_leader: bool = False
    done: threading.Event = field(default_factory=threading.Event)
    failure: BaseException | None = None

    def builds_on(self) -> _Batch | None:
        """This batch when it holds changes, else the uncommitted one before it: what a change read."""
        if self.has_leader:
            return self
        previous = self.previous
        return previous if previous is not None and not previous.done.is_set() else None


@dataclass
class Joined(Generic[T]):
    """What running one piece of work came to, before anything of it is committed."""

    value: T | None = None
    error: Exception | None = None
    #: The batch its writes joined; it commits that batch when it `leads`.
    batch: _Batch | None = None
    leads: bool = False
    #: The newest uncommitted batch whose state it was judged on.
    basis: _Batch | None = None
    #: Not run: another change holds what it claims; it runs once that one is committed.
    waits: bool = False


class GroupCommitLedger(Application[UUID]):
    """An event-sourced application whose changes run one at a time and are committed in groups."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env)
        self._command_lock = threading.Lock()
        # After a time slice with the writer token, new changes wait until it was handed over.
        self._handover = threading.Condition(self._command_lock)
        self._yielding = False
        # The token was just handed over at the end of a slice: other processes' waiting writers go first.
        self._handed_over = False
        # Commands (of the command line) that keep the writer token until they end (`writing_alone`).
        self._writing_alone = 0
        self._local = threading.local()
        self._joinable: _Batch | None = None
        self._committing: _Batch | None = None
        self._writer = writer_token_for(self.env)
        # Aggregates whose cached state is the stored one while the writer token is held.
        self._fresh: set[UUID] = set()
        self._last_written: int | None = None
        # The recorder's table of answers (`service.audit.chain`); a store without one (eventsourcing's
        # in-memory store) keeps them in `_answers_in_memory`.
        self._recorded_answer: Callable[[UUID], KeptAnswer | None] | None = getattr(self.recorder, "kept_answer", None)
        self._answers_in_memory: dict[UUID, KeptAnswer] = {}

    def close(self) -> None:
        """Closes the database connections and gives up the writer token."""
        self._writer.close()
        super().close()

    @contextmanager
    def writing_alone(self) -> Iterator[None]:
        """Keeps the writer token across everything done inside (a whole command of the command line).

        No other process writes in between, so a command of many steps (`mufakat demo`) is not
        interleaved with another writer's nor failed by one. The wait for the token comes before
        anything is written: after the store's lock timeout it raises `WriterTokenBusy`, leaving nothing.
        """
        with self._command_lock:
            if self._take_writer_token() and self.recorder.max_notification_id() != self._last_written:
                self._fresh.clear()  # others wrote while this process did not hold the token
            self._writing_alone += 1
        try:
            yield
        finally:
            with self._command_lock:
                self._writing_alone -= 1
                self._release_writer_if_idle()

    # --- running and settling ----------------------------------------------------

    def run_in_batch(self, work: Work[T], claim: UUID | None = None) -> Joined[T]:
        """Runs the work on the state the batches before it left, and adds what it changed to the open batch.

        `claim`: the record id of the work's Idempotency-Key; while a batch not yet
        committed holds an answer to it, the work waits for that batch and is
        judged again. The work's own error is kept for `settle`, not raised.
        """
        with self._command_lock:
            while self._yielding:
                self._handover.wait()
            busy = self._batch_holding(claim) if claim is not None else None
            if busy is not None:
                return Joined(basis=busy, waits=True)
            if self._take_writer_token() and self.recorder.max_notification_id() != self._last_written:
                self._fresh.clear()  # others wrote while this process did not hold the token
            batch = self._open_batch()
            joined: Joined[T] = Joined(basis=batch.builds_on())
            self._local.batch = batch
            added = 0
            try:
                joined.value, changed = work()
                added = self._join(batch, changed)
            except Exception as error:  # a refusal, judged on `basis`: answered once that is committed
                joined.error = error
            except BaseException:
                self._release_writer_if_idle()
                raise
            finally:
                self._local.batch = None
            if added:
                joined.batch, joined.leads = batch, not batch.has_leader
                batch.has_leader = True
            else:
                self._release_writer_if_idle()
            return joined

    def settle(self, joined: Joined[Any]) -> bool:
        """Waits until what the work was judged on is committed: True; False when it must run again.

        The work that leads its batch commits it. A batch that failed on a concurrent
        write (IntegrityError) sends every change in it, and every refusal judged on
        it, back to run again on the fresh state; any other failure is raised.
        """
        if joined.batch is not None:
            if joined.leads:
                self._commit(joined.batch)
            joined.batch.done.wait()
            failure = joined.batch.failure
        elif joined.basis is not None:
            joined.basis.done.wait()
            failure = joined.basis.failure
        else:
            return True
        if failure is None:
            return not joined.waits
        if joined.batch is not None and not isinstance(failure, IntegrityError):
            raise failure
        return False

    def _join(self, batch: _Batch, changed: Sequence[Change]) -> int:
        """Encodes the change's new events, once, and adds them and its answer to the batch (command lock held).

        How many events and answers it added: a change that recorded nothing but answered
        an Idempotency-Key (a known attendee again) still commits its answer.
        An event that cannot be stored (text no UTF-8 can hold) fails its own change
        here, while the batch is untouched, not the group commit with everyone's writes.
        """
        aggregates: list[Aggregate] = []
        events: list[DomainEvent] = []
        log_entries: list[int] = []
        answers: list[KeptAnswer] = []
        for item in changed:
            if isinstance(item, Aggregate):
                aggregates.append(item)
                events.extend(cast(Sequence[DomainEvent], item.collect_events()))
            elif isinstance(item, KeptAnswer):
                answers.append(item)
            else:
                log_entries.append(len(events))
                events.append(item)
        stored = [self.mapper.to_stored_event(event) for event in events]
        offset = len(batch.stored)
        batch.log_entries.extend(offset + position for position in log_entries)
        batch.events.extend(events)
        batch.stored.extend(stored)
        for aggregate in aggregates:
            batch.aggregates[aggregate.id] = aggregate
        for answer in answers:
            batch.answers[answer.record_id] = answer
        return len(events) + len(answers)

    def _open_batch(self) -> _Batch:
        """The batch changes join now (command lock held)."""
        if self._joinable is None:
            previous = self._committing if self._committing is not None and not self._committing.done.is_set() else None
            self._joinable = _Batch(previous=previous)
        return self._joinable

    def _batch_holding(self, record_id: UUID) -> _Batch | None:
        """The uncommitted batch that holds an answer to this Idempotency-Key, if any (command lock held)."""
        batch = self._joinable or self._committing
        while batch is not None and not batch.done.is_set():
            if record_id in batch.answers:
                return batch
            batch = batch.previous
        return None

    # --- committing --------------------------------------------------------------

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
            self._number_log_entries(batch)
            notification_ids = self._insert(batch)
            self._after_commit(batch, list(notification_ids or []))
        except BaseException as failure:  # handed to every change of the batch, which re-raises it
            batch.failure = failure
            unsaved = getattr(self.recorder, "statement_keys", None)
            if unsaved is not None:  # the statements' keys of a batch never stored (its changes seal anew)
                unsaved.discard(batch.stored)
            with self._command_lock:
                self._fresh.clear()
        finally:
            batch.previous = None
            batch.done.set()
            with self._command_lock:
                if self._writer.held_too_long() and not self._writing_alone:
                    # Let the batches in flight drain, then hand the token to the other workers.
                    self._yielding = True
                self._release_writer_if_idle()

    def _insert(self, batch: _Batch) -> Sequence[int] | None:
        """Inserts the batch's events and its answers to Idempotency-Keys in one transaction."""
        if self._recorded_answer is not None:
            return self.recorder.insert_events(batch.stored, kept_answers=list(batch.answers.values()))
        kept = self._answers_in_memory
        if not kept.keys().isdisjoint(batch.answers):
            raise IntegrityError("an answer to this Idempotency-Key is kept already")
        notification_ids = self.recorder.insert_events(batch.stored)
        kept.update(batch.answers)
        return notification_ids

    def kept_answer(self, record_id: UUID) -> KeptAnswer | None:
        """The answer committed for an Idempotency-Key's record id (one indexed SELECT), or None."""
        if self._recorded_answer is not None:
            return self._recorded_answer(record_id)
        return self._answers_in_memory.get(record_id)

    def _number_log_entries(self, batch: _Batch) -> None:
        """Numbers the log entries of a batch after each log's stored end (every earlier batch is saved).

        Use cases append to a log (the directory of processes) without knowing what
        the batches before theirs appended; the numbers are given here, at commit.
        """
        following: dict[UUID, int] = {}
        for position in batch.log_entries:
            entry = batch.stored[position]
            log_id = UUID(str(entry.originator_id))
            if log_id not in following:
                last = next(iter(self.recorder.select_events(log_id, desc=True, limit=1)), None)
                following[log_id] = 1 if last is None else last.originator_version + 1
            batch.stored[position] = replace(entry, originator_version=following[log_id])
            following[log_id] += 1

    def _after_commit(self, batch: _Batch, notification_ids: list[int]) -> None:
        """Snapshots, and the cache of what the batch saved, as `Application.save` keeps them."""
        self._snapshot_saved(batch)
        if notification_ids:  # a batch may hold nothing new to record (a known attendee again)
            self._remember_saved(batch, max(notification_ids))

    def _snapshot_saved(self, batch: _Batch) -> None:
        """Snapshots the aggregates whose log crossed a multiple of their interval, from the state in hand.

        The state is the one just committed (at the aggregate's latest version, which
        is the multiple unless the same batch wrote more), so nothing is read back.
        """
        if self.snapshots is None or not self.snapshotting_intervals:
            return
        crossed = {
            event.originator_id
            for event in batch.events
            if (interval := self._snapshot_interval(batch, event.originator_id))
            and event.originator_version % interval == 0
        }
        for aggregate_id in crossed:
            aggregate = batch.aggregates[aggregate_id]
            snapshot_class: Any = getattr(type(aggregate), "Snapshot", type(self).snapshot_class)
            self.snapshots.put([snapshot_class.take(aggregate)])

    def _snapshot_interval(self, batch: _Batch, aggregate_id: UUID) -> int | None:
        aggregate = batch.aggregates.get(aggregate_id)
        return None if aggregate is None else self.snapshotting_intervals.get(type(aggregate))

    def _remember_saved(self, batch: _Batch, last_position: int) -> None:
        """Caches what a batch saved, so the next change reads it without a query (writer token held)."""
        cache = self.repository.cache
        if cache is None or not self._writer.held:
            return
        with self._command_lock:
            # When the log still ends here as the token comes back, nobody wrote in between.
            self._last_written = last_position
            for aggregate_id, aggregate in batch.aggregates.items():
                cache.put(aggregate_id, aggregate)
                self._fresh.add(aggregate_id)

    def _take_writer_token(self) -> bool:
        """Takes the writer token (command lock held): True when this process did not hold it already."""
        handed_over, self._handed_over = self._handed_over, False
        return self._writer.acquire(after_handover=handed_over)

    def _release_writer_if_idle(self) -> None:
        """Lets other worker processes write once nothing of this one waits to be committed (lock held)."""
        if self._writing_alone:
            return
        joinable = self._joinable is not None and self._joinable.has_leader
        committing = self._committing is not None and not self._committing.done.is_set()
        if not joinable and not committing:
            self._writer.release()
            if self._yielding:
                self._yielding = False
                self._handed_over = True
                self._handover.notify_all()

    # --- reading what the running change builds on ------------------------------

    def _batches_in_flight(self) -> Iterator[_Batch]:
        """The batch of the change running now, then the uncommitted batches it builds on."""
        batch: _Batch | None = getattr(self._local, "batch", None)
        while batch is not None:
            yield batch
            previous = batch.previous
            batch = previous if previous is not None and not previous.done.is_set() else None

    def _unchanged_since_read(self, aggregate_id: UUID) -> Aggregate | None:
        """The cached aggregate, when nobody can have written it since this process read or wrote it.

        Only while this process holds the writer token: then every write to the store
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

    def _is_an_aggregates(self, aggregate_id: UUID) -> bool:
        """Whether the first event stored under this id starts an aggregate (a log's entries do not)."""
        first = next(iter(self.events.get(aggregate_id, limit=1)), None)
        return isinstance(first, Aggregate.Event)

    def get_aggregate(
        self, cls: type[TAggregate], aggregate_id: UUID, kind: str, version: int | None = None, copy: bool = True
    ) -> TAggregate:
        """An aggregate; `copy=False` shares the cached one, for reading only (no deep copy).

        Inside a change it is the state the batches not yet committed left, so that
        the changes of one group build on each other, not on the stored versions.
        """
        in_change = version is None and getattr(self._local, "batch", None) is not None
        pending = (self._pending(aggregate_id) or self._unchanged_since_read(aggregate_id)) if in_change else None
        if pending is not None:
            aggregate: Aggregate = copy_for_change(pending) if copy else pending
        else:
            try:
                aggregate = self.repository.get(aggregate_id, version=version, deepcopy_from_cache=False)
            except AggregateNotFoundError:
                raise AggregateMissing(kind, aggregate_id) from None
            except AssertionError:
                # The id of one of the ledger's logs (a directory, a per-process index: their ids can be worked out
                # from the source), whose entries build no aggregate: not found, like any id of another kind.
                if self._is_an_aggregates(aggregate_id):
                    raise
                raise AggregateMissing(kind, aggregate_id) from None
            if copy and version is None:  # the cached one, shared: a copy to change
                aggregate = copy_for_change(aggregate)
            if in_change and self._writer.held:
                self._fresh.add(aggregate_id)
        if not isinstance(aggregate, cls):
            raise AggregateMissing(kind, aggregate_id)
        return aggregate

"""The directory of disputes: a log with one entry per dispute, in order of opening, naming its process.

Disputes are indexed here rather than in the process, so that a process's state (and its snapshots) stays as it
is. Listing a process's disputes reads this log through `DisputesByProcess`: each worker keeps the log as an index
by process and reads only the entries appended since it last looked, so that a proposal's history (which names its
disputes) costs the same in a ledger of a million events as in one of ten thousand (it read the whole directory:
134 ms at 1,002,097 events against 8.6 ms at 12,119, bench/scale_reads.py).
"""

from __future__ import annotations

import threading
from uuid import UUID

from eventsourcing.application import EventSourcedLog
from eventsourcing.domain import DomainEvent

#: The id of the directory's log (fixed: every worker and host appends to the same one).
DISPUTE_DIRECTORY_ID = UUID("9b7c2f0e-3c1a-4f57-8e2d-d15b07e5c0a1")


class DisputeListed(DomainEvent):
    """An entry of the directory of disputes, written with the dispute it lists."""

    process_id: UUID
    dispute_id: UUID


class DisputesByProcess:
    """The directory of disputes as an index by process, kept by one worker and brought up to date on each read.

    The directory only grows, numbered without gaps at commit, so the entries after the last one read are all
    that can be new: one indexed query, usually answering nothing. The index holds two ids per dispute.
    """

    def __init__(self, directory: EventSourcedLog[DisputeListed]) -> None:
        self.directory = directory
        self._lock = threading.Lock()
        self._last_read = 0
        self._by_process: dict[UUID, list[UUID]] = {}

    def of(self, process_id: UUID) -> list[UUID]:
        """The ids of a process's disputes, in the order they were opened (those committed so far)."""
        with self._lock:
            for entry in self.directory.get(gt=self._last_read):
                self._by_process.setdefault(entry.process_id, []).append(entry.dispute_id)
                self._last_read = entry.originator_version
            return list(self._by_process.get(process_id, ()))

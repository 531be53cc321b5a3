"""The directory of processes: a log with one entry per process, in order of opening, for listing them."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import DomainEvent

#: The id of the directory's log (fixed: every worker and host appends to the same one).
PROCESS_DIRECTORY_ID = UUID("5c0f3f6a-1f43-4d7e-a5a0-6a2b1c9d8e01")


class ProcessListed(DomainEvent):
    """An entry of the directory of processes, written with the process it lists."""

    process_id: UUID

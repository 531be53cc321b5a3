"""The directory of disputes: a log with one entry per dispute, in order of opening, naming its process.

Disputes are indexed here rather than in the process, so that a process's state (and its snapshots) stays as it
is; listing a process's disputes reads this log, which holds only the disputes' and processes' ids.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import DomainEvent

#: The id of the directory's log (fixed: every worker and host appends to the same one).
DISPUTE_DIRECTORY_ID = UUID("9b7c2f0e-3c1a-4f57-8e2d-d15b07e5c0a1")


class DisputeListed(DomainEvent):
    """An entry of the directory of disputes, written with the dispute it lists."""

    process_id: UUID
    dispute_id: UUID

"""The rankings of each process: a log per process with one entry per ranking opened, in order of opening.

The log keeps the `Process` aggregate unchanged (its snapshots are versioned elsewhere); its id derives from the
process's, so every worker and host appends to, and reads, the same one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid5

from eventsourcing.domain import DomainEvent

_NAMESPACE = UUID("b7e1c8f2-52a4-4c4e-9d0c-3f6f1b9e2a71")


class RankingListed(DomainEvent):
    """An entry of a process's list of rankings, written with the ranking it lists."""

    ranking_id: UUID


def ranking_log_id(process_id: UUID) -> UUID:
    """The id of the log of a process's rankings."""
    return uuid5(_NAMESPACE, str(process_id))


def ranking_listed(process_id: UUID, ranking_id: UUID) -> RankingListed:
    """The entry listing a ranking; numbered when it is committed, after the entries before it."""
    # The library makes the event class a dataclass at run time; mypy sees only the envelope's fields.
    return RankingListed(  # type: ignore[call-arg]
        originator_id=ranking_log_id(process_id),
        originator_version=0,
        timestamp=datetime.now(UTC),
        ranking_id=ranking_id,
    )

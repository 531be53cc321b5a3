"""The evaluations of each commitment: a log per commitment with one entry per evaluation opened, in order.

The log keeps the `Commitment` aggregate unchanged (its snapshots are versioned elsewhere); its id derives from the
commitment's, so every worker and host appends to, and reads, the same one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid5

from eventsourcing.domain import DomainEvent

_NAMESPACE = UUID("5d0e2b7a-8c3f-4f61-a1d9-6e2c4b8f0a13")


class EvaluationListed(DomainEvent):
    """An entry of a commitment's list of evaluations, written with the evaluation it lists."""

    evaluation_id: UUID


def evaluation_log_id(commitment_id: UUID) -> UUID:
    """The id of the log of a commitment's evaluations."""
    return uuid5(_NAMESPACE, str(commitment_id))


def evaluation_listed(commitment_id: UUID, evaluation_id: UUID) -> EvaluationListed:
    """The entry listing an evaluation; numbered when it is committed, after the entries before it."""
    # The library makes the event class a dataclass at run time; mypy sees only the envelope's fields.
    return EvaluationListed(  # type: ignore[call-arg]
        originator_id=evaluation_log_id(commitment_id),
        originator_version=0,
        timestamp=datetime.now(UTC),
        evaluation_id=evaluation_id,
    )

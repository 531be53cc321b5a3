"""The complaints and partners of each process, and the complaint each tracking code follows: logs beside the
aggregates that leave the `Process` aggregate unchanged (as `service.app.ranking_index` does for rankings).

A process's logs have ids derived from the process's, so every worker appends to, and reads, the same one. A
tracking code's log has an id derived from the SHA-256 of the code: the code itself is stored nowhere, and the
log cannot be found without it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from uuid import UUID, uuid5

from eventsourcing.domain import DomainEvent

_COMPLAINTS = UUID("5d0b6b8e-7f0e-4c36-9a55-2a51c1f0e7a3")
_TRACKING = UUID("0c3e9a4f-1d8b-4f6a-8e2d-7b9c5a1e3f60")
_PARTNERS = UUID("a8f4c2d1-6e3b-4b7a-9c0d-1e2f3a4b5c6d")


class ComplaintListed(DomainEvent):
    """An entry of a process's list of complaints, written with the complaint it lists."""

    complaint_id: UUID


class ComplaintTracked(DomainEvent):
    """The complaint a tracking code follows, written with the complaint; found by the code's digest only."""

    complaint_id: UUID


class PartnerListed(DomainEvent):
    """An entry of a process's list of partners, written with the partner it lists."""

    partner_id: UUID


def tracking_digest(tracking_code: str) -> str:
    """The SHA-256 of a tracking code as the complainant may type it (case, spaces and dashes aside)."""
    canonical = "".join(c for c in tracking_code.upper() if c.isalnum())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def complaint_log_id(process_id: UUID) -> UUID:
    """The id of the log of a process's complaints."""
    return uuid5(_COMPLAINTS, str(process_id))


def tracking_log_id(digest: str) -> UUID:
    """The id of the log naming the complaint a tracking code (by its digest) follows."""
    return uuid5(_TRACKING, digest)


def partner_log_id(process_id: UUID) -> UUID:
    """The id of the log of a process's partners."""
    return uuid5(_PARTNERS, str(process_id))


# The library makes the event classes dataclasses at run time; mypy sees only the envelope's fields.
def complaint_listed(process_id: UUID, complaint_id: UUID) -> ComplaintListed:
    """The entry listing a complaint; numbered when it is committed, after the entries before it."""
    return ComplaintListed(  # type: ignore[call-arg]
        originator_id=complaint_log_id(process_id),
        originator_version=0,
        timestamp=datetime.now(UTC),
        complaint_id=complaint_id,
    )


def complaint_tracked(digest: str, complaint_id: UUID) -> ComplaintTracked:
    """The entry naming the complaint a tracking code follows (the first of its log: a second one cannot be
    stored, so two complaints never share a code)."""
    return ComplaintTracked(  # type: ignore[call-arg]
        originator_id=tracking_log_id(digest),
        originator_version=1,
        timestamp=datetime.now(UTC),
        complaint_id=complaint_id,
    )


def partner_listed(process_id: UUID, partner_id: UUID) -> PartnerListed:
    """The entry listing a partner; numbered when it is committed, after the entries before it."""
    return PartnerListed(  # type: ignore[call-arg]
        originator_id=partner_log_id(process_id),
        originator_version=0,
        timestamp=datetime.now(UTC),
        partner_id=partner_id,
    )

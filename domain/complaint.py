"""A complaint (pengaduan): what a resident says went wrong in a public process, and the answers it got.

Anyone may file one on a public process, without an account; the facilitator of the process or an admin
responds. Its text is a statement (stored sealed); the complainant's contact is personal data, kept sealed
with a key of its own so that it can be forgotten. The complaint keeps only the SHA-256 of its tracking
code, so the code cannot be read back from the record, nor guessed from it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import ComplaintClosed, ValueNotAllowed, ensure_aware, ensure_not_before, ensure_one_of
from domain.steps import Start, Step

#: What a complaint may be about, besides the process as a whole.
ABOUT_KINDS = ("proposal", "commitment")
#: The status a response may give.
RESPONSE_STATUSES = ("in_review", "responded", "resolved", "rejected", "escalated")
#: Every status, the first one included (the public counts are kept in this order).
STATUSES = ("received", *RESPONSE_STATUSES)
#: Statuses after which a complaint takes no more responses.
CLOSING_STATUSES = ("resolved", "rejected")


class Complaint(Aggregate):
    """A complaint on a process, its status and the history of its responses."""

    class Filed(Start):
        process_id: UUID
        text: str
        about_kind: str | None
        about_id: str | None
        sealed_contact: str | None
        tracking_digest: str

    class Responded(Step):
        status: str
        response: str

    @event(Filed)
    def __init__(
        self,
        id: UUID,
        process_id: UUID,
        text: str,
        about_kind: str | None,
        about_id: str | None,
        sealed_contact: str | None,
        tracking_digest: str,
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        self.process_id = process_id
        self.text = text
        self.about_kind = about_kind
        self.about_id = about_id
        self.sealed_contact = sealed_contact
        self.tracking_digest = tracking_digest
        self.filed_at = occurred_at
        self.status = "received"
        # Each status the complaint took: {status, at, response?} (ISO times, so a copy stays cheap).
        self.history: list[dict[str, Any]] = [{"status": "received", "at": occurred_at.isoformat()}]
        self.first_response_at: datetime | None = None

    @classmethod
    def file(
        cls,
        id: UUID,
        process_id: UUID,
        text: str,
        tracking_digest: str,
        actor: Actor,
        *,
        occurred_at: datetime,
        about: tuple[str, UUID] | None = None,
        sealed_contact: str | None = None,
    ) -> Complaint:
        """Files a complaint with words in it, about the process or one of its proposals or commitments."""
        ensure_aware(occurred_at)
        if not text.strip():
            raise ValueNotAllowed("a complaint must say what went wrong")
        if about is not None:
            ensure_one_of("what a complaint is about", about[0], ABOUT_KINDS)
        if len(tracking_digest) != 64 or any(c not in "0123456789abcdef" for c in tracking_digest):
            raise ValueNotAllowed("a tracking code is kept as 64 lowercase hexadecimal digits")
        return cls(
            id=id,
            process_id=process_id,
            text=text,
            about_kind=None if about is None else about[0],
            about_id=None if about is None else str(about[1]),
            sealed_contact=sealed_contact,
            tracking_digest=tracking_digest,
            occurred_at=occurred_at,
            actor=actor,
        )

    def respond(self, status: str, response: str, actor: Actor, *, occurred_at: datetime) -> None:
        """Answers the complaint with a new status and words; a resolved or rejected complaint takes no more."""
        ensure_one_of("status", status, RESPONSE_STATUSES)
        if not response.strip():
            raise ValueNotAllowed("a response must say something to the complainant")
        if self.status in CLOSING_STATUSES:
            raise ComplaintClosed(
                "this complaint is resolved or rejected already and takes no more responses", complaint_id=self.id
            )
        ensure_not_before(occurred_at, self.filed_at, "the complaint was filed", complaint_id=self.id)
        self._responded(status=status, response=response, occurred_at=occurred_at, actor=actor)

    @event(Responded)
    def _responded(self, status: str, response: str, occurred_at: datetime, actor: Actor) -> None:
        self.status = status
        self.history = [*self.history, {"status": status, "at": occurred_at.isoformat(), "response": response}]
        if self.first_response_at is None:
            self.first_response_at = occurred_at

    @property
    def days_to_first_response(self) -> float | None:
        """Days from filing to the first response (None while unanswered)."""
        if self.first_response_at is None:
            return None
        return (self.first_response_at - self.filed_at).total_seconds() / 86400

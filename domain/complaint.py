"""A complaint (pengaduan): what a resident says went wrong in a public process, and the answers it got.

Anyone may file one on a public process, without an account; the facilitator of the process or an admin
responds. Its text is a statement (stored sealed); the complainant's contact is personal data, kept sealed
with a key of its own so that it can be forgotten. The complaint keeps only the SHA-256 of its tracking
code, so the code cannot be read back from the record, nor guessed from it.

An admin may redact the text or a response for good (it may name someone), and the facilitator of the process
or an admin may forget the complainant's contact: both are recorded as steps, and the words or the contact are
then taken out of the store by destroying their keys.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import (
    ComplaintClosed,
    NothingToForget,
    NothingToRedact,
    ValueNotAllowed,
    ensure_aware,
    ensure_not_before,
    ensure_one_of,
)
from domain.proposal import REDACTED_TEXT
from domain.steps import RecordedInOrder, Start, Step

#: What a complaint may be about, besides the process as a whole.
ABOUT_KINDS = ("proposal", "commitment")
#: The status a response may give.
RESPONSE_STATUSES = ("in_review", "responded", "resolved", "rejected", "escalated")
#: Every status, the first one included (the public counts are kept in this order).
STATUSES = ("received", *RESPONSE_STATUSES)
#: Statuses after which a complaint takes no more responses.
CLOSING_STATUSES = ("resolved", "rejected")


class Complaint(RecordedInOrder, Aggregate):
    """A complaint on a process, its status and the history of its responses."""

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        # Before redaction and forgetting, a complaint recorded only its filing and its responses, one version each.
        state["history"] = [{**entry, "version": number} for number, entry in enumerate(state["history"], start=1)]
        state["redactions"] = []
        state["contact_forgotten"] = False

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

    class Redacted(Step):
        version: int
        field: str
        reason: str

    class ContactForgotten(Step):
        pass

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
        # `version` is the step that recorded it: what a redaction of its words names.
        self.history: list[dict[str, Any]] = [{"status": "received", "at": occurred_at.isoformat(), "version": 1}]
        self.first_response_at: datetime | None = None
        # Each redaction: {version, field, reason, at}.
        self.redactions: list[dict[str, Any]] = []
        self.contact_forgotten = False

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
        entry = {"status": status, "at": occurred_at.isoformat(), "response": response, "version": self.version + 1}
        self.history = [*self.history, entry]
        if self.first_response_at is None:
            self.first_response_at = occurred_at

    # --- redaction and forgetting ---------------------------------------------

    def redact(self, version: int, field: str, reason: str, actor: Actor, *, occurred_at: datetime) -> None:
        """(admin) Redacts the complaint's text (`text` of step 1) or a response (`response` of its step) for good."""
        ensure_aware(occurred_at)
        if not reason.strip():
            raise ValueNotAllowed("a redaction says why")
        if (version, field) not in self.statements():
            raise NothingToRedact("no statement of this complaint was recorded at that step", complaint_id=self.id)
        if any(r["version"] == version and r["field"] == field for r in self.redactions):
            raise NothingToRedact("this statement of the complaint is already redacted", complaint_id=self.id)
        ensure_not_before(occurred_at, self.filed_at, "the complaint was filed", complaint_id=self.id)
        self._redacted(version=version, field=field, reason=reason, occurred_at=occurred_at, actor=actor)

    @event(Redacted)
    def _redacted(self, version: int, field: str, reason: str, occurred_at: datetime, actor: Actor) -> None:
        if field == "text":
            self.text = REDACTED_TEXT
        else:
            self.history = [
                {**entry, "response": REDACTED_TEXT} if entry.get("version") == version else entry
                for entry in self.history
            ]
        redaction = {"version": version, "field": field, "reason": reason, "at": occurred_at.isoformat()}
        self.redactions = [*self.redactions, redaction]

    def statements(self) -> list[tuple[int, str]]:
        """The (version, field) of each sealed statement of the complaint: its text, then each response."""
        return [(1, "text"), *((int(e["version"]), "response") for e in self.history if "response" in e)]

    def forget_contact(self, actor: Actor, *, occurred_at: datetime) -> None:
        """Records that the complainant's contact is forgotten (its key is destroyed next): once, if one was left."""
        ensure_aware(occurred_at)
        if self.sealed_contact is None or self.contact_forgotten:
            raise NothingToForget("this complaint keeps no contact to forget", complaint_id=self.id)
        ensure_not_before(occurred_at, self.filed_at, "the complaint was filed", complaint_id=self.id)
        self._contact_forgotten(occurred_at=occurred_at, actor=actor)

    @event(ContactForgotten)
    def _contact_forgotten(self, occurred_at: datetime, actor: Actor) -> None:
        self.contact_forgotten = True

    @property
    def days_to_first_response(self) -> float | None:
        """Days from filing to the first response (None while unanswered)."""
        if self.first_response_at is None:
            return None
        return (self.first_response_at - self.filed_at).total_seconds() / 86400

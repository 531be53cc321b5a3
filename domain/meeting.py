"""A meeting (musyawarah): scheduled, opened with its attendance list, closed with minutes."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import MeetingAlreadyOpened, MeetingNotOpen, NotAttending, ensure_aware, ensure_not_before
from domain.steps import Start, Step


class Meeting(Aggregate):
    """One musyawarah of a process, and who was invited to it and attended it.

    Version 2 of the aggregate (its snapshots) keeps when the meeting opened.
    """

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Snapshots taken before version 2 do not know when the meeting opened."""
        state["opened_at"] = None

    class Scheduled(Start):
        process_id: UUID
        title: str
        scheduled_for: datetime
        location: str | None
        invited: list[UUID] | None

    class Opened(Step):
        attendees: list[UUID]
        invited: list[UUID]

    class AttendanceRecorded(Step):
        attendees: list[UUID]

    class Closed(Step):
        minutes: str | None

    @event(Scheduled)
    def __init__(
        self,
        id: UUID,
        process_id: UUID,
        title: str,
        scheduled_for: datetime,
        location: str | None,
        invited: list[UUID] | None,
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        self.process_id = process_id
        self.title = title
        self.scheduled_for = scheduled_for
        self.location = location
        # None means: everyone registered when the meeting opens.
        self.invited: list[UUID] | None = _unique(invited) if invited is not None else None
        self.status = "scheduled"
        self.attendees: list[UUID] = []
        self.minutes: str | None = None
        # When it opened in the room: steps of its checks and votes cannot have happened before.
        self.opened_at: datetime | None = None

    def ensure_open(self) -> None:
        """Attendance, checks and votes happen only while the meeting is open."""
        if self.status != "open":
            raise MeetingNotOpen(f"this meeting is {self.status}, not open", meeting_id=self.id)

    def ensure_attending(self, participant_id: UUID) -> None:
        """Only someone on the attendance list may take a stance or cast a ballot here."""
        if participant_id not in self.attendees:
            raise NotAttending(
                "this participant is not on the attendance list of this meeting",
                participant_id=participant_id,
                meeting_id=self.id,
            )

    @property
    def invited_count(self) -> int:
        """How many were invited (fixed when the meeting opens)."""
        return len(self.invited or [])

    @property
    def present_of_invited(self) -> int:
        """How many of those invited attend; walk-ins count as attending but not towards quorum."""
        invited = set(self.invited or [])
        return sum(1 for participant_id in self.attendees if participant_id in invited)

    def open(self, attendees: list[UUID], registered: list[UUID], actor: Actor, *, occurred_at: datetime) -> None:
        """Opens the meeting with its first attendance list; invitations default to everyone registered."""
        if self.status != "scheduled":
            raise MeetingAlreadyOpened(f"this meeting is already {self.status}", meeting_id=self.id)
        ensure_aware(occurred_at)
        invited = self.invited if self.invited is not None else list(registered)
        self._opened(attendees=_unique(attendees), invited=invited, occurred_at=occurred_at, actor=actor)

    @event(Opened)
    def _opened(self, attendees: list[UUID], invited: list[UUID], occurred_at: datetime, actor: Actor) -> None:
        self.status = "open"
        self.opened_at = occurred_at
        self.invited = list(invited)
        self.attendees = list(attendees)

    def record_attendance(self, attendees: list[UUID], actor: Actor, *, occurred_at: datetime) -> None:
        """Adds latecomers to the attendance list of an open meeting; they cannot arrive before it opened."""
        self.ensure_open()
        ensure_not_before(occurred_at, self.opened_at, "the meeting opened", meeting_id=self.id)
        newcomers = [p for p in _unique(attendees) if p not in self.attendees]
        if newcomers:
            self._attendance_recorded(attendees=newcomers, occurred_at=occurred_at, actor=actor)

    @event(AttendanceRecorded)
    def _attendance_recorded(self, attendees: list[UUID], occurred_at: datetime, actor: Actor) -> None:
        self.attendees.extend(attendees)

    def close(self, minutes: str | None, actor: Actor, *, occurred_at: datetime) -> None:
        """Closes the meeting, keeping its minutes (notulen); it cannot close before it opened."""
        self.ensure_open()
        ensure_not_before(occurred_at, self.opened_at, "the meeting opened", meeting_id=self.id)
        self._closed(minutes=minutes, occurred_at=occurred_at, actor=actor)

    @event(Closed)
    def _closed(self, minutes: str | None, occurred_at: datetime, actor: Actor) -> None:
        self.status = "closed"
        self.minutes = minutes


def _unique(participant_ids: list[UUID]) -> list[UUID]:
    return list(dict.fromkeys(participant_ids))

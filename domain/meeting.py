"""A meeting (musyawarah): scheduled, opened with its attendance list, closed, its berita acara sealed.

A meeting has a kind: a musyawarah (the default, and what every meeting recorded before kinds existed was), a
training (pelatihan), a focus group discussion (FGD), a monitoring meeting (pemantauan) or another gathering.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import (
    MeetingAlreadyOpened,
    MeetingNotATraining,
    MeetingNotClosed,
    MeetingNotOpen,
    MinutesNotLatest,
    NotAttending,
    ValueNotAllowed,
    ensure_aware,
    ensure_not_after,
    ensure_not_before,
    ensure_one_of,
)
from domain.steps import RecordedInOrder, Start, Step

#: The languages a berita acara is written in: Bahasa Indonesia, or English on request.
MINUTES_LANGUAGES = ("id", "en")
#: The kinds of meeting a process holds; a training's attendees may evaluate it like a commitment's score card.
MEETING_KINDS = ("musyawarah", "training", "fgd", "monitoring", "other")


class Meeting(RecordedInOrder, Aggregate):
    """One musyawarah of a process, and who was invited to it and attended it.

    Version 2 of the aggregate (its snapshots) keeps when the meeting opened;
    version 3 when it closed and the berita acara sealed for it; version 4 when
    its latest attendance was recorded; version 5 its kind.
    """

    class_version = 5

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Snapshots taken before version 2 do not know when the meeting opened."""
        state["opened_at"] = None

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        """Snapshots taken before version 3 do not know when the meeting closed, and no minutes were sealed."""
        state["closed_at"] = None
        state["sealed_minutes"] = []

    @staticmethod
    def upcast_v3_v4(state: dict[str, Any]) -> None:
        """Snapshots taken before version 4 do not know when the latest attendance was recorded."""
        state["last_attended_at"] = None

    @staticmethod
    def upcast_v4_v5(state: dict[str, Any]) -> None:
        """Snapshots taken before version 5 are of meetings scheduled before kinds existed: each a musyawarah."""
        state["kind"] = "musyawarah"

    class Scheduled(Start):
        """Version 3 added the meeting's kind."""

        class_version = 3
        process_id: UUID
        title: str
        scheduled_for: datetime
        location: str | None
        invited: list[UUID] | None
        kind: str

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Meetings scheduled before kinds existed were musyawarah."""
            state["kind"] = "musyawarah"

    class Opened(Step):
        attendees: list[UUID]
        invited: list[UUID]

    class AttendanceRecorded(Step):
        attendees: list[UUID]

    class Closed(Step):
        minutes: str | None

    class MinutesSealed(Step):
        """A berita acara rendered once and sealed: the SHA-256 and size of each version, what it covers.

        Names (chair, secretary, signatories) are personal data: they are only in
        `sealed_names`, ciphertext made by the service under `names_key_id`; the
        roles, agenda and notes are public, as the public version prints them.
        """

        sealed_version: int
        replaces: int | None
        log_position: int
        chair_role: str
        secretary_role: str
        signatory_roles: list[str]
        names_key_id: UUID
        sealed_names: str
        agenda: list[str]
        notes: str | None
        language: str
        public_sha256: str
        public_size: int
        full_sha256: str
        full_size: int

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
        kind: str = "musyawarah",
    ) -> None:
        self.process_id = process_id
        self.kind = kind
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
        self.closed_at: datetime | None = None
        # When the latest latecomers arrived: the meeting cannot close before.
        self.last_attended_at: datetime | None = None
        #: Every berita acara sealed for this meeting, oldest first (a correction is a new one; both stay).
        self.sealed_minutes: list[dict[str, Any]] = []

    @classmethod
    def schedule(
        cls,
        id: UUID,
        process_id: UUID,
        title: str,
        scheduled_for: datetime,
        location: str | None,
        invited: list[UUID] | None,
        actor: Actor,
        *,
        occurred_at: datetime,
        kind: str = "musyawarah",
    ) -> Meeting:
        """Schedules a meeting of one of the known kinds (a musyawarah unless told otherwise)."""
        ensure_one_of("kind", kind, MEETING_KINDS)
        ensure_aware(occurred_at)
        return cls(
            id=id,
            process_id=process_id,
            title=title,
            scheduled_for=scheduled_for,
            location=location,
            invited=invited,
            occurred_at=occurred_at,
            actor=actor,
            kind=kind,
        )

    def ensure_training(self) -> None:
        """Only a training is evaluated by its attendees as a training."""
        if self.kind != "training":
            raise MeetingNotATraining(
                f"this meeting is a {self.kind}, not a training: only a training is evaluated as one",
                meeting_id=self.id,
            )

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

    def ensure_during(self, occurred_at: datetime, what: str) -> None:
        """A step that names this meeting happened while it was open: not before it opened, not after it closed."""
        ensure_aware(occurred_at)
        if self.status == "scheduled":
            raise MeetingNotOpen(f"this meeting has not opened: {what} cannot have happened at it", meeting_id=self.id)
        ensure_not_before(occurred_at, self.opened_at, "the meeting opened", meeting_id=self.id)
        ensure_not_after(occurred_at, self.closed_at, "the meeting closed", meeting_id=self.id)

    @property
    def invited_count(self) -> int:
        """How many were invited (fixed when the meeting opens)."""
        return len(self.invited or [])

    @property
    def attendee_count(self) -> int:
        """How many attend, walk-ins included."""
        return len(self.attendees)

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
        if self.last_attended_at is None or occurred_at > self.last_attended_at:
            self.last_attended_at = occurred_at

    def close(
        self,
        minutes: str | None,
        actor: Actor,
        *,
        occurred_at: datetime,
        last_step_at: datetime | None = None,
    ) -> None:
        """Closes the meeting, keeping its minutes (notulen).

        It cannot close before it opened, before its latest attendance, nor before `last_step_at`, the latest
        step of the checks and votes held at it (which live in their proposals: the use case finds it).
        """
        self.ensure_open()
        ensure_not_before(occurred_at, self.opened_at, "the meeting opened", meeting_id=self.id)
        ensure_not_before(occurred_at, self.last_attended_at, "its latest attendance", meeting_id=self.id)
        ensure_not_before(
            occurred_at, last_step_at, "the latest step of a check or vote held at it", meeting_id=self.id
        )
        self._closed(minutes=minutes, occurred_at=occurred_at, actor=actor)

    @event(Closed)
    def _closed(self, minutes: str | None, occurred_at: datetime, actor: Actor) -> None:
        self.status = "closed"
        self.minutes = minutes
        self.closed_at = occurred_at

    @property
    def latest_sealed_version(self) -> int | None:
        """The number of the berita acara sealed last (1 for the first), None before any."""
        return self.sealed_minutes[-1]["sealed_version"] if self.sealed_minutes else None

    def sealed(self, sealed_version: int | None = None) -> dict[str, Any] | None:
        """What the log says of one sealed berita acara (the latest when no version is named), or None."""
        if sealed_version is None:
            return self.sealed_minutes[-1] if self.sealed_minutes else None
        return next((s for s in self.sealed_minutes if s["sealed_version"] == sealed_version), None)

    def ensure_minutes_may_be_sealed(self, replaces: int | None, occurred_at: datetime) -> None:
        """A berita acara is sealed once the meeting closed; a correction replaces the latest sealed version."""
        if self.status != "closed":
            raise MeetingNotClosed(
                f"this meeting is {self.status}: its berita acara is sealed after it closes", meeting_id=self.id
            )
        if replaces != self.latest_sealed_version:
            raise MinutesNotLatest(
                f"the latest sealed berita acara of this meeting is version {self.latest_sealed_version}, "
                f"not {replaces}: a correction replaces the latest one",
                meeting_id=self.id,
            )
        ensure_not_before(occurred_at, self.closed_at, "the meeting closed", meeting_id=self.id)

    def seal_minutes(
        self,
        *,
        replaces: int | None,
        log_position: int,
        chair_role: str,
        secretary_role: str,
        signatory_roles: list[str],
        names_key_id: UUID,
        sealed_names: str,
        agenda: list[str],
        notes: str | None,
        language: str,
        public_sha256: str,
        public_size: int,
        full_sha256: str,
        full_size: int,
        actor: Actor,
        occurred_at: datetime,
    ) -> int:
        """Seals a berita acara of the closed meeting; a correction names the latest sealed version it replaces.

        Returns the number of the new sealed version.
        """
        self.ensure_minutes_may_be_sealed(replaces, occurred_at)
        for digest in (public_sha256, full_sha256):
            if len(digest) != 64 or digest.strip("0123456789abcdef"):
                raise ValueNotAllowed("a sealed document's SHA-256 is 64 lowercase hexadecimal digits")
        ensure_one_of("language", language, MINUTES_LANGUAGES)
        if public_size <= 0 or full_size <= 0 or log_position < 0:
            raise ValueNotAllowed("a sealed document has bytes and covers a position of the log")
        sealed_version = len(self.sealed_minutes) + 1
        self._minutes_sealed(
            sealed_version=sealed_version,
            replaces=replaces,
            log_position=log_position,
            chair_role=chair_role,
            secretary_role=secretary_role,
            signatory_roles=list(signatory_roles),
            names_key_id=names_key_id,
            sealed_names=sealed_names,
            agenda=list(agenda),
            notes=notes,
            language=language,
            public_sha256=public_sha256,
            public_size=public_size,
            full_sha256=full_sha256,
            full_size=full_size,
            occurred_at=occurred_at,
            actor=actor,
        )
        return sealed_version

    @event(MinutesSealed)
    def _minutes_sealed(
        self,
        sealed_version: int,
        replaces: int | None,
        log_position: int,
        chair_role: str,
        secretary_role: str,
        signatory_roles: list[str],
        names_key_id: UUID,
        sealed_names: str,
        agenda: list[str],
        notes: str | None,
        language: str,
        public_sha256: str,
        public_size: int,
        full_sha256: str,
        full_size: int,
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        self.sealed_minutes.append(
            {
                "sealed_version": sealed_version,
                "replaces": replaces,
                "log_position": log_position,
                "names_key_id": names_key_id,
                "language": language,
                "public_sha256": public_sha256,
                "public_size": public_size,
                "full_sha256": full_sha256,
                "full_size": full_size,
                "sealed_at": occurred_at,
            }
        )


def _unique(participant_ids: list[UUID]) -> list[UUID]:
    return list(dict.fromkeys(participant_ids))

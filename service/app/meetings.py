"""Use cases of meetings: scheduling, opening with the attendance list, latecomers, closing with minutes."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from domain.meeting import Meeting
from domain.process import Process
from domain.proposal import Proposal
from service.app.readable import ensure_expected, readable, writable_process
from service.app.receipts import CommandContext, Receipt
from service.app.statement_names import StatementNames
from service.app.unit_of_work import UnitOfWork, command


def open_meeting_of(uow: UnitOfWork, meeting_id: UUID, context: CommandContext) -> tuple[Meeting, Process]:
    """A meeting to change and its open process, at the version expected."""
    meeting = readable(uow, Meeting, meeting_id, context.principal)
    # A copy: opening reads the whole register, which a concurrent fast-forward may extend.
    process = writable_process(uow, meeting.process_id, context)
    process.ensure_open()
    ensure_expected(meeting, context)
    return meeting, process


class Meetings:
    """Schedules, opens and closes the meetings of a process."""

    def __init__(self, uow: UnitOfWork, names: StatementNames) -> None:
        self.uow = uow
        self.names = names

    @command
    def schedule(
        self,
        context: CommandContext,
        process_id: UUID,
        title: str,
        scheduled_for: datetime,
        location: str | None,
        invited: list[UUID] | None,
        kind: str = "musyawarah",
    ) -> Receipt:
        """Schedules a meeting of a kind (musyawarah unless told: training, fgd, monitoring, other); those invited
        must be registered in the process."""
        process = writable_process(self.uow, process_id, context)
        ensure_expected(process, context)
        # A meeting's title and place are on the portal and in the public berita acara ("di rumah Pak Made").
        self.names.ensure_unnamed(process, context.names_are_public, title=title, location=location)
        if invited is not None:
            process.ensure_all_registered(invited)
        meeting_id = uuid4()
        scheduled_at = context.when(self.uow.clock)
        process.schedule_meeting(meeting_id, context.actor, occurred_at=scheduled_at)
        meeting = Meeting.schedule(
            meeting_id,
            process_id,
            title,
            scheduled_for,
            location,
            invited,
            context.actor,
            occurred_at=scheduled_at,
            kind=kind,
        )
        self.uow.stage(process, meeting)
        return Receipt("meeting", meeting_id, meeting.version, created=True)

    @command
    def open(self, context: CommandContext, meeting_id: UUID, attendees: list[UUID]) -> Receipt:
        """Opens a meeting with its attendance list (daftar hadir)."""
        meeting, process = open_meeting_of(self.uow, meeting_id, context)
        process.ensure_all_registered(attendees)
        meeting.open(attendees, process.active_participant_ids, context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(meeting)
        return Receipt("meeting", meeting_id, meeting.version)

    @command
    def record_attendance(self, context: CommandContext, meeting_id: UUID, attendees: list[UUID]) -> Receipt:
        """Adds latecomers to an open meeting's attendance list."""
        meeting, process = open_meeting_of(self.uow, meeting_id, context)
        process.ensure_all_registered(attendees)
        meeting.record_attendance(attendees, context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(meeting)
        return Receipt("meeting", meeting_id, meeting.version)

    @command
    def close(self, context: CommandContext, meeting_id: UUID, minutes: str | None) -> Receipt:
        """Closes a meeting with its minutes, not before the latest step of a check or vote held at it."""
        meeting, process = open_meeting_of(self.uow, meeting_id, context)
        self.names.ensure_unnamed(process, context.names_are_public, minutes=minutes)
        steps_at_it = (
            self.uow.get(Proposal, proposal_id, "proposal", copy=False).latest_step_at_meeting(meeting_id)
            for proposal_id in process.proposal_ids
        )
        meeting.close(
            minutes,
            context.actor,
            occurred_at=context.when(self.uow.clock),
            last_step_at=max((at for at in steps_at_it if at is not None), default=None),
        )
        self.uow.stage(meeting)
        return Receipt("meeting", meeting_id, meeting.version)

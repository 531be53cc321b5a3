"""Meetings (musyawarah): schedule, open with attendance, add latecomers, close with minutes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from service.app import queries
from service.http.api.answers import Answer, shown, step_command, written
from service.http.auth import principal, require_token
from service.http.current import current_mufakat
from service.http.schemas.common import SummaryPageSchema, listing_args
from service.http.schemas.meetings import AttendanceSchema, MeetingClosingSchema, MeetingSchedulingSchema, MeetingSchema

blp = Blueprint("meetings", __name__, description="Meetings and their attendance")
blp.before_request(require_token)


@blp.route("/processes/<uuid:process_id>/meetings")
class Meetings(MethodView):
    """The meetings of a process."""

    @blp.arguments(listing_args(("scheduled", "open", "closed"))(), location="query")
    @blp.response(200, SummaryPageSchema)
    def get(self, listing: dict[str, Any], process_id: UUID) -> dict[str, Any]:
        """Lists the meetings of a process in order of scheduling."""
        ledger = current_mufakat()
        process = queries.readable_process(ledger, process_id, principal(), copy=False)
        found, position = queries.meetings_of(
            ledger, process, listing["after"] or 0, listing["limit"], listing["status"]
        )
        items = [
            {"id": m.id, "version": m.version, "title": m.title, "status": m.status, "kind": m.kind} for m in found
        ]
        return {"items": items, "next": str(position) if position is not None else None}

    @blp.arguments(MeetingSchedulingSchema())
    @blp.response(201, MeetingSchema)
    def post(self, meeting: dict[str, Any], process_id: UUID) -> Answer:
        """Schedules a meeting; those invited must be registered (default: all, when it opens)."""
        return written(current_mufakat().meetings.schedule(step_command(meeting), process_id, **meeting))


@blp.route("/meetings/<uuid:meeting_id>")
class OneMeeting(MethodView):
    """One meeting."""

    @blp.response(200, MeetingSchema)
    def get(self, meeting_id: UUID) -> Answer:
        """The meeting, who was invited and who attends."""
        return shown(queries.meeting(current_mufakat(), principal(), meeting_id))


@blp.route("/meetings/<uuid:meeting_id>/open")
class MeetingOpening(MethodView):
    """Opening a meeting."""

    @blp.arguments(AttendanceSchema())
    @blp.response(200, MeetingSchema)
    def post(self, attendance: dict[str, Any], meeting_id: UUID) -> Answer:
        """Opens the meeting with its attendance list (daftar hadir)."""
        return written(current_mufakat().meetings.open(step_command(attendance), meeting_id, **attendance))


@blp.route("/meetings/<uuid:meeting_id>/attendance")
class MeetingAttendance(MethodView):
    """Latecomers."""

    @blp.arguments(AttendanceSchema())
    @blp.response(200, MeetingSchema)
    def post(self, attendance: dict[str, Any], meeting_id: UUID) -> Answer:
        """Adds latecomers to the attendance list of an open meeting."""
        return written(current_mufakat().meetings.record_attendance(step_command(attendance), meeting_id, **attendance))


@blp.route("/meetings/<uuid:meeting_id>/close")
class MeetingClosing(MethodView):
    """Closing a meeting."""

    @blp.arguments(MeetingClosingSchema())
    @blp.response(200, MeetingSchema)
    def post(self, closing: dict[str, Any], meeting_id: UUID) -> Answer:
        """Closes the meeting with its minutes (notulen)."""
        return written(current_mufakat().meetings.close(step_command(closing), meeting_id, **closing))

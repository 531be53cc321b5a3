"""A meeting: scheduled, opened with its attendance list, closed with minutes."""

from __future__ import annotations

from uuid import uuid4

from domain.meeting import Meeting

from .builders import FACILITATOR, assert_refused, moment, schedule_meeting


def test_a_scheduled_meeting_is_not_yet_open() -> None:
    meeting = schedule_meeting()
    assert meeting.status == "scheduled"
    assert_refused(meeting, "meeting_not_open", meeting.ensure_open)


def test_opening_a_meeting_records_its_attendance_and_invites_everyone_registered_by_default() -> None:
    registered = [uuid4() for _ in range(9)]
    meeting = schedule_meeting(invited=None)
    meeting.open(registered[:6], registered, FACILITATOR, occurred_at=moment())
    (opened,) = meeting.collect_events()
    assert isinstance(opened, Meeting.Opened)
    assert opened.actor == FACILITATOR
    assert meeting.status == "open"
    assert meeting.invited_count == 9
    assert meeting.present_of_invited == 6


def test_a_meeting_that_named_its_invitees_keeps_them_when_it_opens() -> None:
    invited = [uuid4() for _ in range(3)]
    meeting = schedule_meeting(invited=invited)
    meeting.open(invited[:2], [*invited, uuid4(), uuid4()], FACILITATOR, occurred_at=moment())
    assert meeting.invited == invited
    assert meeting.invited_count == 3


def test_walk_ins_attend_but_do_not_count_towards_quorum() -> None:
    invited = [uuid4() for _ in range(3)]
    walk_in = uuid4()
    meeting = schedule_meeting(invited=invited)
    meeting.open([invited[0], walk_in], invited, FACILITATOR, occurred_at=moment())
    meeting.ensure_attending(walk_in)
    assert meeting.present_of_invited == 1


def test_someone_listed_twice_attends_once() -> None:
    participant_id = uuid4()
    meeting = schedule_meeting(invited=[participant_id])
    meeting.open([participant_id, participant_id], [participant_id], FACILITATOR, occurred_at=moment())
    assert meeting.attendees == [participant_id]
    assert meeting.present_of_invited == 1


def test_a_meeting_opens_only_once() -> None:
    meeting = schedule_meeting()
    meeting.open([], [], FACILITATOR, occurred_at=moment())
    error = assert_refused(
        meeting, "meeting_already_opened", lambda: meeting.open([], [], FACILITATOR, occurred_at=moment())
    )
    assert error.ids["meeting_id"] == str(meeting.id)


def test_a_closed_meeting_cannot_be_opened_again() -> None:
    meeting = schedule_meeting()
    meeting.open([], [], FACILITATOR, occurred_at=moment())
    meeting.close("Notulen", FACILITATOR, occurred_at=moment())
    assert_refused(meeting, "meeting_already_opened", lambda: meeting.open([], [], FACILITATOR, occurred_at=moment()))


def test_latecomers_join_the_attendance_list_of_an_open_meeting() -> None:
    invited = [uuid4() for _ in range(3)]
    meeting = schedule_meeting(invited=invited)
    meeting.open([invited[0]], invited, FACILITATOR, occurred_at=moment())
    meeting.collect_events()
    meeting.record_attendance([invited[0], invited[1]], FACILITATOR, occurred_at=moment())
    (recorded,) = meeting.collect_events()
    assert isinstance(recorded, Meeting.AttendanceRecorded)
    assert recorded.attendees == [invited[1]]
    assert recorded.actor == FACILITATOR
    assert meeting.present_of_invited == 2


def test_recording_only_those_already_present_records_nothing() -> None:
    invited = [uuid4()]
    meeting = schedule_meeting(invited=invited)
    meeting.open(invited, invited, FACILITATOR, occurred_at=moment())
    meeting.collect_events()
    meeting.record_attendance(invited, FACILITATOR, occurred_at=moment())
    assert meeting.collect_events() == []


def test_attendance_is_not_recorded_before_the_meeting_opens() -> None:
    meeting = schedule_meeting()
    assert_refused(
        meeting, "meeting_not_open", lambda: meeting.record_attendance([uuid4()], FACILITATOR, occurred_at=moment())
    )


def test_attendance_is_not_recorded_after_the_meeting_closed() -> None:
    meeting = schedule_meeting()
    meeting.open([], [], FACILITATOR, occurred_at=moment())
    meeting.close(None, FACILITATOR, occurred_at=moment())
    assert_refused(
        meeting, "meeting_not_open", lambda: meeting.record_attendance([uuid4()], FACILITATOR, occurred_at=moment())
    )


def test_closing_a_meeting_keeps_its_minutes() -> None:
    meeting = schedule_meeting()
    meeting.open([], [], FACILITATOR, occurred_at=moment())
    meeting.collect_events()
    meeting.close("Berita acara: tiga usulan dibahas", FACILITATOR, occurred_at=moment())
    (closed,) = meeting.collect_events()
    assert closed.actor == FACILITATOR
    assert meeting.status == "closed"
    assert meeting.minutes == "Berita acara: tiga usulan dibahas"


def test_a_meeting_is_closed_only_while_open() -> None:
    meeting = schedule_meeting()
    assert_refused(meeting, "meeting_not_open", lambda: meeting.close(None, FACILITATOR, occurred_at=moment()))
    meeting.open([], [], FACILITATOR, occurred_at=moment())
    meeting.close(None, FACILITATOR, occurred_at=moment())
    assert_refused(meeting, "meeting_not_open", lambda: meeting.close(None, FACILITATOR, occurred_at=moment()))


def test_only_someone_on_the_attendance_list_may_take_part() -> None:
    invited = [uuid4(), uuid4()]
    meeting = schedule_meeting(invited=invited)
    meeting.open([invited[0]], invited, FACILITATOR, occurred_at=moment())
    meeting.ensure_attending(invited[0])
    error = assert_refused(meeting, "not_attending", lambda: meeting.ensure_attending(invited[1]))
    assert error.ids == {"participant_id": str(invited[1]), "meeting_id": str(meeting.id)}


def test_someone_invited_twice_is_counted_once() -> None:
    person = uuid4()
    meeting = schedule_meeting(invited=[person, person, person])
    meeting.open([person], [person], FACILITATOR, occurred_at=moment())
    assert meeting.invited_count == 1
    assert meeting.present_of_invited == 1

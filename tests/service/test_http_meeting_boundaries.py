"""Stances and ballots belong to the meeting where they are given; repeating a step that changes nothing is harmless."""

from __future__ import annotations

from http_callers import Caller, Village, musyawarah_fails
from test_http_problems import assert_problem


def test_no_stance_is_taken_once_the_meeting_of_the_check_has_closed(village: Village, facilitator: Caller) -> None:
    check = facilitator.created(f"{village.proposal}/consensus-checks", {"meeting_id": village.meeting_id})
    facilitator.ok(f"/meetings/{village.meeting_id}/close", {"minutes": "Ditutup sebelum semua bersikap."})

    late = facilitator.post(
        f"{village.proposal}/consensus-checks/{check['check_id']}/stances",
        {"participant_id": village.participants[0], "stance": "agree"},
    )

    assert_problem(late, 409, "meeting_not_open")
    assert facilitator.get(village.proposal).get_json()["consensus_checks"][0]["stances"] == {}


def test_no_ballot_is_cast_once_the_meeting_of_the_vote_has_closed(village: Village, facilitator: Caller) -> None:
    musyawarah_fails(facilitator, village)
    vote = facilitator.created(f"{village.proposal}/votes", {"meeting_id": village.meeting_id})
    facilitator.ok(f"/meetings/{village.meeting_id}/close", {"minutes": "Rapat ditutup."})

    late = facilitator.post(
        f"{village.proposal}/votes/{vote['vote_id']}/ballots",
        {"participant_id": village.participants[1], "choice": "yes"},
    )

    assert_problem(late, 409, "meeting_not_open")


def test_recording_someone_already_on_the_attendance_list_again_changes_nothing(
    village: Village, facilitator: Caller
) -> None:
    before = facilitator.get(f"/meetings/{village.meeting_id}").get_json()

    again = facilitator.ok(f"/meetings/{village.meeting_id}/attendance", {"attendees": village.participants[:2]})

    assert again["version"] == before["version"]
    assert again["attendees"] == before["attendees"]

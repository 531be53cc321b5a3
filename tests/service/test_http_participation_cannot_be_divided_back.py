"""Red team of issue 17, item 5: the participation report counts steps (stances, attendances, ballots) by group
and gender beside the people behind them. The people of a small group showed as "<3", but their steps did not:
the one elderly attendee's 3 stances at 3 checks showed as `"elderly": 3`, and the number of checks, public in
the feed, divides them back into one person. A breakdown of steps with a cell of one or two people is left out.

The village (`http_callers.start_village`): four participants, each of another group, all at one meeting.
"""

from __future__ import annotations

from http_callers import Caller, Village

CHECKS = 3


def three_checks_without_mufakat(facilitator: Caller, village: Village) -> None:
    """Three consensus checks at the meeting, each with a stance from everyone and closed without mufakat."""
    for _ in range(CHECKS):
        check = facilitator.created(f"{village.proposal}/consensus-checks", {"meeting_id": village.meeting_id})
        for participant in village.participants:
            facilitator.ok(
                f"{village.proposal}/consensus-checks/{check['check_id']}/stances",
                {"participant_id": participant, "stance": "disagree"},
            )
        facilitator.ok(f"{village.proposal}/consensus-checks/{check['check_id']}/close")


def test_the_stances_of_one_person_per_group_are_not_shown_as_a_count_the_checks_divide_back(
    facilitator: Caller, anonymous: Caller, village: Village
) -> None:
    three_checks_without_mufakat(facilitator, village)

    stances = anonymous.get(f"/processes/{village.process_id}/participation").get_json()["stances"]

    assert (stances["total"], stances["people"]) == (CHECKS * 4, 4)
    assert set(stances["people_by_group"].values()) <= {"<3"}
    # Before: {"elderly": 3, "resident": 3, "women": 3, "youth": 3}, beside 3 closed checks in the feed.
    assert not any(isinstance(count, int) and count > 0 for count in stances["by_group"].values())


def test_whoever_runs_the_process_still_reads_every_count_exactly(facilitator: Caller, village: Village) -> None:
    three_checks_without_mufakat(facilitator, village)

    stances = facilitator.get(f"/processes/{village.process_id}/participation").get_json()["stances"]

    assert stances["by_group"] == {"elderly": 3, "resident": 3, "women": 3, "youth": 3}

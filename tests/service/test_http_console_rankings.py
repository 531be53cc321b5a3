"""Issue 21, item 6: the facilitator runs a ranking round from the console, as the offline queue posts its steps.

The round is opened at the open meeting over chosen proposals with a pagu; each attendee's ballot is one form
(places 1..n for Borda); a ballot whose places are no order is refused naming those places and records nothing;
closing shows the result against the pagu."""

from __future__ import annotations

import pytest
from flask import Flask
from http_callers import Caller, Village
from test_http_console_whole_musyawarah import Console
from test_http_rankings import costed


@pytest.fixture
def as_facilitator(app: Flask, facilitator: Caller) -> Console:
    return Console(app, str(facilitator.secret))


def _places(order: list[str]) -> dict[str, str]:
    return {f"place_{proposal}": str(place) for place, proposal in enumerate(order, start=1)}


def test_a_ranking_round_is_opened_balloted_and_closed_from_the_console(
    as_facilitator: Console, facilitator: Caller, village: Village
) -> None:
    road = costed(facilitator, village, "Rabat beton jalan Krajan", "250000000.00")
    well = costed(facilitator, village, "Sumur bor RT 07", "90000000")
    school = costed(facilitator, village, "Rehab PAUD", "100000000.50")

    opened = as_facilitator.step(
        "open_ranking",
        process_id=village.process_id,
        meeting_id=village.meeting_id,
        proposals=[road, well, school],
        method="borda",
        budget_ceiling="400000000",
    )
    assert opened["ok"] is True, opened
    ranking_id = opened["id"]
    assert opened["location"] == f"/console/peringkat/{ranking_id}"
    assert f"/console/peringkat/{ranking_id}" in as_facilitator.page(f"/console/rapat/{village.meeting_id}")
    page = as_facilitator.page(f"/console/peringkat/{ranking_id}")
    assert page.count('data-step="rank_ballot"') == len(village.participants)
    assert f'name="place_{road}"' in page

    for participant in village.participants[:3]:
        cast = as_facilitator.step(
            "rank_ballot", ranking_id=ranking_id, participant_id=participant, **_places([well, school, road])
        )
        assert cast["ok"] is True, cast

    closed = as_facilitator.step("close_ranking", ranking_id=ranking_id)
    assert closed["ok"] is True, closed
    read = facilitator.get(f"/rankings/{ranking_id}").get_json()
    assert read["status"] == "closed" and read["ballot_count"] == 3
    assert [row["proposal_id"] for row in read["result"]] == [well, school, road]
    assert [row["within_ceiling"] for row in read["result"]] == [True, True, False]
    result = as_facilitator.page(f"/console/peringkat/{ranking_id}")
    assert "Sumur bor RT 07" in result and "190.000.000,50" in result  # grouped as Indonesians write money
    assert 'data-step="rank_ballot"' not in result


def test_a_ballot_with_two_proposals_on_one_place_is_refused_naming_them_and_records_nothing(
    as_facilitator: Console, facilitator: Caller, village: Village
) -> None:
    road = costed(facilitator, village, "Rabat beton jalan Krajan", "250000000.00")
    well = costed(facilitator, village, "Sumur bor RT 07", "90000000")
    school = costed(facilitator, village, "Rehab PAUD", "100000000.50")
    opened = as_facilitator.step(
        "open_ranking",
        process_id=village.process_id,
        meeting_id=village.meeting_id,
        proposals=[road, well, school],
        method="borda",
    )
    ranking_id = opened["id"]

    refused = as_facilitator.step(
        "rank_ballot",
        ranking_id=ranking_id,
        participant_id=village.participants[0],
        **{f"place_{road}": "1", f"place_{well}": "1", f"place_{school}": "3"},
    )

    assert refused["ok"] is False and refused["code"] == "validation_failed"
    assert refused["fields"] == sorted([f"place_{road}", f"place_{well}"])
    assert facilitator.get(f"/rankings/{ranking_id}").get_json()["ballots"] == []


@pytest.mark.parametrize("odd", ["\u00b2", "\u0662", "\uff12"])
def test_a_place_that_is_no_ascii_digit_is_refused_naming_it_and_records_nothing(
    odd: str, as_facilitator: Console, facilitator: Caller, village: Village
) -> None:
    road = costed(facilitator, village, "Rabat beton jalan Krajan", "250000000.00")
    well = costed(facilitator, village, "Sumur bor RT 07", "90000000")
    ranking_id = as_facilitator.step(
        "open_ranking",
        process_id=village.process_id,
        meeting_id=village.meeting_id,
        proposals=[road, well],
        method="borda",
    )["id"]

    refused = as_facilitator.step(
        "rank_ballot",
        ranking_id=ranking_id,
        participant_id=village.participants[0],
        **{f"place_{road}": "1", f"place_{well}": odd},
    )

    assert (refused["ok"], refused["code"], refused["fields"]) == (False, "validation_failed", [f"place_{well}"])
    assert facilitator.get(f"/rankings/{ranking_id}").get_json()["ballots"] == []


def test_a_ranking_of_one_proposal_or_with_a_pagu_that_is_no_amount_is_refused(
    as_facilitator: Console, village: Village
) -> None:
    refused = as_facilitator.step(
        "open_ranking",
        process_id=village.process_id,
        meeting_id=village.meeting_id,
        proposals=[village.proposal_id],
        method="borda",
        budget_ceiling="empat ratus juta",
    )

    assert refused["ok"] is False
    assert refused["fields"] == ["budget_ceiling", "proposals"]

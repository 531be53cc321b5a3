"""Costed proposals ranked by the room against a budget ceiling, and the daftar prioritas as JSON, CSV and XLSX.

Story: the Musdes of Sukamaju has three costed proposals and a pagu indikatif of Rp 400.000.000; its four
attendees rank them by Borda count; the list shows what fits the ceiling; outsiders read the result and how many
ballots, never who ranked what.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from http_callers import Caller, Village
from openpyxl import load_workbook

ROAD = {
    "location": {"dusun": "Krajan", "rw": "03", "rt": "07"},
    "sector": "2.3",
    "estimated_cost": "250000000.00",
    "funding_source": "dana_desa",
    "volume": "300",
    "unit": "meter",
    "beneficiaries": {"households": 120, "people": 430},
    "implementation_pattern": "swakelola",
}


def costed(facilitator: Caller, village: Village, title: str, cost: str, **more: Any) -> str:
    body = {"title": title, "body": f"{title}.", "submitted_by": village.participants[1], "estimated_cost": cost}
    return facilitator.created(f"/processes/{village.process_id}/proposals", {**body, **more})["id"]


def open_ranking(facilitator: Caller, village: Village, proposals: list[str], **more: Any) -> dict[str, Any]:
    body = {"meeting_id": village.meeting_id, "proposals": proposals, "method": "borda", **more}
    return facilitator.created(f"/processes/{village.process_id}/rankings", body)


def three_costed(facilitator: Caller, village: Village) -> list[str]:
    road = costed(facilitator, village, "Rabat beton jalan Krajan", "250000000.00", **{**ROAD})
    well = costed(facilitator, village, '=HYPERLINK("x") sumur bor', "90000000", sector="2.2")
    school = costed(facilitator, village, "Rehab PAUD", "100000000.50", sector="2.1")
    return [road, well, school]


# --- planning fields -----------------------------------------------------------------------------------------------


def test_a_proposal_is_submitted_with_its_planning_fields_and_reads_them_back_with_the_sector_name(
    facilitator: Caller, village: Village
) -> None:
    body = {"title": "Rabat beton", "body": "Jalan Krajan.", "submitted_by": village.participants[0], **ROAD}
    created = facilitator.created(f"/processes/{village.process_id}/proposals", body)
    read = facilitator.get(f"/proposals/{created['id']}", headers={"Accept-Language": "id"}).get_json()

    assert {name: read[name] for name in ROAD} == ROAD
    assert read["sector_name"] == "Pekerjaan Umum dan Penataan Ruang"
    assert read["estimated_cost"] == "250000000.00"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sector", "9.9"),
        ("estimated_cost", 250000000.5),
        ("estimated_cost", "-5"),
        ("estimated_cost", "1.234"),
        ("funding_source", "apbn"),
        ("implementation_pattern", "tender"),
        ("location", {"desa": "Sukamaju"}),
        ("beneficiaries", {"households": -1}),
    ],
)
def test_a_planning_field_outside_its_vocabulary_is_422_and_records_nothing(
    facilitator: Caller, village: Village, field: str, value: Any
) -> None:
    body = {"title": "Rabat beton", "body": "Jalan.", "submitted_by": village.participants[0], field: value}
    before = facilitator.get(f"/processes/{village.process_id}").get_json()["version"]
    answer = facilitator.post(f"/processes/{village.process_id}/proposals", body)

    assert answer.status_code == 422
    assert answer.get_json()["code"] == "validation_failed"
    assert field in answer.get_json()["errors"]
    assert facilitator.get(f"/processes/{village.process_id}").get_json()["version"] == before


def test_an_amendment_that_changes_the_cost_is_a_new_text_version(facilitator: Caller, village: Village) -> None:
    amended = facilitator.ok(
        f"{village.proposal}/amendments",
        {
            "body": "Posyandu dengan ruang tunggu.",
            "reason": "Biaya diukur ulang",
            "proposed_by": village.participants[1],
            "estimated_cost": "75000000",
            "sector": "2.2",
        },
    )

    assert amended["text_version"] == 2
    assert amended["estimated_cost"] == "75000000"
    assert amended["sector"] == "2.2"


# --- a ranking round -----------------------------------------------------------------------------------------------


@pytest.mark.both_stores
def test_the_room_ranks_costed_proposals_against_the_ceiling_and_the_list_follows(
    facilitator: Caller, anonymous: Caller, village: Village
) -> None:
    road, well, school = three_costed(facilitator, village)
    ranking = open_ranking(facilitator, village, [road, well, school], budget_ceiling="400000000")
    assert ranking["status"] == "open" and ranking["budget_ceiling"] == "400000000"

    # Three attendees rank; the second changes her mind, and her later ballot replaces the first.
    path = f"/rankings/{ranking['ranking_id']}/ballots"
    first, second, third = village.participants[:3]
    facilitator.ok(path, {"participant_id": first, "order": [well, road, school]})
    facilitator.ok(path, {"participant_id": second, "order": [school, road, well]})
    facilitator.ok(path, {"participant_id": second, "order": [well, school, road]})
    facilitator.ok(path, {"participant_id": third, "order": [road, well, school]})
    # Outsiders see no count while it is open.
    assert anonymous.get(f"/rankings/{ranking['ranking_id']}").get_json()["ballot_count"] is None

    closed = facilitator.ok(f"/rankings/{ranking['ranking_id']}/close")

    assert closed["status"] == "closed" and closed["ballot_count"] == 3
    assert [(r["proposal_id"], r["rank"], r["points"]) for r in closed["result"]] == [
        (well, 1, "5"),
        (road, 2, "3"),
        (school, 3, "1"),
    ]
    assert [r["cumulative_cost"] for r in closed["result"]] == ["90000000", "340000000.00", "440000000.50"]
    assert [r["within_ceiling"] for r in closed["result"]] == [True, True, False]

    # The public reads the result and how many ballots, never who ranked what.
    public = anonymous.get(f"/rankings/{ranking['ranking_id']}").get_json()
    assert public["result"] == closed["result"] and public["ballot_count"] == 3
    assert "ballots" not in public or not public["ballots"]
    assert not any(participant in str(public) for participant in village.participants)

    listed = anonymous.get(f"/processes/{village.process_id}/priorities", headers={"Accept-Language": "id"})
    assert listed.status_code == 200
    priorities = listed.get_json()
    assert priorities["ranking_id"] == ranking["ranking_id"] and priorities["method"] == "borda"
    assert priorities["budget_ceiling"] == "400000000"
    assert [item["proposal_id"] for item in priorities["items"]] == [well, road, school]
    road_row = priorities["items"][1]
    assert road_row["sector_name"] == "Pekerjaan Umum dan Penataan Ruang"
    assert road_row["location"] == ROAD["location"] and road_row["beneficiaries"] == ROAD["beneficiaries"]


def test_the_priority_list_as_xlsx_has_the_rows_of_the_json(
    facilitator: Caller, anonymous: Caller, village: Village
) -> None:
    proposals = three_costed(facilitator, village)
    ranking = open_ranking(facilitator, village, proposals, budget_ceiling="400000000")
    for participant in village.participants[:3]:
        facilitator.ok(
            f"/rankings/{ranking['ranking_id']}/ballots", {"participant_id": participant, "order": proposals}
        )
    facilitator.ok(f"/rankings/{ranking['ranking_id']}/close")
    path = f"/processes/{village.process_id}/priorities"
    priorities = anonymous.get(path, headers={"Accept-Language": "id"}).get_json()

    answer = anonymous.get(path, format="xlsx")
    assert answer.status_code == 200
    assert answer.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(answer.data)).active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = {row[0]: row[1] for row in rows[:5]}
    assert header["Aturan pemeringkatan"] == "Borda"
    assert header["Pagu indikatif (Rp)"] == "400000000"
    assert header["Dibuat dari"] == f"{ranking['ranking_id']} v{priorities['ranking_version']}"
    columns = rows[6]
    assert columns[:9] == [
        "No",
        "Bidang/Sub-bidang",
        "Kegiatan",
        "Lokasi",
        "Volume",
        "Sasaran/Manfaat",
        "Perkiraan Biaya (Rp)",
        "Biaya Kumulatif (Rp)",
        "Dalam Pagu",
    ]
    table = rows[7:]
    assert len(table) == len(priorities["items"])
    for row, item in zip(table, priorities["items"], strict=True):
        assert row[0] == item["rank"]
        assert row[2] == item["title"] if not item["title"].startswith("=") else row[2] == "'" + item["title"]
        assert Decimal(str(row[6])) == Decimal(item["estimated_cost"])
        assert Decimal(str(row[7])) == Decimal(item["cumulative_cost"])
        assert row[8] == ("Ya" if item["within_ceiling"] else "Tidak")
    road_row = next(row for row in table if row[2] == "Rabat beton jalan Krajan")
    assert road_row[1] == "2.3 Pekerjaan Umum dan Penataan Ruang"
    assert road_row[3] == "Dusun Krajan, RW 03, RT 07"
    assert road_row[4] == "300 meter"
    assert road_row[5] == "120 KK, 430 jiwa"
    assert road_row[9:11] == ["Dana Desa (DD)", "Swakelola"]


def test_the_priority_list_as_csv_opens_in_excel_and_runs_no_formula(
    facilitator: Caller, anonymous: Caller, village: Village
) -> None:
    proposals = three_costed(facilitator, village)
    ranking = open_ranking(facilitator, village, proposals)
    for participant in village.participants[:3]:
        facilitator.ok(
            f"/rankings/{ranking['ranking_id']}/ballots", {"participant_id": participant, "order": proposals}
        )
    facilitator.ok(f"/rankings/{ranking['ranking_id']}/close")

    answer = anonymous.get(f"/processes/{village.process_id}/priorities", format="csv")

    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.data.startswith("\ufeff".encode())
    text = answer.data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert "250000000.00" in text and "e+" not in text


def test_a_score_round_with_weighted_criteria_ranks_by_the_weighted_sum(facilitator: Caller, village: Village) -> None:
    road, well = three_costed(facilitator, village)[:2]
    criteria = [{"name": "urgensi", "weight": "2"}, {"name": "biaya"}]
    ranking = open_ranking(facilitator, village, [road, well], method="score", criteria=criteria)
    for participant in village.participants[:3]:
        facilitator.ok(
            f"/rankings/{ranking['ranking_id']}/ballots",
            {
                "participant_id": participant,
                "scores": {road: {"urgensi": 5, "biaya": 1}, well: {"urgensi": 3, "biaya": 5}},
            },
        )
    closed = facilitator.ok(f"/rankings/{ranking['ranking_id']}/close")

    assert {r["proposal_id"]: r["points"] for r in closed["result"]} == {road: "33", well: "33"}
    # Equal points: the tie goes to more 5s (three each), then to the earlier submission: the road.
    assert closed["result"][0]["proposal_id"] == road


# --- refusals ---------------------------------------------------------------------------------------------------


def test_refusals_of_a_ranking_round(facilitator: Caller, village: Village) -> None:
    road, well, school = three_costed(facilitator, village)
    rankings = f"/processes/{village.process_id}/rankings"

    one = facilitator.post(rankings, {"meeting_id": village.meeting_id, "proposals": [road], "method": "borda"})
    assert one.status_code == 422
    twice = facilitator.post(rankings, {"meeting_id": village.meeting_id, "proposals": [road, road], "method": "borda"})
    assert twice.status_code == 409 and twice.get_json()["code"] == "ranking_needs_two_proposals"
    bad_method = facilitator.post(
        rankings, {"meeting_id": village.meeting_id, "proposals": [road, well], "method": "x"}
    )
    assert bad_method.status_code == 422
    stranger = facilitator.post(
        rankings,
        {
            "meeting_id": village.meeting_id,
            "proposals": [road, "6a0e3c5e-7d2b-4c0f-9a57-2f6e3d1b8c90"],
            "method": "borda",
        },
    )
    assert stranger.status_code == 422 and "proposals" in stranger.get_json()["errors"]

    ranking = open_ranking(facilitator, village, [road, well, school])
    ballots = f"/rankings/{ranking['ranking_id']}/ballots"
    not_a_permutation = facilitator.post(ballots, {"participant_id": village.participants[0], "order": [road, well]})
    assert not_a_permutation.status_code == 422
    assert not_a_permutation.get_json()["code"] == "validation_failed"

    outsider = facilitator.created(
        f"/processes/{village.process_id}/participants", {"name": "Pak Tamu", "group": "resident"}
    )["id"]
    absent = facilitator.post(ballots, {"participant_id": outsider, "order": [road, well, school]})
    assert absent.status_code == 409 and absent.get_json()["code"] == "not_attending"

    facilitator.ok(ballots, {"participant_id": village.participants[0], "order": [road, well, school]})
    too_few = facilitator.post(f"/rankings/{ranking['ranking_id']}/close", headers={"Accept-Language": "id"})
    assert too_few.status_code == 409 and too_few.get_json()["code"] == "quorum_not_met"
    assert too_few.get_json()["detail"].startswith("hanya 1 dari 4 peserta hadir")

    # An amendment (a new cost) after the ranking opened: the ranking cannot close on the old text.
    for participant in village.participants[1:3]:
        facilitator.ok(ballots, {"participant_id": participant, "order": [well, road, school]})
    facilitator.ok(
        f"/proposals/{well}/amendments",
        {
            "body": "Sumur bor dalam.",
            "reason": "Harga naik",
            "proposed_by": village.participants[0],
            "estimated_cost": "1",
        },
    )
    changed = facilitator.post(f"/rankings/{ranking['ranking_id']}/close")
    assert changed.status_code == 409 and changed.get_json()["code"] == "ranked_text_changed"
    assert facilitator.get(f"/rankings/{ranking['ranking_id']}").get_json()["status"] == "open"


def test_a_closed_ranking_takes_no_more_ballots(facilitator: Caller, village: Village) -> None:
    proposals = three_costed(facilitator, village)[:2]
    ranking = open_ranking(facilitator, village, proposals)
    for participant in village.participants[:3]:
        facilitator.ok(
            f"/rankings/{ranking['ranking_id']}/ballots", {"participant_id": participant, "order": proposals}
        )
    facilitator.ok(f"/rankings/{ranking['ranking_id']}/close")

    late = facilitator.post(
        f"/rankings/{ranking['ranking_id']}/ballots", {"participant_id": village.participants[3], "order": proposals}
    )
    again = facilitator.post(f"/rankings/{ranking['ranking_id']}/close")

    assert late.status_code == 409 and late.get_json()["code"] == "ranking_closed"
    assert again.status_code == 409 and again.get_json()["code"] == "ranking_closed"


def test_a_process_without_a_closed_ranking_has_no_priority_list(
    facilitator: Caller, anonymous: Caller, village: Village
) -> None:
    answer = anonymous.get(f"/processes/{village.process_id}/priorities")

    assert answer.status_code == 404 and answer.get_json()["code"] == "not_found"
    assert anonymous.get(f"/processes/{village.process_id}/priorities", format="pdf").status_code == 422


def test_a_partner_may_not_open_a_ranking_and_a_retry_records_it_once(
    facilitator: Caller, partner: Caller, village: Village
) -> None:
    proposals = three_costed(facilitator, village)[:2]
    body = {"meeting_id": village.meeting_id, "proposals": proposals, "method": "borda"}

    assert partner.post(f"/processes/{village.process_id}/rankings", body).status_code in (403, 404)
    first = facilitator.post(f"/processes/{village.process_id}/rankings", body, headers={"Idempotency-Key": "rank-1"})
    again = facilitator.post(f"/processes/{village.process_id}/rankings", body, headers={"Idempotency-Key": "rank-1"})
    assert first.status_code == 201 and again.status_code == 201
    assert first.get_json()["ranking_id"] == again.get_json()["ranking_id"]

    stale = facilitator.post(
        f"/rankings/{first.get_json()['ranking_id']}/ballots",
        {"participant_id": village.participants[0], "order": proposals},
        headers={"If-Match": '"7"'},
    )
    assert stale.status_code == 412

"""The Musrenbang chain over HTTP: a desa's adopted proposal goes up to the kecamatan, merges with a neighbour's
duplicate there, and its journey reads the same from either end; every refusal answers problem+json."""

from __future__ import annotations

from typing import Any

import pytest
from http_callers import Caller, Village, adopt_by_consensus, process_body, start_village

KECAMATAN = {**process_body(), "title": "Musrenbang Kecamatan", "region_code": "33.01.01", "level": "kecamatan"}


def village_under(facilitator: Caller, kecamatan_id: str, region_code: str) -> Village:
    """A desa under the kecamatan, under way, with its proposal adopted."""
    desa = facilitator.created("/processes", {**process_body(), "region_code": region_code, "parent_id": kecamatan_id})
    village = _village_in(facilitator, desa["id"])
    adopt_by_consensus(facilitator, village)
    return village


def _village_in(facilitator: Caller, process_id: str) -> Village:
    people = [
        facilitator.created(f"/processes/{process_id}/participants", {"name": n, "group": "resident"})["id"]
        for n in ("Siti Aminah", "Budi Santoso", "Wayan Sudarta")
    ]
    meeting = facilitator.created(
        f"/processes/{process_id}/meetings",
        {"title": "Musdes", "scheduled_for": "2027-01-15T09:00:00+07:00", "location": "Balai Desa"},
    )
    facilitator.ok(f"/meetings/{meeting['id']}/open", {"attendees": people})
    proposal = facilitator.created(
        f"/processes/{process_id}/proposals",
        {"title": "Jalan ke pasar", "body": "Pengerasan jalan ke pasar kecamatan.", "submitted_by": people[0]},
    )
    return Village(process_id, people, meeting["id"], proposal["id"])


def problem(answer: Any, status: int, code: str) -> None:
    assert answer.status_code == status, answer.get_json()
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert answer.get_json()["code"] == code


@pytest.mark.both_stores
def test_an_adopted_proposal_goes_up_merges_with_a_neighbour_s_and_its_journey_reads_the_same_from_either_end(
    facilitator: Caller, partner: Caller
) -> None:
    kecamatan = facilitator.created("/processes", KECAMATAN)
    sukamaju = village_under(facilitator, kecamatan["id"], "33.01.01.2001")
    sukamakmur = village_under(facilitator, kecamatan["id"], "33.01.01.2002")

    # Sukamaju's road goes up, with a delegate; so does its neighbour's duplicate.
    sent = facilitator.created(
        f"/proposals/{sukamaju.proposal_id}/forward",
        {"to_process_id": kecamatan["id"], "note": "Melebihi pagu desa", "delegates": [sukamaju.participants[1]]},
    )
    assert sent["origin_id"] == sukamaju.proposal_id and sent["process_id"] == kecamatan["id"]
    assert sent["origin"] == {"proposal_id": sukamaju.proposal_id, "process_id": sukamaju.process_id}
    assert sent["status"] == "open" and sent["submitted_by"] is None
    neighbour = facilitator.created(f"/proposals/{sukamakmur.proposal_id}/forward", {"to_process_id": kecamatan["id"]})
    assert sent["proposal_id"] in facilitator.get(f"/processes/{kecamatan['id']}").get_json()["proposal_ids"]

    # At the kecamatan the duplicate is merged into Sukamaju's, with the reason.
    merged = facilitator.ok(
        f"/proposals/{neighbour['proposal_id']}/merge",
        {"into": sent["proposal_id"], "reason": "Ruas jalan yang sama menghubungkan kedua desa"},
    )
    assert merged["status"] == "merged" and merged["merged_into"]["into"] == sent["proposal_id"]

    # The journey from the dusun end and from the kecamatan end is one line.
    from_below = facilitator.get(f"/proposals/{sukamakmur.proposal_id}/journey").get_json()["items"]
    from_above = facilitator.get(f"/proposals/{neighbour['proposal_id']}/journey").get_json()["items"]
    assert from_below == from_above
    assert [(s["level"], s["status"], s["outcome"]) for s in from_below] == [
        ("desa", "decided", "adopted"),
        ("kecamatan", "merged", None),
        ("kecamatan", "open", None),
    ]
    assert from_below[2]["proposal_id"] == sent["proposal_id"]
    assert from_below[1]["merge_reason"] == "Ruas jalan yang sama menghubungkan kedua desa"

    # Delegates are named to the facilitator, never to a partner.
    mine = facilitator.get(f"/proposals/{sukamaju.proposal_id}/journey").get_json()["items"]
    theirs = partner.get(f"/proposals/{sukamaju.proposal_id}/journey").get_json()["items"]
    assert mine[0]["delegates"] == [sukamaju.participants[1]]
    assert theirs[0]["delegates"] is None and [s["proposal_id"] for s in theirs] == [s["proposal_id"] for s in mine]
    history = partner.get(f"/proposals/{sukamaju.proposal_id}/history").get_data(as_text=True)
    assert sukamaju.participants[1] not in history


def test_a_process_opens_only_under_a_higher_level_whose_region_holds_its_own(facilitator: Caller) -> None:
    kecamatan = facilitator.created("/processes", KECAMATAN)

    desa = facilitator.created("/processes", {**process_body(), "parent_id": kecamatan["id"]})
    assert (desa["level"], desa["parent_id"]) == ("desa", kecamatan["id"])
    problem(facilitator.post("/processes", {**KECAMATAN, "parent_id": kecamatan["id"]}), 422, "parent_not_higher")
    problem(
        facilitator.post(
            "/processes", {**process_body(), "region_code": "33.01.02.2001", "parent_id": kecamatan["id"]}
        ),
        422,
        "region_not_under_parent",
    )
    problem(facilitator.post("/processes", {**process_body(), "level": "provinsi"}), 422, "validation_failed")


def test_forwarding_is_refused_before_adoption_elsewhere_than_the_parent_and_a_second_time(
    facilitator: Caller,
) -> None:
    kecamatan = facilitator.created("/processes", KECAMATAN)
    desa = facilitator.created("/processes", {**process_body(), "parent_id": kecamatan["id"]})
    village = _village_in(facilitator, desa["id"])
    to_parent = {"to_process_id": kecamatan["id"]}

    problem(facilitator.post(f"/proposals/{village.proposal_id}/forward", to_parent), 409, "not_adopted")
    adopt_by_consensus(facilitator, village)
    other = facilitator.created("/processes", KECAMATAN)
    problem(
        facilitator.post(f"/proposals/{village.proposal_id}/forward", {"to_process_id": other["id"]}),
        422,
        "not_the_parent",
    )
    problem(
        facilitator.post(f"/proposals/{village.proposal_id}/forward", {**to_parent, "delegates": [other["id"]]}),
        409,
        "not_registered",
    )
    facilitator.created(f"/proposals/{village.proposal_id}/forward", to_parent)
    answer = facilitator.post(f"/proposals/{village.proposal_id}/forward", to_parent, headers={"Accept-Language": "id"})
    problem(answer, 409, "already_forwarded")
    assert answer.get_json()["detail"] == "usulan ini sudah diteruskan"
    # The refused attempts left nothing half recorded: the kecamatan holds exactly one proposal.
    assert len(facilitator.get(f"/processes/{kecamatan['id']}").get_json()["proposal_ids"]) == 1


def test_a_merge_is_refused_for_a_decided_proposal_and_into_another_process(facilitator: Caller) -> None:
    village = start_village(facilitator)
    other = start_village(facilitator)
    same = facilitator.created(
        f"/processes/{village.process_id}/proposals",
        {"title": "Posyandu", "body": "Posyandu dusun.", "submitted_by": village.participants[0]},
    )

    problem(
        facilitator.post(f"/proposals/{village.proposal_id}/merge", {"into": other.proposal_id, "reason": "Sama"}),
        422,
        "merge_target_not_allowed",
    )
    problem(facilitator.post(f"/proposals/{village.proposal_id}/merge", {"into": same["id"]}), 422, "validation_failed")
    adopt_by_consensus(facilitator, village)
    problem(
        facilitator.post(f"/proposals/{village.proposal_id}/merge", {"into": same["id"], "reason": "Sama"}),
        409,
        "proposal_already_decided",
    )
    problem(facilitator.get("/proposals/3f1c2a9e-8b7d-4c61-9e2f-5a4b3c2d1e0f/journey"), 404, "not_found")

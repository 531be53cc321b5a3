"""Every endpoint's success path: the resource it answers with, its ETag and, on creation, its Location."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from http_callers import Caller, Village, musyawarah_fails, process_body

from service.adapters.personal_data import FORGOTTEN_PLACEHOLDER


def test_opening_a_process_answers_201_with_the_process_its_location_and_etag(facilitator: Caller) -> None:
    response = facilitator.post("/processes", process_body("restricted", legal_basis="Permendesa 16/2019"))

    assert response.status_code == 201
    process = response.get_json()
    assert response.headers["Location"] == f"/api/v1/processes/{process['id']}"
    assert response.headers["ETag"] == '"1"'
    assert process["version"] == 1
    assert process["visibility"] == "restricted"
    assert process["rules"] == {
        "quorum": 2 / 3,
        "vote_fallback": True,
        "vote_threshold": 0.5,
        "legal_basis": "Permendesa 16/2019",
        "consensus": "unanimity",
        "vote_without_check": False,
    }
    assert process["created_at"].endswith("Z")
    assert (process["participant_count"], process["meeting_ids"], process["proposal_ids"]) == (0, [], [])


def test_a_process_is_read_with_what_it_holds(village: Village, facilitator: Caller) -> None:
    response = facilitator.get(f"/processes/{village.process_id}")

    process = response.get_json()
    assert response.status_code == 200
    assert response.headers["ETag"] == f'"{process["version"]}"'
    assert process["participant_count"] == 4
    assert process["meeting_ids"] == [village.meeting_id]
    assert process["proposal_ids"] == [village.proposal_id]


@pytest.mark.both_stores  # storage-sensitive: a cursor over the stored directory
def test_processes_are_listed_page_by_page_with_a_cursor(admin: Caller) -> None:
    opened = [admin.created("/processes", process_body())["id"] for _ in range(5)]

    first = admin.get("/processes", limit=2).get_json()
    second = admin.get("/processes", limit=2, after=first["next"]).get_json()
    third = admin.get("/processes", limit=2, after=second["next"]).get_json()

    listed = [p["id"] for page in (first, second, third) for p in page["items"]]
    assert listed == opened
    assert third["next"] is None or admin.get("/processes", after=third["next"]).get_json()["items"] == []


def test_closing_a_process_stops_every_further_step(village: Village, facilitator: Caller) -> None:
    closed = facilitator.ok(f"/processes/{village.process_id}/close")

    assert closed["status"] == "closed"
    refused = facilitator.post(f"/processes/{village.process_id}/participants", {"name": "Baru", "group": "youth"})
    assert refused.get_json()["code"] == "process_closed"


def test_participants_are_listed_page_by_page_with_their_personal_data_for_the_facilitator(
    village: Village, facilitator: Caller
) -> None:
    first = facilitator.get(f"/processes/{village.process_id}/participants", limit=3).get_json()
    rest = facilitator.get(f"/processes/{village.process_id}/participants", limit=3, after=first["next"]).get_json()

    assert [p["id"] for p in first["items"] + rest["items"]] == village.participants
    assert first["items"][0]["name"] == "Ibu Siti Aminah"
    assert first["items"][0]["contact"] == "0812-0000-0000"
    assert rest["next"] is None


@pytest.mark.both_stores  # storage-sensitive: counts from a read model in SQL
def test_a_partner_may_not_read_the_register_or_a_participant_and_reads_the_counts_instead(
    village: Village, partner: Caller
) -> None:
    listed = partner.get(f"/processes/{village.process_id}/participants")
    one = partner.get(f"/participants/{village.participants[0]}")
    counts = partner.get(f"/processes/{village.process_id}/participation")

    assert (listed.status_code, one.status_code, counts.status_code) == (403, 403, 200)
    assert village.participants[0] not in listed.get_data(as_text=True) + one.get_data(as_text=True)


@pytest.mark.both_stores  # storage-sensitive: forgetting erases a stored key
def test_forgetting_a_participant_erases_their_name_but_keeps_their_record(
    village: Village, admin: Caller, auditor: Caller
) -> None:
    forgotten = admin.ok(f"/participants/{village.participants[1]}/forget")

    assert forgotten["forgotten"] is True
    assert forgotten["name"] == FORGOTTEN_PLACEHOLDER
    seen_by_auditor = auditor.get(f"/participants/{village.participants[1]}").get_json()
    assert (seen_by_auditor["name"], seen_by_auditor["contact"]) == (FORGOTTEN_PLACEHOLDER, FORGOTTEN_PLACEHOLDER)
    assert seen_by_auditor["group"] == "resident"
    assert auditor.get(f"/processes/{village.process_id}").get_json()["participant_count"] == 4


def test_a_meeting_is_scheduled_opened_joined_and_closed(village: Village, facilitator: Caller) -> None:
    response = facilitator.post(
        f"/processes/{village.process_id}/meetings",
        {"title": "Musyawarah Dusun", "scheduled_for": "2027-02-01T19:30:00+07:00", "invited": village.participants},
    )
    meeting = response.get_json()
    assert response.status_code == 201
    assert response.headers["Location"] == f"/api/v1/meetings/{meeting['id']}"
    assert meeting["scheduled_for"] == "2027-02-01T12:30:00Z"
    assert meeting["status"] == "scheduled"

    facilitator.ok(f"/meetings/{meeting['id']}/open", {"attendees": village.participants[:2]})
    facilitator.ok(f"/meetings/{meeting['id']}/attendance", {"attendees": village.participants[2:]})
    closed = facilitator.ok(f"/meetings/{meeting['id']}/close", {"minutes": "Rapat selesai pukul 21.00."})

    read = facilitator.get(f"/meetings/{meeting['id']}")
    assert read.get_json() == closed
    assert read.headers["ETag"] == f'"{closed["version"]}"'
    assert (closed["status"], closed["minutes"]) == ("closed", "Rapat selesai pukul 21.00.")
    assert closed["attendees"] == village.participants


def test_a_meeting_closes_without_a_body(village: Village, facilitator: Caller) -> None:
    closed = facilitator.ok(f"/meetings/{village.meeting_id}/close")

    assert (closed["status"], closed["minutes"]) == ("closed", None)


def test_a_proposal_is_read_as_it_stands(village: Village, facilitator: Caller) -> None:
    response = facilitator.get(village.proposal)

    proposal = response.get_json()
    assert response.headers["ETag"] == f'"{proposal["version"]}"'
    assert {key: proposal[key] for key in ("process_id", "title", "status", "text_version", "decision")} == {
        "process_id": village.process_id,
        "title": "Posyandu Dusun Krajan",
        "status": "open",
        "text_version": 1,
        "decision": None,
    }
    assert (proposal["objections"], proposal["consensus_checks"], proposal["votes"]) == ([], [], [])


def test_a_contribution_answers_with_the_proposal_at_its_new_version(village: Village, facilitator: Caller) -> None:
    response = facilitator.post(
        f"{village.proposal}/contributions",
        {"participant_id": village.participants[2], "kind": "question", "text": "Berapa biayanya?"},
    )

    assert response.status_code == 200
    assert response.get_json()["contribution_count"] == 1
    assert response.headers["ETag"] == f'"{response.get_json()["version"]}"'


def test_an_objection_is_created_with_its_id_and_withdrawn(village: Village, facilitator: Caller) -> None:
    response = facilitator.post(
        f"{village.proposal}/objections",
        {"raised_by": village.participants[3], "grounds": "Anggaran kurang.", "blocking": False},
    )
    assert response.status_code == 201
    assert response.headers["Location"] == f"/api/v1/proposals/{village.proposal_id}"
    objection_id = response.get_json()["objection_id"]

    withdrawn = facilitator.ok(
        f"{village.proposal}/objections/{objection_id}/resolve", {"outcome": "withdrawn", "note": "Dicabut."}
    )
    assert withdrawn["objections"][0]["state"] == "withdrawn"
    assert withdrawn["objection_id"] == objection_id


def test_a_reached_consensus_adopts_the_proposal(village: Village, facilitator: Caller) -> None:
    check = facilitator.created(f"{village.proposal}/consensus-checks", {"meeting_id": village.meeting_id})
    for participant in village.participants:
        facilitator.ok(
            f"{village.proposal}/consensus-checks/{check['check_id']}/stances",
            {"participant_id": participant, "stance": "agree", "reason": "Setuju."},
        )
    closed = facilitator.ok(f"{village.proposal}/consensus-checks/{check['check_id']}/close")
    decided = facilitator.ok(
        f"{village.proposal}/decision", {"outcome": "adopted", "method": "consensus", "rationale": "Mufakat bulat."}
    )

    assert closed["result"] == "reached"
    assert closed["tally"]["agree"] == 4
    assert closed["check_id"] == check["check_id"]
    assert decided["decision"]["outcome"] == "adopted"


def test_a_failed_vote_is_shown_with_its_tally(village: Village, facilitator: Caller) -> None:
    musyawarah_fails(facilitator, village)
    vote = facilitator.created(f"{village.proposal}/votes", {"meeting_id": village.meeting_id})
    for participant in village.participants:
        facilitator.ok(
            f"{village.proposal}/votes/{vote['vote_id']}/ballots", {"participant_id": participant, "choice": "no"}
        )
    closed = facilitator.ok(f"{village.proposal}/votes/{vote['vote_id']}/close")

    assert (closed["result"], closed["tally"]["no"], closed["vote_id"]) == ("failed", 4, vote["vote_id"])
    assert closed["votes"][0]["ballots_cast"] == 4


def test_a_commitment_is_made_read_and_reported_on(
    village: Village, facilitator: Caller, adopt: Callable[[Village], dict[str, Any]]
) -> None:
    adopt(village)
    response = facilitator.post(
        f"{village.proposal}/commitments",
        {"owner": "Kaur Pembangunan", "description": "Membangun posyandu.", "due": "2027-09-30"},
    )
    commitment = response.get_json()
    assert response.status_code == 201
    assert response.headers["Location"] == f"/api/v1/commitments/{commitment['id']}"
    assert (commitment["due"], commitment["indicators"], commitment["percent"]) == ("2027-09-30", [], 0)

    reported = facilitator.ok(
        f"/commitments/{commitment['id']}/progress",
        {"percent": 30, "note": "Material dibeli.", "evidence_url": "https://sukamaju.desa.id/foto.jpg"},
    )
    assert facilitator.get(f"/commitments/{commitment['id']}").get_json() == reported
    assert (reported["percent"], reported["reports"]) == (30, 1)


def test_an_admin_issues_a_token_that_works_at_once(admin: Caller, caller: Callable[[str | None], Caller]) -> None:
    response = admin.post("/tokens", {"role": "facilitator", "name": "Pendamping Lokal Desa"})

    issued = response.get_json()
    assert response.status_code == 201
    assert response.headers["Location"] == f"/api/v1/tokens/{issued['id']}"
    assert (issued["role"], issued["name"], issued["processes"]) == ("facilitator", "Pendamping Lokal Desa", [])
    assert caller(issued["token"]).post("/processes", process_body()).status_code == 201
    record = admin.get(f"/tokens/{issued['id']}").get_json()
    assert "token" not in record
    assert record["processes"] != []

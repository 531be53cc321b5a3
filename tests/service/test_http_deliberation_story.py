"""A whole musyawarah, told through HTTP only: what a client that knows only API.md can do."""

from __future__ import annotations

import pytest
from http_callers import Caller, process_body

# Storage-sensitive: the whole story reads every read model (history, feed, report) kept in SQL.
pytestmark = pytest.mark.both_stores


def test_a_village_deliberates_falls_back_to_a_vote_and_follows_up_over_http(
    facilitator: Caller, partner: Caller
) -> None:
    # The facilitator opens the Musrenbang of Desa Sukamaju; the rules allow a vote fallback.
    process = facilitator.created("/processes", process_body("public", quorum=0.6, vote_fallback=True))
    process_id = process["id"]
    assert process["rules"]["quorum"] == 0.6
    assert process["status"] == "open"

    # Five residents register; names and contacts are sealed, the facilitator still sees them.
    people = {}
    for name, group, gender in [
        ("Ibu Siti Aminah", "women", "female"),
        ("Pak Budi Santoso", "resident", "male"),
        ("Mbak Dewi Lestari", "youth", "female"),
        ("Pak Haji Ahmad", "elderly", "male"),
        ("Pak Kades Sutrisno", "government", "male"),
    ]:
        registered = facilitator.created(
            f"/processes/{process_id}/participants", {"name": name, "group": group, "gender": gender}
        )
        assert registered["name"] == name
        people[name.split()[1]] = registered["id"]
    siti, budi, dewi, ahmad, kades = people.values()

    # A meeting is scheduled for everyone; four come on time, the village head arrives late.
    meeting = facilitator.created(
        f"/processes/{process_id}/meetings",
        {"title": "Musyawarah Desa I", "scheduled_for": "2027-01-15T09:00:00+07:00", "location": "Balai Desa"},
    )
    opened = facilitator.ok(f"/meetings/{meeting['id']}/open", {"attendees": [siti, budi, dewi, ahmad]})
    assert opened["status"] == "open"
    assert len(opened["invited"]) == 5
    with_latecomer = facilitator.ok(f"/meetings/{meeting['id']}/attendance", {"attendees": [kades]})
    assert set(with_latecomer["attendees"]) == {siti, budi, dewi, ahmad, kades}

    # Ibu Siti proposes a posyandu; the deliberation begins.
    proposal = facilitator.created(
        f"/processes/{process_id}/proposals",
        {
            "title": "Posyandu Dusun Krajan",
            "body": "Membangun posyandu di Dusun Krajan.",
            "submitted_by": siti,
            "meeting_id": meeting["id"],
        },
    )
    path = f"/proposals/{proposal['id']}"
    facilitator.ok(f"{path}/contributions", {"participant_id": budi, "kind": "support", "text": "Sangat perlu."})

    # Pak Ahmad blocks: the land is customary land (tanah ulayat).
    objected = facilitator.created(
        f"{path}/objections", {"raised_by": ahmad, "grounds": "Lahannya tanah ulayat.", "blocking": True}
    )
    objection_id = objected["objection_id"]
    assert objected["objections"] == [
        {
            "objection_id": objection_id,
            "raised_by": ahmad,
            "grounds": "Lahannya tanah ulayat.",
            "blocking": True,
            "state": "unresolved",
            "note": None,
        }
    ]

    # The text is amended to move the posyandu, and the objection is addressed by it.
    amended = facilitator.ok(
        f"{path}/amendments",
        {"body": "Membangun posyandu di tanah kas desa.", "reason": "Menghormati tanah ulayat.", "proposed_by": siti},
    )
    assert amended["body"] == "Membangun posyandu di tanah kas desa."
    assert amended["text_version"] == 2
    resolved = facilitator.ok(
        f"{path}/objections/{objection_id}/resolve", {"outcome": "addressed", "note": "Lokasi dipindah."}
    )
    assert resolved["objections"][0]["state"] == "addressed"

    # A consensus check: Mbak Dewi still disagrees and Pak Budi blocks, so no consensus.
    check = facilitator.created(f"{path}/consensus-checks", {"meeting_id": meeting["id"]})
    check_id = check["check_id"]
    for participant, stance in [(siti, "agree"), (ahmad, "agree"), (dewi, "disagree"), (budi, "block")]:
        facilitator.ok(f"{path}/consensus-checks/{check_id}/stances", {"participant_id": participant, "stance": stance})
    closed_check = facilitator.ok(f"{path}/consensus-checks/{check_id}/close")
    assert closed_check["result"] == "not_reached"
    assert closed_check["tally"]["block"] == 1

    # Adoption by consensus is refused, so the meeting falls back to a vote.
    refused = facilitator.post(
        f"{path}/decision", {"outcome": "adopted", "method": "consensus", "rationale": "Mufakat."}
    )
    assert refused.status_code == 409
    assert refused.get_json()["code"] == "consensus_not_reached"
    vote = facilitator.created(f"{path}/votes", {"meeting_id": meeting["id"]})
    vote_id = vote["vote_id"]
    for participant, choice in [(siti, "yes"), (ahmad, "yes"), (kades, "yes"), (dewi, "no"), (budi, "abstain")]:
        facilitator.ok(f"{path}/votes/{vote_id}/ballots", {"participant_id": participant, "choice": choice})
    closed_vote = facilitator.ok(f"{path}/votes/{vote_id}/close")
    assert closed_vote["result"] == "passed"
    assert (closed_vote["tally"]["yes"], closed_vote["tally"]["no"]) == (3, 1)

    # The decision is recorded with a copy of the rules it was made under.
    decided = facilitator.ok(
        f"{path}/decision",
        {"outcome": "adopted", "method": "vote", "rationale": "Pemungutan suara: 3 setuju, 1 tidak setuju."},
    )
    assert decided["status"] == "decided"
    assert decided["decision"]["method"] == "vote"
    assert decided["decision"]["rules"]["quorum"] == 0.6
    assert decided["decision"]["decided_at"].endswith("Z")

    # The village head's office commits to build it, and reports progress until done.
    commitment = facilitator.created(
        f"{path}/commitments",
        {
            "owner": "Kaur Pembangunan",
            "description": "Membangun posyandu.",
            "due": "2027-09-30",
            "indicators": ["Gedung"],
        },
    )
    halfway = facilitator.ok(f"/commitments/{commitment['id']}/progress", {"percent": 50, "note": "Fondasi selesai."})
    assert (halfway["percent"], halfway["completed"]) == (50, False)
    done = facilitator.ok(f"/commitments/{commitment['id']}/progress", {"percent": 100, "note": "Selesai dibangun."})
    assert done["completed"] is True

    # The meeting closes with its minutes; a partner of the district can read the public decision.
    facilitator.ok(f"/meetings/{meeting['id']}/close", {"minutes": "Usulan posyandu diterima lewat pemungutan suara."})
    seen_by_partner = partner.get(path).get_json()
    assert seen_by_partner["decision"]["outcome"] == "adopted"
    assert seen_by_partner["consensus_checks"][0]["result"] == "not_reached"
    assert seen_by_partner["votes"][0]["result"] == "passed"

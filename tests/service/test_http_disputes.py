"""A dispute (pengelolaan konflik) over HTTP: the land for the embung, mediated in meetings and ended by an
agreement or an escalation; its place in the proposal's history; and what outsiders may read of it (a restricted
dispute is not found; a public one names no person and quotes no summary)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid4

import pytest
from http_callers import NAMES, Caller, Village, start_village

from domain.proposal import REDACTED_TEXT
from service.app.dispute_directory import DISPUTE_DIRECTORY_ID

SUMMARY = "Keluarga pemilik bengkok bersedia tukar guling bila sawah pengganti sama luasnya."
AGREEMENT = "Lahan bengkok ditukar dengan tanah kas desa seluas 0,5 ha; embung dibangun bersama."


def land_dispute(village: Village, **more: Any) -> dict[str, Any]:
    """The land for the embung: the indigenous community and the farmers' group, about the village's proposal."""
    return {
        "title": "Tanah bengkok untuk embung",
        "parties": [{"group": "indigenous"}, {"organisation": "Kelompok Tani Sri Rejeki"}],
        "about": {"proposal_id": village.proposal_id},
        **more,
    }


def open_dispute(facilitator: Caller, village: Village, **more: Any) -> dict[str, Any]:
    return facilitator.created(f"/processes/{village.process_id}/disputes", land_dispute(village, **more))


def session(village: Village, **more: Any) -> dict[str, Any]:
    return {"meeting_id": village.meeting_id, "summary": SUMMARY, **more}


def just_now() -> tuple[str, str]:
    """A moment of the room a second from now, whole (after every step before it, not in the future beyond the
    clock's skew), as sent with its offset and as the API answers it in UTC."""
    moment = (datetime.now(UTC) + timedelta(seconds=1)).replace(microsecond=0)
    return moment.astimezone(timezone(timedelta(hours=7))).isoformat(), moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def agreement(**more: Any) -> dict[str, Any]:
    return {"text": AGREEMENT, "signatory_roles": ["kepala desa", "ketua BPD", "ketua kelompok tani"], **more}


# --- the story of a dispute ---------------------------------------------------------------------------------------


def test_a_facilitator_mediates_a_land_dispute_in_two_sessions_and_records_the_agreement(
    facilitator: Caller, village: Village
) -> None:
    answer = facilitator.post(f"/processes/{village.process_id}/disputes", land_dispute(village))
    assert answer.status_code == 201
    opened = answer.get_json()
    assert answer.headers["Location"] == f"/api/v1/disputes/{opened['dispute_id']}"
    assert answer.headers["ETag"] == '"1"'
    assert (opened["status"], opened["visibility"]) == ("open", "restricted")
    assert opened["parties"] == [{"group": "indigenous"}, {"organisation": "Kelompok Tani Sri Rejeki"}]
    assert opened["about"] == {"proposal_id": village.proposal_id}
    dispute = f"/disputes/{opened['dispute_id']}"

    # What each side needs, not only what it demands, and the options weighed.
    issue = facilitator.created(
        f"{dispute}/issues",
        {
            "title": "Lahan embung",
            "interests": [
                {"party": 0, "needs": "Penghasilan dari sawah tetap ada", "demands": "Ganti rugi tunai"},
                {"party": 1, "needs": "Air di musim kemarau"},
            ],
        },
    )
    option = facilitator.created(f"{dispute}/options", {"text": "Tukar guling", "issue_id": issue["issue_id"]})
    assert option["options"][0]["issue_id"] == issue["issue_id"]

    first = facilitator.created(f"{dispute}/sessions", session(village))
    assert first["status"] == "in_mediation"
    assert first["sessions"][0]["session_id"] == first["session_id"]
    assert first["sessions"][0]["summary"] == SUMMARY
    second = facilitator.created(f"{dispute}/sessions", session(village, summary=None))
    assert len(second["sessions"]) == 2

    agreed = facilitator.ok(f"{dispute}/agreement", agreement())
    assert agreed["status"] == "agreed"
    assert agreed["agreement"]["text"] == AGREEMENT
    assert agreed["agreement"]["signatory_roles"] == ["kepala desa", "ketua BPD", "ketua kelompok tani"]

    # Nothing more but a correction.
    late = facilitator.post(f"{dispute}/sessions", session(village), headers={"Accept-Language": "id"})
    assert (late.status_code, late.get_json()["code"]) == (409, "dispute_settled")
    assert "hanya ralat" in late.get_json()["detail"]
    corrected = facilitator.ok(
        f"{dispute}/corrections",
        {"field": "agreement", "text": AGREEMENT + " Selesai 2027.", "reason": "Kurang lengkap"},
    )
    assert corrected["agreement"]["text"].endswith("Selesai 2027.")
    assert corrected["corrections"][0]["reason"] == "Kurang lengkap"
    listed = facilitator.get(f"/processes/{village.process_id}/disputes").get_json()
    assert [item["dispute_id"] for item in listed["items"]] == [opened["dispute_id"]]
    assert listed["next"] is None


def test_an_agreement_lists_the_commitments_made_for_it_and_the_follow_up_promised(
    facilitator: Caller, village: Village, adopt: Any
) -> None:
    adopt(village)
    commitment = facilitator.created(
        f"/proposals/{village.proposal_id}/commitments",
        {"owner": "Pemerintah desa", "description": "Membangun embung", "due": "2027-09-30"},
    )
    dispute = f"/disputes/{open_dispute(facilitator, village)['dispute_id']}"
    facilitator.created(f"{dispute}/sessions", session(village))

    agreed = facilitator.ok(
        f"{dispute}/agreement",
        agreement(
            commitment_ids=[commitment["id"]],
            promises=[
                {"description": "Sertifikat tanah pengganti diurus", "owner": "Sekretaris desa", "due": "2027-06-30"}
            ],
        ),
    )

    assert agreed["agreement"]["commitment_ids"] == [commitment["id"]]
    assert agreed["agreement"]["promises"] == [
        {"description": "Sertifikat tanah pengganti diurus", "owner": "Sekretaris desa", "due": "2027-06-30"}
    ]
    # The commitment itself is untouched: its monitoring goes on as before.
    assert facilitator.get(f"/commitments/{commitment['id']}").get_json()["version"] == 1


def test_a_dispute_is_escalated_to_the_camat_or_dropped_with_a_reason(facilitator: Caller, village: Village) -> None:
    escalated = open_dispute(facilitator, village)
    taken = facilitator.ok(f"/disputes/{escalated['dispute_id']}/escalate", {"to": "camat", "reason": "Mediasi buntu"})
    assert (taken["status"], taken["escalation"]["to"]) == ("escalated", "camat")

    dropped = open_dispute(facilitator, village)
    ended = facilitator.ok(f"/disputes/{dropped['dispute_id']}/drop", {"reason": "Para pihak berdamai sendiri"})
    assert (ended["status"], ended["drop"]["reason"]) == ("dropped", "Para pihak berdamai sendiri")

    again = facilitator.post(f"/disputes/{dropped['dispute_id']}/escalate", {"to": "court", "reason": "x"})
    assert (again.status_code, again.get_json()["code"]) == (409, "dispute_settled")


# --- refusals ------------------------------------------------------------------------------------------------------


def test_an_agreement_before_any_session_is_refused_and_nothing_is_written(
    facilitator: Caller, village: Village
) -> None:
    opened = open_dispute(facilitator, village)
    answer = facilitator.post(f"/disputes/{opened['dispute_id']}/agreement", agreement())

    assert (answer.status_code, answer.get_json()["code"]) == (409, "agreement_needs_a_session")
    assert facilitator.get(f"/disputes/{opened['dispute_id']}").get_json()["version"] == 1


@pytest.mark.parametrize(
    "body",
    [
        {"title": "Batas dusun", "parties": [{"group": "women"}]},
        {"title": "Batas dusun", "parties": [{"participant_id": str(uuid4())}, {"group": "women"}]},
        {"title": "Batas dusun", "parties": [{"group": "women", "organisation": "Koperasi"}, {"group": "youth"}]},
        {"title": "Batas dusun", "parties": [{"group": "farmers"}, {"group": "youth"}]},
        {"title": "Batas dusun", "parties": [{"group": "women"}, {"group": "youth"}], "visibility": "secret"},
        {"title": "", "parties": [{"group": "women"}, {"group": "youth"}]},
        {"title": "x", "parties": [{"group": "women"}, {"group": "youth"}], "about": {"meeting_id": str(uuid4())}},
    ],
    ids=["one party", "a person", "two kinds", "unknown group", "unknown visibility", "no title", "about a meeting"],
)
def test_a_dispute_opened_with_a_bad_body_is_refused_by_its_field(
    facilitator: Caller, village: Village, body: dict[str, Any]
) -> None:
    answer = facilitator.post(f"/processes/{village.process_id}/disputes", body)

    assert (answer.status_code, answer.get_json()["code"]) == (422, "validation_failed")


def test_the_same_party_twice_is_refused_as_a_party_not_allowed(facilitator: Caller, village: Village) -> None:
    body = {"title": "Batas dusun", "parties": [{"organisation": "Dusun Krajan"}, {"organisation": "Dusun Krajan"}]}
    answer = facilitator.post(f"/processes/{village.process_id}/disputes", body, headers={"Accept-Language": "id"})

    assert (answer.status_code, answer.get_json()["code"]) == (409, "party_not_allowed")
    assert answer.get_json()["detail"] == "suatu pihak dalam konflik disebut dua kali"


def test_a_dispute_about_a_record_of_another_process_is_refused(facilitator: Caller, village: Village) -> None:
    elsewhere = start_village(facilitator)
    for about in (
        {"proposal_id": elsewhere.proposal_id},
        {"proposal_id": str(uuid4())},
        {"commitment_id": str(uuid4())},
    ):
        answer = facilitator.post(f"/processes/{village.process_id}/disputes", land_dispute(village, about=about))
        assert (answer.status_code, answer.get_json()["code"]) == (422, "validation_failed")
        assert list(answer.get_json()["errors"]) == ["about"]
    assert facilitator.get(f"/processes/{village.process_id}/disputes").get_json()["items"] == []


def test_a_session_is_held_in_a_meeting_of_the_process_while_it_is_open(facilitator: Caller, village: Village) -> None:
    dispute = f"/disputes/{open_dispute(facilitator, village)['dispute_id']}"
    elsewhere = start_village(facilitator)

    other = facilitator.post(f"{dispute}/sessions", session(village, meeting_id=elsewhere.meeting_id))
    assert (other.status_code, other.get_json()["code"]) == (404, "not_found")
    before = facilitator.post(f"{dispute}/sessions", session(village, occurred_at="2020-01-01T09:00:00+07:00"))
    assert (before.status_code, before.get_json()["code"]) == (409, "occurred_out_of_order")


def test_a_summary_or_an_organisation_naming_a_participant_is_refused_unless_said_public(
    facilitator: Caller, village: Village
) -> None:
    named = land_dispute(village, parties=[{"group": "women"}, {"organisation": f"Keluarga {NAMES[1]}"}])
    refused = facilitator.post(f"/processes/{village.process_id}/disputes", named)
    assert (refused.status_code, refused.get_json()["code"]) == (422, "statement_names_a_participant")
    assert NAMES[1] not in refused.get_data(as_text=True)

    dispute = f"/disputes/{open_dispute(facilitator, village)['dispute_id']}"
    said = session(village, summary=f"{NAMES[0]} menolak tukar guling")
    answer = facilitator.post(f"{dispute}/sessions", said)
    assert (answer.status_code, answer.get_json()["code"]) == (422, "statement_names_a_participant")
    assert list(answer.get_json()["errors"]) == ["summary"]
    assert facilitator.created(f"{dispute}/sessions", {**said, "names_are_public": True})["status"] == "in_mediation"


def test_an_unknown_dispute_session_or_issue_is_not_found(facilitator: Caller, village: Village) -> None:
    assert facilitator.get(f"/disputes/{uuid4()}").status_code == 404
    dispute = f"/disputes/{open_dispute(facilitator, village)['dispute_id']}"
    option = facilitator.post(f"{dispute}/options", {"text": "x", "issue_id": str(uuid4())})
    assert (option.status_code, option.get_json()["code"]) == (404, "not_found")
    wrong = facilitator.post(
        f"{dispute}/corrections", {"field": "summary", "session_id": str(uuid4()), "text": "x", "reason": "y"}
    )
    assert wrong.status_code == 404
    nothing = facilitator.post(f"{dispute}/corrections", {"field": "agreement", "text": "x", "reason": "y"})
    assert (nothing.status_code, nothing.get_json()["code"]) == (409, "nothing_to_correct")


def test_a_partner_may_not_write_to_a_dispute(facilitator: Caller, partner: Caller, village: Village) -> None:
    dispute = open_dispute(facilitator, village, visibility="public")

    opened = partner.post(f"/processes/{village.process_id}/disputes", land_dispute(village))
    assert (opened.status_code, opened.get_json()["code"]) == (403, "forbidden")
    held = partner.post(f"/disputes/{dispute['dispute_id']}/sessions", session(village))
    assert held.status_code == 403


# --- retries, versions and when it happened ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("sessions", lambda v: session(v)),
        ("issues", lambda v: {"title": "Air", "interests": [{"party": 0, "needs": "Air"}]}),
        ("options", lambda v: {"text": "Giliran"}),
        ("escalate", lambda v: {"to": "bpd", "reason": "Buntu"}),
        ("drop", lambda v: {"reason": "Selesai"}),
        ("corrections", lambda v: {"field": "title", "text": "Tanah untuk embung", "reason": "Ralat"}),
    ],
)
def test_each_step_is_recorded_once_on_a_retry_checks_if_match_and_keeps_when_it_happened(
    facilitator: Caller, village: Village, path: str, body: Any
) -> None:
    dispute = f"/disputes/{open_dispute(facilitator, village)['dispute_id']}"
    occurred_at, answered_at = just_now()
    sent = {**body(village), "occurred_at": occurred_at}

    stale = facilitator.post(f"{dispute}/{path}", sent, headers={"If-Match": '"7"'})
    assert (stale.status_code, stale.get_json()["code"]) == (412, "version_mismatch")
    first = facilitator.post(f"{dispute}/{path}", sent, headers={"Idempotency-Key": "langkah-1", "If-Match": '"1"'})
    again = facilitator.post(f"{dispute}/{path}", sent, headers={"Idempotency-Key": "langkah-1"})

    assert first.status_code in (200, 201), first.get_json()
    assert again.status_code == first.status_code
    assert again.get_json()["version"] == first.get_json()["version"] == 2
    assert facilitator.get(dispute).get_json()["version"] == 2
    assert facilitator.get(dispute).get_json()["updated_at"] == answered_at


def test_opening_checks_the_process_version_and_accepts_a_complaint_and_a_partner_of_the_process(
    facilitator: Caller, anonymous: Caller, village: Village
) -> None:
    process = facilitator.get(f"/processes/{village.process_id}")
    partner = facilitator.created(
        f"/processes/{village.process_id}/partners", {"name": "CSR PT Maju", "kind": "private"}
    )
    complaint = anonymous.created(f"/processes/{village.process_id}/complaints", {"text": "Tanah bengkok dipagari"})
    body = land_dispute(
        village,
        parties=[{"group": "women"}, {"partner_id": partner["partner_id"]}],
        about={"complaint_id": complaint["complaint_id"]},
    )

    stale = facilitator.post(f"/processes/{village.process_id}/disputes", body, headers={"If-Match": '"999"'})
    assert (stale.status_code, stale.get_json()["code"]) == (412, "version_mismatch")
    opened = facilitator.post(
        f"/processes/{village.process_id}/disputes", body, headers={"If-Match": process.headers["ETag"]}
    )
    assert opened.status_code == 201, opened.get_json()
    assert opened.get_json()["about"] == body["about"]
    assert opened.get_json()["parties"][1] == {"partner_id": partner["partner_id"]}


def test_opening_and_agreeing_are_recorded_once_on_a_retry(facilitator: Caller, village: Village) -> None:
    key = {"Idempotency-Key": "buka-1"}
    first = facilitator.post(f"/processes/{village.process_id}/disputes", land_dispute(village), headers=key)
    again = facilitator.post(f"/processes/{village.process_id}/disputes", land_dispute(village), headers=key)
    assert first.get_json()["dispute_id"] == again.get_json()["dispute_id"]
    assert len(facilitator.get(f"/processes/{village.process_id}/disputes").get_json()["items"]) == 1

    dispute = f"/disputes/{first.get_json()['dispute_id']}"
    facilitator.created(f"{dispute}/sessions", session(village))
    occurred_at, answered_at = just_now()
    sent = agreement(occurred_at=occurred_at)
    agreed = facilitator.post(f"{dispute}/agreement", sent, headers={"Idempotency-Key": "sepakat-1"})
    replayed = facilitator.post(f"{dispute}/agreement", sent, headers={"Idempotency-Key": "sepakat-1"})
    assert (agreed.status_code, replayed.status_code) == (200, 200)
    assert replayed.get_json()["version"] == agreed.get_json()["version"] == 3
    assert agreed.get_json()["agreement"]["agreed_at"] == answered_at


# --- what outsiders see ----------------------------------------------------------------------------------------


def test_a_restricted_dispute_is_not_found_to_outsiders_nor_listed_nor_in_the_proposal_s_history(
    facilitator: Caller, anonymous: Caller, partner: Caller, auditor: Caller, village: Village
) -> None:
    hidden = open_dispute(facilitator, village)
    facilitator.created(f"/disputes/{hidden['dispute_id']}/sessions", session(village))

    for outsider in (anonymous, partner):
        assert outsider.get(f"/disputes/{hidden['dispute_id']}").status_code == 404
        assert outsider.get(f"/processes/{village.process_id}/disputes").get_json()["items"] == []
        steps = outsider.get(f"/proposals/{village.proposal_id}/history").get_json()["items"]
        assert not [step for step in steps if step["type"].startswith("Dispute")]
    # Those who review the process read it whole.
    assert auditor.get(f"/disputes/{hidden['dispute_id']}").get_json()["sessions"][0]["summary"] == SUMMARY


def test_a_public_dispute_shows_outsiders_its_title_status_parties_and_dates_never_the_words_or_a_person(
    facilitator: Caller, anonymous: Caller, partner: Caller, village: Village
) -> None:
    shown = open_dispute(facilitator, village, visibility="public")
    dispute = f"/disputes/{shown['dispute_id']}"
    facilitator.created(
        f"{dispute}/issues", {"title": "Lahan", "interests": [{"party": 0, "needs": "Sawah pengganti"}]}
    )
    facilitator.created(f"{dispute}/sessions", session(village))
    facilitator.ok(f"{dispute}/agreement", agreement())

    for outsider in (anonymous, partner):
        seen = outsider.get(dispute).get_json()
        assert (seen["title"], seen["status"]) == ("Tanah bengkok untuk embung", "agreed")
        assert seen["parties"] == [{"group": "indigenous"}, {"organisation": "Kelompok Tani Sri Rejeki"}]
        assert seen["opened_at"] and seen["agreement"]["agreed_at"]
        assert seen["sessions"][0]["summary"] is None
        assert seen["agreement"]["text"] is None  # the agreement did not say its text is public
        assert seen["issues"] is None and seen["options"] is None
        everything = json.dumps(
            [
                seen,
                outsider.get(f"/processes/{village.process_id}/disputes").get_json(),
                outsider.get(f"/proposals/{village.proposal_id}/history").get_json(),
            ]
        )
        assert SUMMARY not in everything and AGREEMENT not in everything and "Sawah pengganti" not in everything
        assert not any(name in everything for name in NAMES)
        assert not any(participant in everything for participant in village.participants)


def test_a_public_agreement_s_text_is_read_by_outsiders_when_it_says_so(
    facilitator: Caller, anonymous: Caller, village: Village
) -> None:
    dispute = f"/disputes/{open_dispute(facilitator, village, visibility='public')['dispute_id']}"
    facilitator.created(f"{dispute}/sessions", session(village))
    facilitator.ok(f"{dispute}/agreement", agreement(text_public=True))

    assert anonymous.get(dispute).get_json()["agreement"]["text"] == AGREEMENT


def test_a_public_dispute_in_a_restricted_process_is_not_found_to_outsiders(
    facilitator: Caller, anonymous: Caller
) -> None:
    village = start_village(facilitator, visibility="restricted")
    dispute = open_dispute(facilitator, village, visibility="public")

    assert anonymous.get(f"/disputes/{dispute['dispute_id']}").status_code == 404
    assert anonymous.get(f"/processes/{village.process_id}/disputes").status_code == 404


def test_a_dispute_about_a_proposal_shows_in_its_history_and_portal_story_naming_no_one(
    facilitator: Caller, anonymous: Caller, village: Village, adopt: Any, client: Any
) -> None:
    dispute = f"/disputes/{open_dispute(facilitator, village, visibility='public')['dispute_id']}"
    facilitator.created(f"{dispute}/sessions", session(village))
    facilitator.ok(f"{dispute}/escalate", {"to": "camat", "reason": "Mediasi buntu"})

    insider = facilitator.get(f"/proposals/{village.proposal_id}/history", headers={"Accept-Language": "id"}).get_json()
    disputed = [step for step in insider["items"] if step["type"].startswith("Dispute")]
    assert [step["type"] for step in disputed] == ["DisputeOpened", "DisputeSessionHeld", "DisputeEscalated"]
    assert disputed[0]["summary"] == "Konflik dicatat antara 2 pihak"
    assert disputed[2]["summary"] == "Konflik dibawa ke camat"
    assert all(SUMMARY not in json.dumps(step) for step in disputed)
    outsider = anonymous.get(f"/proposals/{village.proposal_id}/history").get_json()["items"]
    assert [s["type"] for s in outsider if s["type"].startswith("Dispute")] == [s["type"] for s in disputed]
    assert all(s["actor"]["name"] == s["actor"]["role"] for s in outsider)

    adopt(village)
    page = client.get(f"/keputusan/{village.proposal_id}", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "A dispute about this proposal" in text and "Dispute taken to the camat" in text
    assert SUMMARY not in text and "Mediasi buntu" not in text


# --- sealed and redacted, on both stores -------------------------------------------------------------------------


@pytest.mark.both_stores
def test_a_summary_is_stored_sealed_and_an_admin_redacts_it_for_good(
    facilitator: Caller, admin: Caller, the_ledger: Any, village: Village
) -> None:
    dispute_id = open_dispute(facilitator, village)["dispute_id"]
    held = facilitator.created(f"/disputes/{dispute_id}/sessions", session(village))
    facilitator.ok(
        f"/disputes/{dispute_id}/corrections",
        {"field": "summary", "session_id": held["session_id"], "text": SUMMARY + " (ralat)", "reason": "Ralat"},
    )
    stored = b"".join(n.state for n in the_ledger.recorder.select_notifications(start=None, limit=1000))
    assert b"tukar guling" not in stored  # sealed under keys of their own

    refused = facilitator.post(
        f"/disputes/{dispute_id}/redactions", {"session_id": held["session_id"], "reason": "Nama"}
    )
    assert (refused.status_code, refused.get_json()["code"]) == (403, "forbidden")
    redacted = admin.ok(
        f"/disputes/{dispute_id}/redactions", {"session_id": held["session_id"], "reason": "Memuat nama"}
    )
    assert redacted["sessions"][0]["summary"] == REDACTED_TEXT and redacted["sessions"][0]["redacted"] is True

    # Read back from the stored events themselves: the keys are gone, the words cannot be opened any more.
    events = list(the_ledger.events.get(UUID(dispute_id)))
    assert events[1].summary == REDACTED_TEXT and events[2].text == REDACTED_TEXT
    again = admin.post(f"/disputes/{dispute_id}/redactions", {"session_id": held["session_id"], "reason": "Lagi"})
    assert (again.status_code, again.get_json()["code"]) == (409, "nothing_to_redact")
    verified = admin.get("/audit/verify").get_json()
    assert verified["ok"] is True, verified


@pytest.mark.both_stores
def test_the_directory_of_disputes_lists_each_process_s_own_in_order_and_is_no_resource(
    facilitator: Caller, village: Village, the_ledger: Any
) -> None:
    other = start_village(facilitator)
    first = open_dispute(facilitator, village)
    open_dispute(facilitator, other)
    second = open_dispute(facilitator, village, visibility="public")

    page = facilitator.get(f"/processes/{village.process_id}/disputes", limit=1).get_json()
    assert [item["dispute_id"] for item in page["items"]] == [first["dispute_id"]]
    rest = facilitator.get(f"/processes/{village.process_id}/disputes", after=page["next"]).get_json()
    assert [item["dispute_id"] for item in rest["items"]] == [second["dispute_id"]]
    assert facilitator.get(f"/disputes/{DISPUTE_DIRECTORY_ID}").status_code == 404


def test_the_portal_s_process_page_lists_public_disputes_with_their_status_and_age_naming_no_one(
    facilitator: Caller, village: Village, client: Any
) -> None:
    shown = open_dispute(facilitator, village, visibility="public")
    facilitator.created(f"/disputes/{shown['dispute_id']}/sessions", session(village))
    open_dispute(facilitator, village, title="Batas dusun yang dirahasiakan")

    page = client.get(f"/proses/{village.process_id}", headers={"Accept-Language": "id"})
    text = page.get_data(as_text=True)

    assert page.status_code == 200
    assert "Konflik yang ditangani bersama warga" in text
    assert "Tanah bengkok untuk embung" in text and "dalam mediasi" in text
    assert "Kelompok Tani Sri Rejeki" in text
    assert "Batas dusun yang dirahasiakan" not in text  # restricted: not even its title
    assert SUMMARY not in text and not any(name in text for name in NAMES)


def test_the_portal_gives_each_public_dispute_s_age_in_days_until_now_or_until_it_ended(
    facilitator: Caller, village: Village, client: Any
) -> None:
    now = datetime.now(UTC)
    worked = open_dispute(facilitator, village, visibility="public", occurred_at=(now - timedelta(days=12)).isoformat())
    ended = open_dispute(
        facilitator,
        village,
        visibility="public",
        title="Batas dusun",
        occurred_at=(now - timedelta(days=10)).isoformat(),
    )
    escalation = {"to": "camat", "reason": "Dua desa", "occurred_at": (now - timedelta(days=3)).isoformat()}
    facilitator.ok(f"/disputes/{ended['dispute_id']}/escalate", escalation)

    text = client.get(f"/proses/{village.process_id}", headers={"Accept-Language": "id"}).get_data(as_text=True)

    assert worked["status"] == "open"
    assert "Lama ditangani sejauh ini: 12 hari" in text
    assert "Selesai setelah: 7 hari" in text


def test_a_session_an_issue_and_an_option_answer_201_with_the_location_of_the_dispute_that_holds_them(
    facilitator: Caller, village: Village
) -> None:
    opened = facilitator.created(f"/processes/{village.process_id}/disputes", land_dispute(village))
    dispute = f"/disputes/{opened['dispute_id']}"
    issue = facilitator.post(f"{dispute}/issues", {"title": "Lahan embung", "interests": []})
    option = facilitator.post(f"{dispute}/options", {"text": "Tukar guling", "issue_id": issue.get_json()["issue_id"]})
    held = facilitator.post(f"{dispute}/sessions", session(village))

    for answer in (issue, option, held):
        assert answer.status_code == 201, answer.get_json()
        assert answer.headers["Location"] == f"/api/v1{dispute}"

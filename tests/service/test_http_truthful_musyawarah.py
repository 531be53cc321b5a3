"""Issue 10 over HTTP: what counts as mufakat, decisions on the current text, the time of the room,
corrections, lists of a process's parts, and problems in Bahasa Indonesia."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from http_callers import Caller, Village, adopt_by_consensus, musyawarah_fails, start_village
from werkzeug.test import TestResponse

from service.http.i18n import TRANSLATIONS


def problem_of(response: TestResponse, status: int, code: str) -> dict[str, Any]:
    """The response is problem details with this status and code; its body."""
    body = response.get_json()
    assert response.status_code == status, body
    assert body["code"] == code, body
    return body  # type: ignore[no-any-return]


def stances(facilitator: Caller, village: Village, *said: str) -> dict[str, Any]:
    """A consensus check at the village's meeting with these stances, closed; the proposal after closing."""
    check = facilitator.created(f"{village.proposal}/consensus-checks", {"meeting_id": village.meeting_id})
    for participant, stance in zip(village.participants, said, strict=False):
        facilitator.ok(
            f"{village.proposal}/consensus-checks/{check['check_id']}/stances",
            {"participant_id": participant, "stance": stance},
        )
    return facilitator.ok(f"{village.proposal}/consensus-checks/{check['check_id']}/close")


def decide(facilitator: Caller, village: Village, method: str = "consensus", **extra: Any) -> TestResponse:
    """Asks to adopt the village's proposal."""
    return facilitator.post(
        f"{village.proposal}/decision", {"outcome": "adopted", "method": method, "rationale": "Mufakat.", **extra}
    )


# --- what counts as mufakat -------------------------------------------------------------------------------


def test_under_consent_one_disagree_among_agreement_reaches_mufakat_with_the_dissent_on_record(
    facilitator: Caller,
) -> None:
    village = start_village(facilitator, consensus="consent")

    closed = stances(facilitator, village, "agree", "agree", "agree", "disagree")
    decided = decide(facilitator, village).get_json()

    assert closed["result"] == "reached"
    assert (closed["tally"]["rule"], closed["tally"]["dissent"]) == ("consent", 1)
    assert closed["consensus_checks"][0]["text_version"] == 1
    assert decided["decision"]["rules"]["consensus"] == "consent"


def test_under_unanimity_one_disagree_is_no_mufakat_and_adoption_by_consensus_is_refused(facilitator: Caller) -> None:
    village = start_village(facilitator)

    closed = stances(facilitator, village, "agree", "agree", "agree", "disagree")

    assert (closed["result"], closed["tally"]["rule"]) == ("not_reached", "unanimity")
    problem_of(decide(facilitator, village), 409, "consensus_not_reached")


def test_the_rules_of_a_process_say_which_consensus_rule_and_whether_a_vote_needs_a_check_first(
    facilitator: Caller,
) -> None:
    village = start_village(facilitator)

    rules = facilitator.get(f"/processes/{village.process_id}").get_json()["rules"]

    assert (rules["consensus"], rules["vote_without_check"]) == ("unanimity", False)
    refused = facilitator.post("/processes", {**_process(), "rules": {"consensus": "majority"}})
    assert "consensus" in problem_of(refused, 422, "validation_failed")["errors"]["rules"]


def _process() -> dict[str, Any]:
    return {"title": "Musdes", "region_code": "33.01.01.2001", "region_name": "Desa Sukamaju", "visibility": "public"}


# --- musyawarah first, decisions on the current text ----------------------------------------------------


def test_a_vote_before_musyawarah_failed_on_the_current_text_is_refused(facilitator: Caller) -> None:
    village = start_village(facilitator)

    refused = facilitator.post(f"{village.proposal}/votes", {"meeting_id": village.meeting_id})

    problem_of(refused, 409, "consensus_not_attempted")
    musyawarah_fails(facilitator, village)
    vote = facilitator.created(f"{village.proposal}/votes", {"meeting_id": village.meeting_id})
    assert vote["votes"][0]["text_version"] == 1


def test_a_process_whose_rules_allow_a_vote_without_a_check_opens_one_at_once(facilitator: Caller) -> None:
    village = start_village(facilitator, vote_without_check=True)

    vote = facilitator.created(f"{village.proposal}/votes", {"meeting_id": village.meeting_id})

    assert vote["votes"][0]["status"] == "open"


def test_an_adoption_founded_on_a_check_of_an_older_text_is_refused(facilitator: Caller, village: Village) -> None:
    stances(facilitator, village, "agree", "agree", "agree", "agree")
    facilitator.ok(
        f"{village.proposal}/amendments",
        {"body": "Teks yang sama sekali berbeda.", "reason": "Ganti", "proposed_by": village.participants[0]},
    )

    problem_of(decide(facilitator, village), 409, "text_changed_since_check")


def test_no_decision_while_a_check_is_open(facilitator: Caller, village: Village) -> None:
    facilitator.created(f"{village.proposal}/consensus-checks", {"meeting_id": village.meeting_id})

    problem_of(decide(facilitator, village), 409, "check_or_vote_open")


# --- the time of the room ----------------------------------------------------------------------------------


def test_a_musyawarah_typed_in_from_paper_minutes_is_decided_when_it_was_held(facilitator: Caller) -> None:
    held = datetime.now(UTC).replace(microsecond=0) - timedelta(days=86)

    def at(minutes: int) -> str:
        return (held + timedelta(minutes=minutes)).isoformat()

    process = facilitator.created("/processes", {**_process(), "occurred_at": at(0)})
    people = [
        facilitator.created(
            f"/processes/{process['id']}/participants",
            {"name": f"Warga {n}", "group": "resident", "occurred_at": at(1)},
        )["id"]
        for n in range(3)
    ]
    meeting = facilitator.created(
        f"/processes/{process['id']}/meetings",
        {"title": "Musdes 5 September", "scheduled_for": at(0), "occurred_at": at(2)},
    )
    facilitator.ok(f"/meetings/{meeting['id']}/open", {"attendees": people, "occurred_at": at(60)})
    proposal = facilitator.created(
        f"/processes/{process['id']}/proposals",
        {"title": "Sumur bor", "body": "Sumur bor di RT 02.", "submitted_by": people[0], "occurred_at": at(61)},
    )
    path = f"/proposals/{proposal['id']}"
    check = facilitator.created(f"{path}/consensus-checks", {"meeting_id": meeting["id"], "occurred_at": at(90)})
    for person in people:
        facilitator.ok(
            f"{path}/consensus-checks/{check['check_id']}/stances",
            {"participant_id": person, "stance": "agree", "occurred_at": at(95)},
        )
    facilitator.ok(f"{path}/consensus-checks/{check['check_id']}/close", {"occurred_at": at(100)})
    decided = facilitator.ok(
        f"{path}/decision",
        {"outcome": "adopted", "method": "consensus", "rationale": "Mufakat bulat.", "occurred_at": at(101)},
    )

    assert decided["decision"]["decided_at"] == (held + timedelta(minutes=101)).isoformat().replace("+00:00", "Z")


def test_a_step_said_to_happen_more_than_five_minutes_ahead_of_the_server_is_invalid(
    facilitator: Caller, village: Village
) -> None:
    ahead = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()

    refused = facilitator.post(
        f"{village.proposal}/contributions",
        {"participant_id": village.participants[0], "kind": "support", "text": "Setuju.", "occurred_at": ahead},
    )

    assert list(problem_of(refused, 422, "validation_failed")["errors"]) == ["occurred_at"]


def test_a_time_without_its_offset_is_invalid(facilitator: Caller, village: Village) -> None:
    refused = facilitator.post(
        f"/meetings/{village.meeting_id}/close", {"minutes": "Selesai.", "occurred_at": "2026-09-05T12:00:00"}
    )

    assert "occurred_at" in problem_of(refused, 422, "validation_failed")["errors"]


def test_a_stance_said_to_precede_its_check_is_out_of_order(facilitator: Caller, village: Village) -> None:
    check = facilitator.created(f"{village.proposal}/consensus-checks", {"meeting_id": village.meeting_id})

    refused = facilitator.post(
        f"{village.proposal}/consensus-checks/{check['check_id']}/stances",
        {"participant_id": village.participants[0], "stance": "agree", "occurred_at": "2020-01-01T09:00:00+07:00"},
    )

    problem_of(refused, 409, "occurred_out_of_order")


# --- corrections -----------------------------------------------------------------------------------------------


def test_a_facilitator_withdraws_an_undecided_proposal_and_nothing_more_is_recorded_on_it(
    facilitator: Caller, village: Village
) -> None:
    withdrawn = facilitator.ok(f"{village.proposal}/withdraw", {"reason": "Digabung dengan usulan lain."})

    assert (withdrawn["status"], withdrawn["withdrawal"]["reason"]) == ("withdrawn", "Digabung dengan usulan lain.")
    late = facilitator.post(
        f"{village.proposal}/contributions",
        {"participant_id": village.participants[0], "kind": "support", "text": "Setuju."},
    )
    problem_of(late, 409, "proposal_withdrawn")


def test_a_decided_proposal_cannot_be_withdrawn(facilitator: Caller, village: Village) -> None:
    adopt_by_consensus(facilitator, village)

    problem_of(
        facilitator.post(f"{village.proposal}/withdraw", {"reason": "Terlambat."}), 409, "proposal_already_decided"
    )


def test_only_those_who_run_the_process_withdraw_annul_or_correct(
    facilitator: Caller, partner: Caller, auditor: Caller, village: Village
) -> None:
    for caller in (partner, auditor):
        problem_of(caller.post(f"{village.proposal}/withdraw", {"reason": "Bukan hak saya."}), 403, "forbidden")
        problem_of(caller.post(f"{village.proposal}/decision/annul", {"reason": "Tidak sah."}), 403, "forbidden")
        problem_of(
            caller.post(
                f"{village.proposal}/corrections", {"version": 1, "field": "title", "text": "X", "reason": "Salah."}
            ),
            403,
            "forbidden",
        )


def test_an_annulled_decision_stays_on_record_and_the_proposal_is_decided_again(
    facilitator: Caller, admin: Caller, village: Village
) -> None:
    adopt_by_consensus(facilitator, village)

    annulled = admin.ok(
        f"{village.proposal}/decision/annul",
        {"reason": "Musdes khusus: lahan bukan milik desa.", "legal_basis": "Permendesa 16/2019", "meeting_id": None},
    )
    again = adopt_by_consensus(facilitator, village)

    assert (annulled["status"], annulled["decision"]) == ("open", None)
    assert annulled["annulled_decisions"][0]["decision"]["outcome"] == "adopted"
    assert annulled["annulled_decisions"][0]["legal_basis"] == "Permendesa 16/2019"
    assert again["status"] == "decided"
    assert len(again["annulled_decisions"]) == 1


def test_an_undecided_proposal_has_no_decision_to_annul(facilitator: Caller, village: Village) -> None:
    problem_of(facilitator.post(f"{village.proposal}/decision/annul", {"reason": "?"}), 409, "proposal_not_decided")


def test_a_mistyped_title_is_corrected_and_shown_as_corrected(facilitator: Caller, village: Village) -> None:
    corrected = facilitator.ok(
        f"{village.proposal}/corrections",
        {"version": 1, "field": "title", "text": "Posyandu Dusun Karang", "reason": "Salah ketik nama dusun."},
    )

    assert (corrected["title"], corrected["title_corrected"], corrected["body_corrected"]) == (
        "Posyandu Dusun Karang",
        True,
        False,
    )
    assert corrected["corrections"][0]["reason"] == "Salah ketik nama dusun."


def test_a_correction_of_text_that_step_does_not_have_is_refused(facilitator: Caller, village: Village) -> None:
    refused = facilitator.post(
        f"{village.proposal}/corrections", {"version": 1, "field": "rationale", "text": "X", "reason": "Salah."}
    )

    problem_of(refused, 409, "nothing_to_correct")


def test_an_annulment_names_only_a_meeting_of_the_same_process(facilitator: Caller, village: Village) -> None:
    adopt_by_consensus(facilitator, village)
    elsewhere = start_village(facilitator)

    refused = facilitator.post(
        f"{village.proposal}/decision/annul", {"reason": "Tidak sah.", "meeting_id": elsewhere.meeting_id}
    )

    problem_of(refused, 404, "not_found")


def test_a_correction_names_a_free_text_field(facilitator: Caller, village: Village) -> None:
    refused = facilitator.post(
        f"{village.proposal}/corrections", {"version": 1, "field": "submitted_by", "text": "X", "reason": "Salah."}
    )

    assert list(problem_of(refused, 422, "validation_failed")["errors"]) == ["field"]


def test_a_decision_said_to_precede_the_close_of_its_check_is_out_of_order(
    facilitator: Caller, village: Village
) -> None:
    stances(facilitator, village, "agree", "agree", "agree", "agree")

    refused = decide(facilitator, village, occurred_at="2020-01-01T09:00:00+07:00")

    problem_of(refused, 409, "occurred_out_of_order")


# --- lists ---------------------------------------------------------------------------------------------------------


def test_a_process_lists_its_proposals_a_page_at_a_time_with_their_outcome_and_by_status(
    facilitator: Caller, village: Village
) -> None:
    adopt_by_consensus(facilitator, village)
    for title in ("Jalan usaha tani", "Sumur bor"):
        facilitator.created(
            f"/processes/{village.process_id}/proposals",
            {"title": title, "body": "Teks.", "submitted_by": village.participants[1]},
        )
    path = f"/processes/{village.process_id}/proposals"

    first = facilitator.get(path, limit=2).get_json()
    second = facilitator.get(path, limit=2, after=first["next"]).get_json()
    still_open = facilitator.get(path, status="open").get_json()

    assert [(i["title"], i["status"], i["outcome"]) for i in first["items"]] == [
        ("Posyandu Dusun Krajan", "decided", "adopted"),
        ("Jalan usaha tani", "open", None),
    ]
    assert ([i["title"] for i in second["items"]], second["next"]) == (["Sumur bor"], None)
    assert [i["title"] for i in still_open["items"]] == ["Jalan usaha tani", "Sumur bor"]


def test_a_process_lists_its_meetings_and_commitments(facilitator: Caller, village: Village) -> None:
    adopt_by_consensus(facilitator, village)
    facilitator.created(
        f"{village.proposal}/commitments",
        {"owner": "Kepala Desa", "description": "Membangun posyandu", "due": "2027-06-30"},
    )

    meetings = facilitator.get(f"/processes/{village.process_id}/meetings").get_json()
    commitments = facilitator.get(f"/processes/{village.process_id}/commitments").get_json()
    completed = facilitator.get(f"/processes/{village.process_id}/commitments", status="completed").get_json()

    assert [(m["title"], m["status"]) for m in meetings["items"]] == [("Musyawarah Desa", "open")]
    assert [(c["title"], c["status"]) for c in commitments["items"]] == [("Membangun posyandu", "open")]
    assert completed["items"] == []


def test_a_restricted_process_lists_nothing_to_those_who_may_not_read_it(facilitator: Caller, partner: Caller) -> None:
    village = start_village(facilitator, "restricted")

    problem_of(partner.get(f"/processes/{village.process_id}/proposals"), 404, "not_found")


# --- problems in Bahasa Indonesia ------------------------------------------------------------------------------


def test_problems_speak_bahasa_indonesia_when_asked_and_keep_their_code(facilitator: Caller, village: Village) -> None:
    body = {"participant_id": village.participants[0], "kind": "dukungan", "text": "Setuju."}

    english = facilitator.post(f"{village.proposal}/contributions", body)
    indonesian = facilitator.post(f"{village.proposal}/contributions", body, headers={"Accept-Language": "id-ID,id"})

    assert problem_of(english, 422, "validation_failed")["errors"]["kind"] == [
        "Must be one of: support, concern, question, information."
    ]
    translated = problem_of(indonesian, 422, "validation_failed")
    assert translated["errors"]["kind"] == ["Harus salah satu dari: support, concern, question, information."]
    assert translated["title"] == "Permintaan tidak valid"
    assert indonesian.headers["Content-Language"] == "id"


def test_a_broken_rule_is_explained_in_bahasa_indonesia(facilitator: Caller, village: Village) -> None:
    refused = facilitator.post(
        f"{village.proposal}/votes", {"meeting_id": village.meeting_id}, headers={"Accept-Language": "id"}
    )

    body = problem_of(refused, 409, "consensus_not_attempted")
    assert body["title"] == "Aturan proses dilanggar"
    assert body["detail"].startswith("musyawarah lebih dulu: pemungutan suara memerlukan pemeriksaan mufakat")


def test_the_compiled_catalogue_says_what_its_source_says() -> None:
    folder = Path(TRANSLATIONS) / "id" / "LC_MESSAGES"
    with open(folder / "api.po", "rb") as source, open(folder / "api.mo", "rb") as compiled:
        po, mo = read_po(source), read_mo(compiled)

    written = {m.id: m.string for m in po if m.id}
    assert written == {m.id: m.string for m in mo if m.id}
    assert all(written.values())


def test_every_problem_title_has_its_bahasa_indonesia() -> None:
    from service.http.problems import _TITLES

    folder = Path(TRANSLATIONS) / "id" / "LC_MESSAGES"
    with open(folder / "api.po", "rb") as source:
        translated = {m.id for m in read_po(source) if m.id and m.string}

    assert {*_TITLES.values(), "A rule of the process was broken"} - translated == set()


def test_every_refusal_the_application_words_has_its_bahasa_indonesia() -> None:
    """Each literal message of a refusal raised in service/ (forbidden, unauthenticated, contention) is in the
    catalogue, so a facilitator reading in Indonesian never meets an English sentence."""
    folder = Path(TRANSLATIONS) / "id" / "LC_MESSAGES"
    with open(folder / "api.po", "rb") as source:
        translated = {m.id for m in read_po(source) if m.id and m.string}
    service = Path(TRANSLATIONS).parents[1]
    refusal = re.compile(r'raise (?:Forbidden|Unauthenticated|TooMuchContention)\(\s*"([^"]+)"')
    worded = [m.group(1) for path in service.rglob("*.py") for m in refusal.finditer(path.read_text())]

    assert len(worded) >= 8
    assert [message for message in worded if message not in translated] == []


# --- issue 17: a decision is what the record bears out, and every step lies within its time -------------------


def reject(facilitator: Caller, village: Village, method: str, **extra: Any) -> TestResponse:
    """Asks to reject the village's proposal by `method`."""
    return facilitator.post(
        f"{village.proposal}/decision", {"outcome": "rejected", "method": method, "rationale": "x", **extra}
    )


def test_a_rejection_by_mufakat_with_no_check_after_the_meeting_closed_is_refused_and_says_no_check_was_held(
    facilitator: Caller, client: Any, village: Village
) -> None:
    # The outsider's request of issue 17: the meeting closed, no check was ever held, "rejected by consensus".
    facilitator.ok(f"/meetings/{village.meeting_id}/close", {"minutes": "Selesai."})

    english = reject(facilitator, village, "consensus")
    indonesian = facilitator.post(
        f"{village.proposal}/decision",
        {"outcome": "rejected", "method": "consensus", "rationale": "x"},
        headers={"Accept-Language": "id"},
    )

    assert problem_of(english, 409, "no_check_on_this_text")["detail"].startswith(
        "no consensus check has been held on this text"
    )
    assert problem_of(indonesian, 409, "no_check_on_this_text")["detail"].startswith(
        "belum ada pemeriksaan mufakat atas teks ini"
    )
    assert facilitator.get(village.proposal).get_json()["decision"] is None
    assert "melalui mufakat" not in client.get(f"/keputusan/{village.proposal_id}").get_data(as_text=True)


def test_an_adoption_or_rejection_by_vote_with_no_vote_says_no_vote_was_held(
    facilitator: Caller, village: Village
) -> None:
    musyawarah_fails(facilitator, village)

    problem_of(decide(facilitator, village, "vote"), 409, "no_vote_on_this_text")
    problem_of(reject(facilitator, village, "vote"), 409, "no_vote_on_this_text")


def test_a_check_that_merely_failed_is_no_mufakat_to_reject_but_a_room_agreed_against_is(
    facilitator: Caller, village: Village
) -> None:
    stances(facilitator, village, "agree", "agree", "agree", "disagree")
    refused = reject(facilitator, village, "consensus")
    stances(facilitator, village, "disagree", "disagree", "block", "abstain")
    rejected = reject(facilitator, village, "consensus")

    problem_of(refused, 409, "no_consensus_to_reject")
    assert rejected.status_code == 200, rejected.get_json()
    assert (rejected.get_json()["decision"]["outcome"], rejected.get_json()["decision"]["method"]) == (
        "rejected",
        "consensus",
    )


def test_a_vote_that_passed_does_not_reject_by_vote(facilitator: Caller, village: Village) -> None:
    musyawarah_fails(facilitator, village)
    vote = facilitator.created(f"{village.proposal}/votes", {"meeting_id": village.meeting_id})
    for participant in village.participants:
        facilitator.ok(
            f"{village.proposal}/votes/{vote['vote_id']}/ballots", {"participant_id": participant, "choice": "yes"}
        )
    facilitator.ok(f"{village.proposal}/votes/{vote['vote_id']}/close")

    problem_of(reject(facilitator, village, "vote"), 409, "vote_passed")


def test_a_decision_without_consensus_or_vote_is_worded_as_such_in_history_feed_and_portal(
    facilitator: Caller, client: Any, village: Village
) -> None:
    reject(facilitator, village, "none")

    history = client.get(f"/api/v1{village.proposal}/history").get_json()["items"]
    english = client.get(f"/api/v1{village.proposal}/history", headers={"Accept-Language": "en"}).get_json()["items"]
    feed = client.get("/api/v1/feed.atom").get_data(as_text=True)
    portal = client.get(f"/keputusan/{village.proposal_id}").get_data(as_text=True)

    assert history[-1]["summary"] == "Usulan ditolak, diputuskan tanpa mufakat atau pemungutan suara"
    assert english[-1]["summary"] == "Proposal rejected, decided without consensus or vote"
    assert "ditolak, diputuskan tanpa mufakat atau pemungutan suara" in feed
    assert "diputuskan tanpa mufakat atau pemungutan suara" in portal


def test_closing_a_check_dated_before_a_stance_typed_in_earlier_is_out_of_order(facilitator: Caller) -> None:
    # Typed in from paper: the check opened at 09:30, a stance at 09:45, the close said to be at 09:40.
    held = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)

    def at(minutes: int) -> str:
        return (held + timedelta(minutes=minutes)).isoformat()

    village = _village_held_at(facilitator, held)
    check = facilitator.created(
        f"{village.proposal}/consensus-checks", {"meeting_id": village.meeting_id, "occurred_at": at(30)}
    )
    path = f"{village.proposal}/consensus-checks/{check['check_id']}"
    facilitator.ok(
        f"{path}/stances", {"participant_id": village.participants[0], "stance": "agree", "occurred_at": at(45)}
    )

    refused = facilitator.post(f"{path}/close", {"occurred_at": at(40)}, headers={"Accept-Language": "id"})
    closed = facilitator.ok(f"{path}/close", {"occurred_at": at(46)})

    assert "sikap terakhir di dalamnya" in problem_of(refused, 409, "occurred_out_of_order")["detail"]
    assert closed["consensus_checks"][0]["status"] == "closed"


def test_a_meeting_cannot_close_before_a_stance_taken_at_it(facilitator: Caller) -> None:
    held = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    village = _village_held_at(facilitator, held)
    check = facilitator.created(
        f"{village.proposal}/consensus-checks",
        {"meeting_id": village.meeting_id, "occurred_at": (held + timedelta(minutes=30)).isoformat()},
    )
    facilitator.ok(
        f"{village.proposal}/consensus-checks/{check['check_id']}/stances",
        {
            "participant_id": village.participants[0],
            "stance": "agree",
            "occurred_at": (held + timedelta(minutes=45)).isoformat(),
        },
    )

    refused = facilitator.post(
        f"/meetings/{village.meeting_id}/close",
        {"minutes": "Selesai.", "occurred_at": (held + timedelta(minutes=40)).isoformat()},
    )

    problem_of(refused, 409, "occurred_out_of_order")


def test_a_check_cannot_close_after_its_meeting_closed(facilitator: Caller) -> None:
    held = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    village = _village_held_at(facilitator, held)
    check = facilitator.created(
        f"{village.proposal}/consensus-checks",
        {"meeting_id": village.meeting_id, "occurred_at": (held + timedelta(minutes=30)).isoformat()},
    )
    facilitator.ok(
        f"/meetings/{village.meeting_id}/close",
        {"minutes": "Selesai.", "occurred_at": (held + timedelta(minutes=120)).isoformat()},
    )

    refused = facilitator.post(
        f"{village.proposal}/consensus-checks/{check['check_id']}/close",
        {"occurred_at": (held + timedelta(minutes=180)).isoformat()},
    )

    problem_of(refused, 409, "occurred_out_of_order")
    facilitator.ok(
        f"{village.proposal}/consensus-checks/{check['check_id']}/close",
        {"occurred_at": (held + timedelta(minutes=100)).isoformat()},
    )


def test_a_proposal_submitted_at_a_meeting_is_not_dated_after_it_closed(facilitator: Caller) -> None:
    held = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    village = _village_held_at(facilitator, held)
    facilitator.ok(
        f"/meetings/{village.meeting_id}/close",
        {"minutes": "Selesai.", "occurred_at": (held + timedelta(minutes=120)).isoformat()},
    )

    refused = facilitator.post(
        f"/processes/{village.process_id}/proposals",
        {
            "title": "Sumur",
            "body": "Sumur bor.",
            "submitted_by": village.participants[0],
            "meeting_id": village.meeting_id,
        },
    )

    problem_of(refused, 409, "occurred_out_of_order")


def _village_held_at(facilitator: Caller, held: datetime) -> Village:
    """A village whose process, people and meeting were typed in from paper: the meeting opened at `held`."""
    process = facilitator.created("/processes", {**_process(), "occurred_at": (held - timedelta(days=7)).isoformat()})
    people = [
        facilitator.created(
            f"/processes/{process['id']}/participants",
            {"name": f"Warga {n}", "group": "resident", "occurred_at": (held - timedelta(days=6)).isoformat()},
        )["id"]
        for n in range(3)
    ]
    meeting = facilitator.created(
        f"/processes/{process['id']}/meetings",
        {
            "title": "Musdes",
            "scheduled_for": held.isoformat(),
            "occurred_at": (held - timedelta(days=5)).isoformat(),
        },
    )
    facilitator.ok(f"/meetings/{meeting['id']}/open", {"attendees": people, "occurred_at": held.isoformat()})
    proposal = facilitator.created(
        f"/processes/{process['id']}/proposals",
        {
            "title": "Sumur bor",
            "body": "Sumur bor di RT 02.",
            "submitted_by": people[0],
            "meeting_id": meeting["id"],
            "occurred_at": (held + timedelta(minutes=10)).isoformat(),
        },
    )
    return Village(process["id"], people, meeting["id"], proposal["id"])


def test_an_annulment_names_a_meeting_only_within_its_open_period(
    facilitator: Caller, admin: Caller, village: Village
) -> None:
    adopt_by_consensus(facilitator, village)
    khusus = facilitator.created(
        f"/processes/{village.process_id}/meetings",
        {"title": "Musdes khusus", "scheduled_for": "2027-02-01T09:00:00+07:00", "location": "Balai Desa"},
    )
    annul = f"{village.proposal}/decision/annul"

    not_yet_held = admin.post(annul, {"reason": "Cacat prosedur.", "meeting_id": khusus["id"]})
    facilitator.ok(f"/meetings/{village.meeting_id}/close", {"minutes": "Selesai."})
    after_it_closed = admin.post(annul, {"reason": "Cacat prosedur.", "meeting_id": village.meeting_id})
    facilitator.ok(f"/meetings/{khusus['id']}/open", {"attendees": village.participants})
    annulled = admin.ok(annul, {"reason": "Cacat prosedur.", "meeting_id": khusus["id"]})

    problem_of(not_yet_held, 409, "meeting_not_open")
    problem_of(after_it_closed, 409, "occurred_out_of_order")
    assert annulled["annulled_decisions"][0]["meeting_id"] == khusus["id"]

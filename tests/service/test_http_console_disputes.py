"""Issue 23: the facilitator works a dispute from the console, each step posted as the offline queue posts it.

Story: a blocking objection stalls the embung; the proposal's page offers "Buka sengketa", which opens the form
prefilled with the proposal; the dispute between the indigenous community and the farmers' group is mediated at
the open meeting, its issue and options recorded, and it ends in an agreement (another one is escalated, a third
dropped). Each form is also refused as the API refuses it, and a refused step records nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from http_callers import Caller, Village, start_village
from test_http_console_whole_musyawarah import Console

SUMMARY = "Pemangku adat bersedia tukar guling bila sawah pengganti sama luasnya."


@pytest.fixture
def as_facilitator(app: Flask, facilitator: Caller) -> Console:
    return Console(app, str(facilitator.secret))


def opened(as_facilitator: Console, village: Village, **more: Any) -> str:
    """Opens the land dispute from the console's form; its id."""
    fields = {
        "title": "Tanah bengkok untuk embung",
        "party_0": "group:indigenous",
        "party_1_organisation": "Kelompok Tani Sri Rejeki",
        "about": f"proposal_id:{village.proposal_id}",
        "visibility": "restricted",
        **more,
    }
    answer = as_facilitator.step("open_dispute", process_id=village.process_id, **fields)
    assert answer["ok"] is True, answer
    assert answer["location"] == f"/console/konflik/{answer['id']}"
    return str(answer["id"])


def test_a_proposal_blocked_by_an_objection_offers_to_open_a_dispute_prefilled_with_it(
    as_facilitator: Console, facilitator: Caller, village: Village
) -> None:
    proposal_page = f"/console/usulan/{village.proposal_id}"
    assert "open-dispute-link" not in as_facilitator.page(proposal_page)
    facilitator.created(
        f"{village.proposal}/objections",
        {"raised_by": village.participants[1], "grounds": "Tanah itu bengkok adat", "blocking": True},
    )

    page = as_facilitator.page(proposal_page)
    link = f"/console/proses/{village.process_id}/konflik?usulan={village.proposal_id}"
    assert link in page and "Buka sengketa" in page

    form = as_facilitator.page(link)
    assert f'value="proposal_id:{village.proposal_id}" selected' in form
    assert 'value="restricted" checked' in form


def test_a_dispute_is_opened_mediated_and_agreed_from_the_console(
    as_facilitator: Console, facilitator: Caller, village: Village
) -> None:
    dispute_id = opened(as_facilitator, village)
    listing = as_facilitator.page(f"/console/proses/{village.process_id}/konflik")
    assert "Tanah bengkok untuk embung" in listing and "terbatas" in listing

    session = as_facilitator.step("hold_session", dispute_id=dispute_id, meeting_id=village.meeting_id, summary=SUMMARY)
    assert session["ok"] is True, session
    issue = as_facilitator.step(
        "record_issue",
        dispute_id=dispute_id,
        title="Pengganti lahan bengkok",
        needs_0="Sawah untuk ritual adat tetap ada",
        demands_0="Lahan tidak dipakai",
        needs_1="Air untuk sawah di musim kemarau",
    )
    assert issue["ok"] is True, issue
    read = facilitator.get(f"/disputes/{dispute_id}").get_json()
    issue_id = read["issues"][0]["issue_id"]
    assert read["issues"][0]["interests"] == [
        {"party": 0, "needs": "Sawah untuk ritual adat tetap ada", "demands": "Lahan tidak dipakai"},
        {"party": 1, "needs": "Air untuk sawah di musim kemarau", "demands": None},
    ]
    option = as_facilitator.step("consider_option", dispute_id=dispute_id, issue_id=issue_id, text="Tukar guling")
    assert option["ok"] is True, option
    agreed = as_facilitator.step(
        "agree",
        dispute_id=dispute_id,
        text="Lahan bengkok ditukar dengan tanah kas desa seluas 0,5 ha.",
        signatory_roles="kepala desa\nketua BPD\n",
        promises="Pengukuran ulang lahan; BPD; 2027-03-01",
        text_public="on",
    )
    assert agreed["ok"] is True, agreed

    read = facilitator.get(f"/disputes/{dispute_id}").get_json()
    assert read["status"] == "agreed"
    assert read["agreement"]["signatory_roles"] == ["kepala desa", "ketua BPD"]
    assert read["agreement"]["promises"] == [
        {"description": "Pengukuran ulang lahan", "owner": "BPD", "due": "2027-03-01"}
    ]
    assert read["agreement"]["text_public"] is True
    page = as_facilitator.page(f"/console/konflik/{dispute_id}")
    assert SUMMARY in page and "Tukar guling" in page and "Sawah untuk ritual adat tetap ada" in page
    assert "kepala desa, ketua BPD" in page
    assert f"/console/usulan/{village.proposal_id}" in page
    assert 'data-step="hold_session"' not in page and 'data-step="agree"' not in page  # settled: only errata


def test_a_dispute_is_escalated_or_dropped_and_corrected_from_the_console(
    as_facilitator: Console, facilitator: Caller, village: Village
) -> None:
    escalated = opened(as_facilitator, village)
    dropped = opened(as_facilitator, village, title="Batas dusun")

    assert as_facilitator.step("escalate", dispute_id=escalated, to="camat", reason="Melibatkan dua desa")["ok"]
    assert as_facilitator.step("drop_dispute", dispute_id=dropped, reason="Para pihak berdamai sendiri")["ok"]
    corrected = as_facilitator.step(
        "correct_dispute", dispute_id=dropped, target="drop_reason", text="Berdamai di balai", reason="Salah tulis"
    )
    assert corrected["ok"] is True, corrected

    assert facilitator.get(f"/disputes/{escalated}").get_json()["escalation"]["to"] == "camat"
    read = facilitator.get(f"/disputes/{dropped}").get_json()
    assert (read["status"], read["drop"]["reason"]) == ("dropped", "Berdamai di balai")
    assert "Kepada camat" in as_facilitator.page(f"/console/konflik/{escalated}")


def test_each_dispute_form_refused_as_the_api_refuses_it_records_nothing(
    as_facilitator: Console, facilitator: Caller, village: Village
) -> None:
    elsewhere = start_village(facilitator)
    one_party = as_facilitator.step("open_dispute", process_id=village.process_id, title="Sumur", party_0="group:women")
    assert (one_party["ok"], one_party["code"], one_party["fields"]) == (False, "validation_failed", ["parties"])
    same_twice = as_facilitator.step(
        "open_dispute", process_id=village.process_id, title="Sumur", party_0="group:women", party_1="group:women"
    )
    assert same_twice["code"] == "party_not_allowed"
    both_in_a_row = as_facilitator.step(
        "open_dispute",
        process_id=village.process_id,
        title="Sumur",
        party_0="group:women",
        party_0_organisation="PKK",
        party_1="group:youth",
    )
    assert (both_in_a_row["code"], both_in_a_row["fields"]) == ("validation_failed", ["parties"])
    foreign = as_facilitator.step(
        "open_dispute",
        process_id=village.process_id,
        title="Sumur",
        party_0="group:women",
        party_1="group:youth",
        about=f"proposal_id:{elsewhere.proposal_id}",
    )
    assert (foreign["code"], foreign["fields"]) == ("validation_failed", ["about"])
    assert facilitator.get(f"/processes/{village.process_id}/disputes").get_json()["items"] == []

    dispute_id = opened(as_facilitator, village)
    no_session = as_facilitator.step("agree", dispute_id=dispute_id, text="Damai", signatory_roles="kepala desa")
    assert no_session["code"] == "agreement_needs_a_session"
    other_meeting = as_facilitator.step("hold_session", dispute_id=dispute_id, meeting_id=elsewhere.meeting_id)
    assert other_meeting["code"] == "not_found"
    no_needs = as_facilitator.step("record_issue", dispute_id=dispute_id, title="Air", demands_1="Semua air")
    assert no_needs["code"] == "validation_failed"
    bad_body = as_facilitator.step("escalate", dispute_id=dispute_id, to="dpr", reason="x")
    assert (bad_body["code"], bad_body["fields"]) == ("validation_failed", ["to"])
    no_reason = as_facilitator.step("drop_dispute", dispute_id=dispute_id)
    assert (no_reason["code"], no_reason["fields"]) == ("validation_failed", ["reason"])
    unknown_option = as_facilitator.step(
        "consider_option", dispute_id=dispute_id, text="x", issue_id="00000000-0000-4000-8000-000000000000"
    )
    assert (unknown_option["code"], unknown_option["fields"]) == ("not_found", ["issue_id"])
    nothing = as_facilitator.step("correct_dispute", dispute_id=dispute_id, target="agreement", text="x", reason="y")
    assert nothing["code"] == "nothing_to_correct"
    not_admin = as_facilitator.step(
        "redact_summary", dispute_id=dispute_id, session_id="00000000-0000-4000-8000-000000000000", reason="nama"
    )
    assert not_admin["code"] == "forbidden"
    assert facilitator.get(f"/disputes/{dispute_id}").get_json()["version"] == 1


def test_the_dispute_pages_are_not_found_to_a_partner_who_reads_the_process(
    app: Flask, token_for: Any, facilitator: Caller, village: Village, as_facilitator: Console
) -> None:
    dispute_id = opened(as_facilitator, village)
    stranger = Console(app, token_for("partner", "Bappeda"))

    hidden = stranger.browser.get(f"/console/konflik/{dispute_id}")
    assert hidden.status_code == 404
    assert hidden.mimetype == "text/html"  # the console's own page, in the reader's words, not the API's problem
    assert stranger.browser.get(f"/console/proses/{village.process_id}/konflik").status_code == 404


def test_a_dispute_opened_from_a_complaint_is_prefilled_with_it_and_links_it_for_the_facilitator_only(
    as_facilitator: Console, facilitator: Caller, anonymous: Caller, village: Village
) -> None:
    filed = anonymous.created(f"/processes/{village.process_id}/complaints", {"text": "Tanah bengkok dipagari"})
    complaint_id = filed["complaint_id"]

    form = as_facilitator.page(f"/console/proses/{village.process_id}/konflik?pengaduan={complaint_id}")
    assert f'value="complaint_id:{complaint_id}" selected' in form
    dispute_id = opened(as_facilitator, village, about=f"complaint_id:{complaint_id}", visibility="public")

    assert f"/console/pengaduan/{complaint_id}" in as_facilitator.page(f"/console/konflik/{dispute_id}")
    assert complaint_id not in anonymous.get(f"/disputes/{dispute_id}").get_data(as_text=True)
    # A complaint of another process (or no complaint) prefills nothing.
    elsewhere = start_village(facilitator)
    theirs = anonymous.created(f"/processes/{elsewhere.process_id}/complaints", {"text": "Jalan rusak"})
    other = as_facilitator.page(f"/console/proses/{village.process_id}/konflik?pengaduan={theirs['complaint_id']}")
    assert "selected" not in other.split('name="about"')[1].split("</select>")[0]


def test_an_admin_redacts_a_session_s_summary_from_the_dispute_s_page(
    app: Flask, token_for: Any, as_facilitator: Console, facilitator: Caller, village: Village
) -> None:
    dispute_id = opened(as_facilitator, village)
    as_facilitator.step("hold_session", dispute_id=dispute_id, meeting_id=village.meeting_id, summary=SUMMARY)
    session_id = facilitator.get(f"/disputes/{dispute_id}").get_json()["sessions"][0]["session_id"]
    admin = Console(app, token_for("admin", "Admin Kabupaten"))
    assert 'data-step="redact_summary"' in admin.page(f"/console/konflik/{dispute_id}")
    assert 'data-step="redact_summary"' not in as_facilitator.page(f"/console/konflik/{dispute_id}")

    redacted = admin.step("redact_summary", dispute_id=dispute_id, session_id=session_id, reason="Menyebut nama")

    assert redacted["ok"] is True, redacted
    assert facilitator.get(f"/disputes/{dispute_id}").get_json()["sessions"][0]["redacted"] is True
    assert SUMMARY not in as_facilitator.page(f"/console/konflik/{dispute_id}")

"""Everything a musyawarah needs, from the console alone (issue 19, item 1): a process opened with its rules, a
stance with its reason, a participant's organisation and contact, closing a process; and the admin's pages for
tokens, forgetting a participant and redacting a statement. Each step succeeds, and each way it can fail is
refused with its reason and records nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient
from http_callers import Caller, Village

from domain.proposal import Proposal
from domain.rules import DecisionRules
from service.app import queries
from service.app.access import token_digest, token_record_id
from service.app.application import Mufakat

JSON = {"Accept": "application/json"}


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


class Console:
    """A browser signed in to the console with a token, posting the console's forms."""

    def __init__(self, app: Flask, token: str) -> None:
        self.browser = app.test_client()
        page = self.browser.get("/console/masuk")
        answer = self.browser.post("/console/masuk", data={"csrf_token": _csrf(page.text), "token": token})
        assert answer.status_code == 302
        self.csrf = _csrf(self.browser.get("/console/").text)
        self.keys = 0

    def step(self, action: str, **fields: Any) -> dict[str, Any]:
        """Posts a step as the offline queue does (JSON answer): {ok, code, message, fields}."""
        self.keys += 1
        answer = self.browser.post(
            f"/console/langkah/{action}",
            data={"csrf_token": self.csrf, "idempotency_key": f"k-{action}-{self.keys}", **fields},
            headers=JSON,
        )
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.get_json()
        return found

    def page(self, path: str) -> str:
        answer = self.browser.get(path)
        assert answer.status_code == 200, path
        return answer.text


@pytest.fixture
def as_facilitator(app: Flask, facilitator: Caller) -> Console:
    return Console(app, str(facilitator.secret))


@pytest.fixture
def as_admin(app: Flask, token_for: Callable[..., str]) -> Console:
    return Console(app, token_for("admin", "Admin Kabupaten"))


RULES = {
    "title": "Musdes Sukamaju Baru 2027",
    "region_code": "33.02.10.2001",
    "region_name": "Desa Sukamaju Baru",
    "visibility": "public",
}


# --- the rules of a process ----------------------------------------------------------------


def test_a_process_opened_from_the_console_keeps_the_rules_chosen(as_facilitator: Console, the_ledger: Mufakat) -> None:
    answer = as_facilitator.step(
        "open_process",
        **RULES,
        rules_consensus="consent",
        rules_quorum="0.75",
        rules_vote_fallback="false",
        rules_vote_threshold="0.6666666666666666",
        rules_vote_without_check="on",
        rules_legal_basis="Permendesa PDTT No. 16 Tahun 2019",
    )

    assert answer["ok"] is True
    process = the_ledger.repository.get(UUID(answer["id"]))
    assert process.rules == DecisionRules(
        quorum=0.75,
        vote_fallback=False,
        vote_threshold=0.6666666666666666,
        legal_basis="Permendesa PDTT No. 16 Tahun 2019",
        consensus="consent",
        vote_without_check=True,
    )


def test_a_process_opened_without_choosing_keeps_the_default_rules(
    as_facilitator: Console, the_ledger: Mufakat
) -> None:
    answer = as_facilitator.step("open_process", **RULES, rules_consensus="unanimity", rules_vote_fallback="true")

    assert the_ledger.repository.get(UUID(answer["id"])).rules == DecisionRules()


def test_the_opening_form_explains_each_rule_in_plain_indonesian(as_facilitator: Console) -> None:
    page = as_facilitator.page("/console/")

    assert "Satu suara tidak setuju cukup untuk menghentikannya" in page
    assert "catatan perbedaan pendapat" in page
    assert "dua pertiga dari yang diundang (Permendesa 16/2019)" in page
    assert "Tidak pernah ada pemungutan suara" in page
    assert "Bukan musyawarah lebih dulu" in page
    assert 'name="rules_legal_basis"' in page


@pytest.mark.parametrize(
    ("field", "value"),
    [("rules_quorum", "1.5"), ("rules_consensus", "suara terbanyak"), ("rules_vote_threshold", "0.2")],
)
def test_a_rule_out_of_range_is_refused_naming_its_field_and_opens_nothing(
    as_facilitator: Console, the_ledger: Mufakat, field: str, value: str
) -> None:
    answer = as_facilitator.step("open_process", **RULES, **{field: value})

    assert answer["ok"] is False
    assert answer["code"] == "validation_failed"
    assert answer["fields"] == [field]
    assert "Musdes Sukamaju Baru 2027" not in as_facilitator.page("/console/")


# --- a stance's reason, a participant's organisation and contact ------------------------------


def test_a_block_is_recorded_with_its_reason(as_facilitator: Console, village: Village, the_ledger: Mufakat) -> None:
    assert as_facilitator.step("open_check", proposal_id=village.proposal_id, meeting_id=village.meeting_id)["ok"]
    page = as_facilitator.page(f"/console/usulan/{village.proposal_id}")
    assert "Alasan (terutama untuk blok)" in page

    answer = as_facilitator.step(
        "stance",
        proposal_id=village.proposal_id,
        check_id=_open_check_id(the_ledger, village),
        participant_id=village.participants[1],
        stance="block",
        reason="Lokasinya di tanah longsor; pindahkan ke dekat balai.",
    )

    assert answer["ok"] is True
    taken = [e for e in the_ledger.events.get(UUID(village.proposal_id)) if isinstance(e, Proposal.StanceTaken)]
    assert [(e.stance, e.reason) for e in taken] == [("block", "Lokasinya di tanah longsor; pindahkan ke dekat balai.")]


def _open_check_id(the_ledger: Mufakat, village: Village) -> str:
    proposal = the_ledger.repository.get(UUID(village.proposal_id))
    return next(str(check.check_id) for check in proposal.checks.values() if check.status == "open")


def test_a_participant_is_registered_with_organisation_and_contact_that_only_the_console_shows(
    as_facilitator: Console, village: Village, client: FlaskClient
) -> None:
    answer = as_facilitator.step(
        "register",
        process_id=village.process_id,
        name="Bu Ratna Kartika",
        group="ngo",
        gender="female",
        organisation="LSM Tani Makmur",
        contact="0813-5555-0101",
    )

    assert answer["ok"] is True
    page = as_facilitator.page(f"/console/proses/{village.process_id}")
    assert "LSM Tani Makmur" in page and "0813-5555-0101" in page
    public = client.get(f"/proses/{village.process_id}").text + client.get("/").text
    assert "LSM Tani Makmur" not in public and "0813-5555-0101" not in public


# --- closing a process -------------------------------------------------------------------------


def test_a_process_closed_from_the_console_takes_no_more_steps(as_facilitator: Console, village: Village) -> None:
    closed = as_facilitator.step("close_process", process_id=village.process_id)
    again = as_facilitator.step("close_process", process_id=village.process_id)
    registered = as_facilitator.step("register", process_id=village.process_id, name="Pak Telat", group="resident")

    assert closed["ok"] is True
    assert again["ok"] is False and again["code"] == "process_closed"
    assert registered["ok"] is False and registered["code"] == "process_closed"
    assert "tidak ada lagi yang dapat dicatat" in again["message"]


def test_a_facilitator_cannot_close_another_facilitators_process(
    app: Flask, village: Village, token_for: Callable[..., str], the_ledger: Mufakat
) -> None:
    other = Console(app, token_for("facilitator", "Fasilitator Lain"))

    answer = other.step("close_process", process_id=village.process_id)

    assert answer["ok"] is False and answer["code"] in ("forbidden", "not_found")
    assert the_ledger.repository.get(UUID(village.process_id)).status == "open"


# --- the admin's token page ---------------------------------------------------------------------


def test_the_admin_issues_a_token_with_role_and_processes_lists_it_and_revokes_it(
    as_admin: Console, village: Village, the_ledger: Mufakat, client: FlaskClient
) -> None:
    page = as_admin.browser.post(
        "/console/admin/token",
        data={
            "csrf_token": as_admin.csrf,
            "role": "partner",
            "name": "Bappeda Kabupaten Baru",
            "processes": [village.process_id],
            "expires_at": "2099-01-01T00:00",
        },
    )
    assert page.status_code == 201
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    secret = re.search(r'id="secret" readonly value="(mfk_[^"]+)"', page.text)
    assert secret is not None
    token_id = token_record_id(token_digest(secret.group(1)))
    token = queries.token_record(the_ledger, token_id)
    assert (token.role, token.name, token.processes) == (
        "partner",
        "Bappeda Kabupaten Baru",
        [UUID(village.process_id)],
    )
    assert token.expires_at is not None and token.expires_at.isoformat() == "2098-12-31T17:00:00+00:00"  # WIB
    # The list shows it (never its secret), with the process's title.
    listed = as_admin.page("/console/admin/token")
    assert "Bappeda Kabupaten Baru" in listed and secret.group(1) not in listed
    assert f'id="token-{token_id}"' in listed
    # It works over the API until it is revoked on the page.
    assert client.get("/api/v1/processes", headers={"Authorization": f"Bearer {secret.group(1)}"}).status_code == 200
    assert as_admin.step("revoke_token", token_id=str(token_id))["ok"] is True
    assert client.get("/api/v1/processes", headers={"Authorization": f"Bearer {secret.group(1)}"}).status_code == 401
    assert "dicabut" in as_admin.page("/console/admin/token")


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"role": "facilitator", "name": ""}, "(nama)"),
        ({"role": "lurah", "name": "Pak Lurah"}, "(peran)"),
        ({"role": "facilitator", "name": "Fasilitator", "expires_at": "besok"}, "(berlaku sampai)"),
        ({"role": "facilitator", "name": "Fasilitator", "processes": [str(UUID(int=9))]}, "(proses)"),
        ({"role": "facilitator", "name": "Fasilitator", "processes": ["bukan-id"]}, "(proses)"),
    ],
)
def test_a_token_request_that_is_not_valid_is_refused_naming_the_field_and_issues_nothing(
    as_admin: Console, the_ledger: Mufakat, fields: dict[str, Any], named: str
) -> None:
    before, _ = queries.list_tokens(the_ledger, None, 100)

    answer = as_admin.browser.post("/console/admin/token", data={"csrf_token": as_admin.csrf, **fields})

    assert answer.status_code == 422
    assert 'role="alert" id="issue-token-refusal">' in answer.text
    refusal = answer.text.split('id="issue-token-refusal">')[1].split("</p>")[0]
    assert refusal.strip()

    assert refusal.endswith(named)
    after, _ = queries.list_tokens(the_ledger, None, 100)
    assert len(after) == len(before)


def test_a_token_request_without_the_csrf_token_issues_nothing(as_admin: Console, the_ledger: Mufakat) -> None:
    before, _ = queries.list_tokens(the_ledger, None, 100)

    answer = as_admin.browser.post("/console/admin/token", data={"role": "admin", "name": "Penyusup"})

    assert answer.status_code == 422
    assert len(queries.list_tokens(the_ledger, None, 100)[0]) == len(before)


def test_a_facilitator_may_not_revoke_a_token(
    as_facilitator: Console, token_for: Callable[..., str], the_ledger: Mufakat
) -> None:
    other = token_record_id(token_digest(token_for("facilitator", "Fasilitator Lain")))

    answer = as_facilitator.step("revoke_token", token_id=str(other))

    assert answer["ok"] is False and answer["code"] == "forbidden"
    assert not queries.token_record(the_ledger, other).revoked


# --- forgetting a participant, redacting a statement ---------------------------------------------


def test_the_admin_forgets_a_participant_from_the_console(
    as_admin: Console, village: Village, the_ledger: Mufakat
) -> None:
    page = as_admin.page(f"/console/admin/proses/{village.process_id}")
    assert "Pak Budi Santoso" in page and "0812-0000-0000" in page

    answer = as_admin.step("forget", participant_id=village.participants[1])
    again = as_admin.step("forget", participant_id=village.participants[1])

    assert answer["ok"] is True
    assert again["ok"] is False and again["code"] == "participant_forgotten"
    participant = the_ledger.repository.get(UUID(village.participants[1]))
    assert participant.forgotten
    assert "Pak Budi Santoso" not in as_admin.page(f"/console/admin/proses/{village.process_id}")


def test_a_facilitator_may_neither_forget_nor_open_the_admins_pages(
    as_facilitator: Console, village: Village, the_ledger: Mufakat
) -> None:
    answer = as_facilitator.step("forget", participant_id=village.participants[1])

    assert answer["ok"] is False and answer["code"] == "forbidden"
    assert not the_ledger.repository.get(UUID(village.participants[1])).forgotten
    for path in (f"/console/admin/proses/{village.process_id}", f"/console/admin/usulan/{village.proposal_id}"):
        assert as_facilitator.browser.get(path).status_code == 404


def test_the_admin_redacts_a_statement_from_the_console(
    as_admin: Console, as_facilitator: Console, village: Village, client: FlaskClient
) -> None:
    said = as_facilitator.step(
        "contribute",
        proposal_id=village.proposal_id,
        participant_id=village.participants[2],
        kind="concern",
        text="Rumah nomor 12 di gang buntu selalu banjir.",
    )
    assert said["ok"] is True
    page = as_admin.page(f"/console/admin/usulan/{village.proposal_id}")
    assert "Rumah nomor 12 di gang buntu selalu banjir." in page
    target = re.search(r'name="target" value="(\d+:text)"', page)
    assert target is not None

    answer = as_admin.step(
        "redact", proposal_id=village.proposal_id, target=target.group(1), reason="Alamat rumah warga."
    )
    again = as_admin.step(
        "redact", proposal_id=village.proposal_id, target=target.group(1), reason="Alamat rumah warga."
    )
    nothing = as_admin.step("redact", proposal_id=village.proposal_id, target="1:text", reason="Tidak ada teks.")

    assert answer["ok"] is True
    assert again["ok"] is False and again["code"] == "nothing_to_redact"
    assert nothing["ok"] is False and nothing["code"] in ("nothing_to_redact", "validation_failed")
    assert "Rumah nomor 12" not in as_admin.page(f"/console/admin/usulan/{village.proposal_id}")
    assert "Sudah disunting." in as_admin.page(f"/console/admin/usulan/{village.proposal_id}")
    history = client.get(f"/api/v1/proposals/{village.proposal_id}/history").get_data(as_text=True)
    assert "Rumah nomor 12" not in history


def test_a_redaction_without_a_reason_is_refused_and_takes_nothing_out(
    as_admin: Console, as_facilitator: Console, village: Village
) -> None:
    as_facilitator.step(
        "contribute",
        proposal_id=village.proposal_id,
        participant_id=village.participants[2],
        kind="support",
        text="Setuju sekali.",
    )
    target = re.search(
        r'name="target" value="(\d+:text)"', as_admin.page(f"/console/admin/usulan/{village.proposal_id}")
    )
    assert target is not None

    answer = as_admin.step("redact", proposal_id=village.proposal_id, target=target.group(1), reason="")

    assert answer["ok"] is False and answer["code"] == "validation_failed" and answer["fields"] == ["reason"]
    assert "Setuju sekali." in as_admin.page(f"/console/admin/usulan/{village.proposal_id}")

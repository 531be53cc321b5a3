"""The rules of the web pages that need no browser: headers, the session cookie, CSRF, one record per key,
refusals in Indonesian, languages, what the portal may show, and how typed-in times are read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from threading import Barrier
from typing import Any
from uuid import UUID

import pytest
from e2e_support import Site, Village, event_types, start_village
from flask import Flask, render_template
from flask.testing import FlaskClient

from domain.rules import DecisionRules
from projections.history import Recorder, Step
from service.adapters.storage import persistence_settings
from service.app import queries
from service.app.application import CommandContext
from service.audit.checkpoints import seal_checkpoint
from service.http.api.audit import signing_key
from service.http.app_factory import create_app
from service.http.current import current_mufakat
from service.http.web.console import quorum_needed
from service.http.web.portal import _story
from service.http.web.site import SESSION_KEY_FILE_SETTING, SessionKeyUnusable, load_or_create_session_key
from service.http.web.steps import Refused, moment


@pytest.fixture
def site_app(tmp_path: Path) -> Iterator[Site]:
    """The application on a fresh SQLite file, with a facilitator's token (no server: Flask's test client)."""
    app = create_app(
        {
            "MUFAKAT_LEDGER_ENV": persistence_settings(f"sqlite:///{tmp_path / 'web.db'}"),
            "SECRET_KEY": "test-secret",
            "MUFAKAT_SECRET_KEY_FILE": str(tmp_path / "signing.key"),
        }
    )
    with app.app_context():
        _, secret = current_mufakat().tokens.issue("facilitator", "Fasilitator Tersembunyi", [])
    yield Site("", app, secret, "Fasilitator Tersembunyi")
    opened = app.extensions.get("mufakat")
    if opened is not None:
        opened.close()


@pytest.fixture
def client(site_app: Site) -> FlaskClient:
    """A browser without JavaScript."""
    return site_app.app.test_client()


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _signed_in(client: FlaskClient, site: Site) -> str:
    page = client.get("/console/masuk")
    answer = client.post("/console/masuk", data={"csrf_token": _csrf(page.text), "token": site.facilitator_token})
    assert answer.status_code == 302
    return _csrf(client.get("/console/").text)


def _step(client: FlaskClient, action: str, csrf: str, **fields: Any) -> Any:
    return client.post(f"/console/langkah/{action}", data={"csrf_token": csrf, **fields})


def test_every_page_forbids_inline_script_and_sniffing_and_has_none_of_its_own(client: FlaskClient) -> None:
    for path in ("/", "/console/masuk", "/web-static/web.css"):
        answer = client.get(path)
        assert answer.status_code == 200
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
    for path in ("/", "/console/masuk"):
        answer = client.get(path)
        policy = answer.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert re.search(r"<script(?![^>]*\bsrc=)", answer.text) is None
        assert " style=" not in answer.text


def test_the_session_key_is_made_once_in_a_private_file_that_every_worker_shares(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = tmp_path / "web-session.key"
    monkeypatch.setenv(SESSION_KEY_FILE_SETTING, str(key_file))
    ledger = {"MUFAKAT_LEDGER_ENV": persistence_settings(f"sqlite:///{tmp_path / 'web.db'}")}
    first, second = create_app(ledger), create_app(ledger)
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text().strip()
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_workers_creating_the_session_key_at_once_agree_on_one_whole_key(tmp_path: Path) -> None:
    key_file = tmp_path / "web-session.key"
    starting_gun = Barrier(8)

    def worker_starts(_: int) -> str:
        starting_gun.wait()
        return load_or_create_session_key(key_file)

    with ThreadPoolExecutor(max_workers=8) as workers:
        keys = set(workers.map(worker_starts, range(8)))
    assert keys == {key_file.read_text().strip()}
    assert len(keys.pop()) == 64
    assert [path.name for path in tmp_path.iterdir()] == ["web-session.key"]  # no draft left behind


def test_the_session_key_is_made_beside_the_ledger_never_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clone, data = tmp_path / "clone", tmp_path / "data"
    clone.mkdir()
    data.mkdir()
    monkeypatch.chdir(clone)
    monkeypatch.delenv(SESSION_KEY_FILE_SETTING, raising=False)
    monkeypatch.setenv("MUFAKAT_DATABASE_URL", f"sqlite:///{data / 'mufakat.db'}")
    app = create_app()
    assert list(clone.iterdir()) == []
    assert app.config["SECRET_KEY"] == (data / "mufakat-web-session.key").read_text().strip()


def test_on_postgresql_the_session_key_is_made_beside_the_signing_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(SESSION_KEY_FILE_SETTING, raising=False)
    keys = tmp_path / "var-lib-mufakat"
    keys.mkdir()
    ledger = persistence_settings("postgresql://mufakat@127.0.0.1:5432/mufakat")  # not opened: the app is lazy
    create_app({"MUFAKAT_LEDGER_ENV": ledger, "MUFAKAT_SECRET_KEY_FILE": str(keys / "signing.key")})
    assert [path.name for path in keys.iterdir()] == ["mufakat-web-session.key"]
    assert [path.name for path in tmp_path.iterdir()] == ["var-lib-mufakat"]


def test_a_session_key_file_without_a_usable_key_stops_the_server_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = tmp_path / "web-session.key"
    key_file.write_text("\n")  # what a worker left behind when it lost the race of the old code
    monkeypatch.setenv(SESSION_KEY_FILE_SETTING, str(key_file))
    with pytest.raises(SessionKeyUnusable, match=r"MUFAKAT_WEB_SESSION_KEY_FILE.*delete it"):
        create_app({"MUFAKAT_LEDGER_ENV": persistence_settings(f"sqlite:///{tmp_path / 'web.db'}")})


def test_console_pages_are_never_stored_by_an_http_cache(client: FlaskClient, site_app: Site) -> None:
    _signed_in(client, site_app)
    page = client.get("/console/")
    assert page.headers["Cache-Control"] == "no-store"
    assert "Cookie" in page.headers["Vary"]


def test_the_language_links_keep_the_page_and_its_filters(client: FlaskClient) -> None:
    page = client.get("/?outcome=adopted&region=33")
    assert 'href="/?outcome=adopted&amp;region=33&amp;lang=en"' in page.text


def test_signing_in_gives_an_httponly_strict_cookie_that_holds_no_token(client: FlaskClient, site_app: Site) -> None:
    page = client.get("/console/masuk")
    answer = client.post("/console/masuk", data={"csrf_token": _csrf(page.text), "token": site_app.facilitator_token})
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("mufakat_console=")
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Path=/console" in cookie
    assert site_app.facilitator_token not in cookie
    assert client.get("/console/").status_code == 200


def test_an_unknown_token_is_refused_in_indonesian_and_the_console_stays_closed(client: FlaskClient) -> None:
    page = client.get("/console/masuk")
    answer = client.post("/console/masuk", data={"csrf_token": _csrf(page.text), "token": "mfk_tebakan"})
    assert answer.status_code == 401
    assert "Token ini tidak dikenal atau sudah dicabut." in answer.text
    closed = client.get("/console/")
    assert closed.status_code == 302
    assert closed.headers["Location"].startswith("/console/masuk")


def test_a_form_without_its_csrf_token_records_nothing(client: FlaskClient, site_app: Site) -> None:
    _signed_in(client, site_app)
    before = len(
        queries.list_processes(
            site_app.ledger, site_app.ledger.tokens.authenticate(site_app.facilitator_token), None, 50
        )[0]
    )
    answer = _step(
        client,
        "open_process",
        "forged",
        idempotency_key="k-forged",
        form_id="open-process",
        title="Palsu",
        region_code="33.01",
        region_name="Desa",
        visibility="public",
    )
    assert answer.status_code == 303
    principal = site_app.ledger.tokens.authenticate(site_app.facilitator_token)
    assert len(queries.list_processes(site_app.ledger, principal, None, 50)[0]) == before
    page = client.get(answer.headers["Location"])
    assert "Formulir sudah kedaluwarsa; muat ulang halaman lalu coba lagi." in page.text


def test_a_double_tap_sends_one_key_twice_and_the_step_is_recorded_once(client: FlaskClient, site_app: Site) -> None:
    village = start_village(site_app, "Musyawarah ketukan ganda")
    csrf = _signed_in(client, site_app)
    person = str(next(iter(village.people.values())))
    fields = {
        "idempotency_key": "tap-1",
        "proposal_id": str(village.proposal_id),
        "participant_id": person,
        "kind": "support",
        "text": "Setuju sekali.",
        "next": f"/console/usulan/{village.proposal_id}",
        "form_id": "contribute",
    }
    first = _step(client, "contribute", csrf, **fields)
    second = _step(client, "contribute", csrf, **fields)
    assert first.status_code == second.status_code == 303
    assert event_types(site_app, village.proposal_id).count("Contributed") == 1
    page = client.get(second.headers["Location"])
    assert "Sudah tercatat sebelumnya; tidak dicatat dua kali." in page.text
    assert "1 masukan" in page.text


def test_a_refused_step_shows_its_reason_in_indonesian_next_to_its_control(client: FlaskClient, site_app: Site) -> None:
    village = start_village(site_app, "Musyawarah yang menolak")
    csrf = _signed_in(client, site_app)
    # The check is closed first (nobody took a stance): adopting by vote is then refused, and the reason says what
    # happened, that no vote was held on this text (not that a vote failed).
    closing = {"proposal_id": str(village.proposal_id), "check_id": str(village.check_id)}
    _step(client, "close_check", csrf, idempotency_key="close-1", **closing)
    answer = _step(
        client,
        "decide",
        csrf,
        idempotency_key="decide-1",
        proposal_id=str(village.proposal_id),
        outcome="adopted",
        method="vote",
        rationale="Terlalu cepat.",
        next=f"/console/usulan/{village.proposal_id}",
        form_id="decide",
    )
    page = client.get(answer.headers["Location"])
    refusal = re.search(r'id="decide-refusal">([^<]*)<', page.text)
    assert refusal is not None
    assert refusal.group(1) == "Belum ada pemungutan suara atas teks ini: adakan dulu."
    assert "Decided" not in event_types(site_app, village.proposal_id)


def test_an_offline_queue_gets_json_and_a_refusal_is_an_answer_not_a_lost_step(
    client: FlaskClient, site_app: Site
) -> None:
    village = start_village(site_app, "Musyawarah antrean")
    csrf = _signed_in(client, site_app)
    answer = client.post(
        "/console/langkah/close_check",
        data={"idempotency_key": "q-1", "proposal_id": str(village.proposal_id), "check_id": str(village.check_id)},
        headers={"Accept": "application/json", "X-CSRFToken": csrf},
    )
    assert answer.get_json()["ok"] is True
    again = client.post(
        "/console/langkah/close_check",
        data={"idempotency_key": "q-2", "proposal_id": str(village.proposal_id), "check_id": str(village.check_id)},
        headers={"Accept": "application/json", "X-CSRFToken": csrf},
    )
    assert again.get_json() == {
        "ok": False,
        "code": "check_not_open",
        "message": "Pengecekan mufakat ini sudah ditutup.",
        "fields": [],
    }


def test_indonesian_is_the_default_and_english_is_chosen_by_query_cookie_or_browser(client: FlaskClient) -> None:
    assert "Bagaimana masyarakat kita memutuskan" in client.get("/").text
    assert client.get("/").headers["Content-Language"] == "id"
    chosen = client.get("/?lang=en")
    assert "How our communities decided" in chosen.text
    assert "mufakat_lang=en" in chosen.headers["Set-Cookie"]
    assert "How our communities decided" in client.get("/").text
    browser = create_client_without_cookies(client)
    assert "How our communities decided" in browser.get("/", headers={"Accept-Language": "en-GB,en"}).text


def create_client_without_cookies(client: FlaskClient) -> FlaskClient:
    """Another browser of the same application."""
    app: Flask = client.application
    return app.test_client()


def _restricted_decision(site: Site) -> UUID:
    mufakat = site.ledger
    principal = mufakat.tokens.authenticate(site.facilitator_token)
    assert principal is not None
    context = CommandContext(principal=principal)
    return mufakat.processes.open(context, "Rapat tertutup", "", "35.07", "Desa", "restricted", DecisionRules()).id


def test_the_portal_names_nobody_and_shows_small_counts_only_as_less_than_three(
    client: FlaskClient, site_app: Site
) -> None:
    village: Village = start_village(site_app, "Musyawarah terbuka untuk umum", decide=True)
    hidden = _restricted_decision(site_app)
    pages = [
        client.get("/").text,
        client.get(f"/proses/{village.process_id}").text,
        client.get(f"/keputusan/{village.proposal_id}").text,
    ]
    assert "Musyawarah terbuka untuk umum" in pages[0]
    assert "Rapat tertutup" not in pages[0]
    missing = client.get(f"/proses/{hidden}")
    assert missing.status_code == 404
    assert "Halaman ini tidak ada, atau tidak terbuka untuk umum." in missing.text
    assert client.get(f"/keputusan/{hidden}").status_code == 404
    for html in pages:
        for name, participant_id in village.people.items():
            assert name not in html
            assert str(participant_id) not in html
        assert site_app.facilitator_name not in html
    process_page = pages[1]
    assert "<svg" in process_page
    assert "&lt;3" in process_page
    # Three attended, one of each group: each group's bar is hidden, never a 1.
    assert re.search(r">\s*1\s*</text>", process_page) is None


def test_the_portal_filters_decisions_by_outcome_region_and_date(client: FlaskClient, site_app: Site) -> None:
    start_village(site_app, "Musyawarah dengan keputusan", decide=True)
    assert "Sumur bor untuk Dusun Krajan" in client.get("/?outcome=adopted&region=35.07").text
    assert "Sumur bor untuk Dusun Krajan" not in client.get("/?outcome=rejected").text
    assert "Sumur bor untuk Dusun Krajan" not in client.get("/?region=11").text
    today = datetime.now(UTC).date()
    assert "Sumur bor untuk Dusun Krajan" in client.get(f"/?since={today}&until={today}").text
    assert "Sumur bor untuk Dusun Krajan" not in client.get("/?until=2000-01-01").text


def test_a_time_typed_without_an_offset_is_read_in_the_zone_of_the_process_and_one_with_an_offset_as_typed() -> None:
    # The zone of the process decides, never the phone's (the form no longer says which zone the phone is in).
    assert moment("2027-01-15T09:00", "Asia/Jakarta", "x") == datetime(2027, 1, 15, 2, 0, tzinfo=UTC)
    assert moment("2027-01-15T09:00", "Asia/Makassar", "x") == datetime(2027, 1, 15, 1, 0, tzinfo=UTC)
    assert moment("2027-01-15T09:00", "Asia/Jayapura", "x") == datetime(2027, 1, 15, 0, 0, tzinfo=UTC)
    assert moment("2027-01-15T09:00:00Z", "Asia/Makassar", "x") == datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
    with pytest.raises(Refused):
        moment("9999-12-31T23:59", "Asia/Jakarta", "occurred_at")
    with pytest.raises(Refused):
        moment("kemarin sore", "Asia/Jakarta", "occurred_at")


def test_the_quorum_shown_is_the_smallest_number_present_that_holds_it() -> None:
    assert quorum_needed(2 / 3, 9) == 6
    assert quorum_needed(2 / 3, 3) == 2
    assert quorum_needed(0.5, 3) == 2
    assert quorum_needed(2 / 3, 0) == 1
    rules = DecisionRules()
    assert rules.quorum_holds(9, quorum_needed(rules.quorum, 9))
    assert not rules.quorum_holds(9, quorum_needed(rules.quorum, 9) - 1)


def test_a_vote_is_opened_cast_by_one_tap_per_attendee_closed_and_decides_as_the_portal_then_tells(
    client: FlaskClient, site_app: Site
) -> None:
    village = start_village(site_app, "Musyawarah dengan pemungutan suara")
    csrf = _signed_in(client, site_app)
    proposal = str(village.proposal_id)
    here = f"/console/usulan/{proposal}"
    _step(client, "close_check", csrf, idempotency_key="v-1", proposal_id=proposal, check_id=str(village.check_id))
    _step(client, "open_vote", csrf, idempotency_key="v-2", proposal_id=proposal, meeting_id=str(village.meeting_id))
    page = client.get(here).text
    vote_ids = set(re.findall(r'name="vote_id" value="([0-9a-f-]+)"', page))
    assert len(vote_ids) == 1
    vote_id = vote_ids.pop()
    for number, (person, choice) in enumerate(zip(village.people.values(), ("yes", "yes", "no"), strict=True)):
        assert f'id="ballot-{vote_id}-{person}"' in page
        _step(
            client,
            "ballot",
            csrf,
            idempotency_key=f"b-{number}",
            proposal_id=proposal,
            vote_id=vote_id,
            participant_id=str(person),
            choice=choice,
        )
    _step(client, "close_vote", csrf, idempotency_key="v-3", proposal_id=proposal, vote_id=vote_id)
    _step(
        client,
        "decide",
        csrf,
        idempotency_key="v-4",
        proposal_id=proposal,
        outcome="adopted",
        method="vote",
        rationale="Dua setuju, satu tidak setuju.",
    )
    assert event_types(site_app, proposal).count("BallotCast") == 3
    story = client.get(f"/keputusan/{proposal}").text
    assert "Pemungutan suara: usulan diterima" in story
    assert "setuju 2, tidak setuju 1, abstain 0" in story
    assert "Keputusan: disepakati melalui pemungutan suara" in story


def test_a_facilitator_of_another_process_sees_no_name_of_this_one_in_the_console(
    client: FlaskClient, site_app: Site
) -> None:
    village = start_village(site_app, "Musyawarah milik fasilitator lain", decide=True)
    _, other_secret = site_app.ledger.tokens.issue("facilitator", "Fasilitator Desa Tetangga", [])
    other = Site("", site_app.app, other_secret, "Fasilitator Desa Tetangga")
    _signed_in(client, other)
    assert "Musyawarah milik fasilitator lain" not in client.get("/console/").text
    for path in (
        f"/console/proses/{village.process_id}",
        f"/console/rapat/{village.meeting_id}",
        f"/console/usulan/{village.proposal_id}",
    ):
        answer = client.get(path)
        assert answer.status_code == 404
        for name in village.people:
            assert name not in answer.text


def test_a_closed_meetings_berita_acara_is_sealed_from_the_console_and_the_portal_links_it_and_the_proof(
    client: FlaskClient, site_app: Site
) -> None:
    village = start_village(site_app, "Musyawarah berita acara", decide=True)
    csrf = _signed_in(client, site_app)
    meeting = str(village.meeting_id)
    here = f"/console/rapat/{meeting}"
    _step(client, "close_meeting", csrf, idempotency_key="m-1", meeting_id=meeting)
    assert 'id="seal-minutes"' in client.get(here).text
    sealing = {
        "meeting_id": meeting,
        "chair_name": "Bapak Kepala BPD Rahasia",
        "chair_role": "Ketua BPD",
        "secretary_name": "Ibu Notulis Rahasia",
        "secretary_role": "Sekretaris Desa",
        "agenda": "Pembukaan\nSumur bor untuk Dusun Krajan",
        "signatories": "Ibu Wartini Lestari; Wakil kelompok perempuan\nPak Slamet Riyadi; Warga",
        "next": here,
        "form_id": "seal-minutes",
    }
    # The PDF signer runs an asyncio loop of its own: not in this thread, where Playwright's sync API (when the
    # browser tests ran first) leaves one running. A served request has a thread of its own anyway.
    with ThreadPoolExecutor(1) as worker:
        first = worker.submit(_step, client, "seal_minutes", csrf, idempotency_key="seal-1", **sealing).result()
        again = worker.submit(_step, client, "seal_minutes", csrf, idempotency_key="seal-1", **sealing).result()
    assert first.status_code == again.status_code == 303
    assert event_types(site_app, meeting).count("MinutesSealed") == 1
    console = client.get(here).text
    assert "Disegel (versi 1)" in console
    full = client.get(f"/console/rapat/{meeting}/berita-acara-1.pdf")
    assert full.status_code == 200 and full.data.startswith(b"%PDF")
    assert full.headers["Cache-Control"] == "private, no-store"

    public_pdf = f"/api/v1/meetings/{meeting}/minutes.pdf?sealed=1"
    reader = site_app.app.test_client()
    assert public_pdf.replace("&", "&amp;") in reader.get(f"/proses/{village.process_id}").text
    assert reader.get(public_pdf).data.startswith(b"%PDF")
    before_checkpoint = reader.get(f"/keputusan/{village.proposal_id}").text
    assert public_pdf in before_checkpoint
    assert "Keputusan ini akan masuk tanda tangan buku besar berikutnya" in before_checkpoint
    assert "Rahasia" not in before_checkpoint

    with site_app.app.app_context():
        seal_checkpoint(site_app.ledger, signing_key())
    story = reader.get(f"/keputusan/{village.proposal_id}").text
    proof = re.search(r'href="(/api/v1/audit/proofs/inclusion\?position=(\d+)&amp;tree_size=(\d+))"', story)
    assert proof is not None
    assert int(proof.group(2)) <= int(proof.group(3))
    answer = reader.get(proof.group(1).replace("&amp;", "&"))
    assert answer.status_code == 200
    assert answer.json["position"] == int(proof.group(2))


def test_a_berita_acara_cannot_be_sealed_while_the_meeting_is_open_and_the_console_says_why(
    client: FlaskClient, site_app: Site
) -> None:
    village = start_village(site_app, "Musyawarah belum ditutup")
    csrf = _signed_in(client, site_app)
    meeting = str(village.meeting_id)
    answer = client.post(
        "/console/langkah/seal_minutes",
        data={
            "csrf_token": csrf,
            "idempotency_key": "seal-early",
            "meeting_id": meeting,
            "chair_name": "Ketua",
            "chair_role": "Ketua BPD",
            "secretary_name": "Notulis",
            "secretary_role": "Sekretaris",
        },
        headers={"Accept": "application/json"},
    )
    assert answer.json["ok"] is False
    assert answer.json["code"] == "meeting_not_closed"
    assert answer.json["message"] == "Berita acara disegel setelah rapat ditutup."
    assert "MinutesSealed" not in event_types(site_app, meeting)


def test_the_portal_timeline_tells_a_withdrawal_an_annulment_and_a_correction_in_the_readers_words(
    site_app: Site,
) -> None:
    recorder = Recorder("Fasilitator Tersembunyi", "facilitator")

    def step(version: int, kind: str, data: dict[str, Any]) -> Step:
        at = f"2027-02-0{version}T03:00:00+00:00"
        return Step(version, kind, at, at, at, recorder, "", data)

    history = [
        step(1, "Submitted", {"title": "Sumur bor", "body": "Satu sumur bor."}),
        step(2, "Corrected", {"version": 1, "field": "body", "text": "Dua sumur bor.", "reason": "Salah ketik."}),
        step(3, "DecisionAnnulled", {"reason": "Anggaran dialihkan.", "legal_basis": "Perdes 3/2027"}),
        step(4, "Withdrawn", {"reason": "Pengusul menarik usulan."}),
    ]
    story = _story(history, {"commitments": []})
    assert [entry["kind"] for entry in story] == ["submitted", "correction", "annulment", "withdrawal"]
    item = {"decision": {"outcome": "adopted", "method": "consensus", "decided_at": "2027-02-02T03:00:00+00:00"}}
    item |= {"proposal": {"id": str(UUID(int=1)), "title": "Sumur bor"}, "attendance": None}
    process = {
        "id": UUID(int=2),
        "title": "Musyawarah",
        "region_name": "Desa",
        "region_code": "35.07.12.2003",
        "time_zone": "Asia/Jakarta",
    }
    with site_app.app.test_request_context("/keputusan/x"):
        page = render_template(
            "portal/decision.html", item=item, story=story, process=process, meetings=[], proof=None, title="Sumur bor"
        )
    assert "Ralat atas teks yang tercatat (langkah 1)" in page
    assert "Dua sumur bor." in page
    assert "Keputusan dibatalkan oleh musyawarah berikutnya" in page
    assert "Dasar hukum: Perdes 3/2027" in page
    assert "Usulan ditarik" in page
    assert "Tersembunyi" not in page
    # Each step at its time in the process's zone (03:00 UTC is 10.00 WIB).
    assert '<time datetime="2027-02-03T03:00:00Z">2027-02-03 10.00 WIB</time>' in page


def _stored(site: Site, aggregate_id: UUID | str, kind: str) -> Any:
    found = [e for e in site.ledger.recorder.select_events(UUID(str(aggregate_id))) if e.topic.endswith(kind)]
    return site.ledger.mapper.to_domain_event(found[-1])


def test_a_decision_is_annulled_the_proposal_withdrawn_and_a_text_corrected_from_the_proposal_page(
    client: FlaskClient, site_app: Site
) -> None:
    village = start_village(site_app, "Musyawarah pembatalan", decide=True)
    csrf = _signed_in(client, site_app)
    proposal = str(village.proposal_id)
    here = f"/console/usulan/{proposal}"
    page = client.get(here).text
    assert 'id="annul"' in page and 'id="withdraw"' not in page
    assert '<option value="1:title">Langkah 1 · pengajuan · judul</option>' in page
    # Typed in Western Indonesia Time (the zone of this process in Jawa Timur), a moment after the decision; the
    # phone's own offset, sent by pages before time zones, is ignored.
    typed_in = datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=7, minutes=2)
    annulled = _step(
        client,
        "annul",
        csrf,
        idempotency_key="an-1",
        proposal_id=proposal,
        reason="Lahan ternyata tanah kas desa.",
        legal_basis="Permendesa 16/2019",
        meeting_id=str(village.meeting_id),
        occurred_at=typed_in.strftime("%Y-%m-%dT%H:%M"),
        tz_offset="-420",
    )
    assert annulled.status_code == 303
    event = _stored(site_app, proposal, "DecisionAnnulled")
    assert event.legal_basis == "Permendesa 16/2019"
    assert event.occurred_at == (typed_in - timedelta(hours=7)).replace(second=0, microsecond=0, tzinfo=UTC)
    page = client.get(here).text
    assert 'id="withdraw"' in page and 'id="annul"' not in page
    corrected = _step(
        client,
        "correct",
        csrf,
        idempotency_key="co-1",
        proposal_id=proposal,
        target="1:title",
        text="Sumur bor untuk Dusun Krajan Lor",
        reason="Salah ketik nama dusun.",
        next=here,
        form_id="correct",
    )
    assert corrected.status_code == 303
    event = _stored(site_app, proposal, "Corrected")
    assert (event.version, event.field, event.text) == (1, "title", "Sumur bor untuk Dusun Krajan Lor")
    _step(client, "withdraw", csrf, idempotency_key="wd-1", proposal_id=proposal, reason="Digabung dengan usulan lain.")
    page = client.get(here).text
    # Withdrawn: nothing more is recorded on it, so no form is offered.
    assert "Ditarik</strong> · Digabung dengan usulan lain." in page
    assert 'id="correct"' not in page


def test_a_step_said_to_happen_in_the_future_is_refused_and_nothing_is_recorded(
    client: FlaskClient, site_app: Site
) -> None:
    village = start_village(site_app, "Musyawarah masa depan")
    csrf = _signed_in(client, site_app)
    answer = client.post(
        "/console/langkah/contribute",
        data={
            "csrf_token": csrf,
            "idempotency_key": "future-1",
            "proposal_id": str(village.proposal_id),
            "participant_id": str(next(iter(village.people.values()))),
            "kind": "support",
            "text": "Besok saya setuju.",
            "occurred_at": "2199-01-01T10:00+07:00",
        },
        headers={"Accept": "application/json"},
    )
    # A time in the future is its own refusal, in words that say what happened (issue 19 item 3).
    assert answer.json["code"] == "occurred_in_future"
    assert answer.json["message"].startswith("Waktu kejadian di masa depan.")
    assert "Contributed" not in event_types(site_app, village.proposal_id)

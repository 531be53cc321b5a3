"""Signing a phone in with a one-time link (or its QR code) instead of typing a 48-character token, on SQLite and
PostgreSQL: the link works once, for a short time, only for its token, and only while that token is valid; making
and using it are events of the token's record, which never hold the link's secret."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.app import queries
from service.app.access import AccessToken, token_digest, token_record_id
from service.app.application import Mufakat
from service.app.sign_in_links import sign_in_by_link
from service.settings import SettingInvalid, Settings

pytestmark = pytest.mark.both_stores

FACILITATOR = "Fasilitator Desa Sukamaju Baru"


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def signed_in(client: FlaskClient, token: str) -> str:
    """Signs a browser in with a token typed in; the CSRF token of its session."""
    page = client.get("/console/masuk")
    answer = client.post("/console/masuk", data={"csrf_token": _csrf(page.text), "token": token})
    assert answer.status_code == 302
    return _csrf(client.get("/console/").text)


def issue_on_the_token_page(client: FlaskClient, csrf: str, **fields: Any) -> tuple[UUID, str]:
    """The admin issues a token on the console's token page: its record id and secret, read off the page."""
    answer = client.post("/console/admin/token", data={"csrf_token": csrf, **fields})
    assert answer.status_code == 201, answer.text
    secret = re.search(r'id="secret" readonly value="([^"]+)"', answer.text)
    assert secret is not None
    return token_record_id(token_digest(secret.group(1))), secret.group(1)


def make_link(client: FlaskClient, csrf: str, token_id: UUID) -> tuple[str, Any]:
    """The admin makes a sign-in link for a token: its address as the page shows it, and the page's answer."""
    answer = client.post(f"/console/admin/token/{token_id}/tautan", data={"csrf_token": csrf})
    assert answer.status_code == 201, answer.text
    address = re.search(r'id="link" readonly value="([^"]+)"', answer.text)
    assert address is not None
    return address.group(1).replace("&amp;", "&"), answer


def use_link(app: Flask, address: str) -> tuple[FlaskClient, Any]:
    """A phone (a browser of its own) opens the link, then taps "Masuk"."""
    phone = app.test_client()
    parts = urlsplit(address)
    opened = phone.get(f"{parts.path}?{parts.query}")
    assert opened.status_code == 200
    secret = parse_qs(parts.query)["kunci"][0]
    answer = phone.post(parts.path, data={"csrf_token": _csrf(opened.text), "kunci": secret})
    return phone, answer


@pytest.fixture
def admin_browser(app: Flask, token_for: Callable[..., str]) -> tuple[FlaskClient, str]:
    browser = app.test_client()
    return browser, signed_in(browser, token_for("admin", "Admin Kabupaten"))


def test_a_facilitator_for_a_new_village_signs_in_on_a_phone_by_a_link_that_works_once(
    app: Flask, the_ledger: Mufakat, admin_browser: tuple[FlaskClient, str]
) -> None:
    browser, csrf = admin_browser
    # The admin issues a facilitator's token with no process: it will hold what it opens.
    token_id, secret = issue_on_the_token_page(browser, csrf, role="facilitator", name=FACILITATOR)
    assert queries.token_record(the_ledger, token_id).processes == []
    # ...and makes a sign-in link for it: a QR code of the same address, on a page never cached, sending no Referer.
    address, page = make_link(browser, csrf, token_id)
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "<svg" in page.text and 'class="qr"' in page.text
    link_secret = parse_qs(urlsplit(address).query)["kunci"][0]
    assert len(link_secret) >= 43  # 256 bits, URL-safe
    assert urlsplit(address).path == "/console/masuk/tautan"

    # The phone opens the link: a page (a chat app's preview spends nothing), then "Masuk" signs it in.
    phone, answer = use_link(app, address)
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/console/")
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert f"{FACILITATOR}" in phone.get("/console/").text

    # The second time, the link signs nobody in.
    other_phone, again = use_link(app, address)
    assert again.status_code == 401
    assert "sudah dipakai" in again.text
    assert other_phone.get("/console/").status_code == 302

    # The token's record tells the auditor: a link made by the admin, then used; never the link's secret.
    events = list(the_ledger.events.get(token_id))
    kinds = [type(event).__name__ for event in events]
    assert kinds == ["Issued", "SignInLinkIssued", "SignInLinkUsed"]
    issued, used = events[1], events[2]
    assert isinstance(issued, AccessToken.SignInLinkIssued) and isinstance(used, AccessToken.SignInLinkUsed)
    assert issued.actor.role == "admin" and issued.actor.name == "Admin Kabupaten"
    assert used.link_id == issued.link_id
    assert issued.expires_at - issued.occurred_at == timedelta(seconds=Settings().sign_in_link_seconds)
    stored = the_ledger.recorder.select_events(token_id)
    assert not any(link_secret.encode() in record.state for record in stored)
    assert not any(secret.encode() in record.state for record in stored)
    # The side table keeps only the link secret's hash.
    rows = the_ledger.side_tables.fetch_all("SELECT secret_digest, used_at_ms FROM sign_in_links")
    assert rows and rows[0][0] == hashlib.sha256(link_secret.encode()).hexdigest() and rows[0][1] is not None
    assert the_ledger.console_sessions.token_of("x") is None


def test_an_expired_link_signs_nobody_in(
    app: Flask, the_ledger: Mufakat, admin_browser: tuple[FlaskClient, str]
) -> None:
    browser, csrf = admin_browser
    token_id, _ = issue_on_the_token_page(browser, csrf, role="facilitator", name=FACILITATOR)
    address, _ = make_link(browser, csrf, token_id)
    made_at = the_ledger.clock()
    lifetime = timedelta(seconds=Settings().sign_in_link_seconds)

    the_ledger.clock = lambda: made_at + lifetime + timedelta(seconds=1)
    phone, answer = use_link(app, address)

    assert answer.status_code == 401
    assert phone.get("/console/").status_code == 302
    assert [type(e).__name__ for e in the_ledger.events.get(token_id)] == ["Issued", "SignInLinkIssued"]


def test_a_link_still_works_just_before_it_expires(
    app: Flask, the_ledger: Mufakat, admin_browser: tuple[FlaskClient, str]
) -> None:
    browser, csrf = admin_browser
    token_id, _ = issue_on_the_token_page(browser, csrf, role="facilitator", name=FACILITATOR)
    address, _ = make_link(browser, csrf, token_id)
    made_at = the_ledger.clock()
    lifetime = timedelta(seconds=Settings().sign_in_link_seconds)

    the_ledger.clock = lambda: made_at + lifetime - timedelta(seconds=2)
    _, answer = use_link(app, address)

    assert answer.status_code == 303


def test_a_revoked_tokens_link_stops_working(
    app: Flask, the_ledger: Mufakat, admin_browser: tuple[FlaskClient, str]
) -> None:
    browser, csrf = admin_browser
    token_id, _ = issue_on_the_token_page(browser, csrf, role="facilitator", name=FACILITATOR)
    address, _ = make_link(browser, csrf, token_id)

    revoked = browser.post(
        "/console/langkah/revoke_token",
        data={"csrf_token": csrf, "idempotency_key": "cabut-1", "token_id": str(token_id)},
        headers={"Accept": "application/json"},
    )
    assert revoked.get_json()["ok"] is True
    _, answer = use_link(app, address)

    assert answer.status_code == 401
    assert queries.token_record(the_ledger, token_id).revoked
    # ...and no new link is made for it.
    refused = browser.post(f"/console/admin/token/{token_id}/tautan", data={"csrf_token": csrf})
    assert refused.status_code == 422
    assert "dicabut atau kedaluwarsa" in refused.text


def test_two_workers_racing_with_one_link_sign_in_once(
    app: Flask, the_ledger: Mufakat, admin_browser: tuple[FlaskClient, str], database_url: str
) -> None:
    browser, csrf = admin_browser
    token_id, _ = issue_on_the_token_page(browser, csrf, role="facilitator", name=FACILITATOR)
    address, _ = make_link(browser, csrf, token_id)
    link_secret = parse_qs(urlsplit(address).query)["kunci"][0]
    # A second worker: its own ledger object on the same database.
    second = Mufakat(env=app.config["MUFAKAT_LEDGER_ENV"], settings=the_ledger.settings)
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda n: sign_in_by_link(the_ledger if n % 2 else second, link_secret), range(8)))
    finally:
        second.close()

    assert sum(result is not None for result in results) == 1
    assert [type(e).__name__ for e in the_ledger.events.get(token_id)].count("SignInLinkUsed") == 1


def test_a_link_signs_in_only_its_own_token(app: Flask, admin_browser: tuple[FlaskClient, str]) -> None:
    browser, csrf = admin_browser
    first, _ = issue_on_the_token_page(browser, csrf, role="facilitator", name="Fasilitator Satu")
    issue_on_the_token_page(browser, csrf, role="facilitator", name="Fasilitator Dua")
    address, _ = make_link(browser, csrf, first)

    phone, _ = use_link(app, address)
    page = phone.get("/console/").text

    assert "Fasilitator Satu" in page and "Fasilitator Dua" not in page


def test_a_made_up_or_missing_link_secret_signs_nobody_in(app: Flask, client: FlaskClient) -> None:
    opened = client.get("/console/masuk/tautan?kunci=" + "A" * 43)
    answer = client.post("/console/masuk/tautan", data={"csrf_token": _csrf(opened.text), "kunci": "A" * 43})
    empty = client.post("/console/masuk/tautan", data={"csrf_token": _csrf(opened.text), "kunci": ""})

    assert answer.status_code == 401 and empty.status_code == 401
    assert client.get("/console/masuk/tautan").status_code == 404
    assert client.get("/console/").status_code == 302


def test_using_a_link_without_the_forms_csrf_token_is_refused_and_spends_nothing(
    app: Flask, admin_browser: tuple[FlaskClient, str]
) -> None:
    browser, csrf = admin_browser
    token_id, _ = issue_on_the_token_page(browser, csrf, role="facilitator", name=FACILITATOR)
    address, _ = make_link(browser, csrf, token_id)
    link_secret = parse_qs(urlsplit(address).query)["kunci"][0]

    forged = app.test_client().post("/console/masuk/tautan", data={"kunci": link_secret})
    assert forged.status_code == 400

    _, answer = use_link(app, address)
    assert answer.status_code == 303


def test_only_an_admin_makes_links_and_sees_the_token_page(
    app: Flask, client: FlaskClient, token_for: Callable[..., str], the_ledger: Mufakat
) -> None:
    facilitator_token = token_for("facilitator", "Fasilitator Biasa")
    csrf = signed_in(client, facilitator_token)
    own = token_record_id(token_digest(facilitator_token))

    assert client.get("/console/admin/token").status_code == 404
    assert client.post(f"/console/admin/token/{own}/tautan", data={"csrf_token": csrf}).status_code == 404
    assert (
        client.post("/console/admin/token", data={"csrf_token": csrf, "role": "admin", "name": "x"}).status_code == 404
    )
    assert [type(e).__name__ for e in the_ledger.events.get(own)] == ["Issued"]


def test_a_link_for_a_token_that_does_not_exist_is_not_found(admin_browser: tuple[FlaskClient, str]) -> None:
    browser, csrf = admin_browser

    answer = browser.post(f"/console/admin/token/{UUID(int=7)}/tautan", data={"csrf_token": csrf})

    assert answer.status_code == 404


def test_making_a_link_without_the_csrf_token_makes_none(
    the_ledger: Mufakat, admin_browser: tuple[FlaskClient, str]
) -> None:
    browser, csrf = admin_browser
    token_id, _ = issue_on_the_token_page(browser, csrf, role="facilitator", name=FACILITATOR)

    answer = browser.post(f"/console/admin/token/{token_id}/tautan", data={})

    assert answer.status_code == 422
    assert [type(e).__name__ for e in the_ledger.events.get(token_id)] == ["Issued"]
    assert the_ledger.side_tables.fetch_all("SELECT link_id FROM sign_in_links") == []


def test_the_links_lifetime_is_a_setting_of_whole_seconds_above_zero() -> None:
    assert Settings.from_environment({"MUFAKAT_SIGN_IN_LINK_SECONDS": "120"}).sign_in_link_seconds == 120
    with pytest.raises(SettingInvalid, match="MUFAKAT_SIGN_IN_LINK_SECONDS"):
        Settings.from_environment({"MUFAKAT_SIGN_IN_LINK_SECONDS": "0"})


def test_rows_of_links_expired_a_day_ago_are_dropped_when_a_new_link_is_kept(the_ledger: Mufakat) -> None:
    links = the_ledger.sign_in_links
    now = the_ledger.clock()
    holder = UUID(int=1)
    links.keep("alt", UUID(int=2), holder, now - timedelta(days=1, seconds=1), now - timedelta(days=2))
    links.keep("baru-saja", UUID(int=3), holder, now - timedelta(hours=23), now - timedelta(days=1))

    links.keep("sekarang", UUID(int=4), holder, now + timedelta(minutes=10), now)

    kept = sorted(str(row[0]) for row in the_ledger.side_tables.fetch_all("SELECT link_id FROM sign_in_links"))
    assert kept == [str(UUID(int=3)), str(UUID(int=4))]
    assert links.claim("sekarang", now) is not None
    assert links.claim("baru-saja", now) is None  # expired, though its row is kept a while

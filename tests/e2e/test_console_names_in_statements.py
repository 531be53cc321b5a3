"""Issue 17, item 6 on the console: a text that names a registered participant is refused with the reason beside
its form and the box "Nama ini boleh tampil di publik"; ticked, the same text is recorded. With and without
JavaScript (the village's register: Ibu Wartini Lestari, Pak Slamet Riyadi, Mas Bayu Pratama)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_support import Site, Watch, event_types, sign_in, start_village
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect

from service.adapters.storage import persistence_settings
from service.http.app_factory import create_app
from service.http.current import current_mufakat

NAMING = "Pak Slamet menolak karena sumur terlalu dekat dengan rumahnya."
REFUSAL = (
    "Teks ini menyebut nama peserta yang terdaftar, dan publik akan membacanya. Hapus nama itu, atau centang "
    "kotaknya bila nama itu boleh tampil di publik (pejabat yang bertindak dalam jabatannya). (teks)"
)


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
        _, secret = current_mufakat().tokens.issue("facilitator", "Fasilitator Uji", [])
    yield Site("", app, secret, "Fasilitator Uji")
    opened = app.extensions.get("mufakat")
    if opened is not None:
        opened.close()


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _contribute(client: FlaskClient, csrf: str, proposal: str, speaker: str, key: str, **more: Any) -> Any:
    fields = {
        "csrf_token": csrf,
        "idempotency_key": key,
        "form_id": "contribute",
        "next": f"/console/usulan/{proposal}",
        "proposal_id": proposal,
        "participant_id": speaker,
        "kind": "concern",
        "text": NAMING,
        **more,
    }
    return client.post("/console/langkah/contribute", data=fields)


def test_without_javascript_the_refusal_stands_beside_the_form_with_the_box_and_ticked_it_records(
    site_app: Site,
) -> None:
    village = start_village(site_app, "Musyawarah sumur bor")
    client = site_app.app.test_client()
    page = client.get("/console/masuk")
    client.post("/console/masuk", data={"csrf_token": _csrf(page.text), "token": site_app.facilitator_token})
    proposal, speaker = str(village.proposal_id), str(village.people["Mas Bayu Pratama"])
    csrf = _csrf(client.get(f"/console/usulan/{proposal}").text)
    box = re.compile(r'<p class="check names-public" id="contribute-names-public"( hidden)?>')

    # Before any refusal the box is there but hidden: ticking it is a decision, not a habit.
    before = box.search(client.get(f"/console/usulan/{proposal}").text)
    assert before is not None and before.group(1) == " hidden"

    refused = _contribute(client, csrf, proposal, speaker, "naming-1")
    shown = client.get(refused.headers["Location"]).text

    refusal = re.search(r'id="contribute-refusal">([^<]*)<', shown)
    assert refusal is not None and refusal.group(1) == REFUSAL
    after = box.search(shown)
    assert after is not None and after.group(1) is None
    assert "Contributed" not in event_types(site_app, village.proposal_id)

    _contribute(client, csrf, proposal, speaker, "naming-2", names_are_public="on")

    assert "Contributed" in event_types(site_app, village.proposal_id)


def test_on_a_phone_the_refused_text_comes_back_with_the_box_and_is_recorded_once_ticked(
    phone: Page, site: Site, watch: Watch
) -> None:
    village = start_village(site, "Musyawarah sumur bor di telepon")
    sign_in(phone, site)
    phone.goto(f"{site.url}/console/usulan/{village.proposal_id}")

    phone.get_by_label("Yang berbicara").select_option(label="Mas Bayu Pratama (pemuda)")
    phone.get_by_label("Yang disampaikan").fill(NAMING)
    phone.get_by_role("button", name="Kekhawatiran").click()

    expect(phone.locator("#contribute-refusal")).to_have_text(REFUSAL)
    expect(phone.get_by_label("Yang disampaikan")).to_have_value(NAMING)
    expect(phone.get_by_label("Yang disampaikan")).to_have_attribute("aria-invalid", "true")
    # Every statement form has its box, hidden until that form is refused: only the contribution's shows.
    box = phone.locator("#contribute-names-public-box")
    expect(box).to_be_visible()
    expect(box).to_have_accessible_name("Nama ini boleh tampil di publik (pejabat yang bertindak dalam jabatannya)")
    expect(phone.locator("#object-names-public-box")).to_be_hidden()
    assert "Contributed" not in event_types(site, village.proposal_id)

    box.check()
    phone.get_by_role("button", name="Kekhawatiran").click()

    expect(phone.get_by_text("1 masukan")).to_be_visible()
    assert event_types(site, village.proposal_id).count("Contributed") == 1
    assert watch.errors == [] and watch.foreign_requests == []

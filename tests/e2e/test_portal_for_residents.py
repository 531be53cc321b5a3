"""The portal on a villager's cheap phone (360 px): finding the village by name, the Langganan page, and the proof of
a decision appearing by itself within a minute, with no command run; by keyboard, checked by axe."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from e2e_support import Site, Watch, screenshot, serious_violations, start_village
from playwright.sync_api import BrowserContext, expect
from werkzeug.serving import BaseWSGIServer, make_server

from domain.rules import DecisionRules
from service.adapters.storage import persistence_settings
from service.app.application import CommandContext
from service.http import checkpointing
from service.http.app_factory import create_app
from service.http.current import current_mufakat

PROOF_WORDS = "Catatan ini tercatat di buku besar yang ditandatangani pada"


def _open_process(site: Site, title: str, code: str, name: str) -> None:
    mufakat = site.ledger
    principal = mufakat.tokens.authenticate(site.facilitator_token)
    assert principal is not None
    mufakat.processes.open(CommandContext(principal=principal), title, "", code, name, "public", DecisionRules())


def test_a_villager_finds_the_village_by_its_kecamatan_and_then_by_its_code(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch
) -> None:
    _open_process(
        site, "Musrenbang Desa Wonokerto 2027", "35.07.21.2005", "Desa Wonokerto, Kecamatan Bululawang, Kab. Malang"
    )
    _open_process(
        site, "Musrenbang Desa Sukamaju 2027", "33.02.10.2001", "Desa Sukamaju, Kecamatan Sumbang, Kab. Banyumas"
    )
    page = new_context(bypass_csp=True).new_page()  # axe is injected, which the pages' CSP would refuse
    page.goto(f"{site.url}/")

    # By keyboard: the search box, a kecamatan's name, Enter.
    search = page.get_by_label("Nama desa, kecamatan atau kabupaten, atau kode wilayah")
    search.focus()
    page.keyboard.type("bululawang")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("Tempat yang cocok dengan “bululawang”: 1.")
    places = page.locator("section.region h3")
    expect(places).to_have_count(1)
    expect(places.first).to_contain_text("Desa Wonokerto, Kecamatan Bululawang, Kab. Malang")
    expect(page.get_by_role("link", name="Musrenbang Desa Wonokerto 2027")).to_be_visible()
    expect(page.get_by_role("link", name="Musrenbang Desa Sukamaju 2027")).to_have_count(0)
    assert serious_violations(page) == []
    screenshot(page, "portal-search-by-kecamatan")

    page.get_by_label("Nama desa, kecamatan atau kabupaten, atau kode wilayah").fill("33.02.10")
    page.get_by_role("button", name="Cari", exact=True).click()
    expect(page.locator("section.region h3")).to_have_count(1)
    expect(page.locator("section.region h3").first).to_contain_text("Desa Sukamaju")

    page.get_by_label("Nama desa, kecamatan atau kabupaten, atau kode wilayah").fill("Karangtengah")
    page.get_by_role("button", name="Cari", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        "Tidak ada proses publik di tempat yang cocok dengan “Karangtengah”"
    )
    assert watch.errors == []
    assert watch.foreign_requests == []


def test_a_villager_reads_how_to_follow_the_decisions_on_the_langganan_page(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch
) -> None:
    village = start_village(site, "Musyawarah Desa Sumberejo (langganan)", decide=True)
    page = new_context(bypass_csp=True).new_page()
    page.goto(f"{site.url}/proses/{village.process_id}")
    screenshot(page, "portal-process-subscribe-link")

    page.get_by_role("link", name="Ikuti proses ini: cara berlangganan").click()

    expect(page.get_by_role("heading", name="Langganan keputusan", level=1)).to_be_visible()
    expect(page.get_by_text("Pembaca umpan (feed reader) adalah aplikasi")).to_be_visible()
    address = page.get_by_label("Alamat untuk pembaca umpan")
    expect(address).to_have_value(f"{site.url}/api/v1/feed.atom?process_id={village.process_id}")
    expect(page.get_by_role("link", name="Unduh tabel (CSV)")).to_have_attribute(
        "href", f"/api/v1/feed.csv?process_id={village.process_id}"
    )
    # The page fits a 360 px phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_violations(page) == []
    screenshot(page, "portal-langganan")
    assert watch.errors == []
    assert watch.foreign_requests == []


@pytest.fixture
def self_sealing_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The application served as deployed, sealing checkpoints by itself (within 2 s of a decision)."""
    folder = tmp_path_factory.mktemp("self-sealing")
    app = create_app(
        {
            "MUFAKAT_LEDGER_ENV": persistence_settings(f"sqlite:///{folder / 'mufakat.db'}"),
            "SECRET_KEY": os.urandom(16).hex(),
            "MUFAKAT_SECRET_KEY_FILE": str(folder / "signing.key"),
            "MUFAKAT_CHECKPOINT_AFTER_DECISION": "2",
            "MUFAKAT_CHECKPOINT_EVERY": "3600",
        }
    )
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with app.app_context():
        name = "Fasilitator Uji Bukti"
        _, secret = current_mufakat().tokens.issue("facilitator", name, [])
    yield Site(f"http://127.0.0.1:{server.server_port}", app, secret, name)
    server.shutdown()
    thread.join(timeout=5)
    checkpointing.stop(app)
    opened = app.extensions.get("mufakat")
    if opened is not None:
        opened.close()


def test_the_proof_of_a_decision_appears_within_a_minute_with_no_command_run(
    new_context: Callable[..., BrowserContext], self_sealing_site: Site, watch: Watch
) -> None:
    site = self_sealing_site
    page = new_context(bypass_csp=True).new_page()
    page.goto(f"{site.url}/")  # the server is up and serving, as after `mufakat serve`
    village = start_village(site, "Musyawarah Desa Sumberejo (bukti)", decide=True)
    decided = time.monotonic()

    page.goto(f"{site.url}/keputusan/{village.proposal_id}")
    while PROOF_WORDS not in page.locator("section.proof").inner_text() and time.monotonic() - decided < 60:
        page.wait_for_timeout(1000)
        page.reload()
    waited = time.monotonic() - decided

    proof = page.locator("section.proof")
    expect(proof).to_contain_text(PROOF_WORDS)
    expect(proof).to_contain_text("siapa pun dapat memeriksanya")
    expect(proof).not_to_contain_text("Saksi")  # no witness has cosigned
    assert waited < 60
    # The technical details are folded; the keyboard opens them.
    expect(proof.locator("details.technical")).not_to_have_attribute("open", "")
    proof.locator("details.technical summary").focus()
    page.keyboard.press("Enter")
    expect(proof.locator("details.technical")).to_have_attribute("open", "")
    expect(proof.locator("details.technical a[href^='/api/v1/audit/proofs/inclusion']")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "portal-decision-proof")
    assert watch.errors == []
    assert watch.foreign_requests == []

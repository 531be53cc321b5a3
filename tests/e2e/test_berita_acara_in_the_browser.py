"""The berita acara in a real browser: sealed from the console on a phone once the meeting closed, then read
by anyone on the portal next to the decision, with the proof that the decision is in the signed log."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from e2e_support import Site, Watch, event_types, screenshot, serious_violations, sign_in, start_village
from playwright.sync_api import BrowserContext, expect

from service.audit.signing import pdf_key_file
from service.settings import Settings


def test_a_facilitator_seals_the_berita_acara_on_a_phone_and_a_reader_finds_it_and_the_proof_on_the_portal(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch
) -> None:
    village = start_village(site, "Musyawarah Desa Sumberejo (berita acara)", decide=True)
    page = new_context(bypass_csp=True).new_page()
    sign_in(page, site)
    page.goto(f"{site.url}/console/rapat/{village.meeting_id}")
    page.get_by_role("button", name="Tutup rapat").click()
    expect(page.get_by_role("heading", name="Berita acara")).to_be_visible()
    page.get_by_label("Nama").first.fill("Bapak Ketua Tersembunyi")
    page.get_by_label("Jabatan").first.fill("Ketua BPD Sumberejo")
    page.get_by_label("Nama").nth(1).fill("Ibu Notulis Tersembunyi")
    page.get_by_label("Jabatan").nth(1).fill("Sekretaris Desa")
    page.get_by_label("Yang menandatangani salinan kertas, satu per baris: nama; jabatan").fill(
        "Ibu Wartini Lestari; Wakil kelompok perempuan"
    )
    screenshot(page, "console-berita-acara-form")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Segel berita acara").click()
    expect(page.get_by_text("Disegel (versi 1) pada")).to_be_visible()
    expect(page.get_by_role("link", name="Versi lengkap (dengan nama), PDF")).to_be_visible()
    assert event_types(site, village.meeting_id).count("MinutesSealed") == 1
    # The console signs the PDF with the certificate key beside the configured key file, as the API does,
    # never with one made in the working directory.
    configured = Path(site.app.config["MUFAKAT_SECRET_KEY_FILE"])
    assert pdf_key_file(configured).exists()
    assert not Path(pdf_key_file(Path(Settings().secret_key_file)).name).exists()

    reader = new_context(bypass_csp=True).new_page()
    reader.goto(f"{site.url}/keputusan/{village.proposal_id}")
    link = reader.get_by_role("link", name="Berita acara “Musyawarah Dusun” (PDF)")
    expect(link).to_have_attribute("href", f"/api/v1/meetings/{village.meeting_id}/minutes.pdf?sealed=1")
    proof = reader.get_by_role("heading", name="Bukti bahwa keputusan ini ada dalam log yang ditandatangani")
    expect(proof).to_be_visible()
    expect(reader.locator("main")).not_to_contain_text("Tersembunyi")
    screenshot(reader, "portal-decision-with-berita-acara")
    assert serious_violations(reader) == []
    reader.goto(f"{site.url}/proses/{village.process_id}")
    expect(reader.get_by_role("link", name="Berita acara (PDF)")).to_be_visible()
    assert watch.errors == []
    assert watch.foreign_requests == []

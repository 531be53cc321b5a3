"""The admin's pages and signing in by a one-time link, in Debian's Chromium at 360 px, checked with axe.

An admin issues a token for a new village's facilitator and makes its sign-in link; the facilitator's phone opens
the link and is signed in without typing a secret, opens a process with its rules and closes it; the link fails the
second time. The admin forgets a participant and redacts a statement from the console.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from e2e_support import Site, Watch, event_types, screenshot, serious_violations, start_village
from playwright.sync_api import BrowserContext, Page, expect

from domain.process import Process
from domain.rules import DecisionRules
from service.app import queries
from service.app.application import CommandContext


def _sign_in_as_admin(page: Page, site: Site) -> None:
    with site.app.app_context():
        _, secret = site.ledger.tokens.issue("admin", "Admin Kabupaten Uji", [])
    page.goto(f"{site.url}/console/masuk")
    page.get_by_label("Token akses Anda").fill(secret)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{site.url}/console/")


def test_an_admin_hands_a_new_village_a_sign_in_link_that_a_phone_uses_once(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch
) -> None:
    # The admin, on the token page, issues a facilitator's token with no process (it holds what it opens).
    admin = new_context(bypass_csp=True).new_page()
    _sign_in_as_admin(admin, site)
    admin.get_by_role("link", name="Token akses").click()
    expect(admin.get_by_role("heading", name="Terbitkan token")).to_be_visible()
    assert serious_violations(admin) == []
    admin.get_by_label("Pemegangnya").fill("Fasilitator Desa Wonosari")
    admin.get_by_label("Peran token").select_option("facilitator")
    screenshot(admin, "console-admin-tokens")
    admin.get_by_role("button", name="Terbitkan token").click()
    expect(admin.get_by_role("heading", name="Token diterbitkan")).to_be_visible()
    assert admin.get_by_label("Token", exact=True).input_value().startswith("mfk_")
    assert serious_violations(admin) == []
    screenshot(admin, "console-admin-token-issued")

    # ...and makes its one-time sign-in link: a QR code and the same address to copy.
    admin.get_by_role("button", name="Buat tautan masuk dan kode QR").click()
    expect(admin.get_by_role("heading", name="Tautan masuk untuk Fasilitator Desa Wonosari")).to_be_visible()
    expect(admin.get_by_role("img", name="Kode QR tautan masuk")).to_be_visible()
    link = admin.get_by_role("textbox", name="Tautan masuk").input_value()
    assert "/console/masuk/tautan?kunci=" in link
    assert serious_violations(admin) == []
    screenshot(admin, "console-admin-sign-in-link")

    # The facilitator's phone (a browser of its own) opens the link and taps "Masuk": signed in, no secret typed.
    phone = new_context(bypass_csp=True).new_page()
    phone.goto(link)
    assert serious_violations(phone) == []
    screenshot(phone, "console-sign-in-by-link")
    phone.get_by_role("button", name="Masuk").click()
    phone.wait_for_url(f"{site.url}/console/")
    expect(phone.locator("main")).to_contain_text("Fasilitator Desa Wonosari")

    # The phone opens the village's process with its rules, chosen in plain words.
    phone.get_by_label("Judul").fill("Musdes Wonosari 2027")
    phone.get_by_label("Kode wilayah").fill("34.03.12.2004")
    phone.get_by_label("Nama wilayah").fill("Desa Wonosari")
    phone.get_by_label("Persetujuan: tanpa blok, lebih banyak setuju daripada tidak setuju").check()
    phone.get_by_label("Kuorum: siapa yang harus hadir").select_option(label="tiga perempat dari yang diundang")
    phone.get_by_label("Hanya mufakat yang memutuskan").check()
    phone.get_by_label("Dasar hukum (tidak wajib)").fill("Permendesa PDTT No. 16 Tahun 2019")
    screenshot(phone, "console-open-process-with-rules")
    phone.get_by_role("button", name="Buka proses").click()
    expect(phone.get_by_role("heading", name="Musdes Wonosari 2027")).to_be_visible()
    process_id = UUID(phone.url.rstrip("/").rsplit("/", 1)[-1])
    process = site.ledger.repository.get(process_id)
    assert isinstance(process, Process)
    assert process.rules == DecisionRules(
        quorum=0.75, vote_fallback=False, consensus="consent", legal_basis="Permendesa PDTT No. 16 Tahun 2019"
    )

    # ...and closes it for good.
    phone.get_by_text("Tutup proses ini untuk selamanya").click()
    phone.get_by_role("button", name="Tutup proses").click()
    expect(phone.locator("main")).not_to_contain_text("Tutup proses ini untuk selamanya")
    assert site.ledger.repository.get(process_id).status == "closed"

    assert watch.errors == []
    # The link opened again, on another browser, signs nobody in (its page answers 401, which the browser notes).
    other = new_context(bypass_csp=True).new_page()
    other.goto(link)
    other.get_by_role("button", name="Masuk").click()
    expect(other.get_by_role("alert")).to_contain_text("sudah dipakai")
    assert serious_violations(other) == []
    screenshot(other, "console-sign-in-link-used")
    # The token's record says the link was made and used, once.
    holder = next(t for t in queries.list_tokens(site.ledger, None, 500)[0] if t.name == "Fasilitator Desa Wonosari")
    assert event_types(site, holder.id) == ["Issued", "SignInLinkIssued", "SignInLinkUsed", "Granted"]
    assert [error for error in watch.errors if "status of 401" not in error] == []
    assert watch.foreign_requests == []


def test_an_admin_forgets_a_participant_and_redacts_a_statement_from_the_console(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch
) -> None:
    village = start_village(site, "Musyawarah Desa Sumberejo (data pribadi)")
    mufakat = site.ledger
    principal = mufakat.tokens.authenticate(site.facilitator_token)
    assert principal is not None
    mufakat.proposals.contribute(
        CommandContext(principal=principal),
        village.proposal_id,
        village.people["Mas Bayu Pratama"],
        "concern",
        "Rumah di gang buntu RT 03 selalu banjir.",
    )
    admin = new_context(bypass_csp=True).new_page()
    _sign_in_as_admin(admin, site)

    # The process's personal data: each participant with a way to forget them.
    admin.goto(f"{site.url}/console/admin/proses/{village.process_id}")
    expect(admin.get_by_role("heading", name="Pak Slamet Riyadi")).to_be_visible()
    assert serious_violations(admin) == []
    screenshot(admin, "console-admin-personal-data")
    admin.get_by_text("Lupakan Pak Slamet Riyadi").click()
    admin.get_by_role("button", name="Lupakan untuk selamanya").first.click()
    expect(admin.get_by_role("heading", name="Pak Slamet Riyadi")).to_have_count(0)
    participant = mufakat.repository.get(village.people["Pak Slamet Riyadi"])
    assert participant.forgotten

    # What was said on the proposal, each statement with a way to redact it.
    admin.get_by_role("link", name="Sunting pernyataan pada: Sumur bor untuk Dusun Krajan").click()
    expect(admin.locator("main")).to_contain_text("Rumah di gang buntu RT 03 selalu banjir.")
    assert serious_violations(admin) == []
    screenshot(admin, "console-admin-redact-statement")
    admin.get_by_text("Sunting pernyataan ini").first.click()
    admin.get_by_label("Alasan penyuntingan").first.fill("Menunjuk rumah warga.")
    admin.get_by_role("button", name="Sunting untuk selamanya").first.click()
    expect(admin.locator("main")).to_contain_text("Sudah disunting.")
    expect(admin.locator("main")).not_to_contain_text("Rumah di gang buntu")
    assert watch.errors == []

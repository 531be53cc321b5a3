"""A dispute worked from the phone (360 px): opened from the proposal a blocking objection stalls, mediated at the
open meeting while the connection is down (the steps wait on the phone and are recorded once when it returns),
and its public trace on the portal: title, status and age, never the summary."""

from __future__ import annotations

from collections.abc import Callable

from e2e_support import Site, Watch, event_types, screenshot, serious_violations, sign_in, start_village
from playwright.sync_api import BrowserContext, Page, expect

from service.app.application import CommandContext

SUMMARY = "Pemangku adat bersedia tukar guling bila sawah pengganti sama luasnya."
WIDE = (
    "() => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 361)"
    ".map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 8)"
)


def fits_a_phone(page: Page) -> None:
    """Nothing on the page is wider than the phone's 360 px."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.evaluate(WIDE)


def test_a_dispute_is_opened_from_a_blocked_proposal_and_mediated_offline_on_a_phone(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch
) -> None:
    village = start_village(site, "Musyawarah Dusun Sumberejo (sengketa)")
    mufakat = site.ledger
    principal = mufakat.tokens.authenticate(site.facilitator_token)
    assert principal is not None
    objector = village.people["Pak Slamet Riyadi"]
    mufakat.proposals.raise_objection(
        CommandContext(principal=principal), village.proposal_id, objector, "Lahan itu bengkok adat.", True
    )
    context = new_context(bypass_csp=True)
    page = context.new_page()
    sign_in(page, site)

    # The stalled proposal offers "Buka sengketa": the form opens prefilled with it, restricted by default.
    page.goto(f"{site.url}/console/usulan/{village.proposal_id}")
    page.get_by_role("link", name="Buka sengketa").click()
    expect(page.get_by_role("heading", name="Sengketa", exact=True)).to_be_visible()
    expect(page.get_by_label("Tentang")).to_have_value(f"proposal_id:{village.proposal_id}")
    expect(page.get_by_label("Terbatas: hanya pengelola dan pemeriksa proses ini (konflik itu peka)")).to_be_checked()
    fits_a_phone(page)
    assert serious_violations(page) == []
    page.get_by_label("Judul sengketa").fill("Tanah bengkok untuk embung")
    page.get_by_label("Pihak 1", exact=True).select_option("group:indigenous")
    page.get_by_label("atau nama lembaga, pihak 2").fill("Kelompok Tani Sri Rejeki")
    page.get_by_label("Publik: judul, status dan para pihak tampil di portal, ringkasan sesi tidak pernah").check()
    page.get_by_role("button", name="Buka sengketa ini").click()
    expect(page.get_by_role("heading", name="Tanah bengkok untuk embung")).to_be_visible()
    dispute_id = page.url.rstrip("/").rsplit("/", 1)[1]
    fits_a_phone(page)
    assert serious_violations(page) == []
    expect(page.locator("html[data-offline-ready=true]")).to_be_attached()

    # The connection drops: the session and the issue wait on the phone.
    context.set_offline(True)
    page.get_by_label("Diadakan dalam musyawarah").select_option(str(village.meeting_id))
    page.get_by_label("Ringkasan (hanya dibaca pengelola dan pemeriksa proses)").fill(SUMMARY)
    page.get_by_role("button", name="Catat sesi mediasi").click()
    page.get_by_text("Catat pokok masalah dan kepentingan tiap pihak").click()
    page.get_by_label("Pokok masalah", exact=True).fill("Pengganti lahan bengkok")
    page.locator("#i-needs-0").fill("Sawah untuk ritual adat tetap ada")
    page.get_by_role("button", name="Catat pokok masalah", exact=True).click()
    status = page.locator("#queue-status")
    expect(status).to_contain_text("2 langkah menunggu dikirim")
    assert event_types(site, dispute_id) == ["Opened"]
    screenshot(page, "console-dispute-offline")

    context.set_offline(False)
    expect(status).to_have_attribute("data-waiting", "0", timeout=15_000)
    assert event_types(site, dispute_id) == ["Opened", "SessionHeld", "IssueRecorded"]
    page.reload()
    expect(page.locator(".sessions")).to_contain_text(SUMMARY)
    expect(page.locator(".issue")).to_contain_text("Sawah untuk ritual adat tetap ada")
    fits_a_phone(page)
    screenshot(page, "console-dispute")

    # The portal shows the public dispute, its status and age, never the summary.
    portal = context.new_page()
    portal.goto(f"{site.url}/proses/{village.process_id}")
    card = portal.locator("li.card", has_text="Tanah bengkok untuk embung")
    expect(card).to_contain_text("dalam mediasi")
    expect(card).to_contain_text("Lama ditangani sejauh ini: 0 hari")
    expect(portal.locator("body")).not_to_contain_text(SUMMARY)
    fits_a_phone(portal)
    assert watch.errors == [] and watch.foreign_requests == []

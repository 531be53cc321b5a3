"""Issue 22 item 5 on a phone (360 px): a commitment's risks kept and reviewed at a meeting, a partner registered
and the resource it opens access to recorded, each page read without a serious accessibility violation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

from e2e_support import Site, Watch, screenshot, serious_violations, sign_in, start_village
from playwright.sync_api import BrowserContext, expect

from domain.commitment import Commitment
from domain.partner import Partner
from service.app.application import CommandContext

PHONE = {"width": 360, "height": 760}


def test_a_risk_is_recorded_and_reviewed_at_the_meeting_from_the_commitment_s_risk_page(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch
) -> None:
    village = start_village(site, "Musdes Sumberejo (risiko)", decide=True)
    principal = site.ledger.tokens.authenticate(site.facilitator_token)
    assert principal is not None
    commitment_id = site.ledger.commitments.make(
        CommandContext(principal=principal), village.proposal_id, "TPK", "Sumur bor di dekat masjid", date(2027, 6, 30)
    ).id
    page = watch.page(new_context(bypass_csp=True).new_page())
    page.set_viewport_size(PHONE)
    sign_in(page, site)

    page.goto(f"{site.url}/console/janji/{commitment_id}/risiko")
    expect(page.get_by_role("heading", name="Risiko baru")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Apa yang mungkin terjadi").fill("Pompa terlambat datang dari pemasok.")
    page.get_by_label("Kemungkinan").select_option("high")
    page.get_by_label("Mitigasi").fill("Pesan pompa sebulan lebih awal.")
    page.get_by_role("button", name="Catat risiko").click()
    expect(page.get_by_role("heading", name="Pompa terlambat datang dari pemasok.")).to_be_visible()

    page.get_by_label("Status sekarang").select_option("mitigated")
    page.get_by_role("button", name="Catat peninjauan").click()
    expect(page.get_by_text("dimitigasi").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert serious_violations(page) == []
    screenshot(page, "console-commitment-risks")
    commitment = site.ledger.uow.get(Commitment, commitment_id, "commitment", copy=False)
    ((risk_id, risk),) = commitment.risks.items()
    assert (risk["likelihood"], risk["status"], len(risk["reviews"])) == ("high", "mitigated", 1)
    assert UUID(risk_id)


def test_a_partner_is_registered_and_its_offer_recorded_from_the_partner_pages(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch
) -> None:
    village = start_village(site, "Musdes Sumberejo (mitra)")
    page = watch.page(new_context(bypass_csp=True).new_page())
    page.set_viewport_size(PHONE)
    sign_in(page, site)

    page.goto(f"{site.url}/console/proses/{village.process_id}/mitra")
    assert serious_violations(page) == []
    page.get_by_label("Nama lembaga").fill("Yayasan Air Bersih Jember")
    page.get_by_role("button", name="Daftarkan mitra ini").click()
    page.get_by_role("link", name="Yayasan Air Bersih Jember").click()

    expect(page.get_by_role("heading", name="Yayasan Air Bersih Jember").first).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Judul").fill("Pelatihan perawatan pompa air")
    page.get_by_role("button", name="Catat tawaran ini").click()
    expect(page.get_by_text("Pelatihan perawatan pompa air").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "console-partner-offer")
    partner_id = UUID(page.url.rstrip("/").rsplit("/", 1)[1])
    partner = site.ledger.uow.get(Partner, partner_id, "partner", copy=False)
    assert [offer["title"] for offer in partner.offers.values()] == ["Pelatihan perawatan pompa air"]

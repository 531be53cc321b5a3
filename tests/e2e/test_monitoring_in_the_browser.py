"""Issue 22 item 7 on a phone (360 px): progress reported without a connection, a score card scored by each
attendee, a resident's complaint filed and followed on the portal, answered from the console's inbox."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from uuid import UUID

from e2e_support import Site, Watch, screenshot, serious_violations, sign_in, start_village
from playwright.sync_api import BrowserContext, Page, expect

from domain.commitment import Commitment
from domain.evaluation import Evaluation

PHONE = {"width": 360, "height": 760}


def _api(page: Page, site: Site, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """A POST to the API with the facilitator's token, as a desk application would make it."""
    answer = page.request.post(
        f"{site.url}/api/v1{path}", data=body, headers={"Authorization": f"Bearer {site.facilitator_token}"}
    )
    assert answer.status in (200, 201), answer.text()
    found: dict[str, Any] = answer.json()
    return found


def _water(page: Page, site: Site, title: str) -> tuple[Any, str]:
    """A village with an adopted proposal and, made through the API, a commitment with an indicator and a budget."""
    village = start_village(site, title, decide=True)
    made = _api(
        page,
        site,
        f"/proposals/{village.proposal_id}/commitments",
        {
            "owner": "Kaur Pembangunan",
            "description": "Air bersih untuk Dusun Krajan",
            "due": "2027-09-30",
            "indicators": [{"name": "Rumah tersambung", "unit": "rumah", "baseline": "10", "target": "60"}],
            "budget": "85000000.00",
        },
    )
    return village, str(made["id"])


def test_progress_reported_without_a_connection_is_recorded_once_when_it_returns(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch
) -> None:
    context = new_context(bypass_csp=True)
    page = watch.page(context.new_page())
    page.set_viewport_size(PHONE)
    village, commitment_id = _water(page, site, "Musdes Sumberejo (pemantauan luring)")
    sign_in(page, site)
    page.goto(f"{site.url}/console/proses/{village.process_id}")
    page.get_by_role("link", name="Air bersih untuk Dusun Krajan").click()
    expect(page.get_by_role("heading", name="Air bersih untuk Dusun Krajan")).to_be_visible()
    expect(page.locator("html[data-offline-ready=true]")).to_be_attached()
    assert serious_violations(page) == []

    context.set_offline(True)
    page.get_by_label("Persen selesai").fill("40")
    page.get_by_label("Realisasi anggaran sejak laporan terakhir (Rp)").fill("25000000.50")
    page.get_by_label("Catatan").fill("Pipa utama terpasang.")
    page.get_by_label(re.compile("^Rumah tersambung")).fill("24")
    page.get_by_role("button", name="Laporkan kemajuan").click()
    status = page.locator("#queue-status")
    expect(status).to_contain_text("1 langkah menunggu dikirim")
    screenshot(page, "console-commitment-progress-offline")
    commitment = site.ledger.uow.get(Commitment, UUID(commitment_id), "commitment", copy=False)
    assert commitment.reports == 0

    context.set_offline(False)
    expect(status).to_have_attribute("data-waiting", "0", timeout=15_000)
    page.reload()
    expect(page.locator("ol.reports")).to_contain_text("Rumah tersambung: 24")
    expect(page.locator("ul.indicators")).to_contain_text("24")
    assert serious_violations(page) == []
    screenshot(page, "console-commitment-page")
    commitment = site.ledger.uow.get(Commitment, UUID(commitment_id), "commitment", copy=False)
    assert (commitment.reports, commitment.percent, commitment.spent) == (1, 40, "25000000.50")
    assert commitment.latest_values["Rumah tersambung"]["value"] == "24"
    assert watch.errors == []
    assert watch.foreign_requests == []


def test_a_score_card_is_opened_at_the_meeting_scored_offline_by_each_attendee_and_closed_on_a_phone(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch
) -> None:
    page = watch.page(new_context(bypass_csp=True).new_page())
    page.set_viewport_size(PHONE)
    village, commitment_id = _water(page, site, "Musdes Sumberejo (penilaian warga)")
    sign_in(page, site)
    page.goto(f"{site.url}/console/janji/{commitment_id}")
    page.get_by_label("Pertanyaan").fill("Puaskah dengan air bersih ini?")
    page.get_by_role("button", name="Buka kartu penilaian").click()
    page.wait_for_url(re.compile(r"/console/penilaian/[0-9a-f-]+$"))
    expect(page.get_by_role("heading", name="Kartu penilaian warga", exact=True)).to_be_visible()
    assert serious_violations(page) == []

    # The scores are tapped without a connection: they wait on the phone and are sent when it returns.
    expect(page.locator("html[data-offline-ready=true]")).to_be_attached()
    page.context.set_offline(True)
    scored = (("Ibu Wartini Lestari", "5"), ("Pak Slamet Riyadi", "4"), ("Mas Bayu Pratama", "2"))
    for name, score in scored:
        card = page.locator("section.ballot", has=page.get_by_role("heading", name=f"Skor dari {name}"))
        card.get_by_label(score, exact=True).check()
        card.get_by_role("button", name="Catat skor ini").click()
    status = page.locator("#queue-status")
    expect(status).to_contain_text("3 langkah menunggu dikirim")
    page.context.set_offline(False)
    expect(status).to_have_attribute("data-waiting", "0", timeout=15_000)
    page.reload()
    for name, score in scored:
        expect(
            page.locator("section.ballot", has=page.get_by_role("heading", name=f"Skor dari {name}"))
        ).to_contain_text(f"sudah: {score}")
    screenshot(page, "console-score-card")

    page.get_by_role("button", name="Tutup dan hitung skornya").click()
    expect(page.get_by_role("heading", name="Hasil")).to_be_visible()
    expect(page.get_by_text("3 skor, rata-rata 3.67.")).to_be_visible()
    assert serious_violations(page) == []
    evaluation = site.ledger.uow.get(Evaluation, UUID(page.url.rsplit("/", 1)[-1]), "evaluation", copy=False)
    assert evaluation.tally is not None and evaluation.tally["count"] == 3

    page.goto(f"{site.url}/proses/{village.process_id}")
    expect(page.get_by_role("heading", name="Penilaian warga", exact=True)).to_be_visible()
    expect(page.locator("figure.score-card")).to_contain_text("Puaskah dengan air bersih ini?")
    expect(page.locator("figure.score-card")).not_to_contain_text("Ibu Wartini Lestari")
    assert serious_violations(page) == []
    screenshot(page, "portal-score-card")
    assert watch.errors == []


def test_a_resident_files_a_complaint_on_a_phone_the_facilitator_escalates_it_and_the_resident_follows_it(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch
) -> None:
    resident = watch.page(new_context(bypass_csp=True).new_page())
    resident.set_viewport_size(PHONE)
    village = start_village(site, "Musdes Sumberejo (pengaduan)")
    resident.goto(f"{site.url}/proses/{village.process_id}")
    resident.get_by_role("link", name="Ajukan pengaduan").click()
    expect(resident.get_by_role("heading", name="Ajukan pengaduan")).to_be_visible()
    assert serious_violations(resident) == []
    resident.get_by_label("Apa yang tidak beres?").fill("Pipa di RT 03 bocor sejak minggu lalu.")
    resident.get_by_label("Cara menghubungi Anda (boleh kosong)").fill("0812-3456-7890")
    resident.get_by_role("button", name="Kirim pengaduan").click()
    expect(resident.get_by_role("heading", name="Pengaduan diterima")).to_be_visible()
    code = resident.locator("#tracking-code").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){4}", code), code
    assert serious_violations(resident) == []
    screenshot(resident, "portal-complaint-filed")

    facilitator = watch.page(new_context(bypass_csp=True).new_page())
    facilitator.set_viewport_size(PHONE)
    sign_in(facilitator, site)
    facilitator.goto(f"{site.url}/console/proses/{village.process_id}/pengaduan")
    assert serious_violations(facilitator) == []
    facilitator.get_by_role("link", name=re.compile("Pipa di RT 03")).click()
    expect(facilitator.get_by_text("0812-3456-7890")).to_be_visible()
    facilitator.get_by_label("Status baru").select_option(label="dieskalasi")
    facilitator.get_by_label("Tanggapan kepada pengadu").fill("Diteruskan ke BPD untuk dibahas.")
    facilitator.get_by_role("button", name="Catat tanggapan").click()
    escalate = facilitator.get_by_role("link", name="Jadikan sengketa")
    expect(escalate).to_be_visible()
    assert "/konflik?pengaduan=" in (escalate.get_attribute("href") or "")
    assert serious_violations(facilitator) == []
    screenshot(facilitator, "console-complaint")

    resident.get_by_role("link", name="Lacak pengaduan dengan kode lacak").click()
    resident.get_by_label("Kode lacak").fill(code.lower())
    resident.get_by_role("button", name="Tampilkan status").click()
    expect(resident.get_by_role("heading", name="Status: dieskalasi")).to_be_visible()
    expect(resident.locator("ol.history")).to_contain_text("Diteruskan ke BPD untuk dibahas.")
    expect(resident.locator("main")).not_to_contain_text("Pipa di RT 03")
    assert serious_violations(resident) == []
    screenshot(resident, "portal-complaint-tracking")
    assert watch.errors == []
    assert watch.foreign_requests == []

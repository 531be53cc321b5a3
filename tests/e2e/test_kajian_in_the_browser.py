"""Issue 20, item 5, in the browser at 360 px: a facilitator records a needs and potential assessment (kajian) with a
finding and a photo and links a proposal to the need it answers; a resident reads the village's needs on the
portal, and the needs not yet answered, by the groups who raised them. axe finds nothing serious on any page."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from uuid import UUID

from e2e_support import AXE, Site, Watch, event_types, screenshot, sign_in, start_village
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect
from test_pages_for_everyone import AXE_RUN

from domain.assessment import Assessment
from domain.proposal import Proposal
from service.app.application import CommandContext


def _serious(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(AXE_RUN)
    return [v for v in found if v["impact"] in ("serious", "critical")]


def _photo() -> bytes:
    image = Image.new("RGB", (320, 240), (200, 160, 90))
    out = io.BytesIO()
    image.save(out, format="JPEG")
    return out.getvalue()


def test_a_facilitator_records_an_assessment_with_a_finding_and_a_photo_and_links_a_proposal(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch
) -> None:
    phone = new_context(bypass_csp=True).new_page()  # axe's script is injected inline
    village = start_village(site, "Musyawarah Dusun Sumberejo (kajian)")
    sign_in(phone, site)
    phone.goto(f"{site.url}/console/proses/{village.process_id}")

    # A count typed without its group is refused by the ledger; the reason stands by the form, the title stays.
    phone.get_by_label("Judul kajian").fill("FGD kelompok perempuan dan nelayan")
    phone.get_by_label("Metode").select_option("fgd")
    phone.get_by_label("Jumlah, baris 1").fill("12")
    phone.get_by_role("button", name="Catat kajian").click()
    expect(phone.locator("#assessment-refusal")).to_contain_text("tidak sah")
    expect(phone.get_by_label("Judul kajian")).to_have_value("FGD kelompok perempuan dan nelayan")
    expect(phone.get_by_label("Jumlah, baris 1")).to_have_value("12")
    assert _serious(phone) == []
    screenshot(phone, "console-kajian-process")

    phone.get_by_label("Unsur, baris 1").select_option("women")
    phone.get_by_label("Laki-laki/perempuan, baris 1").select_option("female")
    phone.get_by_role("button", name="Catat kajian").click()
    phone.wait_for_url(f"{site.url}/console/kajian/*")
    assessment_id = UUID(phone.url.rsplit("/", 1)[-1])
    expect(phone.get_by_role("heading", name="FGD kelompok perempuan dan nelayan")).to_be_visible()

    # The photo, taken with the phone's camera (here: a file), is sent by its own form.
    file_input = phone.get_by_label("Foto atau berkas")
    assert file_input.get_attribute("capture") == "environment"
    assert (file_input.get_attribute("accept") or "").startswith("image/*")
    file_input.set_input_files({"name": "peta-sosial.jpg", "mimeType": "image/jpeg", "buffer": _photo()})
    phone.get_by_role("button", name="Kirim foto").click()
    expect(phone.get_by_role("img", name="peta-sosial.jpg")).to_be_visible()

    # Without a connection, the photo form says plainly that the photo waits; nothing is sent.
    phone.context.set_offline(True)
    phone.get_by_label("Foto atau berkas").set_input_files(
        {"name": "kuesioner.jpg", "mimeType": "image/jpeg", "buffer": _photo()}
    )
    phone.get_by_role("button", name="Kirim foto").click()
    expect(phone.locator("#photo-refusal")).to_contain_text("Tidak ada sambungan: foto belum terkirim")
    phone.context.set_offline(False)
    assert event_types(site, assessment_id).count("EvidenceAttached") == 1

    phone.get_by_label("Judul temuan").fill("Air bersih di musim kemarau")
    phone.get_by_label("Keterangan").fill("Sumur RT 07 kering dari Agustus sampai Oktober.")
    phone.get_by_label("Bidang (Permendagri 20/2018)").select_option("2.3")
    phone.get_by_label("Dusun", exact=True).fill("Krajan")
    phone.get_by_label("RT", exact=True).fill("07")
    phone.locator("#fi-group-women").check()
    phone.get_by_label("peta-sosial.jpg").check()
    phone.get_by_role("button", name="Catat temuan ini").click()
    findings = phone.locator("ul.findings")
    expect(findings).to_contain_text("Air bersih di musim kemarau")
    expect(findings).to_contain_text("Pekerjaan Umum dan Penataan Ruang")
    expect(findings).to_contain_text("Dusun Krajan, RT 07")
    # The photo chosen offline is still chosen after the page refreshed for the recorded finding: it waits.
    assert phone.evaluate("document.getElementById('photo-file').files[0].name") == "kuesioner.jpg"
    assert _serious(phone) == []
    screenshot(phone, "console-kajian-assessment")

    recorded: Assessment = site.ledger.repository.get(assessment_id)
    ((finding_id, finding),) = recorded.findings.items()
    assert finding["groups"] == ["women"] and len(finding["evidence"]) == 1

    # The proposal answers that need: linked from its page.
    phone.goto(f"{site.url}/console/usulan/{village.proposal_id}")
    phone.get_by_label("Kebutuhan: Air bersih di musim kemarau").check()
    phone.get_by_role("button", name="Tautkan ke usulan ini").click()
    expect(phone.locator("section", has=phone.locator("#addresses-title")).locator("ul.links")).to_contain_text(
        "Air bersih di musim kemarau"
    )
    assert _serious(phone) == []
    screenshot(phone, "console-kajian-link")
    proposal: Proposal = site.ledger.repository.get(village.proposal_id)
    assert proposal.addresses == [finding_id]

    # Closed: the assessment takes no more findings, and its page no longer offers them.
    phone.goto(f"{site.url}/console/kajian/{assessment_id}")
    phone.get_by_role("button", name="Tutup kajian").click()
    expect(phone.get_by_role("button", name="Catat temuan ini")).to_have_count(0)
    assert "Closed" in event_types(site, assessment_id)
    assert watch.errors == [] and watch.foreign_requests == []


def test_the_portal_shows_the_villages_needs_and_the_unanswered_ones_by_group(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch
) -> None:
    phone = new_context(bypass_csp=True).new_page()
    village = start_village(site, "Musyawarah Dusun Sumberejo (kebutuhan)")
    mufakat = site.ledger
    principal = mufakat.tokens.authenticate(site.facilitator_token)
    assert principal is not None
    context = CommandContext(principal=principal)
    assessment_id = mufakat.assessments.start(
        context,
        village.process_id,
        "FGD kelompok perempuan dan nelayan",
        "fgd",
        respondents=[
            {"group": "women", "gender": "female", "count": 11},
            {"group": "resident", "gender": "male", "count": 2},
        ],
    ).id
    found = {}
    for key, kind, title, sector, groups in (
        ("air", "need", "Air bersih di musim kemarau", "2.3", ["women", "resident"]),
        ("laktasi", "need", "Ruang laktasi di balai desa", "2.2", ["women"]),
        ("ikan", "need", "Tempat pelelangan ikan", "4", ["resident"]),
        ("mata_air", "potential", "Mata air Tuk Sibeji", "2.3", ["resident"]),
    ):
        receipt = mufakat.assessments.record_finding(context, assessment_id, kind, title, None, sector, None, groups)
        found[key] = receipt.part_id
    mufakat.assessments.link(context, village.proposal_id, [found["air"], found["mata_air"]])
    for person in village.people.values():
        mufakat.proposals.take_stance(context, village.proposal_id, village.check_id, person, "agree", None)
    mufakat.proposals.close_consensus_check(context, village.proposal_id, village.check_id)
    mufakat.proposals.decide(context, village.proposal_id, "adopted", "consensus", "Semua setuju.")

    phone.goto(f"{site.url}/proses/{village.process_id}")
    phone.get_by_role("link", name="Kebutuhan dan potensi desa, dan kebutuhan yang belum terjawab").click()
    expect(phone.get_by_role("heading", name="Kebutuhan yang belum terjawab")).to_be_visible()
    gap = phone.locator("section[aria-labelledby='gap-title']")
    expect(gap.get_by_role("heading", name="Perempuan (1)")).to_be_visible()
    expect(gap.get_by_role("heading", name="Warga (1)")).to_be_visible()
    expect(gap).to_contain_text("Ruang laktasi di balai desa")
    expect(gap).to_contain_text("Tempat pelelangan ikan")
    expect(gap).not_to_contain_text("Air bersih di musim kemarau")  # answered by the adopted decision
    by_sector = phone.get_by_role("table", name="Kebutuhan dan potensi menurut bidang (Permendagri 20/2018)")
    expect(by_sector.get_by_role("row", name="2.3 Pekerjaan Umum dan Penataan Ruang 1 1")).to_be_visible()
    everything = phone.locator("section", has=phone.locator("#all-title"))
    expect(everything.get_by_role("link", name="Sumur bor untuk Dusun Krajan").first).to_be_visible()
    expect(phone.locator("main")).to_contain_text("warga <3")  # two fishers: not a number anyone can read
    for person in village.people:
        expect(phone.locator("body")).not_to_contain_text(person)
    wide = phone.evaluate(
        "() => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 361)"
        ".map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 8)"
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360, wide
    assert _serious(phone) == []
    screenshot(phone, "portal-kebutuhan")
    assert watch.errors == [] and watch.foreign_requests == []

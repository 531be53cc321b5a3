"""The programme report in a real browser: sealed from the console's process page, then found by anyone on the
portal's process page with its short text to share, the PDF's SHA-256 the one the log recorded."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from e2e_support import Site, Watch, event_types, screenshot, serious_violations, sign_in, start_village
from playwright.sync_api import BrowserContext, expect

from domain.programme_report import report_id_of


def test_a_facilitator_seals_the_programme_report_and_a_reader_finds_it_and_its_text_on_the_portal(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch
) -> None:
    village = start_village(site, "Musrenbang Desa Sumberejo (laporan)", decide=True)
    page = new_context(bypass_csp=True).new_page()
    sign_in(page, site)
    page.goto(f"{site.url}/console/proses/{village.process_id}")
    expect(page.get_by_role("heading", name="Laporan hasil dan dampak")).to_be_visible()
    expect(page.get_by_text("Belum ada laporan yang disegel.")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Segel laporan baru").click()
    expect(page.get_by_role("link", name="Laporan versi 1")).to_be_visible()
    assert event_types(site, report_id_of(village.process_id)) == ["Started", "Sealed"]

    reader = new_context(bypass_csp=True).new_page()
    reader.goto(f"{site.url}/proses/{village.process_id}")
    link = reader.get_by_role("link", name="Laporan hasil dan dampak (PDF, versi 1", exact=False)
    expect(link).to_have_attribute("href", f"/api/v1/processes/{village.process_id}/report")
    text_link = reader.get_by_role("link", name="Teks singkat untuk dibagikan")
    expect(text_link).to_have_attribute("href", f"/api/v1/processes/{village.process_id}/report.txt")
    screenshot(reader, "portal-process-with-programme-report")
    assert serious_violations(reader) == []
    pdf = reader.request.get(f"{site.url}/api/v1/processes/{village.process_id}/report")
    digest = hashlib.sha256(pdf.body()).hexdigest()
    expect(reader.locator(".report-link code")).to_have_text(digest)
    shared = reader.request.get(f"{site.url}/api/v1/processes/{village.process_id}/report.txt").text()
    assert f"SHA-256: {digest}" in shared
    assert watch.errors == []
    assert watch.foreign_requests == []

"""Every page in English on request, and usable by everyone: no serious accessibility violation, no console error,
no request leaving this machine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from e2e_support import AXE, Site, Watch, screenshot, sign_in, start_village
from playwright.sync_api import BrowserContext, Page, expect

AXE_RUN = """() => axe.run(document, {resultTypes: ["violations"],
                              runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
  .then(result => result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                               nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 3)})))"""


def test_a_reader_switches_the_portal_and_the_console_to_english_and_it_stays_english(
    phone: Page, site: Site, watch: Watch
) -> None:
    village = start_village(site, "Musyawarah Desa Sumberejo (English)", decide=True)
    phone.goto(f"{site.url}/")
    expect(phone.get_by_role("heading", name="Bagaimana masyarakat kita memutuskan")).to_be_visible()
    # By keyboard: the first Tab reaches "skip to content", which moves the focus to the page's content.
    phone.keyboard.press("Tab")
    expect(phone.get_by_role("link", name="Langsung ke isi")).to_be_focused()
    phone.keyboard.press("Enter")
    expect(phone.locator("main")).to_be_focused()
    phone.get_by_role("link", name="English", exact=True).click()
    expect(phone.get_by_role("heading", name="How our communities decided")).to_be_visible()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    phone.goto(f"{site.url}/keputusan/{village.proposal_id}")
    expect(phone.get_by_role("heading", name="How it was decided")).to_be_visible()
    expect(phone.locator("ol.timeline")).to_contain_text("Consensus check: consensus reached")
    expect(phone.locator("ol.timeline")).to_contain_text("Decision: adopted by consensus")
    screenshot(phone, "portal-decision-english")
    phone.goto(f"{site.url}/console/masuk")
    expect(phone.get_by_label("Your access token")).to_be_visible()
    phone.get_by_role("link", name="Bahasa Indonesia").click()
    expect(phone.get_by_label("Token akses Anda")).to_be_visible()
    assert watch.errors == []
    assert watch.foreign_requests == []


def _serious(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def test_no_page_has_a_serious_accessibility_violation_a_console_error_or_a_request_to_elsewhere(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch
) -> None:
    village = start_village(site, "Musyawarah Desa Sumberejo (aksesibilitas)", decide=True)
    open_village = start_village(site, "Musyawarah Desa Sumberejo (rapat terbuka)")
    # axe-core is injected into the page, which the pages' CSP (no inline script) would rightly refuse.
    page = new_context(bypass_csp=True).new_page()
    pages = {
        "portal": "/",
        "portal process": f"/proses/{village.process_id}",
        "portal decision": f"/keputusan/{village.proposal_id}",
        "console sign-in": "/console/masuk",
    }
    console_pages = {
        "console processes": "/console/",
        "console process": f"/console/proses/{village.process_id}",
        "console meeting": f"/console/rapat/{open_village.meeting_id}",
        "console proposal under a check": f"/console/usulan/{open_village.proposal_id}",
        "console proposal decided": f"/console/usulan/{village.proposal_id}",
    }
    found: dict[str, list[dict[str, Any]]] = {}
    for name, path in pages.items():
        found[name] = _scan(page, f"{site.url}{path}")
    sign_in(page, site)
    for name, path in console_pages.items():
        found[name] = _scan(page, f"{site.url}{path}")
    assert {name: _serious(violations) for name, violations in found.items() if _serious(violations)} == {}
    assert watch.errors == []
    assert watch.foreign_requests == []


def _scan(page: Page, url: str) -> list[dict[str, Any]]:
    page.goto(url)
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN)  # type: ignore[no-any-return]

"""The demo's whole cycle as a resident sees it on the portal at 360 px, checked by axe: the process page with its
decisions, monitoring (a late promise among them) and the land dispute, the needs page, a decision and its journey
up the Musrenbang. Each page and section is saved to tests/artifacts/ for the closing note; nobody is named on any.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import serve_site
from e2e_support import ARTIFACTS, Site, Watch, screenshot, serious_violations
from playwright.sync_api import BrowserContext, Page, expect

from service.cli.demo import (
    COMPLAINT_CONTACT,
    COMPLAINT_TEXT,
    LAND_DISPUTE_SUMMARIES,
    LAND_DISPUTE_TITLE,
    PARTICIPANTS,
    DemoRecord,
    record_demo,
)

#: The sections of the process page saved on their own, by the id of their heading.
SECTIONS = ("decisions-title", "monitoring-title", "disputes-title")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A site of this module's own: the demo's processes must not change what other browser tests find."""
    yield from serve_site(tmp_path_factory.mktemp("e2e-cycle"))


@pytest.fixture(scope="module")
def demo(site: Site) -> DemoRecord:
    return record_demo(site.ledger, site.facilitator_token)


def section_screenshot(page: Page, heading_id: str, name: str) -> Path:
    """Saves the section a heading labels under tests/artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.locator(f"section[aria-labelledby='{heading_id}']").screenshot(path=str(path))
    return path


def nobody_is_named(page: Page) -> None:
    """No participant's name or contact, and no word of the complaint or of a mediation session, is on the page."""
    text = page.locator("body").inner_text()
    sealed = [COMPLAINT_TEXT, COMPLAINT_CONTACT, *LAND_DISPUTE_SUMMARIES]
    people = [name for _, name, *_ in PARTICIPANTS] + [c for *_, c in PARTICIPANTS if c]
    assert [word for word in [*sealed, *people] if word in text] == []


def fits_and_reads(page: Page) -> None:
    """The page fits a 360 px phone and has no serious accessibility violation."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_violations(page) == []


def test_the_process_page_tells_the_cycle_from_decisions_to_monitoring_and_the_land_dispute(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch, demo: DemoRecord
) -> None:
    page = new_context(bypass_csp=True).new_page()  # axe is injected, which the pages' CSP would refuse
    page.goto(f"{site.url}/proses/{demo.process_id}")

    decisions = page.locator("section[aria-labelledby='decisions-title'] li.card")
    decided = [site.ledger.repository.get(p) for p in demo.proposals.values()]
    expect(decisions).to_have_count(len([p for p in decided if p.process_id == demo.process_id and p.decision]))
    expect(decisions.filter(has_text="Tukar guling tanah bengkok")).to_contain_text("disepakati")
    monitoring = page.locator("section[aria-labelledby='monitoring-title']")
    late = monitoring.locator("li.card.overdue")
    expect(late).to_have_count(1)  # the waste bank, due on 30 November at 75 percent
    expect(late).to_contain_text("Membentuk unit bank sampah")
    expect(late).to_contain_text("Tenggat 2026-11-30, 75% selesai")
    expect(monitoring.get_by_text("Panjang jalan rabat beton: 270 / 450 m")).to_be_visible()
    expect(monitoring.get_by_text("Terpakai Rp").first).to_be_visible()
    dispute = page.locator("section[aria-labelledby='disputes-title'] li.card").filter(has_text=LAND_DISPUTE_TITLE)
    expect(dispute).to_contain_text("Para pihak:")
    expect(dispute).to_contain_text("Kelompok Tani Tirta Makmur Dusun Kidul")
    nobody_is_named(page)
    fits_and_reads(page)
    screenshot(page, "demo-cycle-portal-process-360")
    for heading in SECTIONS:
        section_screenshot(page, heading, f"demo-cycle-portal-section-{heading.removesuffix('-title')}-360")
    assert watch.errors == []


def test_the_needs_page_decision_and_journey_of_the_demo_read_on_a_phone(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch, demo: DemoRecord
) -> None:
    page = new_context(bypass_csp=True).new_page()
    page.goto(f"{site.url}/proses/{demo.process_id}/kebutuhan")
    expect(page.locator("section[aria-labelledby='gap-title']")).to_contain_text("Ruang laktasi")
    nobody_is_named(page)
    fits_and_reads(page)
    screenshot(page, "demo-cycle-portal-needs-360")

    road = demo.proposals["adopted_by_consensus"]
    page.goto(f"{site.url}/keputusan/{road}")
    expect(page.locator("h1")).to_contain_text("Pembangunan jalan rabat beton Dusun Krajan")
    expect(page.locator("ol.journey > li")).to_have_count(3)
    nobody_is_named(page)
    fits_and_reads(page)
    screenshot(page, "demo-cycle-portal-decision-360")

    page.goto(f"{site.url}/usulan/{road}/perjalanan")
    expect(page.locator("ol.journey > li").nth(1)).to_contain_text("Musrenbang Kecamatan")
    nobody_is_named(page)
    fits_and_reads(page)
    screenshot(page, "demo-cycle-portal-journey-360")
    assert watch.errors == []

"""The daftar prioritas and a proposal's journey up the Musrenbang on the portal, at 360 px, checked by axe: the
demo's ranking against its pagu indikatif, and its road forwarded to the kecamatan and merged with a neighbour's."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from conftest import serve_site
from e2e_support import Site, Watch, screenshot, serious_violations
from playwright.sync_api import BrowserContext, expect

from service.cli.demo import DemoRecord, record_demo


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A site of this module's own: the demo it records (three processes of Kabupaten Banyumas) must not change
    what other browser tests find when they search the shared site's portal."""
    yield from serve_site(tmp_path_factory.mktemp("e2e-demo"))


@pytest.fixture(scope="module")
def demo(site: Site) -> DemoRecord:
    return record_demo(site.ledger, site.facilitator_token)


def test_the_process_page_lists_the_priorities_against_the_ceiling_in_words(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch, demo: DemoRecord
) -> None:
    page = new_context(bypass_csp=True).new_page()  # axe is injected, which the pages' CSP would refuse
    page.goto(f"{site.url}/proses/{demo.process_id}")

    listed = page.locator("ol.priorities > li")
    expect(listed).to_have_count(4)
    expect(page.get_by_text("Pagu indikatif: Rp 320.000.000.")).to_be_visible()
    expect(page.get_by_text("Dihitung dari 12 lembar penilaian.")).to_be_visible()
    first = listed.nth(0)
    expect(first).to_contain_text("1.")
    expect(first).to_contain_text("Pembangunan jalan rabat beton Dusun Krajan")
    expect(first).to_contain_text("Pekerjaan Umum dan Penataan Ruang")
    expect(first).to_contain_text("Dusun Krajan, RW 01, RT 01-04")
    expect(first).to_contain_text("Rp 185.000.000")
    expect(first).to_contain_text("Masuk dalam pagu")
    expect(listed.nth(1)).to_contain_text("Rp 305.000.000 / Rp 320.000.000")
    expect(listed.nth(1)).to_contain_text("Masuk dalam pagu")
    expect(listed.nth(2)).to_contain_text("Melebihi pagu")
    expect(listed.nth(3)).to_contain_text("Melebihi pagu")
    csv = page.get_by_role("link", name="Unduh daftar (CSV)")
    assert csv.get_attribute("href") == f"/api/v1/processes/{demo.process_id}/priorities?format=csv"
    expect(page.get_by_role("link", name="Unduh daftar (Excel, XLSX)")).to_be_visible()
    # Outsiders see counts, never who ranked what nor who carried the road up.
    for name in ("Sutrisno Hadi Prayitno", "Hj. Nurhayati Rahmawati"):
        expect(page.get_by_text(name)).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_violations(page) == []
    screenshot(page, "portal-daftar-prioritas-360")
    assert watch.errors == []


def test_the_journey_reads_the_same_from_the_village_and_from_the_kecamatan(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch, demo: DemoRecord
) -> None:
    page = new_context(bypass_csp=True).new_page()
    road = demo.proposals["adopted_by_consensus"]
    page.goto(f"{site.url}/keputusan/{road}")

    line = page.locator("ol.journey > li")
    expect(line).to_have_count(3)
    expect(line.nth(0)).to_contain_text("Musrenbang Desa")
    expect(line.nth(0)).to_contain_text("Desa Sukamaju")
    expect(line.nth(0)).to_contain_text("disetujui, lalu diteruskan ke Musrenbang Kecamatan")
    expect(line.nth(0)).to_have_attribute("aria-current", "step")
    expect(line.nth(1)).to_contain_text("Musrenbang Kecamatan")
    expect(line.nth(1)).to_contain_text("digabung dengan usulan “Jalan rabat beton penghubung Karangsari-Sukamaju”")
    expect(line.nth(2)).to_contain_text("masih dibahas")
    village_end = line.all_inner_texts()
    for name in ("Hj. Nurhayati Rahmawati", "Sutrisno Hadi Prayitno"):
        expect(page.get_by_text(name)).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_violations(page) == []
    screenshot(page, "portal-perjalanan-usulan-dari-desa-360")

    # From the kecamatan end: the merged proposal has no decision of its own, so its journey page shows the line.
    line.nth(1).get_by_role("link").click()
    page.wait_for_url(f"{site.url}/usulan/{demo.chain['forwarded']}/perjalanan")
    expect(line.nth(1)).to_have_attribute("aria-current", "step")
    kecamatan_end = [text.replace(" · halaman ini", "") for text in line.all_inner_texts()]
    assert kecamatan_end == [text.replace(" · halaman ini", "") for text in village_end]
    assert serious_violations(page) == []
    screenshot(page, "portal-perjalanan-usulan-dari-kecamatan-360")
    assert watch.errors == []

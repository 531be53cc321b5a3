"""The connection drops mid-meeting: the console keeps every step on the phone and sends each exactly once."""

from __future__ import annotations

from collections.abc import Callable

from e2e_support import Site, Watch, event_types, screenshot, sign_in, start_village
from playwright.sync_api import BrowserContext, expect

from domain.proposal import Proposal

QUEUED = """() => new Promise((resolve, reject) => {
  const opening = indexedDB.open("mufakat-console");
  opening.onerror = () => reject(opening.error);
  opening.onsuccess = () => {
    const read = opening.result.transaction("queue").objectStore("queue").getAll();
    read.onsuccess = () => resolve(read.result.map(e => ({key: e.key, occurred_at: e.occurred_at, url: e.url})));
  };
})"""


def test_steps_taken_offline_wait_on_the_phone_and_are_recorded_exactly_once_when_the_connection_returns(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch
) -> None:
    village = start_village(site, "Musyawarah Dusun Sumberejo (luring)")
    context = new_context()
    page = context.new_page()
    sign_in(page, site)
    page.goto(f"{site.url}/console/usulan/{village.proposal_id}")
    expect(page.locator("html[data-offline-ready=true]")).to_be_attached()

    context.set_offline(True)
    page.get_by_label("Yang berbicara").select_option(label="Pak Slamet Riyadi (warga)")
    page.get_by_label("Yang disampaikan").fill("Sumur bor lebih murah daripada pipa dari mata air.")
    page.get_by_role("button", name="Dukungan").click()
    for name in village.people:
        page.locator("form.tap-row", has_text=name).get_by_role("button", name="Setuju", exact=True).click()
    # A double tap on the same stance is one step.
    page.locator("form.tap-row", has_text="Mas Bayu Pratama").get_by_role(
        "button", name="Setuju", exact=True
    ).dblclick()
    page.get_by_role("button", name="Tutup pengecekan").click()
    # A changed mind after the check was closed: the ledger will refuse it on arrival.
    page.locator("form.tap-row", has_text="Pak Slamet Riyadi").get_by_role("button", name="Menolak (blok)").click()
    status = page.locator("#queue-status")
    expect(status).to_contain_text("6 langkah menunggu dikirim")
    expect(status).to_contain_text("Luring")
    queued = page.evaluate(QUEUED)
    assert len(queued) == 6
    assert len({entry["key"] for entry in queued}) == 6
    assert all(entry["occurred_at"].endswith("Z") for entry in queued)
    screenshot(page, "console-offline-waiting")

    # The page opens again without a connection (the service worker's copy), and the steps still wait.
    page.reload()
    expect(page.get_by_role("heading", name="Sumur bor untuk Dusun Krajan")).to_be_visible()
    expect(status).to_contain_text("6 langkah menunggu dikirim")
    assert event_types(site, village.proposal_id).count("StanceTaken") == 0

    context.set_offline(False)
    expect(status).to_have_attribute("data-waiting", "0", timeout=15_000)
    expect(status).to_have_text("Tercatat.")
    refused = page.locator("#refused")
    expect(refused).to_be_visible()
    expect(refused).to_contain_text("Pengecekan mufakat ini sudah ditutup.")
    expect(refused).to_contain_text("Pak Slamet Riyadi")
    screenshot(page, "console-after-reconnect")

    kinds = event_types(site, village.proposal_id)
    assert kinds.count("Contributed") == 1
    assert kinds.count("StanceTaken") == 3
    assert kinds.count("ConsensusCheckClosed") == 1
    assert kinds.index("ConsensusCheckClosed") > max(i for i, kind in enumerate(kinds) if kind == "StanceTaken")
    proposal = site.ledger.repository.get(village.proposal_id)
    assert isinstance(proposal, Proposal)
    check = proposal.checks[str(village.check_id)]
    assert check.result == "reached"
    assert set(check.stances.values()) == {"agree"}
    page.get_by_role("button", name="Sudah saya baca").click()
    expect(refused).to_be_hidden()

    # Signing in again in another tab renews the session and its CSRF token: this tab's next step still goes through.
    sign_in(context.new_page(), site)
    page.get_by_label("Yang berbicara").select_option(label="Ibu Wartini Lestari (perempuan)")
    page.get_by_label("Yang disampaikan").fill("Perlu dijaga agar air tidak tercemar.")
    page.get_by_role("button", name="Kekhawatiran").click()
    expect(page.get_by_text("2 masukan")).to_be_visible()
    assert event_types(site, village.proposal_id).count("Contributed") == 2
    assert watch.errors == []
    assert watch.foreign_requests == []

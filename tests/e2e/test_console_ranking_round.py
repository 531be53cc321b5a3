"""Issue 21, item 6: the facilitator runs a ranking round on a phone — opened at the open meeting over costed
proposals with a pagu, one ballot per attendee ordered by places, closed with the result against the pagu."""

from __future__ import annotations

import re
from collections.abc import Callable
from uuid import UUID

from e2e_support import Site, Watch, screenshot, serious_violations, sign_in, start_village
from playwright.sync_api import BrowserContext, expect

from domain.ranking import Ranking
from service.app import queries
from service.app.application import CommandContext


def test_a_facilitator_ranks_two_proposals_against_the_pagu_with_each_attendees_ballot_on_a_phone(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch
) -> None:
    village = start_village(site, "Musyawarah Desa Sumberejo (pemeringkatan)")
    ledger = site.ledger
    principal = ledger.tokens.authenticate(site.facilitator_token)
    assert principal is not None and principal.token_record_id is not None
    context = CommandContext(principal=queries.principal_of_token(ledger, principal.token_record_id) or principal)
    ledger.proposals.amend(
        context, village.proposal_id, "Satu sumur bor di dekat masjid.", "Biaya diperkirakan.",
        village.people["Ibu Wartini Lestari"], planning={"estimated_cost": "90000000"},
    )  # fmt: skip
    road = ledger.proposals.submit(
        context, village.process_id, "Rabat beton jalan Krajan", "Jalan 300 meter.",
        village.people["Pak Slamet Riyadi"], village.meeting_id, planning={"estimated_cost": "250000000"},
    ).id  # fmt: skip

    page = new_context(bypass_csp=True).new_page()
    page.set_viewport_size({"width": 360, "height": 760})
    sign_in(page, site)
    page.goto(f"{site.url}/console/rapat/{village.meeting_id}")
    page.get_by_label("Pagu indikatif, rupiah, boleh kosong").fill("300000000")
    page.get_by_role("button", name="Buka putaran pemeringkatan").click()
    page.wait_for_url(re.compile(r"/console/peringkat/[0-9a-f-]+$"))
    expect(page.get_by_role("heading", name="Putaran pemeringkatan", exact=True)).to_be_visible()
    assert serious_violations(page) == []

    # Two attendees put the road first, one the well: each ballot is its own form, places chosen by number.
    for name, road_place in (("Ibu Wartini Lestari", "1"), ("Pak Slamet Riyadi", "1"), ("Mas Bayu Pratama", "2")):
        ballot = page.locator("section.ballot", has=page.get_by_role("heading", name=f"Surat suara {name}"))
        well_place = "2" if road_place == "1" else "1"
        ballot.locator(f"select[name='place_{road}']").select_option(road_place)
        ballot.locator(f"select[name='place_{village.proposal_id}']").select_option(well_place)
        ballot.get_by_role("button", name="Catat surat suara ini").click()
        expect(
            page.locator("section.ballot", has=page.get_by_role("heading", name=f"Surat suara {name}"))
        ).to_contain_text("sudah masuk")
    screenshot(page, "console-ranking-ballots")

    page.get_by_role("button", name="Tutup dan hitung surat suara").click()
    expect(page.get_by_role("heading", name="Hasil")).to_be_visible()
    result = page.locator("ol.result > li")
    expect(result).to_have_count(2)
    expect(result.nth(0)).to_contain_text("1. Rabat beton jalan Krajan")
    expect(result.nth(0)).to_contain_text("dalam pagu")
    expect(result.nth(1)).to_contain_text("2. Sumur bor untuk Dusun Krajan")
    expect(result.nth(1)).to_contain_text("melebihi pagu")
    assert serious_violations(page) == []
    screenshot(page, "console-ranking-result")

    # The ledger holds the result the page shows: three ballots, the road first within the pagu.
    ranking = ledger.uow.get(Ranking, UUID(page.url.rstrip("/").rsplit("/", 1)[-1]), "ranking", copy=False)
    assert len(ranking.ballots) == 3
    assert ranking.result is not None
    assert [(row["proposal_id"], row["within_ceiling"]) for row in ranking.result] == [
        (str(road), True),
        (str(village.proposal_id), False),
    ]
    assert watch.errors == []
    assert watch.foreign_requests == []

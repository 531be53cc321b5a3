"""On a phone set to another zone, the console reads and shows times in the zone of the process, and says so."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID

from e2e_support import Site, sign_in
from playwright.sync_api import BrowserContext, expect

from domain.meeting import Meeting


def test_a_time_typed_on_a_phone_in_papua_is_read_in_the_wita_of_a_process_in_makassar(
    new_context: Callable[..., BrowserContext], site: Site
) -> None:
    # The facilitator's phone keeps Papua's time (WIT, UTC+9); the process is in Makassar (WITA, UTC+8).
    page = new_context(timezone_id="Asia/Jayapura").new_page()
    sign_in(page, site)
    page.get_by_label("Judul").fill("Musrenbang Kelurahan Bontoala 2027")
    page.get_by_label("Kode wilayah").fill("73.71.10.1001")
    page.get_by_label("Nama wilayah").fill("Kelurahan Bontoala")
    page.get_by_role("button", name="Buka proses").click()
    expect(page.get_by_role("heading", name="Musrenbang Kelurahan Bontoala 2027")).to_be_visible()

    # The field says which zone it reads a typed time in.
    expect(page.locator("label[for=m-when]")).to_contain_text("waktu WITA")
    page.get_by_label("Nama rapat").fill("Musyawarah Kelurahan")
    page.get_by_label("Jadwal").fill("2027-01-15T09:00")
    page.get_by_role("button", name="Jadwalkan rapat").click()
    expect(page.get_by_role("heading", name="Musyawarah Kelurahan")).to_be_visible()

    # Shown back as typed, named; stored as 01:00 UTC (09.00 WITA), not 00:00 UTC (09.00 on the phone's clock).
    expect(page.locator("main")).to_contain_text("2027-01-15 09.00 WITA")
    meeting = site.ledger.repository.get(UUID(page.url.rstrip("/").rsplit("/", 1)[-1]))
    assert isinstance(meeting, Meeting)
    assert meeting.scheduled_for == datetime(2027, 1, 15, 1, 0, tzinfo=UTC)

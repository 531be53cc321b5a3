"""Issue 19, items 3-6: the console never loses what is typed, shows waiting and refused steps on their items,
dates stances and ballots typed in from paper, and shows the state of a proposal plainly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from e2e_support import AXE, Site, Watch, event_types, screenshot, sign_in, start_village
from playwright.sync_api import BrowserContext, Page, expect
from test_pages_for_everyone import AXE_RUN

from domain.proposal import Proposal
from domain.rules import DecisionRules
from service.app import queries
from service.app.application import CommandContext

#: Counts the console's refreshes of the page (after each recorded step), so that a test waits for one.
COUNT_REFRESHES = (
    "() => { window.refreshes = 0; document.addEventListener('mufakat:refreshed', () => window.refreshes++); }"
)
WIB = timedelta(hours=7)


def _serious(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(AXE_RUN)
    return [v for v in found if v["impact"] in ("serious", "critical")]


def test_a_refresh_after_a_recorded_step_keeps_what_is_being_typed_in_every_form(
    phone: Page, site: Site, watch: Watch
) -> None:
    village = start_village(site, "Musyawarah Dusun Sumberejo (mengetik)")
    sign_in(phone, site)
    phone.goto(f"{site.url}/console/usulan/{village.proposal_id}")
    # Someone is being written down as speaking while a stance is tapped: the stance's refresh keeps the words.
    phone.get_by_label("Yang berbicara").select_option(label="Mas Bayu Pratama (pemuda)")
    phone.get_by_label("Yang disampaikan").fill("Air sumur harus diperiksa dulu.")
    phone.evaluate(COUNT_REFRESHES)
    phone.locator("form.tap-row", has_text="Ibu Wartini Lestari").get_by_role(
        "button", name="Setuju", exact=True
    ).click()
    phone.wait_for_function("() => window.refreshes >= 1")
    assert event_types(site, village.proposal_id).count("StanceTaken") == 1
    expect(phone.get_by_label("Yang disampaikan")).to_have_value("Air sumur harus diperiksa dulu.")
    expect(phone.get_by_label("Yang berbicara")).to_have_value(str(village.people["Mas Bayu Pratama"]))
    # The chosen stance is unmistakable, to the eye (ticked) and to a screen reader (aria-pressed).
    row = phone.locator("form.tap-row", has_text="Ibu Wartini Lestari")
    chosen = row.get_by_role("button", name="Setuju", exact=True)
    expect(chosen).to_have_attribute("aria-pressed", "true")
    expect(row.get_by_role("button", name="Abstain")).to_have_attribute("aria-pressed", "false")
    assert phone.evaluate("b => getComputedStyle(b, '::before').content", chosen.element_handle()).startswith('"✓')
    filled = "b => getComputedStyle(b).backgroundColor"
    assert phone.evaluate(filled, chosen.element_handle()) != phone.evaluate(
        filled, row.get_by_role("button", name="Abstain").element_handle()
    )
    # The words go through afterwards, once, and show in the list of what was said.
    phone.get_by_role("button", name="Pertanyaan").click()
    expect(phone.locator("#contributions li:not(.pending)")).to_contain_text("Air sumur harus diperiksa dulu.")
    expect(phone.locator("#contributions")).to_contain_text("Mas Bayu Pratama")

    # Registrations at speed: the next name is typed while the refresh of the first comes in; none is lost.
    phone.goto(f"{site.url}/console/proses/{village.process_id}")
    names = [f"Warga Cepat {n}" for n in range(1, 5)]
    for name in names:
        phone.get_by_label("Nama", exact=True).fill(name)
        phone.get_by_label("Kelompok").select_option("resident")
        phone.get_by_label("Nama", exact=True).press("Enter")
    expect(phone.locator("#queue-status")).to_have_attribute("data-waiting", "0")
    for name in names:  # each as a recorded row, not as a step still waiting in the queue (a row of its own)
        expect(phone.locator("table.people tr:not(.pending)").filter(has_text=name)).to_have_count(1)
    registered = list(queries.participants_of(site.ledger, site.ledger.repository.get(village.process_id)))
    assert len(registered) == 3 + len(names)
    assert watch.errors == []


def test_a_refused_step_keeps_its_values_and_names_the_field_in_the_pages_words(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch
) -> None:
    village = start_village(site, "Musyawarah Dusun Sumberejo (ditolak)")
    page = new_context(bypass_csp=True).new_page()
    sign_in(page, site)
    page.goto(f"{site.url}/console/usulan/{village.proposal_id}")
    form = page.locator("#contribute")
    # A required field left empty: the app's own message in Indonesian, no browser bubble, nothing sent.
    page.get_by_role("button", name="Dukungan").click()
    expect(form.locator(".refusal")).to_have_text(
        "Periksa isian ini: Yang berbicara (wajib diisi), Yang disampaikan (wajib diisi)"
    )
    expect(page.get_by_label("Yang berbicara")).to_be_focused()
    expect(page.get_by_label("Yang berbicara")).to_have_attribute("aria-invalid", "true")
    # A time in the future: refused by the ledger, the words kept, the field named and opened.
    page.get_by_label("Yang berbicara").select_option(label="Pak Slamet Riyadi (warga)")
    page.get_by_label("Yang disampaikan").fill("Sumur dibuat di tanah kas desa.")
    form.get_by_text("Terjadi sebelumnya?").click()
    form.get_by_label("Terjadi pada").fill("2099-01-01T10:00")
    page.get_by_role("button", name="Dukungan").click()
    expect(form.locator(".refusal")).to_have_text("Waktu kejadian di masa depan. Isian: Terjadi pada (waktu WIB)")
    expect(page.get_by_label("Yang disampaikan")).to_have_value("Sumur dibuat di tanah kas desa.")
    expect(page.get_by_label("Yang berbicara")).to_have_value(str(village.people["Pak Slamet Riyadi"]))
    expect(form.get_by_label("Terjadi pada")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("Terjadi pada")).to_be_focused()
    assert "Contributed" not in event_types(site, village.proposal_id)
    screenshot(page, "console-refused-step-kept")
    assert _serious(page) == []
    # Mended by keyboard: the time cleared, Enter on the button sends it.
    form.get_by_label("Terjadi pada").fill("")
    page.get_by_role("button", name="Dukungan").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#contributions li:not(.pending)")).to_contain_text("Sumur dibuat di tanah kas desa.")
    assert event_types(site, village.proposal_id).count("Contributed") == 1
    assert watch.errors == []


def test_offline_steps_wait_in_their_lists_and_a_refused_one_is_put_back_or_dropped_on_its_item(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch
) -> None:
    village = start_village(site, "Musyawarah Dusun Sumberejo (luring, daftar)")
    context = new_context()
    page = context.new_page()
    sign_in(page, site)
    page.goto(f"{site.url}/console/usulan/{village.proposal_id}")
    expect(page.locator("html[data-offline-ready=true]")).to_be_attached()

    context.set_offline(True)
    said = {
        "Sumur bor lebih murah.": "Dukungan",
        "Pak Slamet Riyadi minta sumur di depan rumahnya.": "Kekhawatiran",  # names someone: refused on arrival
        "Ibu Wartini Lestari bertanya soal biaya.": "Pertanyaan",  # names someone: refused on arrival
    }
    for words, kind in said.items():
        page.get_by_label("Yang berbicara").select_option(label="Mas Bayu Pratama (pemuda)")
        page.get_by_label("Yang disampaikan").fill(words)
        page.get_by_role("button", name=kind).click()
    page.locator("form.tap-row", has_text="Pak Slamet Riyadi").get_by_role("button", name="Setuju", exact=True).click()
    # Each waiting step is where it belongs, marked "menunggu dikirim".
    waiting = page.locator("#contributions li.pending")
    expect(waiting).to_have_count(3)
    expect(waiting.first).to_contain_text("Sumur bor lebih murah.")
    expect(waiting.first).to_contain_text("menunggu dikirim")
    expect(page.locator("form.tap-row", has_text="Pak Slamet Riyadi")).to_contain_text("menunggu dikirim")
    # The banner stays in view at the bottom of the page.
    page.locator("#change-title").scroll_into_view_if_needed()
    box = page.locator("#queue-status").bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 760
    screenshot(page, "console-offline-steps-in-their-lists")

    context.set_offline(False)
    expect(page.locator("#queue-status")).to_have_attribute("data-waiting", "0", timeout=15_000)
    held = page.locator(".refused-here")
    expect(held).to_have_count(2)
    expect(held.first).to_contain_text("Ditolak saat dikirim:")
    expect(held.first).to_contain_text("menyebut nama peserta")
    expect(page.locator("#contributions li.pending")).to_have_count(0)
    expect(page.locator("#contributions")).to_contain_text("Sumur bor lebih murah.")
    screenshot(page, "console-refused-step-on-its-item")
    # One is dropped; the other goes back into its form, with the box that lets a name be shown in public.
    held.filter(has_text="Ibu Wartini Lestari").get_by_role("button", name="Buang").click()
    expect(held).to_have_count(1)
    held.get_by_role("button", name="Kembalikan ke formulir").click()
    expect(held).to_have_count(0)
    expect(page.get_by_label("Yang disampaikan")).to_have_value("Pak Slamet Riyadi minta sumur di depan rumahnya.")
    expect(page.locator("#contribute-names-public")).to_be_visible()
    page.get_by_label("Yang disampaikan").fill("Ada yang minta sumur di depan rumahnya.")
    page.get_by_role("button", name="Kekhawatiran").click()
    expect(page.locator("#contributions li:not(.pending)").last).to_contain_text(
        "Ada yang minta sumur di depan rumahnya."
    )
    kinds = event_types(site, village.proposal_id)
    assert kinds.count("Contributed") == 2
    assert kinds.count("StanceTaken") == 1
    assert watch.errors == []


def _village_on_paper(site: Site, title: str) -> tuple[UUID, UUID, UUID, dict[str, UUID], datetime]:
    """A process whose vote needs no check first, recorded from paper two days ago: a meeting, a proposal under
    an open check and an open vote (the ids of the proposal, check and vote, the people, the meeting's start)."""
    mufakat = site.ledger
    principal = mufakat.tokens.authenticate(site.facilitator_token)
    assert principal is not None
    start = (datetime.now(UTC) - timedelta(days=2)).replace(second=0, microsecond=0)

    def at(minutes: int) -> CommandContext:
        return CommandContext(principal=principal, occurred_at=start + timedelta(minutes=minutes))

    rules = DecisionRules(vote_fallback=True, vote_without_check=True)
    process_id = mufakat.processes.open(at(0), title, "", "35.07.12.2003", "Desa Sumberejo", "public", rules).id
    principal = queries.principal_of_token(mufakat, principal.token_record_id) or principal
    people = {
        name: mufakat.participants.register(at(1), process_id, name, group, None, None, None).id
        for name, group in (("Ibu Ratna Sari", "women"), ("Pak Darmo", "resident"), ("Mbak Yuni", "youth"))
    }
    meeting_id = mufakat.meetings.schedule(at(2), process_id, "Musyawarah Desa", start, "Balai Desa", None).id
    mufakat.meetings.open(at(3), meeting_id, list(people.values()))
    proposal_id = mufakat.proposals.submit(
        at(4), process_id, "Posyandu baru", "Bangunan posyandu di Dusun Krajan.", people["Ibu Ratna Sari"], meeting_id
    ).id
    check_id = mufakat.proposals.open_consensus_check(at(5), proposal_id, meeting_id).part_id
    vote_id = mufakat.proposals.open_vote(at(6), proposal_id, meeting_id).part_id
    assert check_id is not None and vote_id is not None
    return proposal_id, check_id, vote_id, people, start


def test_a_stance_and_a_ballot_typed_in_from_paper_are_recorded_at_the_time_given_in_the_process_zone(
    phone: Page, site: Site, watch: Watch
) -> None:
    proposal_id, check_id, vote_id, people, start = _village_on_paper(site, "Musdes Sumberejo (dari kertas)")
    sign_in(phone, site)
    phone.goto(f"{site.url}/console/usulan/{proposal_id}")
    stance_at = start + timedelta(minutes=30)
    ballot_at = start + timedelta(minutes=45)
    typed = lambda moment: (moment + WIB).strftime("%Y-%m-%dT%H:%M")  # noqa: E731 - the local time of the zone
    # The round's "happened at" names the zone; every tap of the round takes that time.
    check = phone.locator(".round", has=phone.locator(f"#check-{check_id}-when"))
    check.locator("details.round-when summary").click()
    expect(check.locator(f"label[for='check-{check_id}-when']")).to_contain_text("waktu WIB")
    phone.locator(f"#check-{check_id}-when").fill(typed(stance_at))
    check.locator("form.tap-row", has_text="Pak Darmo").get_by_role("button", name="Tidak setuju").click()
    expect(
        check.locator("form.tap-row", has_text="Pak Darmo").get_by_role("button", name="Tidak setuju")
    ).to_have_attribute("aria-pressed", "true")
    phone.wait_for_load_state("networkidle")  # the stance's refresh of the page is over before the vote is opened
    vote = phone.locator(".round", has=phone.locator(f"#vote-{vote_id}-when"))
    vote.locator("details.round-when summary").click()
    phone.locator(f"#vote-{vote_id}-when").fill(typed(ballot_at))
    vote.locator("form.tap-row", has_text="Mbak Yuni").get_by_role("button", name="Setuju", exact=True).click()
    expect(vote).to_contain_text("Mbak Yuni: sudah memilih")
    # The refreshes kept the typed times.
    expect(phone.locator(f"#check-{check_id}-when")).to_have_value(typed(stance_at))
    screenshot(phone, "console-back-dated-round")

    steps = list(site.ledger.repository.event_store.get(proposal_id))
    stance = next(s for s in steps if isinstance(s, Proposal.StanceTaken))
    ballot = next(s for s in steps if isinstance(s, Proposal.BallotCast))
    assert (stance.participant_id, stance.stance, stance.occurred_at) == (people["Pak Darmo"], "disagree", stance_at)
    assert (ballot.participant_id, ballot.occurred_at) == (people["Mbak Yuni"], ballot_at)
    assert watch.errors == []


def test_the_proposal_page_lists_what_was_said_and_a_decision_by_vote_reads_as_one(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch
) -> None:
    proposal_id, check_id, vote_id, people, start = _village_on_paper(site, "Musdes Sumberejo (keputusan)")
    mufakat = site.ledger
    principal = mufakat.tokens.authenticate(site.facilitator_token)
    assert principal is not None

    def at(minutes: int) -> CommandContext:
        return CommandContext(principal=principal, occurred_at=start + timedelta(minutes=minutes))

    mufakat.proposals.contribute(at(10), proposal_id, people["Pak Darmo"], "concern", "Lahannya masih sengketa.")
    objection = mufakat.proposals.raise_objection(at(11), proposal_id, people["Mbak Yuni"], "Lahan belum jelas.", True)
    assert objection.part_id is not None
    mufakat.proposals.resolve_objection(
        at(12), proposal_id, objection.part_id, "addressed", "Lahan diganti tanah kas desa."
    )
    mufakat.proposals.close_consensus_check(at(13), proposal_id, check_id)
    for minute, name in enumerate(people):
        mufakat.proposals.cast_ballot(at(14 + minute), proposal_id, vote_id, people[name], "yes")
    mufakat.proposals.close_vote(at(20), proposal_id, vote_id)
    mufakat.proposals.decide(at(21), proposal_id, "adopted", "vote", "Semua memilih ya.")

    page = new_context(bypass_csp=True).new_page()
    sign_in(page, site)
    page.goto(f"{site.url}/console/usulan/{proposal_id}")
    expect(page.locator("h1 + p .badge")).to_have_text("diterima melalui pemungutan suara")
    expect(page.locator("#decide-title + p")).to_have_text("diterima melalui pemungutan suara")
    expect(page.get_by_text("disepakati")).to_have_count(0)
    expect(page.locator("#contributions")).to_contain_text("Kekhawatiran · Pak Darmo")
    expect(page.locator("#contributions")).to_contain_text("Lahannya masih sengketa.")
    expect(page.locator(".objection")).to_contain_text("Bagaimana ditanggapi: Lahan diganti tanah kas desa.")
    screenshot(page, "console-proposal-decided-by-vote")
    assert _serious(page) == []
    assert watch.errors == []


def test_closing_a_meeting_with_a_proposal_still_open_asks_first(
    new_context: Callable[..., BrowserContext], site: Site, watch: Watch
) -> None:
    village = start_village(site, "Musyawarah Dusun Sumberejo (menutup)")
    page = new_context(bypass_csp=True).new_page()
    sign_in(page, site)
    page.goto(f"{site.url}/console/rapat/{village.meeting_id}")
    page.get_by_label("Notulen").fill("Usulan sumur bor dibahas, dilanjutkan pekan depan.")
    confirm = page.get_by_role("button", name="Ya, tutup rapat")
    expect(confirm).to_be_hidden()
    page.locator("details.confirm summary").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#close-undecided")).to_contain_text("Masih dibahas (1): Sumur bor untuk Dusun Krajan.")
    expect(confirm).to_be_visible()
    screenshot(page, "console-meeting-close-asks-first")
    assert _serious(page) == []
    assert "Closed" not in event_types(site, village.meeting_id)
    confirm.click()
    expect(page.get_by_role("heading", name="Berita acara")).to_be_visible()
    assert event_types(site, village.meeting_id)[-1] == "Closed"
    assert watch.errors == []

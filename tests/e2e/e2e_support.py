"""What the browser tests share: the served site, a watch on pages, signing in, screenshots."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from uuid import UUID

from flask import Flask
from playwright.sync_api import ConsoleMessage, Page, Request

from service.app import queries
from service.app.application import CommandContext, Mufakat
from service.app.sign_in_links import issue_sign_in_link
from service.http.current import current_mufakat

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


@dataclass
class Site:
    """The served application: its address, its ledger, and a token to sign in to the console with."""

    url: str
    app: Flask
    facilitator_token: str
    facilitator_name: str

    @property
    def ledger(self) -> Mufakat:
        """The ledger the server writes to (the same object: read-your-writes)."""
        with self.app.app_context():
            return current_mufakat()


@dataclass
class Watch:
    """What the pages of one browser context did that they should not: console errors, requests elsewhere."""

    errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    def page(self, page: Page) -> Page:
        """Watches a page."""
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        return page

    def _console(self, message: ConsoleMessage) -> None:
        # A request the browser could not send while a test holds it offline is the test's doing, not the page's.
        if message.type == "error" and "net::ERR_INTERNET_DISCONNECTED" not in message.text:
            self.errors.append(message.text)

    def request(self, request: Request) -> None:
        """Notes a request to anywhere but 127.0.0.1."""
        host = urlparse(request.url).hostname
        if request.url.startswith(("data:", "blob:")):
            return
        if host not in ("127.0.0.1", "localhost"):
            self.foreign_requests.append(request.url)


def sign_in(page: Page, site: Site) -> None:
    """Signs in to the console with the facilitator's token."""
    page.goto(f"{site.url}/console/masuk")
    page.get_by_label("Token akses Anda").fill(site.facilitator_token)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{site.url}/console/")


def sign_in_by_link(page: Page, site: Site) -> str:
    """Signs the phone in to the console by a one-time link an admin made for the facilitator's token (as the
    admin's token page makes it, with its QR code): the phone opens the link and taps "Masuk", typing no secret.
    The link, which signs nobody in a second time."""
    with site.app.app_context():
        ledger = site.ledger
        _, admin_secret = ledger.tokens.issue("admin", "Admin Kabupaten", [])
        admin = ledger.tokens.authenticate(admin_secret)
        facilitator = ledger.tokens.authenticate(site.facilitator_token)
        assert admin is not None and facilitator is not None and facilitator.token_record_id is not None
        made = issue_sign_in_link(ledger, CommandContext(principal=admin), facilitator.token_record_id)
    link = f"{site.url}/console/masuk/tautan?kunci={made.secret}"
    page.goto(link)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{site.url}/console/")
    return link


#: axe-core's WCAG 2.1 A/AA rules, each violation with its impact and first three places.
AXE_RUN = """() => axe.run(document, {resultTypes: ["violations"],
                              runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
  .then(result => result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                               nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 3)})))"""


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """The serious and critical accessibility violations axe finds on the page (the page's CSP must allow the
    injected script: open it in a context with `bypass_csp=True`)."""
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(AXE_RUN)
    return [violation for violation in found if violation["impact"] in ("serious", "critical")]


def screenshot(page: Page, name: str) -> Path:
    """Saves a full-page screenshot under tests/artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def event_types(site: Site, aggregate_id: UUID | str) -> list[str]:
    """The kinds of event stored for one aggregate, in order."""
    stored = site.ledger.recorder.select_events(UUID(str(aggregate_id)))
    return [record.topic.rsplit(".", 1)[-1] for record in stored]


@dataclass
class Village:
    """A public process recorded straight through the ledger: three people at an open meeting, a proposal
    under a consensus check (and, when asked, decided with a commitment)."""

    process_id: UUID
    people: dict[str, UUID]
    meeting_id: UUID
    proposal_id: UUID
    check_id: UUID


def start_village(site: Site, title: str, decide: bool = False) -> Village:
    """Records a village's musyawarah up to an open consensus check (or to a decision with a commitment)."""
    from datetime import UTC, date, datetime

    from domain.rules import DecisionRules
    from service.app.application import CommandContext

    mufakat = site.ledger
    principal = mufakat.tokens.authenticate(site.facilitator_token)
    assert principal is not None
    context = CommandContext(principal=principal)
    process_id = mufakat.processes.open(
        context, title, "", "35.07.12.2003", "Desa Sumberejo", "public", DecisionRules()
    ).id
    context = CommandContext(principal=queries.principal_of_token(mufakat, principal.token_record_id) or principal)
    people = {}
    for name, group, gender in (
        ("Ibu Wartini Lestari", "women", "female"),
        ("Pak Slamet Riyadi", "resident", "male"),
        ("Mas Bayu Pratama", "youth", "male"),
    ):
        people[name] = mufakat.participants.register(context, process_id, name, group, gender, None, None).id
    meeting_id = mufakat.meetings.schedule(
        context, process_id, "Musyawarah Dusun", datetime(2027, 2, 1, 2, 0, tzinfo=UTC), "Balai Dusun", None
    ).id
    mufakat.meetings.open(context, meeting_id, list(people.values()))
    first = next(iter(people.values()))
    proposal_id = mufakat.proposals.submit(
        context, process_id, "Sumur bor untuk Dusun Krajan", "Satu sumur bor di dekat masjid.", first, meeting_id
    ).id
    check_id = mufakat.proposals.open_consensus_check(context, proposal_id, meeting_id).part_id
    assert check_id is not None
    if decide:
        for person in people.values():
            mufakat.proposals.take_stance(context, proposal_id, check_id, person, "agree", None)
        mufakat.proposals.close_consensus_check(context, proposal_id, check_id)
        mufakat.proposals.decide(context, proposal_id, "adopted", "consensus", "Semua setuju.")
        commitment = mufakat.commitments.make(
            context, proposal_id, "Kaur Pembangunan", "Sumur bor selesai", date(2027, 6, 30), ["debit air"]
        )
        mufakat.commitments.report_progress(context, commitment.id, 30, "Pengeboran dimulai.", None)
    return Village(process_id, people, meeting_id, proposal_id, check_id)

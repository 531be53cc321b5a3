"""What the browser tests share: the served site, a watch on pages, signing in, screenshots."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse
from uuid import UUID

from flask import Flask
from playwright.sync_api import ConsoleMessage, Page, Request

from service.application import Mufakat
from service.web import ledger

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
            return ledger()


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
        if message.type == "error":
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

"""Fixtures of the browser tests: the app served on 127.0.0.1 from a temporary SQLite file, Debian's Chromium
driven by Playwright at phone size, and a watch on every page for console errors and requests leaving localhost.

Playwright's own browser download does not work here: the tests drive `/usr/bin/chromium` (`.ci/run` installs
the Debian package when it is missing). Without it they are skipped, except when `CI=true`, where they fail.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_support import Site, Watch
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright
from werkzeug.serving import BaseWSGIServer, make_server

from service.adapters.storage import persistence_settings
from service.http.app_factory import create_app
from service.http.current import current_mufakat

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 360, "height": 760}
#: Generous for a machine shared with other test runs; a passing step takes well under a second.
expect.set_options(timeout=10_000)


def serve_site(folder: Path) -> Iterator[Site]:
    """The whole application (API, portal, console) on a ledger in `folder`, served by werkzeug on a free port of
    127.0.0.1, with a facilitator's token to sign in with."""
    app = create_app(
        {
            "MUFAKAT_LEDGER_ENV": persistence_settings(f"sqlite:///{folder / 'mufakat.db'}"),
            "SECRET_KEY": os.urandom(16).hex(),
            "MUFAKAT_SECRET_KEY_FILE": str(folder / "signing.key"),
        }
    )
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with app.app_context():
        name = "Fasilitator Rahasia Uji"
        _, secret = current_mufakat().tokens.issue("facilitator", name, [])
    yield Site(f"http://127.0.0.1:{server.server_port}", app, secret, name)
    server.shutdown()
    thread.join(timeout=5)
    opened = app.extensions.get("mufakat")
    if opened is not None:
        opened.close()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The site the browser tests share (one ledger for the session)."""
    yield from serve_site(tmp_path_factory.mktemp("e2e"))


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    """Playwright, once per run."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI=true requires the browser tests to run", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    launched = playwright_session.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=["--disable-gpu", "--disable-extensions", "--no-first-run"]
    )
    yield launched
    launched.close()


@pytest.fixture
def watch() -> Watch:
    """A fresh watch for one test."""
    return Watch()


@pytest.fixture
def new_context(browser: Browser, watch: Watch) -> Iterator[Callable[..., BrowserContext]]:
    """Makes phone-sized browser contexts whose pages are watched; every one is closed afterwards."""
    made: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(viewport=PHONE, locale="id-ID", **options)
        context.on("request", watch.request)
        context.on("page", watch.page)
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture
def phone(new_context: Callable[..., BrowserContext]) -> Page:
    """A page in a phone-sized browser (360 px wide), Indonesian by default."""
    return new_context().new_page()

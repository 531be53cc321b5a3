"""Fixtures of the read-model tests: a ledger and its web app on a database of the test's own.

Tests are written once in contract classes; a subclass picks the database by
overriding `database_url` (SQLite by default, PostgreSQL with the top-level
`postgres_database_url` fixture).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.http.app_factory import create_app
from service.http.current import current_mufakat

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def database_url(sqlite_database_url: str) -> str:
    """Where the ledger is stored (a contract's PostgreSQL subclass overrides this)."""
    return sqlite_database_url


@pytest.fixture
def web(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The web application on the test's database, signing with a key in the test's own folder."""
    application = create_app(
        {
            "TESTING": True,
            "MUFAKAT_LEDGER_ENV": persistence_settings(database_url),
            "MUFAKAT_SECRET_KEY_FILE": str(tmp_path / "mufakat-signing.key"),
        }
    )
    yield application
    opened = application.extensions.get("mufakat")
    if opened is not None:
        opened.close()


@pytest.fixture
def the_ledger(web: Flask) -> Mufakat:
    """The web application's own ledger: stories recorded through it show in its answers."""
    with web.app_context():
        return current_mufakat()


@pytest.fixture
def client(web: Flask) -> FlaskClient:
    """A test client of the web application."""
    return web.test_client()


@pytest.fixture
def bearer(the_ledger: Mufakat) -> Callable[..., dict[str, str]]:
    """The Authorization header of a new token with this role (and these processes)."""

    def issue(role: str, processes: tuple[UUID, ...] = ()) -> dict[str, str]:
        _, secret = the_ledger.tokens.issue(role, f"Uji {role}", list(processes))
        return {"Authorization": f"Bearer {secret}"}

    return issue

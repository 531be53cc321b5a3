"""Fixtures of the HTTP tests: the app on a database of the test's own (SQLite and PostgreSQL), a client, tokens.

`Caller` wraps the Flask test client with a bearer token, so a test reads as
who does what: `facilitator.post(...)`, `partner.get(...)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient
from http_callers import Caller, Village, adopt_by_consensus, start_village

from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.http.app_factory import create_app
from service.http.current import current_mufakat


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Every HTTP test runs twice: on a fresh SQLite file and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_database_url"))
    return str(request.getfixturevalue("postgres_database_url"))


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """The web application on a fresh database of this test's own."""
    application = create_app({"TESTING": True, "MUFAKAT_LEDGER_ENV": persistence_settings(database_url)})
    yield application
    opened = application.extensions.get("mufakat")
    if opened is not None:
        opened.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the application."""
    return app.test_client()


@pytest.fixture
def the_ledger(app: Flask) -> Mufakat:
    """The application's own ledger (to count events, issue tokens the way the CLI does)."""
    with app.app_context():
        return current_mufakat()


@pytest.fixture
def token_for(the_ledger: Mufakat) -> Callable[..., str]:
    """Issues a token the way `mufakat token create` does; returns its secret."""

    def issue(role: str, name: str = "Penguji", processes: tuple[UUID | str, ...] = ()) -> str:
        _, secret = the_ledger.issue_token(role, name, [UUID(str(p)) for p in processes])
        return secret

    return issue


@pytest.fixture
def caller(client: FlaskClient) -> Callable[[str | None], Caller]:
    """A caller with this secret (None: anonymous)."""
    return lambda secret: Caller(client, secret)


@pytest.fixture
def admin(client: FlaskClient, token_for: Callable[..., str]) -> Caller:
    """An administrator."""
    return Caller(client, token_for("admin", "Admin Kabupaten"))


@pytest.fixture
def facilitator(client: FlaskClient, token_for: Callable[..., str]) -> Caller:
    """A facilitator (fasilitator pemberdayaan masyarakat), who holds what it opens."""
    return Caller(client, token_for("facilitator", "Pendamping Desa Sukamaju"))


@pytest.fixture
def auditor(client: FlaskClient, token_for: Callable[..., str]) -> Caller:
    """An auditor (inspektorat)."""
    return Caller(client, token_for("auditor", "Inspektorat Kabupaten"))


@pytest.fixture
def partner(client: FlaskClient, token_for: Callable[..., str]) -> Caller:
    """A government partner (Bappeda) with no grants."""
    return Caller(client, token_for("partner", "Bappeda Kabupaten"))


@pytest.fixture
def anonymous(client: FlaskClient) -> Caller:
    """The public, without a token."""
    return Caller(client, None)


@pytest.fixture
def village(facilitator: Caller) -> Village:
    """A public process under way, held by the `facilitator`."""
    return start_village(facilitator)


@pytest.fixture
def adopt(facilitator: Caller) -> Callable[[Village], dict[str, Any]]:
    """Adopts a village's proposal by consensus; answers with the decided proposal."""
    return lambda village: adopt_by_consensus(facilitator, village)

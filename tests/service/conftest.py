"""Fixtures of the HTTP tests: the app on a database of the test's own (SQLite and PostgreSQL), a client, tokens.

`Caller` wraps the Flask test client with a bearer token, so a test reads as
who does what: `facilitator.post(...)`, `partner.get(...)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
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

STORES_OF_EVERY_TEST = ["sqlite"]
STORES_OF_STORAGE_SENSITIVE_TESTS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Which stores an HTTP test runs on: both when marked `both_stores`, SQLite alone otherwise.

    Storage-sensitive tests (durability, concurrency and idempotency races, forgetting and redaction on disk,
    proofs, read models, SQL that differs by dialect) carry `pytest.mark.both_stores`; a test whose body only
    exercises validation, wording, access rules or pages gives the same answer on either store. A test that
    parametrises `database_url` itself keeps its own choice.
    """
    if "database_url" not in metafunc.fixturenames:
        return
    if any("database_url" in str(marker.args[0]) for marker in metafunc.definition.iter_markers("parametrize")):
        return
    both = metafunc.definition.get_closest_marker("both_stores") is not None
    stores = STORES_OF_STORAGE_SENSITIVE_TESTS if both else STORES_OF_EVERY_TEST
    metafunc.parametrize("database_url", stores, indirect=True)


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> str:
    """A fresh ledger of this test's own: an SQLite file or, for `both_stores` tests, also a PostgreSQL database.

    Its tables exist already (copied from a template made once per run) and hold no row.
    """
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_ledger_url"))
    return str(request.getfixturevalue("postgres_ledger_url"))


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The web application on a fresh database of this test's own, signing with a key in the test's own folder
    (never `mufakat-signing.key` in the working directory, the repository)."""
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
        _, secret = the_ledger.tokens.issue(role, name, [UUID(str(p)) for p in processes])
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

"""Fixtures for the audit tests: a ledger on the database each test class names (`database_url`).

Each test class provides `database_url` (SQLite file or a fresh PostgreSQL
database); these fixtures build the ledger, the raw tables and the signing key on it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from audit_support import RawLog, SealedTemplate, build_template
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.audit.signing import load_or_create_signing_key


@pytest.fixture
def env(database_url: str) -> dict[str, str]:
    """The ledger's persistence settings."""
    return persistence_settings(database_url)


@pytest.fixture
def open_ledger(env: dict[str, str]) -> Iterator[Callable[[], Mufakat]]:
    """Opens ledgers on the test's database; closes them all afterwards."""
    opened: list[Mufakat] = []

    def open_() -> Mufakat:
        ledger = Mufakat(env=env)
        opened.append(ledger)
        return ledger

    yield open_
    for ledger in opened:
        ledger.close()


@pytest.fixture
def ledger(open_ledger: Callable[[], Mufakat]) -> Mufakat:
    """The ledger on the test's database."""
    return open_ledger()


@pytest.fixture
def raw(database_url: str) -> RawLog:
    """The stored tables, edited directly."""
    return RawLog(database_url)


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    """Where the service's signing key is kept in this test."""
    return tmp_path / "mufakat-signing.key"


@pytest.fixture
def service_key(key_file: Path) -> Ed25519PrivateKey:
    """The service's signing key."""
    return load_or_create_signing_key(key_file)


@pytest.fixture(scope="session")
def sqlite_sealed_template(tmp_path_factory: pytest.TempPathFactory) -> SealedTemplate:
    """The sealed log on an SQLite file (checkpointed, so the file alone holds it)."""
    directory = tmp_path_factory.mktemp("sealed-sqlite")
    template = build_template("sqlite:///" + str(directory / "template.db"), directory / "signing.key")
    connection = sqlite3.connect(directory / "template.db")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return template


@pytest.fixture(scope="session")
def postgres_sealed_template(
    create_postgres_database: Callable[[], str], tmp_path_factory: pytest.TempPathFactory
) -> SealedTemplate:
    """The sealed log in a PostgreSQL database used as a template for each test's own copy."""
    directory = tmp_path_factory.mktemp("sealed-postgres")
    return build_template(create_postgres_database(), directory / "signing.key")

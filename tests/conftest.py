"""Fixtures shared by every kind of test: a database of the test's own, on SQLite or PostgreSQL.

PostgreSQL tests use the server on 127.0.0.1:5432 (user `postgres`, trust
authentication). Each gets a freshly created database with a unique name,
dropped afterwards; nothing is ever written to a shared database. When
`CI=true` a missing server fails the run: CI must never pass by skipping them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest
from psycopg import sql

POSTGRES_HOST = "127.0.0.1"
POSTGRES_PORT = 5432
POSTGRES_USER = "postgres"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _maintenance_connection() -> psycopg.Connection:
    return psycopg.connect(
        host=POSTGRES_HOST,
        port=POSTGRES_PORT,
        user=POSTGRES_USER,
        dbname="postgres",
        connect_timeout=3,
        autocommit=True,
    )


@pytest.fixture(scope="session")
def postgres_server() -> None:
    """The PostgreSQL server answers; otherwise skip (or fail when CI=true)."""
    try:
        with _maintenance_connection() as connection:
            connection.execute("SELECT 1")
    except psycopg.OperationalError as error:
        cause = (str(error).strip().splitlines() or [type(error).__name__])[0]
        reason = f"PostgreSQL does not answer on {POSTGRES_HOST}:{POSTGRES_PORT} as user {POSTGRES_USER} ({cause})"
        if _in_ci():
            pytest.fail(f"{reason}; CI=true requires the PostgreSQL tests to run", pytrace=False)
        pytest.skip(f"{reason}; start it to run the PostgreSQL tests")


@pytest.fixture(scope="session")
def create_postgres_database(postgres_server: None) -> Iterator[Callable[[], str]]:
    """Makes fresh databases on demand (`createdb` with a unique name); drops them all at the end."""
    created: list[str] = []

    def create() -> str:
        name = f"mufakat_test_{os.getpid()}_{uuid4().hex[:12]}"
        with _maintenance_connection() as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        created.append(name)
        return f"postgresql://{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"

    yield create
    with _maintenance_connection() as connection:
        for name in created:
            # FORCE: a pool the test forgot to close must not keep the database alive.
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def postgres_database_url(create_postgres_database: Callable[[], str]) -> Iterator[str]:
    """A fresh, empty PostgreSQL database of this test's own, dropped afterwards."""
    url = create_postgres_database()
    yield url
    name = url.rsplit("/", 1)[1]
    with _maintenance_connection() as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def sqlite_database_url(tmp_path: Path) -> str:
    """A fresh SQLite file in this test's own temporary directory."""
    return "sqlite:///" + str(tmp_path / "mufakat.db")

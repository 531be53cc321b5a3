"""The test suite's own machinery: which store an HTTP test runs on, ledgers copied from a template, databases
dropped in the background, and the Hypothesis profile CI uses."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest
from hypothesis import settings
from hypothesis_budget import MINIMUM, chosen_profile, examples, load_chosen_profile
from psycopg import sql

from service.adapters.key_file import key_file_path
from service.adapters.storage import persistence_settings
from service.app.application import Mufakat

REPOSITORY = Path(__file__).resolve().parents[2]
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def _collected(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-n", "0", "-p", "no:cacheprovider", *arguments],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTEST_ADDOPTS": ""},
    )


def test_only_storage_sensitive_http_tests_run_on_postgresql_and_every_http_test_runs_on_sqlite() -> None:
    tokens = _collected("tests/service/test_http_tokens.py").stdout
    assert "test_the_token_list_is_paged_by_a_cursor[postgresql]" in tokens  # marked both_stores
    assert "test_the_token_list_is_paged_by_a_cursor[sqlite]" in tokens
    assert "test_only_an_admin_lists_tokens[sqlite]" in tokens  # access rules only: SQLite alone
    assert "test_only_an_admin_lists_tokens[postgresql]" not in tokens
    unmarked_on_postgres = _collected("tests/service", "-m", "postgres and not both_stores")
    assert unmarked_on_postgres.returncode == 5, unmarked_on_postgres.stdout[-2000:]  # 5: none collected


def _sqlite_tables(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        names = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        counts = {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}
    connection.close()
    return counts


def test_a_copied_sqlite_ledger_holds_the_tables_of_a_new_ledger_and_no_row(
    sqlite_ledger_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    new = tmp_path_factory.mktemp("new-ledger") / "mufakat.db"
    Mufakat(env=persistence_settings(f"sqlite:///{new}")).close()
    copied = Path(sqlite_ledger_url.removeprefix("sqlite:///"))
    for made, copy in ((new, copied), (key_file_path(str(new)), key_file_path(str(copied)))):
        tables = _sqlite_tables(copy)
        assert tables.keys() == _sqlite_tables(made).keys() and tables
        assert set(tables.values()) == {0}
    assert stat.S_IMODE(key_file_path(str(copied)).stat().st_mode) == 0o600


def _postgres_tables(url: str) -> dict[str, int]:
    with psycopg.connect(url) as connection:
        names = [row[0] for row in connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {
            name: connection.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name))).fetchone()[0]
            for name in names
        }


@pytest.mark.postgres
def test_a_postgresql_ledger_from_the_template_holds_the_tables_of_a_new_ledger_and_no_row(
    postgres_ledger_url: str, postgres_database_url: str
) -> None:
    Mufakat(env=persistence_settings(postgres_database_url)).close()
    copied = _postgres_tables(postgres_ledger_url)
    assert copied.keys() == _postgres_tables(postgres_database_url).keys() and copied
    assert set(copied.values()) == {0}


@pytest.mark.postgres
@pytest.mark.postgres_server_to_itself
def test_a_test_that_needs_a_server_to_itself_gets_its_databases_on_its_workers_own_server(
    postgres_database_url: str, postgres_ledger_url: str
) -> None:
    own_server = postgres_database_url.rsplit("/", 1)[0]
    assert postgres_ledger_url.rsplit("/", 1)[0] == own_server
    assert not own_server.endswith(":5432")  # not the shared server
    with psycopg.connect(f"{own_server}/postgres", autocommit=True) as connection:
        databases = {
            row[0] for row in connection.execute("SELECT datname FROM pg_database WHERE NOT datistemplate").fetchall()
        }
    # Nobody else's database, so nobody else's transaction: only this test's two and the server's own.
    assert databases == {"postgres", *(url.rsplit("/", 1)[1] for url in (postgres_database_url, postgres_ledger_url))}
    tables = _postgres_tables(postgres_ledger_url)
    assert tables and set(tables.values()) == {0}  # the ledger's tables, no row
    assert _postgres_tables(postgres_database_url) == {}  # empty


def _exists(name: str) -> bool:
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


@pytest.mark.postgres
def test_a_database_handed_over_is_dropped_in_the_background(background_drops: object) -> None:
    name = f"mufakat_test_{os.getpid()}_{uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    with psycopg.connect(ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"):  # a connection left open does not keep it
        background_drops.drop(name)  # type: ignore[attr-defined]
        background_drops.wait()  # type: ignore[attr-defined]
    assert not _exists(name)


def test_ci_uses_the_light_hypothesis_profile_and_a_profile_named_by_hand_wins() -> None:
    assert chosen_profile({"CI": "true"}) == "ci"
    assert chosen_profile({}) == "full"
    assert chosen_profile({"CI": "true", "HYPOTHESIS_PROFILE": "full"}) == "full"
    assert settings.get_profile("ci").max_examples < settings.get_profile("full").max_examples


def test_a_tests_own_number_of_examples_is_scaled_by_the_profile() -> None:
    share = settings.get_profile("ci").max_examples / settings.get_profile("full").max_examples
    try:
        settings.load_profile("full")
        assert examples(300) == 300
        settings.load_profile("ci")
        assert examples(300) == round(300 * share) < 300
        assert examples(1) == MINIMUM
    finally:
        load_chosen_profile()

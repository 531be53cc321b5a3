"""Fixtures shared by every kind of test: a database of the test's own, on SQLite or PostgreSQL.

PostgreSQL tests use the server on 127.0.0.1:5432 (user `postgres`, trust
authentication). Each gets a freshly created database with a unique name,
dropped afterwards; nothing is ever written to a shared database. When
`CI=true` a missing server fails the run: CI must never pass by skipping them.

Two kinds of fresh database: an empty one (`postgres_database_url`,
`sqlite_database_url`), for tests about what opening a new database does, and one
whose ledger tables exist already (`postgres_ledger_url`, `sqlite_ledger_url`),
copied from a template made once per run (PostgreSQL: `CREATE DATABASE ...
TEMPLATE`; SQLite: a copy of a prepared file and its key file). The copy holds no
row, so a test sees exactly what a ledger opened on a new database sees, without
paying for creating a dozen tables each time. Template databases are dropped
with the run's other databases.

Hypothesis: the profile `ci` (chosen when `CI=true`) tries a quarter of the
examples of `full` (the default otherwise); `HYPOTHESIS_PROFILE=full` picks one
by hand. Tests that name their own `max_examples` scale it with
`hypothesis_budget.examples`.
"""

from __future__ import annotations

import os
import queue
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest
from hypothesis_budget import load_chosen_profile
from private_postgres import PrivatePostgres, free_port, postgres_binaries_missing, private_folder
from psycopg import sql

from service.adapters.key_file import key_file_path
from service.adapters.storage import persistence_settings
from service.app.application import Mufakat

POSTGRES_HOST = "127.0.0.1"
POSTGRES_PORT = 5432
POSTGRES_USER = "postgres"

load_chosen_profile()  # `ci` when CI=true, `full` otherwise; HYPOTHESIS_PROFILE names one by hand
_RUN_STATE_HOME = tempfile.mkdtemp(prefix="mufakat-test-state-")


def pytest_configure(config: pytest.Config) -> None:
    """The service seals checkpoints by itself in each worker; the tests' apps and servers do not unless a test
    asks in its app's config (counting checkpoints stays each test's business, and no thread runs for nothing).

    The data folder of every app, command and server the tests start is in a state folder of the run's own,
    never the user's `~/.local/state/mufakat`; it is removed at the end of the run.
    """
    for name in ("MUFAKAT_CHECKPOINT_EVERY", "MUFAKAT_CHECKPOINT_AFTER_DECISION"):
        os.environ.setdefault(name, "0")
    os.environ["XDG_STATE_HOME"] = _RUN_STATE_HOME


def pytest_unconfigure(config: pytest.Config) -> None:
    """Removes the run's state folder (`pytest_configure`)."""
    shutil.rmtree(_RUN_STATE_HOME, ignore_errors=True)


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
    for name in created:
        _drop_postgres_database(name)


class BackgroundDrops:
    """Drops the databases of finished tests on a thread of its own, while the next tests run.

    A `DROP DATABASE` takes about a second on a busy disk; the tests that follow need none of it.
    `finish` waits until every database handed over is gone (the end of the run).
    """

    def __init__(self) -> None:
        self._names: queue.Queue[str | None] = queue.Queue()
        self._failures: list[str] = []
        self._thread = threading.Thread(target=self._drop_each, name="drop-test-databases", daemon=True)
        self._thread.start()

    def drop(self, name: str) -> None:
        """Hands the database over to be dropped soon."""
        self._names.put(name)

    def _drop_each(self) -> None:
        while (name := self._names.get()) is not None:
            try:
                _drop_postgres_database(name)
            except psycopg.Error as error:
                self._failures.append(f"{name}: {error}")
            finally:
                self._names.task_done()

    def wait(self) -> None:
        """Waits until every database handed over so far is dropped."""
        self._names.join()

    def finish(self) -> list[str]:
        """Waits until every database handed over is dropped; the ones that could not be, with why."""
        self._names.put(None)
        self._thread.join()
        return self._failures


@pytest.fixture(scope="session")
def background_drops(postgres_server: None) -> Iterator[BackgroundDrops]:
    """Drops finished tests' databases in the background; at the end of the run, waits until all are gone."""
    drops = BackgroundDrops()
    yield drops
    failures = drops.finish()
    assert not failures, f"test databases left behind: {failures}"


@pytest.fixture
def postgres_database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty PostgreSQL database of this test's own, dropped afterwards (on the worker's own server
    when the test is marked `postgres_server_to_itself`)."""
    if _needs_a_server_to_itself(request):
        yield from _database_on_the_workers_own_server(request, with_ledger_tables=False)
        return
    background_drops: BackgroundDrops = request.getfixturevalue("background_drops")
    url = request.getfixturevalue("create_postgres_database")()
    yield url
    background_drops.drop(url.rsplit("/", 1)[1])


@pytest.fixture
def sqlite_database_url(tmp_path: Path) -> str:
    """A fresh SQLite file in this test's own temporary directory."""
    return "sqlite:///" + str(tmp_path / "mufakat.db")


def _create_ledger_tables(database_url: str) -> None:
    """Opens a ledger on the database (which creates its tables) and closes it again, leaving no row."""
    Mufakat(env=persistence_settings(database_url)).close()


def _drop_postgres_database(name: str) -> None:
    with _maintenance_connection() as connection:
        # FORCE: a pool the test forgot to close must not keep the database alive.
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def postgres_ledger_template(create_postgres_database: Callable[[], str]) -> str:
    """The name of a PostgreSQL database holding the ledger's empty tables, made once per run (dropped with the
    run's other databases) for `CREATE DATABASE ... TEMPLATE`."""
    url = create_postgres_database()
    _create_ledger_tables(url)
    return url.rsplit("/", 1)[1]


@pytest.fixture
def postgres_ledger_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh PostgreSQL database of this test's own with the ledger's tables and no row, dropped afterwards
    (on the worker's own server when the test is marked `postgres_server_to_itself`)."""
    if _needs_a_server_to_itself(request):
        yield from _database_on_the_workers_own_server(request, with_ledger_tables=True)
        return
    template: str = request.getfixturevalue("postgres_ledger_template")
    background_drops: BackgroundDrops = request.getfixturevalue("background_drops")
    name = f"mufakat_test_{os.getpid()}_{uuid4().hex[:12]}"
    with _maintenance_connection() as connection:
        connection.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
        )
    yield f"postgresql://{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"
    background_drops.drop(name)


def _needs_a_server_to_itself(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("postgres_server_to_itself") is not None


@pytest.fixture(scope="session")
def workers_own_postgres_server(postgres_server: None) -> Iterator[PrivatePostgres]:
    """A PostgreSQL server of this pytest process's own (under xdist, of this worker's own), started the first
    time a test marked `postgres_server_to_itself` asks for a database, removed at the end of the run.

    Those tests prove that a deleted row left the files. `VACUUM FULL` keeps a dead row while any transaction
    holding a transaction id, in any database of the server, began before the delete (ids and snapshots are
    server-wide), so on the shared server the proof would wait on whatever the other worker, or another
    developer's run, is writing. Here only the one test running writes. fsync is off: the tests read the files
    through the server's own checkpoint, never after a crash.
    """
    reason = postgres_binaries_missing()
    if reason is not None:
        if _in_ci():
            pytest.fail(f"{reason}; CI=true requires the PostgreSQL tests to run", pytrace=False)
        pytest.skip(reason)
    server = PrivatePostgres(private_folder(), free_port(), durable=False)
    try:
        server.initialise()
        server.start()
        yield server
    finally:
        server.remove()


def _database_on_the_workers_own_server(request: pytest.FixtureRequest, with_ledger_tables: bool) -> Iterator[str]:
    server: PrivatePostgres = request.getfixturevalue("workers_own_postgres_server")
    name = f"mufakat_test_{uuid4().hex[:12]}"
    with psycopg.connect(server.url, autocommit=True, connect_timeout=3) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = server.database_url(name)
    if with_ledger_tables:
        _create_ledger_tables(url)
    yield url
    with psycopg.connect(server.url, autocommit=True, connect_timeout=3) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def sqlite_ledger_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite ledger file (and its key file) holding the ledger's empty tables, made once per run."""
    ledger = tmp_path_factory.mktemp("ledger-template") / "mufakat.db"
    _create_ledger_tables("sqlite:///" + str(ledger))
    for path in (ledger, key_file_path(str(ledger))):
        with sqlite3.connect(path) as connection:  # the file alone holds everything: nothing left in a WAL
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
    return ledger


@pytest.fixture
def sqlite_ledger_url(sqlite_ledger_template: Path, tmp_path: Path) -> str:
    """A fresh SQLite ledger of this test's own with the ledger's tables and no row: a copy of the template."""
    ledger = tmp_path / "mufakat.db"
    shutil.copyfile(sqlite_ledger_template, ledger)
    # copy, not copyfile: the key file keeps its owner-only mode (0600).
    shutil.copy(key_file_path(str(sqlite_ledger_template)), key_file_path(str(ledger)))
    return "sqlite:///" + str(ledger)

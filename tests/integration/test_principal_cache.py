"""A worker keeps the principals of the tokens it has seen, and never one a token write on any worker changed:
two `Mufakat` on one store stand for two gunicorn workers (or a worker and the command line).

`PrincipalCacheContract` holds what both stores promise (a revoked, regranted or expired token is refused or
read anew at once); the SQLite class adds what its counter file promises (a kept principal costs no query,
a writer that died mid-write or a deleted counter file turns the cache off, never stale).
"""

from __future__ import annotations

import cProfile
import os
import pstats
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.rules import DecisionRules
from service.adapters.storage import persistence_settings
from service.app import queries
from service.app.access import Principal
from service.app.application import CommandContext, Mufakat

#: The calls that send one statement to the database (as bench/profile_contribution.py counts them).
_STATEMENTS = (
    "<method 'execute' of 'sqlite3.Cursor' objects>",
    "<method 'executemany' of 'sqlite3.Cursor' objects>",
    "<method 'execute' of 'sqlite3.Connection' objects>",
)


def statements_sent(run: Callable[[], object]) -> int:
    """How many SQL statements `run` sends (SQLite's own calls, psycopg's cursor `execute`)."""
    profile = cProfile.Profile()
    profile.enable()
    run()
    profile.disable()
    entries = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    return sum(
        entry[1]
        for (filename, _, name), entry in entries.items()
        if name in _STATEMENTS or (filename.endswith(os.path.join("psycopg", "cursor.py")) and name == "execute")
    )


def authenticated(worker: Mufakat, secret: str) -> Principal:
    """The token's principal on this worker; fails the test when it is refused."""
    principal = worker.tokens.authenticate(secret)
    assert principal is not None, "the token should authenticate"
    return principal


class PrincipalCacheContract:
    """What a worker's kept principals promise on every store."""

    @pytest.fixture
    def database_url(self) -> str:
        raise NotImplementedError

    @pytest.fixture
    def workers(self, database_url: str) -> Iterator[tuple[Mufakat, Mufakat]]:
        """Two workers on one store."""
        first = Mufakat(env=persistence_settings(database_url))
        second = Mufakat(env=persistence_settings(database_url))
        yield first, second
        second.close()
        first.close()

    @pytest.fixture
    def admin(self, workers: tuple[Mufakat, Mufakat]) -> CommandContext:
        token, _ = workers[0].tokens.issue("admin", "Admin Kabupaten", [])
        return CommandContext(principal=token.principal())

    def test_a_token_revoked_on_one_worker_is_refused_by_the_other_that_kept_it(
        self, workers: tuple[Mufakat, Mufakat], admin: CommandContext
    ) -> None:
        first, second = workers
        token, secret = first.tokens.issue("facilitator", "Pendamping Desa", [])
        for _ in range(3):  # the second worker read it, and keeps it
            authenticated(second, secret)

        first.tokens.revoke(admin, token.id)

        assert second.tokens.authenticate(secret) is None
        assert first.tokens.authenticate(secret) is None

    def test_a_process_granted_on_one_worker_is_in_the_principal_the_other_kept(
        self, workers: tuple[Mufakat, Mufakat]
    ) -> None:
        first, second = workers
        _, secret = first.tokens.issue("facilitator", "Pendamping Desa", [])
        facilitator = authenticated(second, secret)
        assert facilitator.processes == frozenset()

        # The facilitator opens a process on the first worker: its token now holds that process.
        opened = first.processes.open(
            CommandContext(principal=authenticated(first, secret)),
            "Musyawarah Desa Sukamaju",
            "",
            "33.02.10.2001",
            "Desa Sukamaju",
            "restricted",
            DecisionRules(),
        )

        assert authenticated(second, secret).processes == frozenset({opened.id})
        assert authenticated(second, secret).may_write(opened.id)

    def test_a_kept_token_is_refused_once_it_expires_though_nothing_was_written(
        self, workers: tuple[Mufakat, Mufakat]
    ) -> None:
        first, second = workers
        now = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
        second.clock = lambda: now
        _, secret = first.tokens.issue("partner", "Mitra LSM", [], expires_at=now + timedelta(hours=1))
        authenticated(second, secret)

        second.clock = lambda: now + timedelta(minutes=59)
        assert second.tokens.authenticate(secret) is not None
        second.clock = lambda: now + timedelta(hours=1)
        assert second.tokens.authenticate(secret) is None

    def test_a_token_issued_on_one_worker_works_on_the_other_at_once(self, workers: tuple[Mufakat, Mufakat]) -> None:
        first, second = workers
        _, secret = first.tokens.issue("auditor", "Inspektorat", [])

        assert authenticated(second, secret).role == "auditor"

    def test_an_unknown_secret_is_refused_and_kept_by_nobody(self, workers: tuple[Mufakat, Mufakat]) -> None:
        _, second = workers
        assert second.tokens.authenticate("mfk_no-such-token") is None
        assert len(second.tokens.principals) == 0


class TestPrincipalCacheOnSQLite(PrincipalCacheContract):
    """One SQLite file, its counter file beside it."""

    @pytest.fixture
    def database_url(self, sqlite_ledger_url: str) -> str:
        return sqlite_ledger_url

    def test_no_request_that_begins_after_a_revocation_was_answered_is_accepted_while_threads_keep_reading(
        self, workers: tuple[Mufakat, Mufakat], admin: CommandContext
    ) -> None:
        first, second = workers
        accepted_after_answer: list[int] = []
        for attempt in range(12):
            token, secret = first.tokens.issue("facilitator", f"Pendamping {attempt}", [])
            answered = threading.Event()
            stop = threading.Event()

            def keep_reading(
                secret: str = secret, answered: threading.Event = answered, stop: threading.Event = stop
            ) -> None:
                while not stop.is_set():
                    after_answer = answered.is_set()
                    if second.tokens.authenticate(secret) is not None and after_answer:
                        accepted_after_answer.append(attempt)  # noqa: B023

            readers = [threading.Thread(target=keep_reading) for _ in range(4)]
            for reader in readers:
                reader.start()
            time.sleep(0.01)
            first.tokens.revoke(admin, token.id)
            answered.set()
            time.sleep(0.02)
            stop.set()
            for reader in readers:
                reader.join()

        assert accepted_after_answer == []

    def test_a_kept_principal_costs_no_query_and_a_token_write_costs_one_read_again(
        self, workers: tuple[Mufakat, Mufakat], admin: CommandContext
    ) -> None:
        first, second = workers
        _, secret = first.tokens.issue("facilitator", "Pendamping Desa", [])
        assert statements_sent(lambda: authenticated(second, secret)) > 0  # read once

        assert statements_sent(lambda: authenticated(second, secret)) == 0

        first.tokens.issue("partner", "Mitra", [])  # any token written anywhere: read again, once
        assert statements_sent(lambda: authenticated(second, secret)) > 0
        assert statements_sent(lambda: authenticated(second, secret)) == 0

    def test_writes_of_no_token_leave_the_kept_principals_in_use(self, workers: tuple[Mufakat, Mufakat]) -> None:
        first, second = workers
        _, secret = first.tokens.issue("facilitator", "Pendamping Desa", [])
        facilitator = CommandContext(principal=authenticated(first, secret))
        opened = first.processes.open(
            facilitator, "Musdes", "", "33.02.10.2001", "Desa Sukamaju", "public", DecisionRules()
        )
        facilitator = CommandContext(principal=authenticated(first, secret))
        authenticated(second, secret)

        first.participants.register(facilitator, opened.id, "Warga", "resident", None, None, None)

        assert statements_sent(lambda: authenticated(second, secret)) == 0

    def test_the_counter_is_a_file_of_the_owner_beside_the_database(
        self, workers: tuple[Mufakat, Mufakat], database_url: str
    ) -> None:
        counter = Path(database_url.removeprefix("sqlite:///") + ".tokens-generation")

        assert counter.stat().st_size == 8
        assert counter.stat().st_mode & 0o077 == 0

    def test_a_token_revoked_by_the_command_line_is_refused_by_a_worker_that_kept_it(
        self, workers: tuple[Mufakat, Mufakat], database_url: str, tmp_path: Path
    ) -> None:
        first, second = workers
        token, secret = first.tokens.issue("facilitator", "Pendamping Desa", [])
        authenticated(second, secret)
        assert statements_sent(lambda: authenticated(second, secret)) == 0

        revoked = subprocess.run(
            [str(Path(sys.executable).with_name("mufakat")), "token", "revoke", str(token.id)],
            env={
                "PATH": str(Path(sys.executable).parent),
                "MUFAKAT_DATABASE_URL": database_url,
                "MUFAKAT_SECRET_KEY_FILE": str(tmp_path / "signing.key"),
            },
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

        assert revoked.returncode == 0, revoked.stderr
        assert second.tokens.authenticate(secret) is None

    def test_a_writer_that_died_between_its_commit_and_the_counter_leaves_no_kept_principal_in_use(
        self, workers: tuple[Mufakat, Mufakat], admin: CommandContext, database_url: str, tmp_path: Path
    ) -> None:
        first, second = workers
        token, secret = first.tokens.issue("facilitator", "Pendamping Desa", [])
        _, other = first.tokens.issue("auditor", "Inspektorat", [])
        for kept in (secret, other):
            authenticated(second, kept)
            assert statements_sent(lambda: authenticated(second, kept)) == 0  # noqa: B023

        # Another process revokes the token and is killed right after the commit, before the counter's second
        # move: the revocation is stored, nobody was answered, the counter is left odd.
        died = _revoke_and_die_after_the_commit(database_url, token.id, tmp_path)
        assert died.returncode == 9, died.stderr
        assert queries.token_record(first, token.id).revoked

        assert second.tokens.authenticate(secret) is None
        # No kept principal is used until the counter is settled: every token is read from the store.
        assert statements_sent(lambda: authenticated(second, other)) > 0
        assert statements_sent(lambda: authenticated(second, other)) > 0

        # A ledger opening (a worker gunicorn started again) settles it: principals are kept again.
        Mufakat(env=persistence_settings(database_url)).close()
        authenticated(second, other)
        assert statements_sent(lambda: authenticated(second, other)) == 0
        assert second.tokens.authenticate(secret) is None

    def test_a_deleted_counter_file_never_lets_a_principal_kept_before_it_count(
        self, workers: tuple[Mufakat, Mufakat], admin: CommandContext, database_url: str
    ) -> None:
        first, second = workers
        token, secret = first.tokens.issue("facilitator", "Pendamping Desa", [])
        authenticated(second, secret)
        Path(database_url.removeprefix("sqlite:///") + ".tokens-generation").unlink()

        # The first worker writes to a new counter file, which counts from zero again, past the value the
        # second worker's kept principal was tagged with.
        first.tokens.revoke(admin, token.id)
        assert second.tokens.authenticate(secret) is None
        for _ in range(4):
            first.tokens.issue("partner", "Mitra", [])
            assert second.tokens.authenticate(secret) is None


@pytest.mark.postgres
class TestPrincipalCacheOnPostgreSQL(PrincipalCacheContract):
    """One PostgreSQL database: workers may be on several hosts, so every request reads the token's record."""

    @pytest.fixture
    def database_url(self, postgres_ledger_url: str) -> str:
        return postgres_ledger_url

    def test_every_request_reads_the_token_from_the_store(self, workers: tuple[Mufakat, Mufakat]) -> None:
        first, second = workers
        _, secret = first.tokens.issue("facilitator", "Pendamping Desa", [])
        authenticated(second, secret)

        assert statements_sent(lambda: authenticated(second, secret)) > 0
        assert len(second.tokens.principals) == 0


_REVOKE_AND_DIE = """
import os, sys
from uuid import UUID
from service.adapters.storage import persistence_settings
from domain.actor import Actor
from service.app.access import Principal
from service.app.application import CommandContext, Mufakat

mufakat = Mufakat(env=persistence_settings(sys.argv[1]))
inner = mufakat.ledger._insert_events_unwatched

def commit_then_die(stored_events, **kwargs):
    inner(stored_events, **kwargs)
    os._exit(9)

mufakat.ledger._insert_events_unwatched = commit_then_die
admin = Principal(actor=Actor(id="cli", role="admin", name="Admin"), token_record_id=None)
mufakat.tokens.revoke(CommandContext(principal=admin), UUID(sys.argv[2]))
"""


def _revoke_and_die_after_the_commit(
    database_url: str, token_id: object, folder: Path
) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": str(Path(sys.executable).parent), "MUFAKAT_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-c", _REVOKE_AND_DIE, database_url, str(token_id)],
        env=environment,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )

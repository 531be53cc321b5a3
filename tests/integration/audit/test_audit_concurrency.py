"""Concurrent writers, in two ledgers (as two workers) on one database, leave a chain that verifies.

Opening processes at once makes writers collide on the process directory, so
some transactions roll back (on PostgreSQL leaving gaps in the notification
ids); the hash rows roll back with them and the chain stays whole.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from audit_support import ADMIN

from domain.rules import DecisionRules
from service.app.application import Mufakat
from service.audit.proofs import StoredTree
from service.audit.verify import verify_store

WORKERS = 2
THREADS = 4
PROCESSES_EACH = 6


def open_processes(ledger: Mufakat, thread: int) -> None:
    for n in range(PROCESSES_EACH):
        ledger.processes.open(
            ADMIN,
            title=f"Musyawarah Dusun {thread}-{n}",
            description="Musdus penetapan prioritas",
            region_code="33.02.10.2001",
            region_name="Desa Sukamaju",
            visibility="public",
            rules=DecisionRules(),
        )


class ConcurrencyContract:
    """The test; each subclass names the database."""

    def test_concurrent_writers_in_two_ledgers_leave_a_chain_that_verifies(
        self, open_ledger: Callable[[], Mufakat]
    ) -> None:
        ledgers = [open_ledger() for _ in range(WORKERS)]
        with ThreadPoolExecutor(max_workers=WORKERS * THREADS) as pool:
            futures = [pool.submit(open_processes, ledgers[n % WORKERS], n) for n in range(WORKERS * THREADS)]
            for future in futures:
                future.result()

        report = verify_store(ledgers[0].recorder)

        # Each process is two events: the process and its entry in the directory.
        assert report.as_dict()["first_failure"] is None
        assert (report.ok, report.events_checked) == (True, 2 * WORKERS * THREADS * PROCESSES_EACH)
        # The stored Merkle tree, extended by every writer under the write lock, is the one recomputed.
        head = StoredTree(ledgers[1].recorder).head()
        assert head is not None and (head.tree_size, head.root.hex()) == (report.tree_size, report.root_hash)


class TestConcurrencyOnSQLite(ConcurrencyContract):
    """Two ledgers on one SQLite file."""

    @pytest.fixture
    def database_url(self, sqlite_database_url: str) -> str:
        return sqlite_database_url


@pytest.mark.postgres
class TestConcurrencyOnPostgreSQL(ConcurrencyContract):
    """Two ledgers on one PostgreSQL database."""

    @pytest.fixture
    def database_url(self, postgres_database_url: str) -> str:
        return postgres_database_url

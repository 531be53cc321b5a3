"""A recorder keeps the end of the chain and of the Merkle tree in memory, and never chains on it after
another writer wrote: two ledgers (as two workers) writing in turns on one store leave a chain that verifies.

A ledger that reused its kept root after the other ledger's events would chain its next event on a root
the store has moved past: the verifier would report the first such event.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from audit_support import ADMIN

from domain.rules import DecisionRules
from service.app.application import Mufakat
from service.audit.proofs import StoredTree
from service.audit.verify import verify_store

TURNS = 4


def _open_process(ledger: Mufakat, title: str) -> None:
    ledger.processes.open(
        ADMIN,
        title=title,
        description="Musdus penetapan prioritas",
        region_code="33.02.10.2001",
        region_name="Desa Sukamaju",
        visibility="public",
        rules=DecisionRules(),
    )


class ChainEndContract:
    """The tests; each subclass names the database."""

    def test_two_ledgers_writing_in_turns_leave_a_chain_and_tree_that_verify(
        self, open_ledger: Callable[[], Mufakat]
    ) -> None:
        first, second = open_ledger(), open_ledger()
        for turn in range(TURNS):
            _open_process(first, f"Musdus pertama {turn}")
            _open_process(first, f"Musdus pertama {turn}b")  # the first ledger's own end, kept and reused
            _open_process(second, f"Musdus kedua {turn}")  # the other writer moves the end on

        report = verify_store(first.recorder)

        assert report.as_dict()["first_failure"] is None
        assert (report.ok, report.events_checked) == (True, 2 * 3 * TURNS)  # a process and its directory entry
        head = StoredTree(second.recorder).head()
        assert head is not None and (head.tree_size, head.root.hex()) == (report.tree_size, report.root_hash)

    def test_a_ledger_writing_alone_chains_on_the_end_it_kept(self, open_ledger: Callable[[], Mufakat]) -> None:
        ledger = open_ledger()
        _open_process(ledger, "Musdus pertama")
        kept = ledger.recorder.head_following([ledger.recorder.max_notification_id() + 1])

        _open_process(ledger, "Musdus kedua")

        report = verify_store(ledger.recorder)
        assert kept is not None and report.ok and report.events_checked == 4
        assert ledger.recorder.head_following([ledger.recorder.max_notification_id() + 1]) is not None


class TestChainEndOnSQLite(ChainEndContract):
    """Two ledgers on one SQLite file."""

    @pytest.fixture
    def database_url(self, sqlite_database_url: str) -> str:
        return sqlite_database_url


@pytest.mark.postgres
class TestChainEndOnPostgreSQL(ChainEndContract):
    """Two ledgers on one PostgreSQL database."""

    @pytest.fixture
    def database_url(self, postgres_database_url: str) -> str:
        return postgres_database_url

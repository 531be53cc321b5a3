"""Inclusion and consistency proofs, checked by an RFC 9162 reference written here from the RFC's definitions.

The reference (`mth`, `path`, `subproof`) does not import the service's tree
code: it recomputes every hash from the event hashes read straight from the
`event_hashes` table, and the service's proofs must be exactly the reference's.
The log is written through the real recorders, in uneven batches, on SQLite
and on PostgreSQL; Hypothesis draws tree sizes from 1 to 300 over it.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples
from test_audit_large_log import synthetic_events

from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.audit.proofs import ProofError, StoredTree

LOG_SIZE = 300
# The log is built once per store and only read; the same test runs on two stores (two classes).
SHARED_LOG = [HealthCheck.function_scoped_fixture, HealthCheck.differing_executors]


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 2.1.1 MTH over event hashes (the leaves' inputs)."""
    if not leaves:
        return sha256(b"")
    if len(leaves) == 1:
        return sha256(b"\x00" + leaves[0])
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def path(m: int, leaves: list[bytes]) -> list[bytes]:
    """RFC 9162 2.1.3.1 PATH(m, D[n])."""
    if len(leaves) == 1:
        return []
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if m < k:
        return [*path(m, leaves[:k]), mth(leaves[k:])]
    return [*path(m - k, leaves[k:]), mth(leaves[:k])]


def subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    """RFC 9162 2.1.4.1 SUBPROOF(m, D[n], b)."""
    if m == len(leaves):
        return [] if whole else [mth(leaves)]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if m <= k:
        return [*subproof(m, leaves[:k], whole), mth(leaves[k:])]
    return [*subproof(m - k, leaves[k:], False), mth(leaves[:k])]


def build(database_url: str, read: Callable[[], list[tuple[int, bytes]]]) -> Iterator[tuple[StoredTree, Any]]:
    """Writes the log through the real recorder in uneven batches; yields its tree and (positions, hashes)."""
    ledger = Mufakat(env=persistence_settings(database_url))
    events = list(synthetic_events(LOG_SIZE, 37))
    batches = random.Random(7)
    while events:
        size = batches.choice([1, 1, 2, 3, 7, 16, 40])
        ledger.recorder.insert_events(events[:size])
        events = events[size:]
    rows = read()
    try:
        yield StoredTree(ledger.recorder), ([position for position, _ in rows], [hash_ for _, hash_ in rows])
    finally:
        ledger.close()


@pytest.fixture(scope="module")
def sqlite_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The log on an SQLite file."""
    file = Path(tmp_path_factory.mktemp("proofs")) / "proofs.db"

    def read() -> list[tuple[int, bytes]]:
        with sqlite3.connect(file) as connection:
            rows = connection.execute("SELECT notification_id, hash FROM event_hashes ORDER BY notification_id")
            return [(int(p), bytes(h)) for p, h in rows]

    yield from build("sqlite:///" + str(file), read)


@pytest.fixture(scope="module")
def postgres_log(create_postgres_database: Callable[[], str]) -> Iterator[Any]:
    """The log in a PostgreSQL database."""
    url = create_postgres_database()

    def read() -> list[tuple[int, bytes]]:
        with psycopg.connect(url) as connection:
            rows = connection.execute("SELECT notification_id, hash FROM event_hashes ORDER BY notification_id")
            return [(int(p), bytes(h)) for p, h in rows]

    yield from build(url, read)


class ProofContract:
    """The proofs of one store; each subclass names its log (`stored`)."""

    @pytest.fixture
    def stored(self) -> Any:
        raise NotImplementedError

    def test_the_stored_tree_holds_every_event_and_its_root_is_the_reference_root(self, stored: Any) -> None:
        tree, (positions, hashes) = stored

        assert tree.size() == LOG_SIZE
        assert tree.head() is not None and tree.head().root == mth(hashes)  # type: ignore[union-attr]
        assert tree.head().last_position == positions[-1]  # type: ignore[union-attr]

    @settings(max_examples=examples(120), deadline=None, suppress_health_check=SHARED_LOG)
    @given(data=st.data(), tree_size=st.integers(min_value=1, max_value=LOG_SIZE))
    def test_an_inclusion_proof_is_the_rfc_audit_path_to_the_root_of_that_size(
        self, stored: Any, data: st.DataObject, tree_size: int
    ) -> None:
        tree, (positions, hashes) = stored
        index = data.draw(st.integers(min_value=0, max_value=tree_size - 1))

        proof = tree.inclusion(positions[index], tree_size)

        assert proof["leaf_index"] == index
        assert proof["leaf_hash"] == sha256(b"\x00" + hashes[index]).hex()
        assert proof["root_hash"] == mth(hashes[:tree_size]).hex()
        assert proof["audit_path"] == [node.hex() for node in path(index, hashes[:tree_size])]

    @settings(max_examples=examples(120), deadline=None, suppress_health_check=SHARED_LOG)
    @given(data=st.data(), second=st.integers(min_value=1, max_value=LOG_SIZE))
    def test_a_consistency_proof_is_the_rfc_proof_between_the_two_roots(
        self, stored: Any, data: st.DataObject, second: int
    ) -> None:
        tree, (_, hashes) = stored
        first = data.draw(st.integers(min_value=1, max_value=second))

        proof = tree.consistency(first, second)

        assert (proof["first_root"], proof["second_root"]) == (mth(hashes[:first]).hex(), mth(hashes[:second]).hex())
        expected = [] if first == second else subproof(first, hashes[:second], True)
        assert proof["proof"] == [node.hex() for node in expected]

    def test_a_proof_reads_only_a_logarithmic_number_of_stored_nodes(self, stored: Any) -> None:
        tree, (positions, _) = stored
        asked: list[int] = []
        reader = tree.nodes

        def counting(keys: Any) -> Any:
            asked.append(len(list(keys)))
            return reader(keys)

        tree.nodes = counting
        try:
            tree.inclusion(positions[123], LOG_SIZE - 1)
            tree.consistency(77, LOG_SIZE - 1)
        finally:
            del tree.nodes
        # log2(300) < 9: a proof is at most ~2 log n nodes, and the root as many again.
        assert max(asked) <= 2 * 9

    def test_a_proof_beyond_the_log_or_of_an_unknown_position_is_refused(self, stored: Any) -> None:
        tree, (positions, _) = stored

        with pytest.raises(ProofError, match="tree_size"):
            tree.inclusion(positions[0], LOG_SIZE + 1)
        with pytest.raises(ProofError, match="not in a tree of size"):
            tree.inclusion(positions[10], 10)
        with pytest.raises(ProofError, match="no event"):
            tree.inclusion(positions[-1] + 1000, LOG_SIZE)
        with pytest.raises(ProofError, match="first"):
            tree.consistency(20, 10)


class TestProofsOnSQLite(ProofContract):
    """On the embedded SQLite file."""

    @pytest.fixture
    def stored(self, sqlite_log: Any) -> Any:
        return sqlite_log


@pytest.mark.postgres
class TestProofsOnPostgreSQL(ProofContract):
    """On PostgreSQL."""

    @pytest.fixture
    def stored(self, postgres_log: Any) -> Any:
        return postgres_log


def test_a_database_older_than_the_tree_is_caught_up_by_its_next_insert_and_by_sealing(
    sqlite_database_url: str, tmp_path: Path
) -> None:
    from service.audit.checkpoints import seal_checkpoint
    from service.audit.signing import load_or_create_signing_key

    ledger = Mufakat(env=persistence_settings(sqlite_database_url))
    try:
        for number in range(6):
            ledger.tokens.issue("partner", f"Mitra {number}", [])
        file = sqlite_database_url.removeprefix("sqlite:///")
        with sqlite3.connect(file) as connection:  # as it was before the tree existed
            connection.execute("DELETE FROM merkle_nodes")
            connection.execute("DELETE FROM merkle_leaves")
            hashes = [bytes(h) for (h,) in connection.execute("SELECT hash FROM event_hashes ORDER BY notification_id")]
        tree = StoredTree(ledger.recorder)
        assert tree.size() == 0

        sealed = seal_checkpoint(ledger, load_or_create_signing_key(tmp_path / "signing.key"))
        ledger.tokens.issue("partner", "Mitra baru", [])

        assert sealed is not None and (sealed.tree_size, sealed.root_hash) == (6, mth(hashes).hex())
        assert tree.size() == 8  # six, the checkpoint, the new token
        with sqlite3.connect(file) as connection:
            every = [bytes(h) for (h,) in connection.execute("SELECT hash FROM event_hashes ORDER BY notification_id")]
        assert tree.root(8) == mth(every)
    finally:
        ledger.close()

"""What Merkle proofs cost on a small and a large log, and what the tree adds to every command.

Part 1, proofs: for each tree size (default 10,000 and 1,000,000 leaves) the
stored tree (`merkle_leaves`, `merkle_nodes`) is GENERATED DIRECTLY from
synthetic event hashes with `merkle.append_leaves` and bulk-inserted, because
writing a million real events through the recorder takes far longer and the
proof code reads only those two tables. Then, in the same process, it times
`StoredTree.inclusion` of random positions and `StoredTree.consistency`
between random sizes (each proof verified with RFC 9162's algorithm), and
prints proof sizes (hashes) and median / p95 milliseconds.

Part 2, per command: single-event inserts through the real hash-chaining
recorder (one transaction each, as a command's save is), with the tree, and
with `extend_tree` switched off, on the same database: the difference is what
the tree adds per command.

    .venv/bin/python bench/proof_speed.py [--sizes 10000 1000000] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from uuid import uuid4

from eventsourcing.persistence import StoredEvent

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.audit import chain, merkle
from service.audit.proofs import StoredTree

CHUNK = 50_000


def fill_tree(ledger: Mufakat, size: int) -> None:
    """Writes the tree of `size` synthetic leaves straight into the tree tables (positions 1..size)."""
    tree = StoredTree(ledger.recorder)
    frontier: dict[tuple[int, int], bytes] = {}
    done = 0
    while done < size:
        count = min(CHUNK, size - done)
        leaves = [merkle.leaf_hash(hashlib.sha256(str(done + i).encode()).digest()) for i in range(count)]
        made = merkle.append_leaves(frontier, done, leaves)
        # Keep only the frontier: everything else is written and never read again here.
        keep = set(merkle.frontier_keys(done + count))
        for key in [key for key in frontier if key not in keep]:
            del frontier[key]
        with tree.tables.transaction() as cursor:
            cursor.cursor.executemany(tree.sql.insert_node, made)
            cursor.cursor.executemany(tree.sql.insert_leaf, [(done + i + 1, done + i) for i in range(count)])
        done += count


def timed(call: Any, runs: int) -> tuple[list[float], Any]:
    times, last = [], None
    for _ in range(runs):
        started = time.perf_counter()
        last = call()
        times.append((time.perf_counter() - started) * 1000)
    return times, last


def proofs(ledger: Mufakat, size: int, runs: int) -> dict[str, Any]:
    tree = StoredTree(ledger.recorder)
    rng = random.Random(size)
    inclusion_ms, path_lengths, consistency_ms, proof_lengths = [], [], [], []
    root = tree.root(size)
    for _ in range(runs):
        index = rng.randrange(size)
        ms, answer = timed(lambda index=index: tree.inclusion(index + 1, size), 1)
        inclusion_ms += ms
        path = [bytes.fromhex(node) for node in answer["audit_path"]]
        assert merkle.verify_inclusion(bytes.fromhex(answer["leaf_hash"]), index, size, path, root)
        path_lengths.append(len(path))
        first = rng.randrange(1, size)
        ms, answer = timed(lambda first=first: tree.consistency(first, size), 1)
        consistency_ms += ms
        proof = [bytes.fromhex(node) for node in answer["proof"]]
        assert merkle.verify_consistency(first, size, bytes.fromhex(answer["first_root"]), root, proof)
        proof_lengths.append(len(proof))
    return {
        "tree_size": size,
        "inclusion_ms_median": round(statistics.median(inclusion_ms), 3),
        "inclusion_ms_p95": round(sorted(inclusion_ms)[int(runs * 0.95) - 1], 3),
        "audit_path_hashes_max": max(path_lengths),
        "consistency_ms_median": round(statistics.median(consistency_ms), 3),
        "consistency_ms_p95": round(sorted(consistency_ms)[int(runs * 0.95) - 1], 3),
        "consistency_hashes_max": max(proof_lengths),
    }


def per_command(database_url: str, commands: int, rounds: int = 5) -> dict[str, float]:
    """Milliseconds per single-event insert with and without the tree, alternating in rounds (less noise)."""
    ledger = Mufakat(env=persistence_settings(database_url))
    original = chain.extend_tree
    spent = {"with_tree": 0.0, "without_tree": 0.0}
    aggregate, version = uuid4(), 0
    try:
        for _ in range(rounds):
            for label, switch in (("with_tree", original), ("without_tree", _skip_tree)):
                chain.extend_tree = switch  # type: ignore[assignment]
                if label == "with_tree":
                    StoredTree(ledger.recorder).catch_up()  # the skipped events join the tree first
                started = time.perf_counter()
                for _ in range(commands // rounds):
                    version += 1
                    ledger.recorder.insert_events(
                        [StoredEvent(aggregate, version, "bench:Event", b'{"text":"perintah desa"}')]
                    )
                spent[label] += time.perf_counter() - started
    finally:
        chain.extend_tree = original  # type: ignore[assignment]
        ledger.close()
    per = commands // rounds * rounds
    results = {f"{label}_ms_per_command": round(total * 1000 / per, 3) for label, total in spent.items()}
    results["tree_adds_ms"] = round(results["with_tree_ms_per_command"] - results["without_tree_ms_per_command"], 3)
    return results


def _skip_tree(*args: Any, **kwargs: Any) -> None:
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--commands", type=int, default=500)
    parser.add_argument("--database-url", help="a fresh, empty PostgreSQL database per size: a URL with {size}")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        for size in args.sizes:
            url = (
                args.database_url.format(size=size)
                if args.database_url
                else "sqlite:///" + str(Path(directory) / f"tree-{size}.db")
            )
            ledger = Mufakat(env=persistence_settings(url))
            try:
                started = time.perf_counter()
                fill_tree(ledger, size)
                print(f"tree of {size} leaves generated in {time.perf_counter() - started:.1f}s", file=sys.stderr)
                print(proofs(ledger, size, args.runs))
            finally:
                ledger.close()
        commands_url = (
            args.database_url.format(size="commands")
            if args.database_url
            else "sqlite:///" + str(Path(directory) / "commands.db")
        )
        print(per_command(commands_url, args.commands))


if __name__ == "__main__":
    main()

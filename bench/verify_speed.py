"""How fast the audit verifier is, beside plain SHA-256 over the same bytes, in one run.

Builds a log of N synthetic events (JSON states of a few hundred bytes,
10 events per aggregate, interleaved) through the hash-chaining recorder,
with a key rotation halfway (checkpoints under the original key, then under
the new one; verified against the original key, through the chain), then
times in the same process:

- verify: `verify_store`, the full verification (read, recompute every hash
  and root, check the checkpoint);
- sha256 (memory): one SHA-256 per event over that event's canonical bytes,
  already in memory: the pure hashing cost, no database;
- sha256 (read): reading the same rows from the same database and one SHA-256
  per event over the same bytes: what any verifier must at least do;
- export verify: `verify_export` of an export of the same log (no database);
- peak RSS: a fresh process opens the same store and runs `verify_store` once, and reports its peak
  resident memory (`VmHWM`): compare it at 10k and 100k events to see that memory stays constant.

It prints events per second for each and the ratios of verify to both
baselines (docs/architecture.md, "Targets": verification at least 0.8x of reading the same rows and
hashing them). Usage:

    .venv/bin/python bench/verify_speed.py [--events 100000] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID, uuid4

from eventsourcing.persistence import StoredEvent

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.audit.canonical import encode_event
from service.audit.checkpoints import seal_checkpoint
from service.audit.export import verify_export, write_export
from service.audit.records import log_snapshot
from service.audit.rotation import rotate_signing_key
from service.audit.signing import load_or_create_signing_key, load_signing_key, public_key_text
from service.audit.verify import verify_store

BATCH = 5_000
ROUNDS = 3


def synthetic_events(count: int, aggregates: int) -> Iterator[StoredEvent]:
    """Events shaped like the ledger's (JSON states of ~400 bytes), round-robin over the aggregates."""
    ids: list[UUID] = [uuid4() for _ in range(aggregates)]
    for n in range(count):
        version, index = divmod(n, aggregates)
        state = {
            "timestamp": {"_type_": "datetime_iso", "_data_": f"2026-11-23T10:{n % 60:02d}:00.000000+00:00"},
            "originator_topic": "domain.proposal:Proposal",
            "participant_id": {"_type_": "uuid_hex", "_data_": ids[(index + 1) % aggregates].hex},
            "kind": "support",
            "text": f"Kontribusi nomor {n}: usulan ini mendukung air bersih untuk RT {n % 12:02d}.",
            "actor": {"_type_": "actor", "_data_": {"id": str(ids[index]), "role": "facilitator", "name": "F"}},
        }
        yield StoredEvent(
            originator_id=ids[index],
            originator_version=version + 1,
            topic="domain.proposal:Proposal.Contributed",
            state=json.dumps(state, separators=(",", ":")).encode("utf-8"),
        )


def build(ledger: Mufakat, count: int) -> None:
    """Inserts the synthetic log through the ledger's recorder, in batches."""
    batch: list[StoredEvent] = []
    for stored in synthetic_events(count, max(1, count // 10)):
        batch.append(stored)
        if len(batch) == BATCH:
            ledger.recorder.insert_events(batch)
            batch = []
    if batch:
        ledger.recorder.insert_events(batch)


def canonical_bytes(ledger: Mufakat) -> list[bytes]:
    """Every event's canonical encoding, read once, for the in-memory baseline."""
    with log_snapshot(ledger.recorder) as snapshot:
        return [
            encode_event(r[1].bytes if isinstance(r[1], UUID) else bytes.fromhex(r[1]), r[2], r[3], bytes(r[4]))
            for r in snapshot.records()
        ]


def read_and_hash(ledger: Mufakat) -> int:
    """Reads the same rows as the verifier and hashes each event's bytes once."""
    count = 0
    sha256 = hashlib.sha256
    with log_snapshot(ledger.recorder) as snapshot:
        for record in snapshot.records():
            sha256(record[3].encode() + record[4]).digest()
            count += 1
    return count


def verify_peak_rss(url: str, public_key: str) -> int:
    """Peak resident memory (KiB) of a fresh process that opens the store and verifies it once."""
    script = (
        "import sys; sys.path.insert(0, sys.argv[3]);"
        "from service.adapters.storage import persistence_settings;"
        "from service.app.application import Mufakat;"
        "from service.audit.verify import verify_store;"
        "ledger = Mufakat(env=persistence_settings(sys.argv[1]));"
        "assert verify_store(ledger.recorder, trusted_key=sys.argv[2]).ok;"
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork and exec.
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')))"
    )
    repository = str(Path(__file__).resolve().parent.parent)
    answer = subprocess.run(
        [sys.executable, "-c", script, url, public_key, repository], capture_output=True, text=True, check=True
    )
    return int(answer.stdout.strip().splitlines()[-1])


def best(seconds: list[float]) -> float:
    """The fastest of several rounds (the least disturbed by other work on the machine)."""
    return min(seconds)


def main() -> None:
    """Builds the log, times everything, prints the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mufakat-bench-") as directory:
        url = arguments.database_url or "sqlite:///" + str(Path(directory) / "bench.db")
        ledger = Mufakat(env=persistence_settings(url))
        key_file = Path(directory) / "signing.key"
        key = load_or_create_signing_key(key_file)
        started = time.perf_counter()
        build(ledger, arguments.events // 2)
        rotate_signing_key(ledger, key_file)
        build(ledger, arguments.events - arguments.events // 2)
        seal_checkpoint(ledger, load_signing_key(key_file))
        if url.startswith("sqlite"):
            sqlite3.connect(url.removeprefix("sqlite:///")).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
        built = time.perf_counter() - started
        events = ledger.recorder.max_notification_id() or 0
        export_file = Path(directory) / "export.jsonl"
        with export_file.open("w", encoding="utf-8") as out:
            write_export(ledger.recorder, out)
        encodings = canonical_bytes(ledger)
        size = sum(len(e) for e in encodings)

        verify_s, memory_s, read_s, export_s = [], [], [], []
        for _ in range(ROUNDS):
            t = time.perf_counter()
            report = verify_store(ledger.recorder, trusted_key=public_key_text(key))
            verify_s.append(time.perf_counter() - t)
            assert report.ok and report.events_checked == events, report.as_dict()
            assert len(report.signing_keys) == 2, report.signing_keys  # the rotation was followed
            t = time.perf_counter()
            for encoding in encodings:
                hashlib.sha256(encoding).digest()
            memory_s.append(time.perf_counter() - t)
            t = time.perf_counter()
            assert read_and_hash(ledger) == events
            read_s.append(time.perf_counter() - t)
            t = time.perf_counter()
            assert verify_export(export_file, public_key_text(key)).ok
            export_s.append(time.perf_counter() - t)
        peak_rss = verify_peak_rss(url, public_key_text(key))
        ledger.close()

    rate = {
        name: events / best(s)
        for name, s in (("verify", verify_s), ("memory", memory_s), ("read", read_s), ("export", export_s))
    }
    print(
        f"database: {url.split(':')[0]}; {events:,} events, {size / events:.0f} canonical bytes each; "
        f"built in {built:.1f} s; best of {ROUNDS} rounds"
    )
    print(f"verify (database)            {rate['verify']:>12,.0f} events/s")
    print(f"verify --from-export         {rate['export']:>12,.0f} events/s")
    print(f"sha256, same bytes, memory   {rate['memory']:>12,.0f} events/s")
    print(f"sha256, same rows read+hash  {rate['read']:>12,.0f} events/s")
    print(f"ratio verify / sha256 memory     {rate['verify'] / rate['memory']:.2f}")
    print(f"ratio verify / sha256 read+hash  {rate['verify'] / rate['read']:.2f}   (target >= 0.80)")
    print(f"peak RSS of a process verifying the store once: {peak_rss / 1024:.0f} MiB")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(this bench's own peak RSS, with the in-memory baseline's bytes: {own:.0f} MiB)")


if __name__ == "__main__":
    main()

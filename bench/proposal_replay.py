"""How the cost of reading a proposal grows with its history: 5,000 events against 50, in one run.

    .venv/bin/python bench/proposal_replay.py [--small 50] [--large 5000] [--reads 200]

Both proposals live in one SQLite store. Each read is a cold one (a fresh
ledger without its aggregate cache), the way a worker meets a proposal it has
not seen: snapshots (every 100 events) bound the events replayed. The design's
target is a ratio of at most 5. Also times reading each proposal at a version
near its start (`as_of_version`), which replays from the beginning.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.proposal import Proposal
from domain.rules import DecisionRules
from service.adapters.storage import persistence_settings
from service.app.application import CommandContext, Mufakat


def _proposal_with_events(ledger: Mufakat, context: CommandContext, process: UUID, speaker: UUID, events: int) -> UUID:
    proposal = ledger.proposals.submit(context, process, "Jalan desa", "Perbaikan jalan.", speaker, None).id
    for number in range(events - 1):
        ledger.proposals.contribute(context, proposal, speaker, "information", f"Pendapat warga ke-{number}.")
    return proposal


def _cold_read_seconds(database_url: str, proposal: UUID, reads: int, version: int | None = None) -> float:
    """The median seconds of one read by a ledger that has no cached copy."""
    ledger = Mufakat(env={**persistence_settings(database_url), "AGGREGATE_CACHE_MAXSIZE": ""})
    try:
        timings = []
        for _ in range(reads):
            started = time.perf_counter()
            aggregate = ledger.repository.get(proposal, version=version)
            timings.append(time.perf_counter() - started)
            assert isinstance(aggregate, Proposal)
        return statistics.median(timings)
    finally:
        ledger.close()


def main() -> None:
    """Builds both proposals, then times cold reads of each and prints their ratio."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=50)
    parser.add_argument("--large", type=int, default=5099, help="5,099: the worst case, 99 events after a snapshot")
    parser.add_argument("--reads", type=int, default=200)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mufakat-replay-") as folder:
        url = "sqlite:///" + str(Path(folder) / "replay.db")
        ledger = Mufakat(env=persistence_settings(url))
        token, _ = ledger.tokens.issue("admin", "Admin Bench", [])
        context = CommandContext(token.principal())
        process = ledger.processes.open(context, "Musdes", "", "33.01", "Desa", "public", DecisionRules()).id
        speaker = ledger.participants.register(context, process, "Warga", "resident", None, None, None).id
        small = _proposal_with_events(ledger, context, process, speaker, options.small)
        large = _proposal_with_events(ledger, context, process, speaker, options.large)
        ledger.close()

        small_seconds = _cold_read_seconds(url, small, options.reads)
        large_seconds = _cold_read_seconds(url, large, options.reads)
        early_seconds = _cold_read_seconds(url, large, max(options.reads // 10, 5), version=options.small)
    print(f"proposal of {options.small:>5} events: {small_seconds * 1000:7.2f} ms per cold read")
    print(f"proposal of {options.large:>5} events: {large_seconds * 1000:7.2f} ms per cold read")
    print(f"ratio large / small:          {large_seconds / small_seconds:7.2f}  (target <= 5)")
    print(f"large one as of version {options.small}: {early_seconds * 1000:7.2f} ms (replayed from its start)")


if __name__ == "__main__":
    main()

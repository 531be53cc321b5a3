"""How fast the read models rebuild, beside merely reading and decoding the same log, in one run.

    .venv/bin/python bench/projection_rebuild.py [--events 20000] [--small 2000]

Builds a log of about `--events` events on SQLite (WAL, synchronous=FULL):
processes, participants, meetings, and proposals each with contributions,
objections, an amendment, a consensus check with stances, a decision, a
commitment and progress reports. Then times, in the same run:

  (a) a plain scan: `select_notifications` page by page and `mapper.to_domain_event` on each;
  (b) a full rebuild of every read model (`ReadModels.rebuild()`: drop, replay, write in batches).

Prints events/s of both and their ratio (the design's target is >= 0.7). Then
builds a small store (`--small` events) and times a feed page (100 items from
the middle) and a proposal's history on both stores: the ratio large/small
should stay near 1 (indexes and cursors, no scans).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from domain.actor import Actor  # noqa: E402
from domain.process import GROUPS  # noqa: E402
from domain.rules import DecisionRules  # noqa: E402
from projections.feed_queries import encode_cursor, feed_page  # noqa: E402
from projections.history import steps  # noqa: E402
from projections.runner import ReadModels  # noqa: E402
from service.adapters.storage import persistence_settings  # noqa: E402
from service.app.access import Principal  # noqa: E402
from service.app.application import CommandContext, Mufakat  # noqa: E402

ADMIN = Principal(actor=Actor(id="bench", role="admin", name="Bench"), token_record_id=UUID(int=1))
CONTEXT = CommandContext(ADMIN)
PEOPLE_PER_PROCESS = 20
PROPOSALS_PER_PROCESS = 10


def _proposal_with_deliberation(ledger: Mufakat, process_id: UUID, people: list[UUID], meeting_id: UUID) -> UUID:
    """About 45 events: submitted, 20 contributions, objections, amendment, check, 20 stances, decision."""
    proposal_id = ledger.proposals.submit(CONTEXT, process_id, "Usulan", "Teks usulan", people[0], meeting_id).id
    proposal: Any = ledger.repository.get(proposal_id)
    actor = ADMIN.actor

    def now() -> datetime:
        return datetime.now(UTC)

    for index, person in enumerate(people):
        kind = ("support", "concern", "question", "information")[index % 4]
        proposal.contribute(person, kind, "Masukan", actor, occurred_at=now())
    blocking = uuid4()
    proposal.raise_objection(blocking, people[1], "Keberatan mendasar", True, actor, occurred_at=now())
    proposal.raise_objection(uuid4(), people[2], "Keberatan", False, actor, occurred_at=now())
    proposal.amend("Teks baru", "Menanggapi keberatan", people[0], actor, occurred_at=now())
    rules = DecisionRules(consensus="consent")  # one disagree stands on record as dissent
    proposal.resolve_objection(blocking, "addressed", "Ditanggapi", rules, actor, occurred_at=now())
    check = uuid4()
    proposal.open_consensus_check(
        check, meeting_id, len(people), len(people), rules, actor, occurred_at=now(), meeting_opened_at=None
    )
    for index, person in enumerate(people):
        proposal.take_stance(check, person, "disagree" if index == 3 else "agree", "Alasan", actor, occurred_at=now())
    proposal.close_consensus_check(check, len(people), len(people), rules, actor, occurred_at=now())
    proposal.decide("adopted", "consensus", "Mufakat", rules, now(), actor)
    # One transaction for the whole deliberation: the log is what matters here, not the build's speed.
    ledger.save(proposal)
    commitment = ledger.commitments.make(CONTEXT, proposal_id, "Kades", "Kerja", date(2027, 6, 30), ["selesai"]).id
    ledger.commitments.report_progress(CONTEXT, commitment, 50, "Separuh", None)
    return proposal_id


def build_log(ledger: Mufakat, events: int) -> UUID:
    """Records processes until the log holds about `events` events; returns a proposal id."""
    proposal_id = None
    number = 0
    while (ledger.recorder.max_notification_id() or 0) < events:
        number += 1
        process_id = ledger.processes.open(
            CONTEXT,
            f"Musrenbang {number}",
            "Bench",
            f"33.02.{number % 90:02d}.2001",
            "Desa",
            "public",
            DecisionRules(consensus="consent"),
        ).id
        people = [
            ledger.participants.register(CONTEXT, process_id, "Nama", GROUPS[i % len(GROUPS)], "female", None, None).id
            for i in range(PEOPLE_PER_PROCESS)
        ]
        meeting_id = ledger.meetings.schedule(
            CONTEXT, process_id, "Musdes", datetime(2026, 9, 8, tzinfo=UTC), None, people
        ).id
        ledger.meetings.open(CONTEXT, meeting_id, people)
        for _ in range(PROPOSALS_PER_PROCESS):
            proposal_id = _proposal_with_deliberation(ledger, process_id, people, meeting_id)
            if (ledger.recorder.max_notification_id() or 0) >= events:
                break
    assert proposal_id is not None
    return proposal_id


def scan(ledger: Mufakat, page: int = 2000) -> int:
    """Reads and decodes every notification; returns how many."""
    count = 0
    position = 0
    while True:
        notifications = ledger.recorder.select_notifications(position, page, inclusive_of_start=False)
        if not notifications:
            return count
        for notification in notifications:
            ledger.mapper.to_domain_event(notification)
        count += len(notifications)
        position = notifications[-1].id


def timed(action: Callable[[], Any]) -> float:
    """Seconds one call takes."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def median_seconds(action: Callable[[], Any], repeat: int = 30) -> float:
    """The median of several timings (after one warm-up call)."""
    action()
    return statistics.median(timed(action) for _ in range(repeat))


def reads(ledger: Mufakat, models: ReadModels, proposal_id: UUID, page: int = 50) -> tuple[float, float]:
    """Median seconds of a full feed page near the end of the feed, and of one proposal's history."""
    count = models.database.fetch_one("SELECT COUNT(*) FROM projection_feed_items")
    assert count is not None and int(count[0]) > page, "the store is too small for a full page"
    start = models.database.fetch_one(
        "SELECT seq FROM projection_feed_items ORDER BY seq LIMIT 1 OFFSET ?", (int(count[0]) - page - 1,)
    )
    assert start is not None
    cursor = encode_cursor(int(start[0]))
    assert len(feed_page(models.database, cursor, page).items) == page
    feed = median_seconds(lambda: feed_page(models.database, cursor, page))
    history = median_seconds(lambda: steps(models.database, ledger, str(proposal_id)))
    return feed, history


def best_of(rounds: int, action: Callable[[], Any]) -> tuple[float, float]:
    """The fastest of several runs: (wall seconds, CPU seconds of this process)."""
    wall, cpu = [], []
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return min(wall), min(cpu)


def main() -> None:
    """Builds the logs, times scan and rebuild, then the reads on a small and a large store."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=3_000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        large = Mufakat(env=persistence_settings(f"sqlite:///{directory}/large.db"))
        small = Mufakat(env=persistence_settings(f"sqlite:///{directory}/small.db"))
        try:
            built = timed(lambda: build_log(large, options.events))
            total = large.recorder.max_notification_id() or 0
            print(f"built a log of {total} events in {built:.1f} s")

            models = ReadModels(large)
            scanned = scan(large)
            # Interleaved, best of three each: other processes on a shared machine slow either at random.
            scan_wall, scan_cpu, rebuild_wall, rebuild_cpu = [], [], [], []
            for _ in range(options.rounds):
                wall, cpu = best_of(1, lambda: scan(large))
                scan_wall.append(wall)
                scan_cpu.append(cpu)
                wall, cpu = best_of(1, models.rebuild)
                rebuild_wall.append(wall)
                rebuild_cpu.append(cpu)
            for label, scan_seconds, rebuild_seconds in (
                ("wall", min(scan_wall), min(rebuild_wall)),
                ("cpu", min(scan_cpu), min(rebuild_cpu)),
            ):
                scan_rate = scanned / scan_seconds
                rebuild_rate = total / rebuild_seconds
                print(
                    f"[{label}] (a) select_notifications + decode: {scan_rate:,.0f} events/s "
                    f"({scanned} in {scan_seconds:.3f} s); (b) rebuild of every read model: "
                    f"{rebuild_rate:,.0f} events/s ({total} in {rebuild_seconds:.3f} s); "
                    f"ratio {rebuild_rate / scan_rate:.2f} (target >= 0.7)"
                )
            assert models.position() == total

            small_proposal = build_log(small, options.small)
            small_models = ReadModels(small)
            small_models.rebuild()
            large_proposal = UUID(
                str(
                    models.database.fetch_one(
                        "SELECT proposal_id FROM projection_history_proposals ORDER BY submitted_at DESC LIMIT 1"
                    )[0]
                )  # type: ignore[index]
            )
            small_feed, small_history = reads(small, small_models, small_proposal)
            large_feed, large_history = reads(large, models, large_proposal)
            small_total = small.recorder.max_notification_id() or 0
            print(
                f"feed page of 50:  {small_feed * 1000:.2f} ms on {small_total} events, "
                f"{large_feed * 1000:.2f} ms on {total}: ratio {large_feed / small_feed:.2f}"
            )
            print(
                f"proposal history: {small_history * 1000:.2f} ms on {small_total} events, "
                f"{large_history * 1000:.2f} ms on {total}: ratio {large_history / small_history:.2f}"
            )
        finally:
            large.close()
            small.close()


if __name__ == "__main__":
    main()

"""Seeds a realistic store through the application (the use cases of service/app, never raw SQL), and says
how fast it wrote.

    .venv/bin/python bench/seed.py --events 100000 [--database-url URL] [--keep PATH]

Round after round until the store holds `--events` events, it records the whole programme cycle of one
kecamatan: `mufakat demo`'s story (a Musrenbang Kecamatan; Desa Sukamaju with its assessments and findings,
two meetings, proposals argued, objected to, amended, decided by consensus and by vote, a ranking against
the pagu, commitments with progress reports, a back-filled musdes with a correction and an annulment; the
neighbour village Karangsari whose road is forwarded up and merged with Sukamaju's), then for that round a
partner with a contribution toward a commitment, a community evaluation of the commitment at a meeting,
and complaints with their answers. Each round has its own processes, people and ids, so the store grows as
many villages would make it grow.

It prints the events per second as it goes and at the end (`--events` is a target: the last round
finishes). The default store is a temporary SQLite file, removed afterwards unless `--keep` names where to
put it (the other benches then run against it: `--database-url sqlite:///PATH`).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.rules import DecisionRules
from service.adapters.key_file import key_file_path
from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.app.receipts import CommandContext
from service.cli.demo import DemoRecord, record_demo


def _context(mufakat: Mufakat, secret: str) -> CommandContext:
    principal = mufakat.tokens.authenticate(secret)
    assert principal is not None
    return CommandContext(principal)


def seed_round(mufakat: Mufakat, secret: str, round_number: int) -> DemoRecord:
    """One kecamatan's cycle: the demo's story, then partners, an evaluation and complaints."""
    record = record_demo(mufakat, secret)
    context = _context(mufakat, secret)
    process_id = record.process_id
    commitment_id = record.commitments[0]
    partner_id = mufakat.partners.register(context, process_id, f"Yayasan Air Bersih {round_number}", "ngo").id
    mufakat.partners.contribute(
        context, partner_id, "technical", "Pendampingan teknis pengecoran jalan.", commitment_id=commitment_id
    )
    present = list(record.participants.values())[:6]
    meeting_id = mufakat.meetings.schedule(
        context,
        process_id,
        title="Musyawarah evaluasi pembangunan jalan",
        scheduled_for=mufakat.clock(),
        location="Balai Desa Sukamaju",
        invited=present,
    ).id
    mufakat.meetings.open(context, meeting_id, present)
    evaluation_id = mufakat.evaluations.open(context, commitment_id, meeting_id, "Apakah jalan sudah bermanfaat?").id
    for number, participant_id in enumerate(present):
        mufakat.evaluations.score(context, evaluation_id, participant_id, 3 + number % 3, None)
    mufakat.evaluations.close(context, evaluation_id)
    mufakat.meetings.close(context, meeting_id, minutes="Evaluasi jalan rabat beton.")
    for number in range(2):
        complaint = mufakat.complaints.file(
            context,
            process_id,
            "Drainase di ujung jalan tersumbat setelah hujan.",
            f"seed-{round_number}-{number}-{UUID(int=round_number * 10 + number).hex[-8:]}",
            about={"commitment": commitment_id},
        )
        mufakat.complaints.respond(context, complaint.id, "resolved", "Sudah dibersihkan oleh TPK.")
    return record


def seed_large_kecamatan(mufakat: Mufakat, secret: str, count: int) -> UUID:
    """A Musrenbang Kecamatan of `count` proposals ranked (Borda, three ballots, against a pagu): the largest
    daftar prioritas a kecamatan makes, for the priority list's read at scale."""
    context = _context(mufakat, secret)
    process_id = mufakat.processes.open(
        context,
        title=f"Musrenbang Kecamatan dengan {count} usulan",
        description="Usulan desa-desa se-kecamatan diperingkat terhadap pagu indikatif.",
        region_code="33.02.11",
        region_name="Kecamatan Benih",
        visibility="public",
        rules=DecisionRules(legal_basis="Permendagri No. 86 Tahun 2017, Musrenbang kecamatan"),
        level="kecamatan",
    ).id
    context = _context(mufakat, secret)
    people = [
        mufakat.participants.register(context, process_id, name, "government", None, None, None).id
        for name in ("Camat Benih", "Kasi Pembangunan", "Utusan Desa")
    ]
    meeting_id = mufakat.meetings.schedule(
        context,
        process_id,
        title="Musrenbang Kecamatan",
        scheduled_for=mufakat.clock(),
        location="Aula Kecamatan",
        invited=people,
    ).id
    mufakat.meetings.open(context, meeting_id, people)
    proposals = [
        mufakat.proposals.submit(
            context,
            process_id,
            title=f"Usulan desa nomor {number}",
            body="Rehabilitasi saluran irigasi tersier.",
            submitted_by=people[2],
            meeting_id=meeting_id,
            planning={"estimated_cost": str(25_000_000 + 10_000 * number)},
        ).id
        for number in range(count)
    ]
    ranking_id = mufakat.rankings.open(
        context, process_id, meeting_id, proposals, "borda", budget_ceiling=str(2_500_000_000)
    ).id
    for number, participant_id in enumerate(people):
        order = proposals[number:] + proposals[:number]
        mufakat.rankings.cast_ballot(context, ranking_id, participant_id, order=order)
    mufakat.rankings.close(context, ranking_id)
    return process_id


def main() -> None:
    """Seeds the store and prints the rate."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--keep", type=Path, default=None, help="where to leave the SQLite file")
    parser.add_argument(
        "--kecamatan-proposals",
        type=int,
        default=0,
        help="then a kecamatan of this many ranked proposals (its id in the sidecar as `large_kecamatan`)",
    )
    parser.add_argument(
        "--work-in",
        type=Path,
        default=None,
        help="where the SQLite file is written (default: the temporary folder); /dev/shm skips the disk's fsync",
    )
    arguments = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="mufakat-seed-", dir=arguments.work_in))
    url = arguments.database_url or "sqlite:///" + str(directory / "seed.db")
    mufakat = Mufakat(env=persistence_settings(url))
    try:
        _, secret = mufakat.tokens.issue("facilitator", "Fasilitator Benih", [])
        before = mufakat.recorder.max_notification_id() or 0
        started = last_print = time.perf_counter()
        rounds = 0
        events = 0
        first: DemoRecord | None = None
        while events < arguments.events:
            # One round holds the writer token from its first write to its last, as `mufakat demo` does.
            with mufakat.writing_alone():
                record = seed_round(mufakat, secret, rounds)
            first = first or record
            rounds += 1
            events = (mufakat.recorder.max_notification_id() or 0) - before
            now = time.perf_counter()
            if now - last_print > 30:
                print(f"  {events:,} events in {now - started:.0f} s ({events / (now - started):,.0f}/s)", flush=True)
                last_print = now
        seconds = time.perf_counter() - started
        large_kecamatan = None
        if arguments.kecamatan_proposals:
            kecamatan_started = time.perf_counter()
            with mufakat.writing_alone():
                large_kecamatan = seed_large_kecamatan(mufakat, secret, arguments.kecamatan_proposals)
            print(
                f"a kecamatan of {arguments.kecamatan_proposals} ranked proposals in "
                f"{time.perf_counter() - kecamatan_started:.1f} s"
            )
    finally:
        mufakat.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if rounds:
        print(
            f"seeded {events:,} events in {rounds} kecamatan rounds ({events / rounds:.0f} events each) in "
            f"{seconds:.1f} s: {events / seconds:,.0f} events/s; peak RSS {peak:.0f} MiB"
        )
    if arguments.keep is not None and arguments.database_url is None:
        shutil.move(str(directory / "seed.db"), arguments.keep)
        # The statements' keys live in a file of their own beside the ledger (service/adapters/key_file.py):
        # without it every sealed statement of the kept store would read as destroyed.
        shutil.move(str(key_file_path(str(directory / "seed.db"))), key_file_path(str(arguments.keep)))
        print(f"kept at {arguments.keep} (sqlite:///{arguments.keep})")
    if arguments.keep is not None and first is not None:
        # The first round's ids, for the read benches (bench/scale_reads.py): the oldest village of the store.
        ids = {
            "process": str(first.process_id),
            "proposal": str(first.proposals["adopted_by_consensus"]),
            **{name: str(value) for name, value in first.chain.items()},
            "events": events,
        }
        Path(f"{arguments.keep}.json").write_text(json.dumps(ids, indent=2), encoding="utf-8")
    if large_kecamatan is not None:
        store = arguments.keep or Path(url.removeprefix("sqlite:///"))
        sidecar = Path(f"{store}.json")
        known = json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.exists() else {}
        known["large_kecamatan"] = str(large_kecamatan)
        sidecar.write_text(json.dumps(known, indent=2), encoding="utf-8")
    shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()

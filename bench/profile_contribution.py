"""Where the CPU of one contribution goes, in-process (Flask test client, one thread, SQLite file).

    .venv/bin/python bench/profile_contribution.py [--requests 2000] [--top 25] [--database-url URL] [--unfrozen]

Sends the same request as `bench/command_throughput.py` (a contribution with a
bearer token and a unique Idempotency-Key), first unprofiled to report the CPU
per request, then under cProfile (CPU time), and prints the CPU per command by stage
(cProfile's cumulative times scaled to the unprofiled CPU), the SQL statements and
transactions per contribution, and the top entries by own time and by cumulative time.
Stages overlap where one runs inside another (the use case inside the request): the
indented ones are parts of the stage above them. The heap is frozen after the app is made,
as a gunicorn worker of `mufakat serve` does (`--unfrozen`: not, to see what that changes).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from uuid import uuid4

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))


#: (label, file, function): a stage of the command path, read as the cumulative CPU of that function.
STAGES: list[tuple[str, str, str]] = [
    ("the whole request (WSGI)", "flask/app.py", "wsgi_app"),
    ("  before-request hooks (request id, token)", "flask/app.py", "preprocess_request"),
    ("    the token's principal", "service/http/auth.py", "optional_principal"),
    ("  body load and validation (webargs)", "webargs/core.py", "parse"),
    ("  the Idempotency-Key's fingerprint", "service/http/auth.py", "idempotency_key"),
    ("  the command (unit of work)", "service/app/unit_of_work.py", "run_command"),
    ("    judging: reads, domain, staging", "service/app/unit_of_work.py", "_judge"),
    ("      the key's earlier answer (lookup)", "service/app/unit_of_work.py", "earlier_answer"),
    ("      copying aggregates for change", "service/adapters/group_commit.py", "copy_for_change"),
    ("    encoding the events (mapper)", "eventsourcing/persistence.py", "to_stored_event"),
    ("    the commit (SQL, chain, tree)", "service/adapters/group_commit.py", "_commit"),
    ("      hash chain and Merkle tree rows (SQLite)", "service/audit/chain.py", "_insert_events"),
    ("      hash chain and Merkle tree rows (PostgreSQL)", "service/audit/chain.py", "_fetch_ids_after_insert_events"),
    ("      Merkle tree rows", "service/audit/tree_store.py", "extend_tree"),
    ("  the answer's schema dump", "marshmallow/schema.py", "dump"),
    ("  after-request hooks (headers, log, metrics)", "flask/app.py", "process_response"),
    ("  teardown hooks", "flask/app.py", "do_teardown_request"),
]
#: Built-in or library calls that send one statement to the database, and those that end a transaction.
_STATEMENTS = {
    ("~", "<method 'execute' of 'sqlite3.Cursor' objects>"),
    ("~", "<method 'executemany' of 'sqlite3.Cursor' objects>"),
    ("~", "<method 'execute' of 'sqlite3.Connection' objects>"),
    ("psycopg/cursor.py", "execute"),
    ("psycopg/cursor.py", "executemany"),
}
_COMMITS = {("~", "<method 'commit' of 'sqlite3.Connection' objects>"), ("psycopg/connection.py", "commit")}


def _matches(key: tuple[str, int, str], file: str, function: str) -> bool:
    filename, _, name = key
    return name == function and ((file == "~" and filename == "~") or filename.replace(os.sep, "/").endswith(file))


def breakdown(stats: pstats.Stats, requests: int, cpu: float) -> None:
    """Prints µs per command by stage (scaled to the unprofiled CPU) and SQL statements per contribution."""
    entries: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in entries.values()) / requests
    scale = cpu / total if total else 0.0
    print(f"\nCPU per contribution by stage (µs; cProfile shares scaled to {cpu * 1e6:.0f} µs unprofiled):")
    for label, file, function in STAGES:
        found = [entry for key, entry in entries.items() if _matches(key, file, function)]
        cumulative = sum(entry[3] for entry in found) / requests
        calls = sum(entry[1] for entry in found) / requests
        print(f"  {label:<52} {cumulative * scale * 1e6:8.0f} µs  ({calls:.1f} calls)")

    def per_request(wanted: set[tuple[str, str]]) -> float:
        return sum(e[1] for k, e in entries.items() if any(_matches(k, f, n) for f, n in wanted)) / requests

    statements, commits = per_request(_STATEMENTS), per_request(_COMMITS)
    print(f"SQL statements per contribution: {statements:.1f} in {commits:.1f} transactions")


def main() -> None:
    """Profiles contributions and prints the top entries."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--unfrozen",
        action="store_true",
        help="leave the heap unfrozen (a gunicorn worker of mufakat serve freezes it)",
    )
    options = parser.parse_args()

    from domain.rules import DecisionRules
    from service.adapters.storage import persistence_settings
    from service.app.application import CommandContext
    from service.http.app_factory import create_app
    from service.http.current import current_mufakat

    # The request log is written, as under gunicorn, but to nowhere: its cost counts, its lines are not shown.
    shown = sys.stderr
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115
    url = options.database_url or "sqlite:///" + str(Path(tempfile.mkdtemp(prefix="mufakat-profile-")) / "p.db")
    app = create_app({"MUFAKAT_LEDGER_ENV": persistence_settings(url)})
    if not options.unfrozen:  # as a worker of `mufakat serve` does once it has imported the app
        from service.cli.gunicorn_settings import freeze_imported_heap

        freeze_imported_heap(worker=None)
    with app.app_context():
        ledger = current_mufakat()
        token, secret = ledger.tokens.issue("admin", "Admin Profil", [])
        context = CommandContext(principal=token.principal())
        process = ledger.processes.open(context, "Musdes", "", "33.01", "Desa", "public", DecisionRules()).id
        speaker = ledger.participants.register(context, process, "Warga", "resident", None, None, None).id
        proposal = ledger.proposals.submit(context, process, "Jalan desa", "Perbaikan jalan.", speaker, None).id
    client = app.test_client()
    path = f"/api/v1/proposals/{proposal}/contributions"
    body = {"participant_id": str(speaker), "kind": "information", "text": "Pendapat warga tentang jalan desa."}
    prefix = uuid4().hex

    def send(number: int) -> None:
        headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": f"{prefix}-{number}"}
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 200, response.get_json()

    for number in range(200):  # warm up: caches, first connections
        send(number)
    started = time.process_time()
    for number in range(200, 200 + options.requests):
        send(number)
    cpu = (time.process_time() - started) / options.requests
    profiler = cProfile.Profile(time.process_time)  # CPU, not the wait for fsync
    profiler.enable()
    for number in range(200 + options.requests, 200 + 2 * options.requests):
        send(number)
    profiler.disable()
    sys.stderr = shown
    print(f"CPU per contribution (unprofiled, {options.requests} requests): {cpu * 1000:.3f} ms")
    breakdown(pstats.Stats(profiler), options.requests, cpu)
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(options.top)
    stats.sort_stats("cumulative").print_stats(options.top)


if __name__ == "__main__":
    main()

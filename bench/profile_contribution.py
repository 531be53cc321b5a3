"""Where the CPU of one contribution goes, in-process (Flask test client, one thread, SQLite file).

    .venv/bin/python bench/profile_contribution.py [--requests 2000] [--top 25] [--database-url URL]

Sends the same request as `bench/command_throughput.py` (a contribution with a
bearer token and a unique Idempotency-Key), first unprofiled to report the CPU
per request, then under cProfile (CPU time), and prints the top entries by own time and
by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import pstats
import sys
import tempfile
import time
from pathlib import Path
from uuid import uuid4

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))


def main() -> None:
    """Profiles contributions and prints the top entries."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--database-url", default=None)
    options = parser.parse_args()

    from domain.rules import DecisionRules
    from service.adapters.storage import persistence_settings
    from service.app.application import CommandContext
    from service.http.app_factory import create_app
    from service.http.current import current_mufakat

    logging.getLogger("mufakat.requests").disabled = True  # the request log, not the profile
    url = options.database_url or "sqlite:///" + str(Path(tempfile.mkdtemp(prefix="mufakat-profile-")) / "p.db")
    app = create_app({"MUFAKAT_LEDGER_ENV": persistence_settings(url)})
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
    print(f"CPU per contribution (unprofiled, {options.requests} requests): {cpu * 1000:.3f} ms")
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(options.top)
    stats.sort_stats("cumulative").print_stats(options.top)


if __name__ == "__main__":
    main()

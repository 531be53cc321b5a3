"""What knowing who a bearer token stands for costs, in-process: `Tokens.authenticate` on one token, again and
again, beside one indexed SELECT through the same pool (what a counter row read per request would cost).

    .venv/bin/python bench/authenticate_speed.py [--calls 3000] [--rounds 2] [--database-url URL]

Prints µs per call of each, per round: this process's CPU time and the wall-clock time (a round trip to a
server waits without CPU here, but costs CPU there).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))


def per_call(calls: int, run: Callable[[], object]) -> tuple[float, float]:
    """CPU and wall-clock µs per call of `run`."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(calls):
        run()
    return (time.process_time() - cpu) / calls * 1e6, (time.perf_counter() - wall) / calls * 1e6


def main() -> None:
    """Times authenticate and one SELECT, in alternating rounds."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--database-url", default=None)
    options = parser.parse_args()

    from service.adapters.storage import persistence_settings
    from service.app.application import Mufakat

    url = options.database_url or "sqlite:///" + str(Path(tempfile.mkdtemp(prefix="mufakat-auth-")) / "a.db")
    mufakat = Mufakat(env=persistence_settings(url))
    _, secret = mufakat.tokens.issue("facilitator", "Fasilitator", [])
    assert mufakat.tokens.authenticate(secret) is not None
    tables = mufakat.side_tables
    statement = "SELECT MAX(notification_id) FROM event_hashes WHERE notification_id > ?"

    for number in range(1, options.rounds + 1):
        auth_cpu, auth_wall = per_call(options.calls, lambda: mufakat.tokens.authenticate(secret))
        select_cpu, select_wall = per_call(options.calls, lambda: tables.fetch_one(statement, (0,)))
        print(
            f"round {number}: authenticate {auth_cpu:.1f} µs CPU ({auth_wall:.1f} wall),"
            f" one indexed SELECT {select_cpu:.1f} µs CPU ({select_wall:.1f} wall) per call"
        )
    mufakat.close()


if __name__ == "__main__":
    main()

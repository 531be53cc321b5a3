"""Requests per second of a public feed page of 50 items, beside a trivial Flask GET of 50 small items.

    .venv/bin/python bench/feed_read.py [--seconds 10] [--connections 8] [--workers 2] [--threads 4]
        [--rounds 3] [--events 10000 1000000] [--distinct-pages 4] [--profile]

Both apps run under the same gunicorn settings as bench/command_throughput.py (gthread, 2 workers x 4
threads) and are loaded by `wrk` with the same connections and duration. The store is the demo
process (Musrenbang Desa Sukamaju, recorded through the use cases), whose feed items are then copied
directly into the feed table until the feed is as long as a log of `--events` events would make it
(one item per 20 events, the demo's own ratio, rounded): the rows are generated, not replayed, so that
a 1,000,000-event store takes seconds to make. Anonymous readers fetch the first page and pages deep
in the feed (by cursor), in turn; a worker keeps the pages it served for as long as the log does not
move on, so these are served as kept. `--distinct-pages 1000` cycles through more pages than a worker
keeps, so that every read makes its page from the stored items. `--profile` prints the top entries of
a cProfile of 20 pages read in-process. Target: >= 0.25x the trivial GET, and the same at every size.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))
sys.path.insert(0, str(REPOSITORY / "bench"))

from command_throughput import _free_port, _gunicorn, _rates, _wrk  # noqa: E402

TRIVIAL_APP = """
from flask import Flask, jsonify

ITEMS = [{"id": i, "kind": "decision", "title": f"Usulan {i}", "outcome": "adopted"} for i in range(50)]

def create_app():
    app = Flask(__name__)

    @app.get("/items")
    def items():
        return jsonify({"items": ITEMS, "next": None})

    @app.get("/api/v1/health")
    def health():
        return jsonify({"status": "ok"})

    return app
"""

GET_SCRIPT = """
local counter = 0
local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS") or "", "%S+") do
  table.insert(paths, path)
end

function request()
  counter = counter + 1
  local path = nil
  if #paths > 0 then path = paths[(counter % #paths) + 1] end
  return wrk.format("GET", path)
end
"""

ITEMS_PER_EVENT = 20


def _prepare_store(database_url: str, events: int, distinct_pages: int = 4) -> list[str]:
    """The demo recorded, its feed items copied to the length a log of `events` would make; page paths."""
    from projections.feed_queries import encode_cursor
    from projections.runner import fresh_read_models
    from service.adapters.storage import persistence_settings
    from service.app.application import Mufakat
    from service.cli.demo import record_demo

    ledger = Mufakat(env=persistence_settings(database_url))
    _, secret = ledger.tokens.issue("facilitator", "Fasilitator Bench", [])
    record_demo(ledger, secret)
    models = fresh_read_models(ledger)
    database = models.database
    columns = [row[1] for row in database.fetch_all("PRAGMA table_info(projection_feed_items)")]
    names = [c for c in columns if c != "seq"]
    rows = database.fetch_all(f"SELECT seq, {', '.join(names)} FROM projection_feed_items ORDER BY seq")
    start = int(rows[-1][0])
    wanted = max(events // ITEMS_PER_EVENT, len(rows))
    import sqlite3

    path = database_url.removeprefix("sqlite:///")
    connection = sqlite3.connect(path)
    marks = ", ".join("?" for _ in columns)
    batch = []
    for number in range(wanted - len(rows)):
        source = rows[number % len(rows)]
        batch.append((start + 1 + number, *source[1:]))
        if len(batch) == 10000:
            connection.executemany(
                f"INSERT INTO projection_feed_items (seq, {', '.join(names)}) VALUES ({marks})", batch
            )
            batch.clear()
    if batch:
        connection.executemany(f"INSERT INTO projection_feed_items (seq, {', '.join(names)}) VALUES ({marks})", batch)
    connection.commit()
    total = connection.execute("SELECT COUNT(*), MAX(seq) FROM projection_feed_items").fetchone()
    connection.close()
    ledger.close()
    last = int(total[1])
    deep = [encode_cursor(last - 60), encode_cursor(last // 2), encode_cursor(last // 3)]
    # More pages than a worker keeps (its kept pages hold about 16 MB: some 170 pages of 50): every read a miss.
    step = max(1, (last - 60) // max(1, distinct_pages - 4))
    deep += [encode_cursor(seq) for seq in range(1, last - 60, step)][: max(0, distinct_pages - 4)]
    return ["/api/v1/feed?limit=50"] + [f"/api/v1/feed?limit=50&after={cursor}" for cursor in deep]


def _profile(database_url: str, paths: list[str]) -> str:
    from service.adapters.storage import persistence_settings
    from service.http.app_factory import create_app

    app = create_app({"MUFAKAT_LEDGER_ENV": persistence_settings(database_url)})
    client = app.test_client()
    client.get(paths[0])
    profiler = cProfile.Profile()
    profiler.enable()
    for number in range(20):
        assert client.get(paths[number % len(paths)]).status_code == 200
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(18)
    return out.getvalue()


def main() -> None:
    """Measures both apps at each size and prints their rates and ratios."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--events", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--distinct-pages",
        type=int,
        default=4,
        help="how many different pages the readers cycle through (4: the first and three deep ones, the pages"
        " readers poll, served as kept; 1000: more than a worker keeps, so every page is made for its read)",
    )
    options = parser.parse_args()
    load_before = os.getloadavg()[0]
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install -y wrk")
    workdir = Path(tempfile.mkdtemp(prefix="mufakat-feed-bench-"))
    try:
        (workdir / "trivial_app.py").write_text(TRIVIAL_APP)
        script = workdir / "get.lua"
        script.write_text(GET_SCRIPT)
        stores = {}
        for events in options.events:
            url = "sqlite:///" + str(workdir / f"feed-{events}.db")
            stores[events] = (url, _prepare_store(url, events, options.distinct_pages))
            if options.profile:
                print(f"--- profile of 20 pages at {events} events ---")
                print(_profile(url, stores[events][1]))
        trivial_rates: list[float] = []
        feed_rates: dict[int, list[float]] = {events: [] for events in stores}
        failures = 0
        for _ in range(options.rounds):
            port = _free_port()
            trivial = _gunicorn(
                "trivial_app:create_app()", port, options.workers, options.threads, workdir, {**os.environ}
            )
            try:
                rate, failed = _wrk(
                    f"http://127.0.0.1:{port}/items",
                    options.seconds,
                    options.connections,
                    script,
                    {**os.environ, "BENCH_PATHS": "/items"},
                )
                trivial_rates.append(rate)
                failures += failed
            finally:
                trivial.terminate()
                trivial.wait()
            for events, (url, paths) in stores.items():
                port = _free_port()
                server = _gunicorn(
                    "service.http.app_factory:create_app()",
                    port,
                    options.workers,
                    options.threads,
                    REPOSITORY,
                    {**os.environ, "MUFAKAT_DATABASE_URL": url},
                )
                try:
                    rate, failed = _wrk(
                        f"http://127.0.0.1:{port}{paths[0]}",
                        options.seconds,
                        options.connections,
                        script,
                        {**os.environ, "BENCH_PATHS": " ".join(paths)},
                    )
                    feed_rates[events].append(rate)
                    failures += failed
                finally:
                    server.terminate()
                    server.wait()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    trivial_rate = statistics.median(trivial_rates)
    print(f"trivial Flask GET of 50 items:        {trivial_rate:8.1f} req/s  (rounds: {_rates(trivial_rates)})")
    for events, rates in feed_rates.items():
        rate = statistics.median(rates)
        print(f"{f'feed page of 50 at {events} events:':<38}{rate:8.1f} req/s  (rounds: {_rates(rates)})")
        print(f"{'  ratio to the trivial GET:':<38}{rate / trivial_rate:8.3f}  (target >= 0.25)")
    print(
        f"medians of {options.rounds} alternating rounds; {options.distinct_pages} distinct pages;"
        f" non-2xx answers: {failures}; gunicorn: {options.workers} "
        f"workers, gthread x {options.threads} threads; wrk: 2 threads, {options.connections} connections, "
        f"{options.seconds} s; cores: {os.cpu_count()}; load average before: {load_before:.1f}; feed rows generated "
        f"directly (1 item per {ITEMS_PER_EVENT} events)"
    )


if __name__ == "__main__":
    main()

"""Every page a caller can open with a process or a proposal id, timed on a small and a large store, worst first.

    .venv/bin/python bench/every_page_at_scale.py SMALL.db LARGE.db [--times 3] [--top 25]

`bench/scale_reads.py` times the reads the design names; this one walks every GET route of the app whose only
parameters are a process id and a proposal id (API, portal and console pages; the feed; the token list), fills
them with the first village of each store (`bench/seed.py --keep` writes its ids beside the store), and prints
each route's median time on both stores and their ratio, largest first. A read that does work growing with the
ledger shows at the top (a ratio far above 1 on stores 80x apart); the routes whose answer differs between the
stores (a 404 on one) are marked. Each store is opened in a process of its own, as an admin (it sees every page);
the stores are copied first (with their key files), since opening a store may bring its read models up to date.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

#: Routes that stream or write, or answer what is not a page (they are timed elsewhere: verify, export, metrics).
SKIPPED = ("/static", "/metrics", "stream", "export", "/audit/verify", "/audit/events", "sw.js")


def time_every_page(store: str, times: int) -> dict[str, tuple[int, float]]:
    """Opens the store in this process and times every page with a process or proposal id (median ms, status)."""
    from service.adapters.storage import persistence_settings
    from service.http.app_factory import create_app
    from service.http.current import current_mufakat

    ids = json.loads(Path(f"{store}.json").read_text(encoding="utf-8"))
    app = create_app({"TESTING": True, "MUFAKAT_LEDGER_ENV": persistence_settings(f"sqlite:///{store}")})
    logging.disable(logging.CRITICAL)
    with app.app_context():
        _, secret = current_mufakat().tokens.issue("admin", "Admin Bench", [])
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    values = {"process_id": ids["process"], "proposal_id": ids["proposal"]}
    timed: dict[str, tuple[int, float]] = {}
    with contextlib.redirect_stderr(io.StringIO()):  # the request log, one line a request
        client.get("/api/v1/feed", headers=headers)  # the read models brought up to date first
        for rule in app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()) or not set(rule.arguments) <= set(values):
                continue
            if any(part in rule.rule for part in SKIPPED):
                continue
            url = rule.rule
            for name in rule.arguments:
                url = url.replace(f"<uuid:{name}>", values[name]).replace(f"<{name}>", values[name])
            status, seconds = 0, []
            for _ in range(times + 1):  # the first call warms the caches
                started = time.perf_counter()
                status = client.get(url, headers=headers).status_code
                seconds.append(time.perf_counter() - started)
            timed[rule.rule] = (status, statistics.median(seconds[1:]) * 1000)
    return timed


def _copied(store: Path, into: Path) -> Path:
    from service.adapters.key_file import key_file_path

    copy = into / store.name
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    if key_file_path(str(store)).exists():
        shutil.copyfile(key_file_path(str(store)), key_file_path(str(copy)))
    shutil.copyfile(f"{store}.json", f"{copy}.json")
    return copy


def main() -> None:
    """Times both stores, each in a process of its own, and prints the routes worst first."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("small", type=Path)
    parser.add_argument("large", type=Path, nargs="?")
    parser.add_argument("--times", type=int, default=3)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # internal: time one store, print JSON
    options = parser.parse_args()
    if options.one:
        print(json.dumps(time_every_page(str(options.small), options.times)))
        return
    with tempfile.TemporaryDirectory(prefix="mufakat-pages-") as work:
        timed = []
        for number, store in enumerate((options.small, options.large)):
            folder = Path(work) / str(number)
            folder.mkdir()
            copy = _copied(store, folder)
            command = [sys.executable, __file__, str(copy), "--one", "--times", str(options.times)]
            timed.append(json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout))
    small, large = timed
    rows = sorted(
        ((large[route][1] / max(small[route][1], 0.01), route) for route in small if route in large), reverse=True
    )
    print(f"{'ratio':>7} {'small ms':>9} {'large ms':>9}  route")
    for ratio, route in rows[: options.top]:
        differs = "" if small[route][0] == large[route][0] else f"  (status {small[route][0]} / {large[route][0]})"
        print(f"{ratio:6.1f}x {small[route][1]:9.1f} {large[route][1]:9.1f}  {route}{differs}")
    print(f"{len(rows)} routes; median of {options.times} calls after a warm-up call, each store in its own process")


if __name__ == "__main__":
    main()

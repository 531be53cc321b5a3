"""Reads on a small and a large store, each as a ratio to the small store's, in one run (rounds alternated).

    .venv/bin/python bench/seed.py --events 10000 --work-in /dev/shm --keep /dev/shm/small.db
    .venv/bin/python bench/seed.py --events 100000 --work-in /dev/shm --keep /dev/shm/large.db
    .venv/bin/python bench/scale_reads.py /dev/shm/small.db /dev/shm/large.db [--rounds 2]

Each store was written by `bench/seed.py`, whose sidecar (`PATH.json`) names the first village it seeded:
the oldest records of the store, the ones a large store could make slower to reach. Every round opens each
store in a fresh process (small, then large, alternated) that times, in the process, through the web app's
test client (the whole request: routing, reads, rendering):

- rebuild: every read model dropped and replayed from the whole log (`ReadModels.rebuild`), once per process;
- feed: `GET /api/v1/feed` (the first page);
- history: `GET /api/v1/proposals/{id}/history` of the first village's adopted road;
- journey: `GET /api/v1/proposals/{id}/journey` of the same road, forwarded up to its kecamatan and merged;
- priorities JSON / XLSX: `GET /api/v1/processes/{id}/priorities` (`?format=xlsx`) of the first village, and
  of the kecamatan of 1,000 ranked proposals when the store has one (`seed.py --kecamatan-proposals 1000`);
- proof: `GET /api/v1/audit/proofs/inclusion` of the first village's first event in the whole tree;
- verify: `verify_store` over the whole log; export: `write_export` of the whole log to nowhere;

each read the median of several calls, and the process's peak RSS (`VmHWM`, also after each phase, to tell
which one raised it). It prints every round, then the medians and the ratio large / small: reads should be
flat (<= 1.5x); rebuild, verify and export grow with the log by nature (their ratio per event is printed too).
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

READS = 7
WHOLE_LOG = ("rebuild", "verify", "export")


def _median_seconds(call: Callable[[], Any], times: int) -> float:
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


class _Nowhere(io.TextIOBase):
    """A text sink that keeps nothing (an export written to a StringIO would hold the whole log in memory)."""

    def write(self, text: str) -> int:
        return len(text)


def _peak_mib() -> float:
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024


def measure(path: str) -> dict[str, float]:
    """Times everything on one store, in this process."""
    from projections.runner import ReadModels
    from service.adapters.storage import persistence_settings
    from service.audit.export import write_export
    from service.audit.verify import verify_store
    from service.http.app_factory import create_app

    ids = json.loads(Path(f"{path}.json").read_text(encoding="utf-8"))
    settings = persistence_settings(f"sqlite:///{path}")
    app = create_app({"TESTING": True, "MUFAKAT_LEDGER_ENV": settings})
    client = app.test_client()

    headers: dict[str, str] = {}

    def get(url: str) -> Callable[[], Any]:
        def call() -> None:
            answer = client.get(url, headers=headers)
            assert answer.status_code == 200, (url, answer.status_code, answer.get_data(as_text=True)[:300])

        return call

    with app.app_context():
        from service.http.current import current_mufakat

        mufakat = current_mufakat()
        # An auditor reads what outsiders may not (the journey); issuing the token adds one event.
        _, secret = mufakat.tokens.issue("auditor", "Auditor Bench", [])
        headers["Authorization"] = f"Bearer {secret}"
        events = mufakat.recorder.max_notification_id() or 0
        figures: dict[str, float] = {"events": float(events)}
        started = time.perf_counter()
        ReadModels(mufakat).rebuild()
        figures["rebuild"] = time.perf_counter() - started
        figures["peak RSS after rebuild MiB"] = _peak_mib()
        reads = {
            "feed": get("/api/v1/feed"),
            "history": get(f"/api/v1/proposals/{ids['proposal']}/history"),
            "journey": get(f"/api/v1/proposals/{ids['proposal']}/journey"),
            "priorities JSON": get(f"/api/v1/processes/{ids['process']}/priorities"),
            "priorities XLSX": get(f"/api/v1/processes/{ids['process']}/priorities?format=xlsx"),
            **(
                {
                    "kecamatan priorities JSON": get(f"/api/v1/processes/{ids['large_kecamatan']}/priorities"),
                    "kecamatan priorities XLSX": get(
                        f"/api/v1/processes/{ids['large_kecamatan']}/priorities?format=xlsx"
                    ),
                }
                if "large_kecamatan" in ids
                else {}
            ),
            "proof": get(f"/api/v1/audit/proofs/inclusion?position=2&tree_size={events}"),
        }
        for name, call in reads.items():
            call()  # warm: the first call of a route loads its templates, schemas and caches
            figures[name] = _median_seconds(call, READS)
        figures["peak RSS after reads MiB"] = _peak_mib()
        figures["verify"] = _median_seconds(lambda: verify_store(mufakat.recorder), 1)
        figures["peak RSS after verify MiB"] = _peak_mib()
        figures["export"] = _median_seconds(lambda: write_export(mufakat.recorder, _Nowhere()), 1)
    figures["peak RSS MiB"] = _peak_mib()
    return figures


def main() -> None:
    """Alternates small and large stores in fresh processes; prints the rounds, medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("small")
    parser.add_argument("large", nargs="?")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--measure-one", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.measure_one:
        print(json.dumps(measure(arguments.small)))
        return
    rounds: dict[str, list[dict[str, float]]] = {arguments.small: [], arguments.large: []}
    for number in range(arguments.rounds):
        for path in (arguments.small, arguments.large):
            answer = subprocess.run(
                [sys.executable, __file__, path, "--measure-one"], capture_output=True, text=True, check=True
            )
            figures = json.loads(answer.stdout.strip().splitlines()[-1])
            rounds[path].append(figures)
            shown = ", ".join(
                f"{k} {v * 1000:.1f} ms" for k, v in figures.items() if k != "events" and not k.endswith("MiB")
            )
            rss = figures["peak RSS MiB"]
            print(f"round {number + 1}, {figures['events']:,.0f} events: {shown}; peak RSS {rss:.0f} MiB")
    small = {k: statistics.median(r[k] for r in rounds[arguments.small]) for k in rounds[arguments.small][0]}
    large = {k: statistics.median(r[k] for r in rounds[arguments.large]) for k in rounds[arguments.large][0]}
    growth = large["events"] / small["events"]
    print(f"\n{'':18}{small['events']:>14,.0f}{large['events']:>14,.0f}   ratio   (log grew {growth:.1f}x)")
    for key in small:
        if key == "events":
            continue
        ratio = large[key] / small[key]
        unit = "MiB" if key.endswith("MiB") else "ms"
        scale = 1 if unit == "MiB" else 1000
        note = f"   per event {ratio / growth:.2f}x" if key in WHOLE_LOG else ""
        name = key.removesuffix(" MiB")
        print(f"{name:18}{small[key] * scale:>11.1f} {unit}{large[key] * scale:>11.1f} {unit}  {ratio:5.2f}x{note}")


if __name__ == "__main__":
    main()

"""How long `mufakat demo` takes on SQLite and on PostgreSQL, in one run on one machine.

    .venv/bin/python bench/demo_timing.py [--runs 3]

Each store starts empty (a fresh SQLite file, a freshly created PostgreSQL
database on 127.0.0.1:5432 as user postgres, dropped afterwards). The demo runs
`--runs` times as a real `mufakat demo` process; the figures are the medians of
what the demo itself reports (seconds spent recording, events recorded) and of
the wall time of the whole command (interpreter start and table creation included).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from uuid import uuid4

import psycopg
from psycopg import sql

POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def run_demo(database_url: str, workdir: Path) -> tuple[float, int, float]:
    """Runs `mufakat demo` once: (seconds it reports, events it reports, wall seconds)."""
    executable = Path(sys.executable).with_name("mufakat")
    run_in_python = [sys.executable, "-c", "from service.cli.main import main; main()"]
    command = [str(executable)] if executable.exists() else run_in_python
    env = {**os.environ, "MUFAKAT_DATABASE_URL": database_url}
    started = time.perf_counter()
    finished = subprocess.run([*command, "demo"], cwd=workdir, env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    summary = {
        label.strip(): value.strip()
        for label, _, value in (line.partition(":") for line in finished.stdout.splitlines())
    }
    return float(summary["seconds"]), int(summary["events recorded"]), wall


def measure(database_url: str, workdir: Path, runs: int) -> dict[str, float]:
    """The medians of `runs` demos on one store."""
    results = [run_demo(database_url, workdir) for _ in range(runs)]
    return {
        "seconds": statistics.median(r[0] for r in results),
        "events": statistics.median(r[1] for r in results),
        "wall": statistics.median(r[2] for r in results),
    }


def main() -> None:
    """Measures both stores and prints the figures and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs

    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        figures["sqlite"] = measure("sqlite:///" + str(workdir / "demo.db"), workdir, runs)

        name = f"mufakat_bench_{uuid4().hex[:12]}"
        with psycopg.connect(dbname="postgres", autocommit=True, **POSTGRES) as admin:  # type: ignore[arg-type]
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            url = f"postgresql://{POSTGRES['user']}@{POSTGRES['host']}:{POSTGRES['port']}/{name}"
            figures["postgresql"] = measure(url, workdir, runs)
        finally:
            with psycopg.connect(dbname="postgres", autocommit=True, **POSTGRES) as admin:  # type: ignore[arg-type]
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    print(f"mufakat demo, median of {runs} runs per store ({os.cpu_count()} cores)")
    print(f"{'store':<12} {'seconds':>8} {'events':>7} {'events/s':>9} {'wall s':>7}")
    for store, f in figures.items():
        print(
            f"{store:<12} {f['seconds']:>8.3f} {f['events']:>7.0f} {f['events'] / f['seconds']:>9.0f} {f['wall']:>7.2f}"
        )
    ratio = figures["postgresql"]["seconds"] / figures["sqlite"]["seconds"]
    print(f"postgresql / sqlite time ratio: {ratio:.2f}")


if __name__ == "__main__":
    main()

"""Requests per second of a command over HTTP, beside a trivial Flask JSON POST, in one run.

    .venv/bin/python bench/command_throughput.py [--seconds 10] [--connections 8] [--workers 2]
        [--rounds 3] [--threads 4] [--sqlite-only] [--stores SMALL.db LARGE.db] [--half-rate]

Both apps run under the same gunicorn settings as `mufakat serve --workers 2`
(gthread, 4 threads per worker) and are loaded by `wrk` with the same
connections and duration. The command is `POST /api/v1/proposals/{id}/contributions`
with a bearer token and a unique Idempotency-Key per request: authentication
(cached principal), validation, the idempotency record, a durable commit
(SQLite: WAL, synchronous=FULL) and the rendered proposal; on one hot proposal,
then spread over 20 proposals. Rounds alternate (baseline, then every series);
every round is printed and the medians compared. The design's targets: SQLite
>= 0.40x, PostgreSQL >= 0.30x, 0 non-2xx. A run whose baseline rounds differ by
more than 20% is refused (a neighbour's load, not the code, would make the
figures). Needs `wrk` (`apt-get install -y wrk`).

Every series also gives its 99th percentile latency (wrk's `--latency`). `--stores` adds,
for each SQLite store named (e.g. `bench/seed.py --keep` files of 10k and 1M events),
a copy of it (with its key file) under the same series: the command's rate and p99
on a store that already holds that history. `--half-rate` measures the p99 of every
series again with each connection paced to half the rate the series just reached (wrk's
`delay()`), against the trivial POST's p99 paced the same way.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path
from uuid import uuid4

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

TRIVIAL_APP = """
from flask import Flask, jsonify, request

def create_app():
    app = Flask(__name__)

    @app.post("/echo")
    def echo():
        return jsonify({"received": request.get_json(), "ok": True})

    @app.get("/api/v1/health")
    def health():
        return jsonify({"status": "ok"})

    return app
"""

COUNTING_APP = """
import atexit, json, os, time
from service.adapters.group_commit import GroupCommitLedger
from service.http.app_factory import create_app as _create_app

_counts = {"commands": 0, "commits": 0}
_written = [0.0]
_run_in_batch, _commit = GroupCommitLedger.run_in_batch, GroupCommitLedger._commit


def _save():
    path = os.path.join(os.environ["BENCH_COUNTS_DIR"], f"{os.getpid()}.json")
    with open(path, "w") as out:
        json.dump(_counts, out)


def run_in_batch(self, work, claim=None):
    joined = _run_in_batch(self, work, claim)
    if joined.batch is not None:
        _counts["commands"] += 1
    return joined


def commit(self, batch):
    _commit(self, batch)
    _counts["commits"] += 1
    if time.monotonic() - _written[0] > 0.5:
        _written[0] = time.monotonic()
        _save()


GroupCommitLedger.run_in_batch, GroupCommitLedger._commit = run_in_batch, commit
atexit.register(_save)


def create_app():
    return _create_app()
"""

WRK_SCRIPT = """
local counter = 0
local prefix = os.getenv("BENCH_KEY_PREFIX") or "bench"
local token = os.getenv("BENCH_TOKEN")
local body = os.getenv("BENCH_BODY")
local threads = 0
local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS") or "", "%S+") do
  table.insert(paths, path)
end

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")

function delay()
  return pause
end

function request()
  counter = counter + 1
  local headers = {}
  headers["Content-Type"] = "application/json"
  if token then headers["Authorization"] = "Bearer " .. token end
  headers["Idempotency-Key"] = prefix .. "-" .. tostring(tid) .. "-" .. tostring(counter)
  local path = nil
  if #paths > 0 then path = paths[(counter % #paths) + 1] end
  return wrk.format("POST", path, headers, body)
end
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


#: The worker hook of `mufakat serve` (service/cli/gunicorn_settings.py) that both apps get: the heap frozen once
#: the app is imported, so a full garbage collection does not stall a request.
HOOKS = """
from service.cli.gunicorn_settings import freeze_imported_heap

post_worker_init = freeze_imported_heap
"""


def _gunicorn(
    app_spec: str, port: int, workers: int, threads: int, cwd: Path, env: dict[str, str], hooks: Path | None = None
) -> subprocess.Popen[bytes]:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        *(["--config", str(hooks)] if hooks is not None else []),
        app_spec,
    ]
    # The JSON request log goes to a file, as it would to journald, not to this terminal.
    log = (Path(tempfile.gettempdir()) / "mufakat-bench-server.log").open("ab")
    server = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=5):
                _wait_for_every_worker(server.pid, workers, deadline)
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError(f"{app_spec} did not start")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_for_every_worker(master: int, workers: int, deadline: float) -> None:
    """Waits until every worker has loaded the app and sits idle in accept().

    The first worker to boot answers the health check while the others still import the app; wrk's
    keep-alive connections would then all land on that one worker and measure one core instead of two
    (the heavier the app, the longer the others take). A worker that has used CPU and uses none for
    half a second has loaded the app.
    """
    while time.monotonic() < deadline:
        children = [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
        if len(children) >= workers:
            before = {pid: _cpu_seconds(pid) for pid in children}
            time.sleep(0.5)
            if all(_cpu_seconds(pid) == used and used > 0 for pid, used in before.items()):
                return
        else:
            time.sleep(0.1)


@dataclass(frozen=True)
class Load:
    """What one wrk run measured: requests per second, answers that were not 2xx, the 99th percentile (ms),
    and (for the command) how many commands each group commit carried."""

    rate: float
    failures: int
    p99_ms: float
    commands_per_commit: float = float("nan")


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _wrk(url: str, seconds: int, connections: int, script: Path, env: dict[str, str]) -> Load:
    output = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", "-s", str(script), url],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    failures = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    p99_ms = float(p99.group(1)) * _UNITS_MS[p99.group(2)] if p99 else float("nan")
    return Load(rate, int(failures.group(1)) if failures else 0, p99_ms)


def _paced(env: dict[str, str], rate: float, connections: int) -> dict[str, str]:
    """wrk's environment with every connection pausing so that all of them together send about `rate` a second."""
    return {**env, "BENCH_DELAY_MS": str(max(1, round(connections * 1000 / rate)))}


#: How many proposals the spread series shares its contributions among.
SPREAD = 20
#: The series of the SQLite store served without `HOOKS` (`--unfrozen`): what freezing the heap changes.
UNFROZEN = "SQLite, heap not frozen"
#: What each store's ratio to the baseline must reach (docs/architecture.md, "Targets").
TARGETS = {"SQLite": 0.40, "PostgreSQL": 0.30}
#: How far the baseline's rounds may differ (max / min - 1) before the run is refused.
BASELINE_SPREAD = 0.20


def _prepare_ledger(database_url: str) -> tuple[str, list[str], str]:
    """An admin token, SPREAD proposals and a registered participant in a fresh store."""
    from domain.rules import DecisionRules
    from service.adapters.storage import persistence_settings
    from service.app.application import CommandContext, Mufakat

    ledger = Mufakat(env=persistence_settings(database_url))
    token, secret = ledger.tokens.issue("admin", "Admin Bench", [])
    context = CommandContext(principal=token.principal())
    process = ledger.processes.open(context, "Musdes Bench", "", "33.01", "Desa Bench", "public", DecisionRules()).id
    speaker = ledger.participants.register(context, process, "Warga", "resident", None, None, None).id
    proposals = [
        str(ledger.proposals.submit(context, process, f"Jalan desa {n}", "Perbaikan jalan.", speaker, None).id)
        for n in range(SPREAD)
    ]
    ledger.close()
    return secret, proposals, str(speaker)


def main() -> None:
    """Measures both apps and prints their rates and ratio."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4, help="per worker (mufakat serve: MUFAKAT_THREADS, 4)")
    parser.add_argument("--sqlite-only", action="store_true", help="skip the PostgreSQL series (needs createdb)")
    parser.add_argument(
        "--stores", type=Path, nargs="*", default=[], help="seeded SQLite stores to measure on (copied first)"
    )
    parser.add_argument("--half-rate", action="store_true", help="also the p99 of each series at half its rate")
    parser.add_argument(
        "--unfrozen", action="store_true", help="also SQLite without the worker hook that freezes the heap"
    )
    options = parser.parse_args()
    load_before = os.getloadavg()[0]
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install -y wrk")

    workdir = Path(tempfile.mkdtemp(prefix="mufakat-bench-"))
    postgres_database: str | None = None
    try:
        (workdir / "trivial_app.py").write_text(TRIVIAL_APP)
        script = workdir / "post.lua"
        script.write_text(WRK_SCRIPT)
        hooks = workdir / "hooks.py"
        hooks.write_text(HOOKS)
        urls = {"SQLite": "sqlite:///" + str(workdir / "bench.db")}
        if not options.sqlite_only:
            postgres_database = f"mufakat_bench_{uuid4().hex[:12]}"
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", postgres_database], check=True)
            urls["PostgreSQL"] = f"postgresql://postgres@127.0.0.1:5432/{postgres_database}"
        for number, seeded in enumerate(options.stores):
            urls[f"SQLite {_events_in(seeded):,} events"] = _copied_store(seeded, workdir / f"seeded-{number}.db")
        stores = {store: (url, *_prepare_ledger(url)) for store, url in urls.items()}
        if options.unfrozen:
            stores[UNFROZEN] = stores["SQLite"]
        series = [(store, spread) for store in stores for spread in (1, SPREAD)]
        loads: dict[tuple[str, int], list[Load]] = {key: [] for key in series}
        paced: dict[tuple[str, int], list[Load]] = {key: [] for key in series}
        # The trivial app echoes the same body the command gets (each store names its own speaker).
        wrk_env = {**os.environ, "BENCH_BODY": _body(stores["SQLite"][3])}
        trivial_loads: list[Load] = []
        trivial_paced: list[Load] = []
        # Rounds alternate, so that a neighbour's load on this machine weighs on all figures alike.
        for round_number in range(1, options.rounds + 1):
            trivial_port = _free_port()
            trivial = _gunicorn(
                "trivial_app:create_app()",
                trivial_port,
                options.workers,
                options.threads,
                workdir,
                {**os.environ, "PYTHONPATH": str(REPOSITORY)},
                hooks,
            )
            try:
                echo = f"http://127.0.0.1:{trivial_port}/echo"
                load = _wrk(echo, options.seconds, options.connections, script, wrk_env)
                trivial_loads.append(load)
                if options.half_rate:
                    trivial_paced.append(
                        _wrk(
                            echo,
                            options.seconds,
                            options.connections,
                            script,
                            _paced(wrk_env, load.rate / 2, options.connections),
                        )
                    )
            finally:
                trivial.terminate()
                trivial.wait()
            print(f"round {round_number}: trivial {load.rate:.0f} req/s p99 {load.p99_ms:.1f} ms", end="", flush=True)

            for store, spread in series:
                url, secret, proposals, speaker = stores[store]
                server_hooks = None if store == UNFROZEN else hooks
                load, half = _command_round(
                    url, secret, proposals[:spread], speaker, options, script, wrk_env, server_hooks
                )
                loads[(store, spread)].append(load)
                if half is not None:
                    paced[(store, spread)].append(half)
                print(
                    f"; {store} x{spread} {load.rate:.0f} p99 {load.p99_ms:.1f} ms "
                    f"{load.commands_per_commit:.1f}/commit ({load.failures} non-2xx)",
                    end="",
                    flush=True,
                )
            print(f"; load {os.getloadavg()[0]:.1f}")
    finally:
        if postgres_database is not None:
            dropdb = ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", postgres_database]
            subprocess.run(dropdb, check=False)
        shutil.rmtree(workdir, ignore_errors=True)

    trivial_rate = statistics.median(load.rate for load in trivial_loads)
    trivial_p99 = statistics.median(load.p99_ms for load in trivial_loads)
    failures = sum(load.failures for load in [*trivial_loads, *(x for runs in loads.values() for x in runs)])
    print(
        f"trivial Flask JSON POST:              {trivial_rate:8.1f} req/s  p99 {trivial_p99:.1f} ms"
        f"  (rounds: {_rates(trivial_loads)})"
    )
    if trivial_paced:
        print(f"  at half its rate: {_paced_summary(trivial_paced)}")
    for (store, spread), runs in loads.items():
        command_rate = statistics.median(load.rate for load in runs)
        p99 = statistics.median(load.p99_ms for load in runs)
        where = "one proposal" if spread == 1 else f"{spread} proposals"
        label = f"POST contributions, {store}, {where}:"
        per_commit = statistics.median(load.commands_per_commit for load in runs)
        print(
            f"{label:<46}{command_rate:8.1f} req/s  p99 {p99:.1f} ms  {per_commit:.1f} commands per commit"
            f"  (rounds: {_rates(runs)})"
        )
        target = TARGETS.get(store, TARGETS["SQLite"])
        print(f"{'  ratio to the trivial POST:':<46}{command_rate / trivial_rate:8.3f}  (target >= {target:.2f})")
        if paced[(store, spread)]:
            half_p99 = statistics.median(load.p99_ms for load in paced[(store, spread)])
            trivial_half = statistics.median(load.p99_ms for load in trivial_paced)
            print(
                f"  at half its rate: {_paced_summary(paced[(store, spread)])}; "
                f"{half_p99 / trivial_half:.1f}x the trivial POST's p99 at half its rate"
            )
    print(
        f"medians of {options.rounds} alternating rounds; non-2xx answers: {failures}; gunicorn: {options.workers} "
        f"workers, gthread x {options.threads} threads; wrk: 2 threads, {options.connections} connections, "
        f"{options.seconds} s; "
        f"cores: {os.cpu_count()}; load average before: {load_before:.1f}, after: {os.getloadavg()[0]:.1f}"
    )
    trivial_rates = [load.rate for load in trivial_loads]
    baseline_spread = max(trivial_rates) / min(trivial_rates) - 1
    if baseline_spread > BASELINE_SPREAD:
        sys.exit(
            f"REFUSED: the baseline's rounds differ by {baseline_spread:.0%} (more than {BASELINE_SPREAD:.0%}): "
            "the machine's load changed during the run; run again when it is quiet"
        )


def _events_in(store: Path) -> int:
    """How many events a seeded SQLite store holds."""
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as connection:
        return int(connection.execute("SELECT max(rowid) FROM stored_events").fetchone()[0] or 0)


def _copied_store(seeded: Path, copy: Path) -> str:
    """A copy of a seeded store and its key file (the bench writes to it), as a database URL."""
    from service.adapters.key_file import key_file_path

    with sqlite3.connect(f"file:{seeded}?mode=ro", uri=True) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    keys = key_file_path(str(seeded))
    if keys.exists():
        shutil.copyfile(keys, key_file_path(str(copy)))
    return "sqlite:///" + str(copy)


def _paced_summary(runs: list[Load]) -> str:
    rate = statistics.median(load.rate for load in runs)
    p99 = statistics.median(load.p99_ms for load in runs)
    per_commit = statistics.median(load.commands_per_commit for load in runs)
    counted = "" if math.isnan(per_commit) else f", {per_commit:.1f} commands per commit"
    return f"{rate:.0f} req/s, p99 {p99:.1f} ms{counted}"


def _body(speaker: str) -> str:
    return f'{{"participant_id": "{speaker}", "kind": "information", "text": "Pendapat warga tentang jalan desa."}}'


def _command_round(
    database_url: str,
    secret: str,
    proposals: list[str],
    speaker: str,
    options: argparse.Namespace,
    script: Path,
    wrk_env: dict[str, str],
    hooks: Path | None,
) -> tuple[Load, Load | None]:
    """One round of the command endpoint on one store, over these proposals: flat out, then (with
    `--half-rate`) paced to half the rate it reached."""
    port = _free_port()
    counts = Path(tempfile.mkdtemp(prefix="mufakat-bench-counts-"))
    # The app wrapped so that each worker counts its commands and group commits (bench only: COUNTING_APP).
    (counts / "counting_app.py").write_text(COUNTING_APP)
    server = _gunicorn(
        "counting_app:create_app()",
        port,
        options.workers,
        options.threads,
        REPOSITORY,
        {
            **os.environ,
            "MUFAKAT_DATABASE_URL": database_url,
            "BENCH_COUNTS_DIR": str(counts),
            "PYTHONPATH": os.pathsep.join([str(counts), str(REPOSITORY)]),
        },
        hooks,
    )
    try:
        # Every run gets keys of its own: a key seen before would measure a replay, not a command.
        paths = " ".join(f"/api/v1/proposals/{proposal}/contributions" for proposal in proposals)
        url = f"http://127.0.0.1:{port}/api/v1/proposals/{proposals[0]}/contributions"
        env = {**wrk_env, "BENCH_TOKEN": secret, "BENCH_BODY": _body(speaker), "BENCH_PATHS": paths}
        load = _wrk(url, options.seconds, options.connections, script, {**env, "BENCH_KEY_PREFIX": uuid4().hex})
        load = replace(load, commands_per_commit=_commands_per_commit(counts, {}))
        if not options.half_rate:
            return load, None
        before = _counted(counts)
        paced_env = _paced({**env, "BENCH_KEY_PREFIX": uuid4().hex}, load.rate / 2, options.connections)
        half = _wrk(url, options.seconds, options.connections, script, paced_env)
        return load, replace(half, commands_per_commit=_commands_per_commit(counts, before))
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(counts, ignore_errors=True)


def _counted(counts: Path) -> dict[str, int]:
    """The commands and group commits the workers counted so far (each worker writes its own file)."""
    time.sleep(0.6)  # a worker writes its counts at most every half second
    total = {"commands": 0, "commits": 0}
    for path in counts.glob("*.json"):
        for name, value in json.loads(path.read_text()).items():
            total[name] += value
    return total


def _commands_per_commit(counts: Path, before: dict[str, int]) -> float:
    now = _counted(counts)
    commits = now["commits"] - before.get("commits", 0)
    return (now["commands"] - before.get("commands", 0)) / commits if commits else float("nan")


def _rates(loads: list[Load]) -> str:
    return ", ".join(f"{load.rate:.0f}" for load in loads)


if __name__ == "__main__":
    main()

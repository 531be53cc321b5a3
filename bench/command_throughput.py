"""Requests per second of a command over HTTP, beside a trivial Flask JSON POST, in one run.

    .venv/bin/python bench/command_throughput.py [--seconds 10] [--connections 8] [--workers 2]
        [--rounds 3] [--threads 4] [--sqlite-only]

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
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
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


def _gunicorn(
    app_spec: str, port: int, workers: int, threads: int, cwd: Path, env: dict[str, str]
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


def _wrk(url: str, seconds: int, connections: int, script: Path, env: dict[str, str]) -> tuple[float, int]:
    output = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "-s", str(script), url],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    failures = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return rate, int(failures.group(1)) if failures else 0


#: How many proposals the spread series shares its contributions among.
SPREAD = 20
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
        urls = {"SQLite": "sqlite:///" + str(workdir / "bench.db")}
        if not options.sqlite_only:
            postgres_database = f"mufakat_bench_{uuid4().hex[:12]}"
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", postgres_database], check=True)
            urls["PostgreSQL"] = f"postgresql://postgres@127.0.0.1:5432/{postgres_database}"
        stores = {store: (url, *_prepare_ledger(url)) for store, url in urls.items()}
        series = [(store, spread) for store in stores for spread in (1, SPREAD)]
        command_rates: dict[tuple[str, int], list[float]] = {key: [] for key in series}
        # The trivial app echoes the same body the command gets (each store names its own speaker).
        wrk_env = {**os.environ, "BENCH_BODY": _body(stores["SQLite"][3])}
        trivial_rates: list[float] = []
        failures = 0
        # Rounds alternate, so that a neighbour's load on this machine weighs on all figures alike.
        for round_number in range(1, options.rounds + 1):
            trivial_port = _free_port()
            trivial = _gunicorn(
                "trivial_app:create_app()", trivial_port, options.workers, options.threads, workdir, dict(os.environ)
            )
            try:
                rate, failed = _wrk(
                    f"http://127.0.0.1:{trivial_port}/echo", options.seconds, options.connections, script, wrk_env
                )
                trivial_rates.append(rate)
                failures += failed
            finally:
                trivial.terminate()
                trivial.wait()
            print(f"round {round_number}: trivial {rate:.0f} req/s", end="", flush=True)

            for store, spread in series:
                url, secret, proposals, speaker = stores[store]
                rate, failed = _command_round(url, secret, proposals[:spread], speaker, options, script, wrk_env)
                command_rates[(store, spread)].append(rate)
                failures += failed
                print(f"; {store} x{spread} {rate:.0f} ({failed} non-2xx)", end="", flush=True)
            print(f"; load {os.getloadavg()[0]:.1f}")
    finally:
        if postgres_database is not None:
            dropdb = ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", postgres_database]
            subprocess.run(dropdb, check=False)
        shutil.rmtree(workdir, ignore_errors=True)

    trivial_rate = statistics.median(trivial_rates)
    print(f"trivial Flask JSON POST:              {trivial_rate:8.1f} req/s  (rounds: {_rates(trivial_rates)})")
    for (store, spread), rates in command_rates.items():
        command_rate = statistics.median(rates)
        where = "one proposal" if spread == 1 else f"{spread} proposals"
        label = f"POST contributions, {store}, {where}:"
        print(f"{label:<46}{command_rate:8.1f} req/s  (rounds: {_rates(rates)})")
        ratio = command_rate / trivial_rate
        print(f"{'  ratio to the trivial POST:':<46}{ratio:8.3f}  (target >= {TARGETS[store]:.2f})")
    print(
        f"medians of {options.rounds} alternating rounds; non-2xx answers: {failures}; gunicorn: {options.workers} "
        f"workers, gthread x {options.threads} threads; wrk: 2 threads, {options.connections} connections, "
        f"{options.seconds} s; "
        f"cores: {os.cpu_count()}; load average before: {load_before:.1f}, after: {os.getloadavg()[0]:.1f}"
    )
    baseline_spread = max(trivial_rates) / min(trivial_rates) - 1
    if baseline_spread > BASELINE_SPREAD:
        sys.exit(
            f"REFUSED: the baseline's rounds differ by {baseline_spread:.0%} (more than {BASELINE_SPREAD:.0%}): "
            "the machine's load changed during the run; run again when it is quiet"
        )


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
) -> tuple[float, int]:
    """One round of the command endpoint on one store, over these proposals: its rate and its non-2xx answers."""
    port = _free_port()
    server = _gunicorn(
        "service.http.app_factory:create_app()",
        port,
        options.workers,
        options.threads,
        REPOSITORY,
        {**os.environ, "MUFAKAT_DATABASE_URL": database_url},
    )
    try:
        # Every round gets keys of its own: a key seen before would measure a replay, not a command.
        paths = " ".join(f"/api/v1/proposals/{proposal}/contributions" for proposal in proposals)
        return _wrk(
            f"http://127.0.0.1:{port}/api/v1/proposals/{proposals[0]}/contributions",
            options.seconds,
            options.connections,
            script,
            {
                **wrk_env,
                "BENCH_TOKEN": secret,
                "BENCH_KEY_PREFIX": uuid4().hex,
                "BENCH_BODY": _body(speaker),
                "BENCH_PATHS": paths,
            },
        )
    finally:
        server.terminate()
        server.wait()


def _rates(rates: list[float]) -> str:
    return ", ".join(f"{rate:.0f}" for rate in rates)


if __name__ == "__main__":
    main()

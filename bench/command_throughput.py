"""Requests per second of a command over HTTP, beside a trivial Flask JSON POST, in one run.

    .venv/bin/python bench/command_throughput.py [--seconds 10] [--connections 8] [--workers 2]
        [--rounds 3] [--threads 4]

Both apps run under the same gunicorn settings as `mufakat serve --workers 2`
(gthread, 4 threads per worker) and are loaded by `wrk` with the same
connections and duration. The command is `POST /api/v1/proposals/{id}/contributions`
with a bearer token and a unique Idempotency-Key per request: authentication
(cached principal), validation, the idempotency record, a durable commit on
SQLite (WAL, synchronous=FULL) and the rendered proposal. Prints both figures
and their ratio (the design's target is >= 0.40). Needs `wrk`
(`apt-get install -y wrk`).
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
  return wrk.format("POST", nil, headers, body)
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
    server = subprocess.Popen(command, cwd=cwd, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=5):
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError(f"{app_spec} did not start")


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


def _prepare_ledger(database_url: str) -> tuple[str, str, str]:
    """An admin token, a proposal and a registered participant in a fresh store."""
    from domain.rules import DecisionRules
    from service.application import CommandContext, Mufakat
    from service.storage import persistence_settings

    ledger = Mufakat(env=persistence_settings(database_url))
    token, secret = ledger.issue_token("admin", "Admin Bench", [])
    context = CommandContext(principal=token.principal())
    process = ledger.open_process(context, "Musdes Bench", "", "33.01", "Desa Bench", "public", DecisionRules()).id
    speaker = ledger.register_participant(context, process, "Warga", "resident", None, None, None).id
    proposal = ledger.submit_proposal(context, process, "Jalan desa", "Perbaikan jalan.", speaker, None).id
    ledger.close()
    return secret, str(proposal), str(speaker)


def main() -> None:
    """Measures both apps and prints their rates and ratio."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4, help="per worker (mufakat serve: MUFAKAT_THREADS, 4)")
    options = parser.parse_args()
    load_before = os.getloadavg()[0]
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install -y wrk")

    with tempfile.TemporaryDirectory(prefix="mufakat-bench-") as folder:
        workdir = Path(folder)
        (workdir / "trivial_app.py").write_text(TRIVIAL_APP)
        script = workdir / "post.lua"
        script.write_text(WRK_SCRIPT)
        database_url = "sqlite:///" + str(workdir / "bench.db")
        secret, proposal, speaker = _prepare_ledger(database_url)
        body = f'{{"participant_id": "{speaker}", "kind": "information", "text": "Pendapat warga tentang jalan desa."}}'
        # Every round gets keys of its own: a key seen before would measure a replay, not a command.
        wrk_env = {**os.environ, "BENCH_BODY": body}

        trivial_rates: list[float] = []
        command_rates: list[float] = []
        failures = 0
        # Rounds alternate, so that a neighbour's load on this machine weighs on both figures alike.
        for _ in range(options.rounds):
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

            mufakat_port = _free_port()
            mufakat = _gunicorn(
                "service.web:create_app()",
                mufakat_port,
                options.workers,
                options.threads,
                REPOSITORY,
                {**os.environ, "MUFAKAT_DATABASE_URL": database_url},
            )
            try:
                rate, failed = _wrk(
                    f"http://127.0.0.1:{mufakat_port}/api/v1/proposals/{proposal}/contributions",
                    options.seconds,
                    options.connections,
                    script,
                    {**wrk_env, "BENCH_TOKEN": secret, "BENCH_KEY_PREFIX": uuid4().hex},
                )
                command_rates.append(rate)
                failures += failed
            finally:
                mufakat.terminate()
                mufakat.wait()

    trivial_rate = statistics.median(trivial_rates)
    command_rate = statistics.median(command_rates)
    print(f"trivial Flask JSON POST:      {trivial_rate:8.1f} req/s  (rounds: {_rates(trivial_rates)})")
    print(f"POST contributions (command): {command_rate:8.1f} req/s  (rounds: {_rates(command_rates)})")
    print(f"ratio command / trivial:      {command_rate / trivial_rate:8.3f}  (target >= 0.40)")
    print(
        f"medians of {options.rounds} alternating rounds; non-2xx answers: {failures}; gunicorn: {options.workers} "
        f"workers, gthread x {options.threads} threads; wrk: 2 threads, {options.connections} connections, "
        f"{options.seconds} s; "
        f"cores: {os.cpu_count()}; load average before: {load_before:.1f}"
    )


def _rates(rates: list[float]) -> str:
    return ", ".join(f"{rate:.0f}" for rate in rates)


if __name__ == "__main__":
    main()

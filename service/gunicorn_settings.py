"""The gunicorn settings `mufakat serve` runs with.

Workers follow the cores (the classic 2 * cores + 1, capped so that each
worker's connection pool still fits PostgreSQL's `max_connections`); each
worker opens its own ledger on its first request, never before the fork.
The access log names the path without its query string and never a body,
so that no token, name or contact can land in it.
"""

from __future__ import annotations

import os
from typing import Any

#: Method, path without query string, protocol, status, response bytes, seconds taken.
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)ss'
MAX_DEFAULT_WORKERS = 8


def default_workers(cores: int | None = None) -> int:
    """2 * cores + 1 workers, at most `MAX_DEFAULT_WORKERS`."""
    count = cores if cores is not None else (os.cpu_count() or 1)
    return min(2 * count + 1, MAX_DEFAULT_WORKERS)


def gunicorn_settings(host: str, port: int, workers: int | None = None) -> dict[str, Any]:
    """The settings of one gunicorn server; `MUFAKAT_THREADS` and `MUFAKAT_TIMEOUT` tune it."""
    return {
        "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
        "workers": workers if workers is not None else default_workers(),
        # Threads let a worker keep serving while another request waits on a commit's fsync.
        "worker_class": "gthread",
        "threads": int(os.environ.get("MUFAKAT_THREADS", "4")),
        "timeout": int(os.environ.get("MUFAKAT_TIMEOUT", "30")),
        # On SIGTERM a worker finishes the requests it holds (each a committed or untouched command).
        "graceful_timeout": 30,
        "keepalive": 5,
        "preload_app": False,
        "accesslog": "-",
        "errorlog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "worker_exit": close_ledger_of_worker,
        "proc_name": "mufakat",
    }


def close_ledger_of_worker(server: Any, worker: Any) -> None:
    """Closes the worker's ledger (its database connections) when the worker stops."""
    app = getattr(worker, "wsgi", None)
    extensions = getattr(app, "extensions", {}) if app is not None else {}
    ledger = extensions.get("mufakat_ledger")
    if ledger is not None:
        ledger.close()

"""The gunicorn settings `mufakat serve` runs with (deploy/gunicorn.conf.py builds on them).

Workers follow the cores (the classic 2 * cores + 1, capped so that each
worker's connection pool still fits PostgreSQL's `max_connections`); each
worker opens its own ledger on its first request, never before the fork.
The application writes one JSON line per request itself (service.http.observability);
gunicorn's own access line is off unless `MUFAKAT_GUNICORN_ACCESS_LOG` asks
for it, and then names the path without its query string, never a body nor
the client's address, so that no token, name or contact can land in it.
"""

from __future__ import annotations

import os
from typing import Any

#: Method, path without query string, protocol, status, response bytes, milliseconds taken.
ACCESS_LOG_FORMAT = '"%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
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
        # A request still running after this is killed with its worker; an uncommitted command
        # is then simply not recorded, and the client's retry (same Idempotency-Key) records it once.
        "timeout": int(os.environ.get("MUFAKAT_TIMEOUT", "30")),
        # On SIGTERM a worker stops accepting and finishes the requests it holds.
        "graceful_timeout": 30,
        "keepalive": 5,
        "preload_app": False,
        "accesslog": os.environ.get("MUFAKAT_GUNICORN_ACCESS_LOG") or None,
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "on_starting": prepare_before_workers,
        "worker_exit": close_ledger_of_worker,
        "child_exit": release_metrics_of_worker,
        "proc_name": "mufakat",
    }


def prepare_before_workers(server: Any) -> None:
    """Empties the metrics folder and creates the ledger's tables once, before any worker starts."""
    from service.app.application import Mufakat
    from service.http.observability import DATABASE_UNAVAILABLE_ERRORS, clear_multiprocess_metrics

    clear_multiprocess_metrics()
    # Workers starting together would otherwise race to create the tables. The ledger is
    # closed again at once, so nothing of it crosses the fork.
    try:
        Mufakat().close()
    except DATABASE_UNAVAILABLE_ERRORS as error:
        # Serve anyway: requests answer 503 until the database is back, /api/v1/ready says so.
        server.log.warning("database unavailable at start (%s); the tables are created later", type(error).__name__)


def close_ledger_of_worker(server: Any, worker: Any) -> None:
    """Closes the worker's ledger (its database connections) when the worker stops."""
    app = getattr(worker, "wsgi", None)
    extensions = getattr(app, "extensions", {}) if app is not None else {}
    ledger = extensions.get("mufakat")
    if ledger is not None:
        ledger.close()


def release_metrics_of_worker(server: Any, worker: Any) -> None:
    """Releases the multiprocess metrics of a worker that is gone."""
    from service.http.observability import mark_worker_dead

    mark_worker_dead(server, worker)

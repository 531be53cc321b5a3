"""gunicorn settings for Mufakat in production.

Run as:  gunicorn -c deploy/gunicorn.conf.py "service.web:create_app()"

The settings are those `mufakat serve` uses (service.gunicorn_settings: gthread
workers from the cores, timeouts, graceful shutdown, `preload_app = False`
because each worker builds its own ledger after the fork), plus what a
deployment adds: the bind address from the environment, the database tables
created once before the workers start, connection pools sized from the
threads, multiprocess Prometheus metrics, and an access log without the
client's address. Every setting comes from the environment; deploy/.env.example
documents them all.
"""

import os

from service.gunicorn_settings import gunicorn_settings
from service.observability import clear_multiprocess_metrics, mark_worker_dead

_host, _, _port = os.environ.get("MUFAKAT_BIND", "127.0.0.1:8000").rpartition(":")
_workers = int(os.environ["MUFAKAT_WORKERS"]) if os.environ.get("MUFAKAT_WORKERS") else None
_settings = gunicorn_settings(_host.strip("[]") or "127.0.0.1", int(_port), _workers)

bind = _settings["bind"]
workers = _settings["workers"]
worker_class = _settings["worker_class"]
threads = _settings["threads"]
# A request that takes longer than this is killed and its worker replaced; a command that
# had not committed by then is simply not recorded, and the client's retry (same
# Idempotency-Key) records it once.
timeout = _settings["timeout"]
# On SIGTERM workers stop accepting, finish what they hold, then exit within this time.
graceful_timeout = int(os.environ.get("MUFAKAT_GRACEFUL_TIMEOUT", str(_settings["graceful_timeout"])))
keepalive = _settings["keepalive"]
# Never before the fork: database pools and their threads do not survive it.
preload_app = False
proc_name = _settings["proc_name"]
# Restart workers now and then (with jitter, so not all at once) to bound any slow leak.
max_requests = int(os.environ.get("MUFAKAT_MAX_REQUESTS", "10000"))
max_requests_jitter = max_requests // 10
# Behind nginx on the same host (or a load balancer), trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("MUFAKAT_FORWARDED_ALLOW_IPS", "127.0.0.1")

# The application writes one JSON line per request itself (route rule, status, duration,
# request id: service.observability). gunicorn's own access line is off unless asked for,
# and then carries no client address, no query string and no body.
accesslog = os.environ.get("MUFAKAT_GUNICORN_ACCESS_LOG") or None
access_log_format = '"%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s'
errorlog = "-"
loglevel = os.environ.get("MUFAKAT_LOG_LEVEL", "info").lower()

# Each thread of a worker may hold one connection; a little overflow absorbs the readiness
# probe and bursts. Explicit MUFAKAT_POSTGRES_* settings win. Size the total against
# PostgreSQL's max_connections (docs/operations.md, "Sizing connections").
os.environ.setdefault("MUFAKAT_POSTGRES_POOL_SIZE", str(threads))
os.environ.setdefault("MUFAKAT_POSTGRES_MAX_OVERFLOW", "2")
# libpq's own settings: the pool's background reconnects give up on a silent host after 5 s
# (eventsourcing passes no connect_timeout there), and pg_stat_activity names the API's sessions.
os.environ.setdefault("PGCONNECT_TIMEOUT", "5")
os.environ.setdefault("PGAPPNAME", "mufakat-api")


def on_starting(server):  # type: ignore[no-untyped-def]
    """Before any worker: empty the metrics folder and create the ledger's tables once."""
    clear_multiprocess_metrics()
    # Workers starting together would otherwise race to create the tables. The ledger is
    # closed again at once, so nothing of it crosses the fork.
    from service.application import Mufakat
    from service.observability import DATABASE_UNAVAILABLE_ERRORS

    try:
        Mufakat().close()
    except DATABASE_UNAVAILABLE_ERRORS as error:
        # Serve anyway: requests answer 503 until the database is back, /api/v1/ready says so.
        server.log.warning("database unavailable at start (%s); the tables are created later", type(error).__name__)


def worker_exit(server, worker):  # type: ignore[no-untyped-def]
    """Close the worker's database connections as it stops."""
    _settings["worker_exit"](server, worker)


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    """Release the metrics of a worker that is gone."""
    mark_worker_dead(server, worker)

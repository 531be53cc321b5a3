"""gunicorn settings for Mufakat in production.

Run as:  gunicorn -c deploy/gunicorn.conf.py "service.http.app_factory:create_app()"

It starts from exactly the settings `mufakat serve` uses (service.cli.gunicorn_settings:
gthread workers from the cores, whose own refusals of a request too long or unreadable are
problem+json like every other answer, request lines up to 8,190 bytes, timeouts,
graceful shutdown, `preload_app = False` because each worker builds its own ledger
after the fork, the tables created once before the workers start, multiprocess metrics released as workers exit, no
access line with a client address or query string) and adds what a deployment
sets from its environment: the bind address, the worker count, connection pools
sized from the threads, and worker recycling. deploy/.env.example documents
every setting; all are read through service.settings, like the app's own.
"""

import os

from service.cli.gunicorn_settings import gunicorn_settings
from service.settings import Settings

_settings = Settings.from_environment()
_host, _, _port = _settings.bind.rpartition(":")
_workers = _settings.workers

# Every setting of `mufakat serve` (bind, workers, worker_class, threads, timeout,
# graceful_timeout, keepalive, limit_request_line, preload_app, accesslog, errorlog and the hooks
# on_starting, post_worker_init, worker_exit, child_exit) becomes a setting of this file.
for _name, _value in gunicorn_settings(_host.strip("[]") or "127.0.0.1", int(_port), _workers, _settings).items():
    globals()[_name] = _value

# Never before the fork: database pools and their threads do not survive it.
preload_app = False
# On SIGTERM workers stop accepting, finish what they hold, then exit within this time.
graceful_timeout = _settings.graceful_timeout
# Replace workers now and then (with jitter, so not all at once) to bound any slow leak.
max_requests = _settings.max_requests
max_requests_jitter = max_requests // 10
# Behind nginx on the same host (or a load balancer), trust its X-Forwarded-* headers.
forwarded_allow_ips = _settings.forwarded_allow_ips
# When gunicorn's own access line is asked for (MUFAKAT_GUNICORN_ACCESS_LOG), it also
# carries the request id, to find the app's JSON line and nginx's line of the same request.
access_log_format = '"%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s'
loglevel = _settings.log_level.lower()

# Each thread of a worker may hold one connection; a little overflow absorbs the readiness
# probe and bursts. Explicit MUFAKAT_POSTGRES_* settings win. Written to the environment, since each
# worker's app reads its settings from there. Size the total against
# PostgreSQL's max_connections (docs/operations.md, "Sizing connections").
os.environ.setdefault("MUFAKAT_POSTGRES_POOL_SIZE", str(globals()["threads"]))
os.environ.setdefault("MUFAKAT_POSTGRES_MAX_OVERFLOW", "2")
# libpq's own settings: the pool's background reconnects give up on a silent host after 5 s
# (eventsourcing passes no connect_timeout there), and pg_stat_activity names the API's sessions.
os.environ.setdefault("PGCONNECT_TIMEOUT", "5")
os.environ.setdefault("PGAPPNAME", "mufakat-api")

"""What operators see: request ids, one JSON log line per request, Prometheus metrics, clean 503s.

`init_app(app)` attaches all of it to a Flask app. Nothing here ever logs a
body, a query string, a token, an `Authorization` header or a participant's
name: a request is logged by its route rule (`/api/v1/proposals/<uuid:id>`),
never by its raw path or arguments.

Metrics are multiprocess-safe under gunicorn when `PROMETHEUS_MULTIPROC_DIR`
names a writable folder before the workers start (gunicorn's hooks in
service.cli.gunicorn_settings call `clear_multiprocess_metrics` at start and
`mark_worker_dead` as workers exit); without it they are per process.

A PostgreSQL ledger is also made to fail fast while its database is
unreachable, so that such a request answers 503 within seconds rather than
after eventsourcing's ten retries of a whole connection timeout each.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import re
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import psycopg
import psycopg_pool
from eventsourcing.persistence import ConnectionUnavailableError, InterfaceError, OperationalError
from flask import Flask, Response, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from projections.runner import tracked_positions
from service.http.current import SETTINGS_EXTENSION, current_mufakat, current_settings
from service.http.headers import secure_headers
from service.http.problems import problem
from service.settings import Settings

# Errors that mean "the database did not answer", whatever layer raised them. psycopg_pool's
# PoolTimeout is a psycopg.OperationalError; eventsourcing wraps psycopg's errors in its own.
DATABASE_UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    ConnectionUnavailableError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    psycopg_pool.PoolTimeout,
)
RETRY_AFTER_SECONDS = 5
REQUEST_ID_HEADER = "X-Request-Id"
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_UNMATCHED_ROUTE = "unmatched"

request_log = logging.getLogger("mufakat.requests")

HTTP_REQUESTS = Counter(
    "mufakat_http_requests", "HTTP requests answered, by route rule, method and status", ["route", "method", "status"]
)
HTTP_LATENCY = Histogram(
    "mufakat_http_request_duration_seconds",
    "Time to answer an HTTP request, by route rule and method",
    ["route", "method"],
    buckets=(0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def init_app(app: Flask) -> None:
    """Adds request ids, JSON request logs, `/metrics` and the 503 mapping of database outages."""
    if "mufakat_observability" in app.extensions:
        return
    app.extensions["mufakat_observability"] = True
    configure_json_logging(app.extensions[SETTINGS_EXTENSION].log_level)
    app.before_request(_start_request)
    app.after_request(_finish_request)  # also the security headers (`service.http.headers`): one hook
    app.teardown_request(_guard_ledger_of_request)
    for error_class in DATABASE_UNAVAILABLE_ERRORS:
        app.register_error_handler(error_class, _database_unavailable)
    app.add_url_rule("/metrics", "metrics", _metrics, methods=["GET"])
    # Flask would print a multi-line traceback (with values of the failing line) to stderr.
    app.log_exception = log_unhandled_error  # type: ignore[method-assign]


# --- request ids and the request log ---------------------------------------------


def current_request_id() -> str:
    """The id of the request being served (the caller's `X-Request-Id` when it is sane)."""
    request_id: str | None = g.get("request_id")
    if request_id is None:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = offered if _VALID_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        g.request_id = request_id
    return request_id


def _start_request() -> None:
    g.request_started = time.perf_counter()
    current_request_id()
    _guard_ledger_of_request()


#: The metrics' children by label values, so that an answer counts without `labels()` (its lock and checks).
_COUNTED: dict[tuple[str, str, int], Any] = {}
_TIMED: dict[tuple[str, str], Any] = {}


def _finish_request(response: Response) -> Response:
    """The one after-request hook of the API: security headers, the request id, metrics and the log line."""
    secure_headers(response)
    elapsed = time.perf_counter() - g.get("request_started", time.perf_counter())
    rule = request.url_rule
    route = rule.rule if rule is not None else _UNMATCHED_ROUTE
    method = request.method
    status = response.status_code
    counted = _COUNTED.get((route, method, status))
    if counted is None:
        counted = _COUNTED.setdefault(
            (route, method, status), HTTP_REQUESTS.labels(route=route, method=method, status=str(status))
        )
    counted.inc()
    timed = _TIMED.get((route, method))
    if timed is None:
        timed = _TIMED.setdefault((route, method), HTTP_LATENCY.labels(route=route, method=method))
    timed.observe(elapsed)
    request_id = current_request_id()
    response.headers[REQUEST_ID_HEADER] = request_id
    if request_log.isEnabledFor(logging.INFO):
        request_log.info(
            "request",
            extra={
                "fields": {
                    "request_id": request_id,
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                    "problem": g.get("problem_code"),
                }
            },
        )
    return response


def log_unhandled_error(exc_info: Any) -> None:
    """One JSON line for a request that failed with a 500: request id, route, error class and where it was raised.

    Never the traceback nor the exception's message: both may quote the request's data.
    """
    error_type, _error, trace = exc_info if isinstance(exc_info, tuple) else sys.exc_info()
    where = None
    while trace is not None:
        frame = trace.tb_frame
        where = f"{os.path.basename(frame.f_code.co_filename)}:{trace.tb_lineno} in {frame.f_code.co_name}"
        trace = trace.tb_next
    logging.getLogger("mufakat.errors").error(
        "unhandled_error",
        extra={
            "fields": {
                "request_id": current_request_id(),
                "method": request.method,
                "route": request.url_rule.rule if request.url_rule is not None else _UNMATCHED_ROUTE,
                "error": error_type.__name__ if error_type is not None else None,
                "where": where,
            }
        },
    )


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, event, worker pid and the record's `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON line; an exception is named by its class only (messages may hold data)."""
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
            "pid": record.process,
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__
        return json.dumps(line, ensure_ascii=False, default=str)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is at the time (gunicorn and pytest both replace it)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def configure_json_logging(level: str = "INFO") -> None:
    """Sends the `mufakat.*` loggers to stderr as JSON lines, once per process."""
    logger = logging.getLogger("mufakat")
    logger.setLevel(level.upper())
    if not any(isinstance(handler, _StderrHandler) for handler in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(JsonLogFormatter())
        logger.addHandler(handler)
    # The lines are complete as they are; the root logger would print them a second time.
    logger.propagate = False


# --- database outages --------------------------------------------------------------


def database_unavailable_response(detail: str = "The database did not answer. Try again shortly.") -> Response:
    """The 503 problem document of a database that cannot be reached, with `Retry-After`."""
    return problem(
        503,
        "database_unavailable",
        detail,
        title="Database unavailable",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _database_unavailable(error: Exception) -> Response:
    # The class is enough to diagnose; the message may name hosts or carry statement parameters.
    logging.getLogger("mufakat.database").warning(
        "database_unavailable", extra={"fields": {"request_id": current_request_id(), "error": type(error).__name__}}
    )
    return database_unavailable_response()


class _FailFastWhileUnreachable:
    """A pool's `getconn` that, once the database failed to answer, fails at once for a moment.

    eventsourcing retries every recorder call ten times (0.2 s apart) on an operational
    error; each try would wait the whole pool timeout again, and one request would then take
    ten times `POSTGRES_CONNECT_TIMEOUT` (50 s by default, beyond gunicorn's timeout). After
    one timeout the retries fail at once instead, so a request answers 503 within about one
    timeout plus `pause` seconds, and the next request tries the database again.
    """

    def __init__(self, getconn: Callable[..., Any], pause: float) -> None:
        self.getconn = getconn
        self.pause = pause
        self.unreachable_until = 0.0

    def __call__(self, timeout: float | None = None) -> Any:
        if time.monotonic() < self.unreachable_until:
            raise psycopg_pool.PoolTimeout("the database did not answer moments ago")
        try:
            return self.getconn(timeout)
        except psycopg_pool.PoolTimeout:
            self.unreachable_until = time.monotonic() + self.pause
            raise


def guard_against_outages(mufakat: Any, pause: float = 3.0) -> None:
    """Makes a PostgreSQL ledger fail fast (503 in seconds) while its database is unreachable."""
    pool = getattr(getattr(mufakat.recorder, "datastore", None), "pool", None)
    if isinstance(pool, psycopg_pool.ConnectionPool) and not isinstance(pool.getconn, _FailFastWhileUnreachable):
        # An instance attribute: pool.connection() calls self.getconn, so every use goes through it.
        pool.getconn = _FailFastWhileUnreachable(pool.getconn, pause)  # type: ignore[method-assign]


def _guard_ledger_of_request(_error: BaseException | None = None) -> None:
    # The ledger is opened lazily by the first request that needs it: guard it as soon as it exists.
    mufakat = current_app.extensions.get("mufakat")
    if mufakat is not None:
        guard_against_outages(mufakat)


# --- probing the database (readiness and scrape-time metrics) -----------------------


@dataclass(frozen=True)
class DatabaseState:
    """What one bounded probe of the database found."""

    reachable: bool
    last_position: int = 0
    projection_positions: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    #: Forgotten participants' keys whose bytes a reader still keeps in the database files.
    forgotten_keys_on_disk: int = 0
    #: Redacted statements whose words (copied by read models) a reader still keeps in the SQLite files.
    redacted_words_on_disk: int = 0

    def projection_lags(self) -> dict[str, int]:
        """How many notifications each projection still has to apply."""
        return {name: max(0, self.last_position - position) for name, position in self.projection_positions.items()}


_probe_pool: tuple[int, ThreadPoolExecutor] | None = None


def _probe_executor() -> ThreadPoolExecutor:
    # Made per process: threads do not survive gunicorn's fork.
    global _probe_pool
    if _probe_pool is None or _probe_pool[0] != os.getpid():
        _probe_pool = (os.getpid(), ThreadPoolExecutor(max_workers=2, thread_name_prefix="mufakat-probe"))
    return _probe_pool[1]


def probe_timeout_seconds(app: Flask) -> float:
    """How long readiness and metrics wait for the database (`MUFAKAT_PROBE_TIMEOUT`, default 2 s)."""
    return float(app.extensions[SETTINGS_EXTENSION].probe_timeout)


def probe_database(app: Flask, timeout: float | None = None) -> DatabaseState:
    """Asks the ledger's database for its last position and the projections' positions, within `timeout`."""
    future = _probe_executor().submit(_read_database_state, app)
    try:
        return future.result(timeout=probe_timeout_seconds(app) if timeout is None else timeout)
    except FutureTimeout:
        return DatabaseState(reachable=False, error="timeout")
    except Exception as error:  # any failure to answer means "not ready"; the class names it
        return DatabaseState(reachable=False, error=type(error).__name__)


def _read_database_state(app: Flask) -> DatabaseState:
    with app.app_context():
        mufakat = current_mufakat()
        guard_against_outages(mufakat)
        last_position = mufakat.recorder.max_notification_id() or 0
        read_positions: Callable[[Any], dict[str, int]] = (
            app.config.get("MUFAKAT_PROJECTION_POSITIONS") or tracked_positions
        )
        return DatabaseState(
            reachable=True,
            last_position=last_position,
            projection_positions=read_positions(mufakat),
            forgotten_keys_on_disk=_forgotten_keys_on_disk(mufakat),
            redacted_words_on_disk=_redacted_words_on_disk(mufakat),
        )


def _forgotten_keys_on_disk(mufakat: Any) -> int:
    """Forgotten keys still on disk after one more, short, purge attempt (any worker's probe may finish it)."""
    vault = getattr(mufakat, "vault", None)
    if vault is None or not (vault.keys_possibly_on_disk() or vault.words_possibly_on_disk()):
        return 0
    vault.purge(wait_seconds=0.1)
    return int(vault.keys_possibly_on_disk())


def _redacted_words_on_disk(mufakat: Any) -> int:
    """Redacted statements whose words may still lie in the files (the purge above tried once more)."""
    vault = getattr(mufakat, "vault", None)
    return 0 if vault is None else int(vault.words_possibly_on_disk())


# --- /metrics ------------------------------------------------------------------------


class _LedgerCollector(Collector):
    """Scrape-time figures read from the database: events appended and projection lag."""

    def __init__(self, state: DatabaseState) -> None:
        self.state = state

    def collect(self) -> Any:
        """The database's figures as metric families."""
        up = GaugeMetricFamily("mufakat_database_up", "1 when the database answered the scrape's probe")
        up.add_metric([], 1 if self.state.reachable else 0)
        yield up
        if not self.state.reachable:
            return
        # Notification ids are assigned in commit order: the last one counts the events appended.
        yield CounterMetricFamily(
            "mufakat_events_appended",
            "Events appended to the ledger (its last notification id)",
            value=self.state.last_position,
        )
        lag = GaugeMetricFamily(
            "mufakat_projection_lag_events", "Notifications a projection has yet to apply", labels=["projection"]
        )
        for name, behind in sorted(self.state.projection_lags().items()):
            lag.add_metric([name], behind)
        yield lag


def clear_multiprocess_metrics(settings: Settings) -> None:
    """Empties `PROMETHEUS_MULTIPROC_DIR` before workers start (gunicorn's `on_starting` hook).

    Files left by an earlier run would otherwise be summed into this one's counters.
    """
    folder = settings.prometheus_multiproc_dir
    if folder is None:
        return
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if name.endswith(".db"):
            os.remove(os.path.join(folder, name))


def mark_worker_dead(settings: Settings, worker: Any) -> None:
    """Lets a stopped worker's live gauges go (gunicorn's `child_exit` hook); its counters stay summed."""
    if settings.prometheus_multiproc_dir is not None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid, str(settings.prometheus_multiproc_dir))


LOOPBACK_ADDRESSES = frozenset({"127.0.0.1", "::1"})


def metrics_token() -> str | None:
    """The bearer token `/metrics` asks for (`MUFAKAT_METRICS_TOKEN`); None: only this host may scrape."""
    token = current_settings().metrics_token
    return str(token) if token else None


def _metrics_refusal() -> Response | None:
    """Why this scraper may not read `/metrics`, or None when it may.

    The figures name routes, request rates and projection lag: not for the public. With a token
    configured only its bearer reads them; without one only a client on this host does.
    """
    token = metrics_token()
    if token is not None:
        offered = request.headers.get("Authorization", "")
        if hmac.compare_digest(offered.encode("utf-8"), f"Bearer {token}".encode()):
            return None
        return problem(
            401,
            "unauthorized",
            "/metrics needs the bearer token of MUFAKAT_METRICS_TOKEN",
            headers={"WWW-Authenticate": 'Bearer realm="mufakat-metrics"'},
        )
    if request.remote_addr in LOOPBACK_ADDRESSES:
        return None
    return problem(403, "forbidden", "/metrics answers only this host unless MUFAKAT_METRICS_TOKEN is set")


def _metrics() -> Response:
    refusal = _metrics_refusal()
    if refusal is not None:
        return refusal
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    folder = current_settings().prometheus_multiproc_dir
    if folder is not None:
        processes = CollectorRegistry()
        MultiProcessCollector(processes, str(folder))
        body = generate_latest(processes)
    else:
        body = generate_latest(REGISTRY)
    ledger_figures = CollectorRegistry()
    ledger_figures.register(_LedgerCollector(probe_database(app)))
    body += generate_latest(ledger_figures)
    return Response(body, content_type=CONTENT_TYPE_LATEST)

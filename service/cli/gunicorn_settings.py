"""The gunicorn settings `mufakat serve` runs with (deploy/gunicorn.conf.py builds on them).

Workers follow the cores (the classic 2 * cores + 1, capped so that each
worker's connection pool still fits PostgreSQL's `max_connections`); each
worker opens its own ledger on its first request, never before the fork.
The application writes one JSON line per request itself (service.http.observability);
gunicorn's own access line is off unless `MUFAKAT_GUNICORN_ACCESS_LOG` asks
for it, and then names the path without its query string, never a body nor
the client's address, so that no token, name or contact can land in it.

Once a worker has imported the application, its heap is frozen (`freeze_imported_heap`):
the 190,000 objects of the imported modules and the app move out of the cyclic garbage
collector's reach, so its occasional full collection walks only what requests made since.
Unfrozen, that collection took 242 ms of CPU inside a request on this project's 2-core
machine (the request and every other thread of the worker waited: the p99 of a command under
load); frozen, 6 ms (bench/command_throughput.py).

gunicorn answers some requests itself, before the application sees them: a
request line or headers too long, a request it cannot parse. Its workers
(`ProblemThreadWorker`) answer those as problem details too, like every other
answer of the service, and log only the kind of refusal, never what was sent.
"""

from __future__ import annotations

import gc
import json
import os
import ssl
from datetime import datetime
from functools import partial
from http import HTTPStatus
from typing import Any

from gunicorn import util
from gunicorn.http import errors as http_errors
from gunicorn.http.wsgi import Response as GunicornResponse
from gunicorn.http.wsgi import default_environ
from gunicorn.workers.gthread import ThreadWorker

from service.settings import Settings

#: Method, path without query string, protocol, status, response bytes, milliseconds taken.
ACCESS_LOG_FORMAT = '"%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
MAX_DEFAULT_WORKERS = 8
#: The longest request line gunicorn reads (its own upper bound); a longer one is refused with 414.
MAX_REQUEST_LINE_BYTES = 8190
PROBLEM_MEDIA_TYPE = "application/problem+json"


def default_workers(cores: int | None = None) -> int:
    """2 * cores + 1 workers, at most `MAX_DEFAULT_WORKERS`."""
    count = cores if cores is not None else (os.cpu_count() or 1)
    return min(2 * count + 1, MAX_DEFAULT_WORKERS)


def gunicorn_settings(host: str, port: int, workers: int | None, settings: Settings) -> dict[str, Any]:
    """The settings of one gunicorn server; `MUFAKAT_THREADS` and `MUFAKAT_TIMEOUT` of `settings` tune it."""
    return {
        "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
        "workers": workers if workers is not None else default_workers(),
        # Threads let a worker keep serving while another request waits on a commit's fsync.
        "worker_class": f"{__name__}.ProblemThreadWorker",
        "threads": settings.threads,
        # A request still running after this is killed with its worker; an uncommitted command
        # is then simply not recorded, and the client's retry (same Idempotency-Key) records it once.
        "timeout": settings.timeout,
        # On SIGTERM a worker stops accepting and finishes the requests it holds.
        "graceful_timeout": 30,
        "keepalive": 5,
        # gunicorn's maximum: a long feed query still reaches the app; a longer line is a 414 problem.
        "limit_request_line": MAX_REQUEST_LINE_BYTES,
        "preload_app": False,
        "accesslog": settings.gunicorn_access_log,
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "on_starting": partial(prepare_before_workers, settings=settings),
        "post_worker_init": freeze_imported_heap,
        "worker_exit": close_ledger_of_worker,
        "child_exit": partial(release_metrics_of_worker, settings=settings),
        "proc_name": "mufakat",
    }


def prepare_before_workers(server: Any, *, settings: Settings) -> None:
    """Empties the metrics folder and creates the ledger's tables once, before any worker starts."""
    from service.app.application import Mufakat
    from service.http.observability import DATABASE_UNAVAILABLE_ERRORS, clear_multiprocess_metrics

    clear_multiprocess_metrics(settings)
    # Workers starting together would otherwise race to create the tables. The ledger is
    # closed again at once, so nothing of it crosses the fork.
    try:
        Mufakat(settings=settings).close()
    except DATABASE_UNAVAILABLE_ERRORS as error:
        # Serve anyway: requests answer 503 until the database is back, /api/v1/ready says so.
        server.log.warning("database unavailable at start (%s); the tables are created later", type(error).__name__)


def freeze_imported_heap(worker: Any) -> None:
    """Moves every object the worker has made so far (imported modules, the app) out of the cyclic collector's
    reach, after collecting the garbage of the import: a full collection then pauses the worker for
    milliseconds, not a quarter of a second. Objects made later are collected as usual."""
    gc.collect()
    gc.freeze()


def close_ledger_of_worker(server: Any, worker: Any) -> None:
    """Closes the worker's ledger (its database connections) when the worker stops."""
    app = getattr(worker, "wsgi", None)
    extensions = getattr(app, "extensions", {}) if app is not None else {}
    ledger = extensions.get("mufakat")
    if ledger is not None:
        ledger.close()


def release_metrics_of_worker(server: Any, worker: Any, *, settings: Settings) -> None:
    """Releases the multiprocess metrics of a worker that is gone."""
    from service.http.observability import mark_worker_dead

    mark_worker_dead(settings, worker)


#: gunicorn's refusals of a request it could not read: status, stable code, title (most specific class first).
SERVER_REFUSALS: tuple[tuple[type[BaseException], int, str, str], ...] = (
    (http_errors.LimitRequestLine, 414, "uri_too_long", "The request line is too long"),
    (http_errors.LimitRequestHeaders, 431, "request_header_fields_too_large", "The request's headers are too large"),
    (http_errors.UnsupportedTransferCoding, 501, "not_implemented", "This transfer coding is not supported"),
    (http_errors.ForbiddenProxyRequest, 403, "forbidden", "Proxy requests from this address are not allowed"),
    (ssl.SSLError, 403, "forbidden", "The TLS handshake failed"),
    (http_errors.ConfigurationProblem, 500, "internal_error", "Internal error"),
    (http_errors.ParseException, 400, "bad_request", "The request could not be read"),
)
_SERVER_ERROR = (500, "internal_error", "Internal error")


def server_refusal(error: BaseException) -> tuple[int, str, str]:
    """Status, code and title of gunicorn's answer to a request that failed before or outside the app."""
    for kind, status, code, title in SERVER_REFUSALS:
        if isinstance(error, kind):
            return status, code, title
    return _SERVER_ERROR


def problem_answer(status: int, code: str, title: str, reason: str) -> bytes:
    """A whole HTTP/1.1 answer carrying problem details; it closes the connection, as gunicorn's own does."""
    body = json.dumps(
        {"type": f"urn:mufakat:problem:{code}", "title": title, "status": status, "detail": title + ".", "code": code}
    ).encode("utf-8")
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Connection: close\r\n"
        f"Content-Type: {PROBLEM_MEDIA_TYPE}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        "Cache-Control: no-store\r\n"
        "\r\n"
    )
    return head.encode("latin-1") + body


class ProblemThreadWorker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's threaded worker, whose own refusals are problem+json with a stable `code`, never HTML.

    Its log names the kind of refusal only: gunicorn's would quote the request line and the client's address.
    """

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        """Answers a request gunicorn could not read (or whose app failed outside Flask) with problem details."""
        started = datetime.now()
        status, code, title = server_refusal(exc)
        reason = HTTPStatus(status).phrase
        if status == 500:
            self.log.error("error handling a request: %s", type(exc).__name__)
        else:
            self.log.warning("refused a request: %s (%s)", code, type(exc).__name__)
        if req is not None:  # gunicorn's access line, when asked for
            environ = default_environ(req, client, self.cfg)
            response = GunicornResponse(req, client, self.cfg)
            response.status = f"{status} {reason}"
            response.response_length = 0
            self.log.access(response, req, environ, datetime.now() - started)
        try:
            util.write_nonblock(client, problem_answer(status, code, title, reason))
        except Exception:  # the client is gone: nothing more to tell it
            self.log.debug("could not send the refusal")

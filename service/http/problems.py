"""Every error as problem details (RFC 9457): `type`, `title`, `status`, `detail` and a stable `code`.

This is the one place where exceptions become HTTP answers: domain rules
(409 with their own code), missing resources, authentication, permissions,
concurrency, idempotency, validation (422 with a per-field `errors` object)
and every HTTP error Flask or werkzeug raise (unknown route, wrong method,
malformed JSON, wrong content type, oversized body). No view catches
anything. Details name ids and rules, never a participant's name or contact,
and never a token.
"""

from __future__ import annotations

from typing import Any

from apispec import BasePlugin
from flask import Flask, Response, g, has_request_context, json, request
from flask_smorest import Api
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException, UnsupportedMediaType

from domain.errors import PartOfProposalNotFound, RuleBroken
from service.app.errors import (
    Forbidden,
    IdempotencyKeyReused,
    NotFound,
    TokenNotReplayable,
    TooMuchContention,
    Unauthenticated,
    VersionMismatch,
)
from service.http.i18n import language, localized_problem

PROBLEM_MEDIA_TYPE = "application/problem+json"
RETRY_AFTER_SECONDS = 1

_TITLES = {
    "validation_failed": "The request is not valid",
    "not_found": "Not found",
    "unauthorized": "A valid bearer token is needed",
    "forbidden": "This token may not do that",
    "version_mismatch": "The resource changed since that version",
    "idempotency_key_reused": "This Idempotency-Key was used for another request",
    "token_not_replayable": "The token's secret is shown only once",
    "too_much_contention": "Too many concurrent writes",
    "malformed_json": "The body is not valid JSON",
    "unsupported_media_type": "The body must be JSON",
    "payload_too_large": "The body is too large",
    "method_not_allowed": "This method is not allowed here",
    "internal_error": "Internal error",
}

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "version_mismatch",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


class ProblemSchema(Schema):
    """Problem details as every error of the API carries them."""

    type = fields.String(metadata={"example": "urn:mufakat:problem:unresolved_blocking_objection"})
    title = fields.String(metadata={"example": "A rule of the process was broken"})
    status = fields.Integer(metadata={"example": 409})
    detail = fields.String(
        metadata={"example": "a blocking objection is unresolved: it must be addressed, withdrawn or overruled first"}
    )
    code = fields.String(metadata={"example": "unresolved_blocking_objection"})
    errors = fields.Dict(
        keys=fields.String(),
        metadata={"description": "validation_failed only: the messages of each invalid field"},
    )


def problem(
    status: int,
    code: str,
    detail: str,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """A problem-details response."""
    body: dict[str, Any] = {
        "type": f"urn:mufakat:problem:{code}",
        "title": title or _TITLES.get(code, code.replace("_", " ").capitalize()),
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    body = localized_problem(body)  # title, detail and field messages by Accept-Language; never the code
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MEDIA_TYPE)
    if has_request_context():
        response.headers["Content-Language"] = language()
    if has_request_context():
        g.problem_code = code  # the request log names the code (never the detail, which may quote input)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _field_errors(messages: Any) -> dict[str, Any]:
    """webargs keys messages by location (`json`, `query`, ...); clients want them by field."""
    if not isinstance(messages, dict):
        return {"_schema": messages}
    merged: dict[str, Any] = {}
    for location_or_field, value in messages.items():
        if location_or_field in ("json", "query", "headers", "view_args", "form") and isinstance(value, dict):
            merged.update(value)
        elif location_or_field in ("json", "query"):
            merged["_schema"] = value
        else:
            merged[location_or_field] = value
    return merged


def http_problem(error: HTTPException) -> Response:
    """Any werkzeug HTTP error (raised by Flask, webargs or werkzeug itself) as problem details."""
    status = error.code or 500
    data: dict[str, Any] = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    messages = data.get("messages")
    if status == 422 and messages is not None:
        return problem(
            422,
            "validation_failed",
            "some fields are missing or invalid; see `errors`",
            headers=headers,
            errors=_field_errors(messages),
        )
    if status == 400 and isinstance(messages, dict) and "json" in messages:
        return problem(400, "malformed_json", "the body could not be read as JSON", headers=headers)
    if status == 405:
        headers["Allow"] = ", ".join(sorted(getattr(error, "valid_methods", None) or []))
    code = _HTTP_CODES.get(status, "http_error")
    detail = {
        404: f"nothing is at {request.path}",
        405: f"{request.method} is not allowed on {request.path}",
        413: "the body is larger than this service accepts",
        415: "send the body as application/json",
        500: "the service failed to answer; the failure was logged",
    }.get(status, error.description or error.name)
    return problem(status, code, detail, headers=headers)


_PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
#: The blueprints whose endpoints need a token and write through commands.
PROTECTED_TAGS = frozenset({"processes", "participants", "meetings", "proposals", "consensus", "commitments", "tokens"})
_EVERY_OPERATION = {
    "401": "no valid bearer token (`unauthorized`, with `WWW-Authenticate: Bearer`)",
    "403": "the token may not do this (`forbidden`)",
    "404": "no such resource, or a restricted one this token may not read (`not_found`)",
}
_EVERY_WRITE = {
    "409": "a rule of the process was broken: `code` names it (e.g. `unresolved_blocking_objection`)",
    "412": "`If-Match` named a version that is no longer the latest (`version_mismatch`)",
    "503": "too many concurrent writes; retry after `Retry-After` seconds with the same Idempotency-Key",
}
_WRITE_HEADERS = [
    {
        "in": "header",
        "name": "Idempotency-Key",
        "required": False,
        "schema": {"type": "string", "maxLength": 200},
        "description": "the same key with the same body answers the first response again and records nothing; "
        "with another body: 422 `idempotency_key_reused`",
        "example": "musdes-sukamaju-2027-0001",
    },
    {
        "in": "header",
        "name": "If-Match",
        "required": False,
        "schema": {"type": "string"},
        "description": 'the ETag (`"7"`) or the bare version (`7`) this write expects; stale: 412',
        "example": '"7"',
    },
]


class ProblemResponses(BasePlugin):
    """Documents the problem details every protected endpoint may answer, and the write headers."""

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        """Adds 401/403/404 to every protected operation; 409/412/503 and the headers to every POST."""
        for method, operation in (operations or {}).items():
            if not PROTECTED_TAGS.intersection(operation.get("tags", ())):
                continue
            responses = operation.setdefault("responses", {})
            documented = dict(_EVERY_OPERATION, **(_EVERY_WRITE if method == "post" else {}))
            for status, description in documented.items():
                responses.setdefault(status, {"description": description, "content": _PROBLEM})
            if method == "post":
                operation.setdefault("parameters", []).extend(_WRITE_HEADERS)


class ProblemApi(Api):
    """flask-smorest's Api whose own HTTP errors (its 422 above all) are problem details too."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Response:  # type: ignore[override]
        """Every HTTPException, including webargs's validation errors, as problem details."""
        return http_problem(error)


def _rule_broken(error: RuleBroken) -> Response:
    return problem(409, error.code, error.detail, title="A rule of the process was broken", ids=error.ids)


def _not_found(error: NotFound | PartOfProposalNotFound) -> Response:
    return problem(404, "not_found", str(error))


def _unauthenticated(error: Unauthenticated) -> Response:
    return problem(401, "unauthorized", str(error), headers={"WWW-Authenticate": 'Bearer realm="mufakat"'})


def _forbidden(error: Forbidden) -> Response:
    return problem(403, "forbidden", str(error) or "this token may not do that")


def _version_mismatch(error: VersionMismatch) -> Response:
    return problem(
        412,
        "version_mismatch",
        str(error),
        headers={"ETag": f'"{error.actual}"'},
        expected_version=error.expected,
        current_version=error.actual,
    )


def _idempotency_key_reused(error: IdempotencyKeyReused) -> Response:
    return problem(422, "idempotency_key_reused", str(error))


def _token_not_replayable(error: TokenNotReplayable) -> Response:
    return problem(409, "token_not_replayable", str(error), token_id=error.token_record_id)


def _too_much_contention(error: TooMuchContention) -> Response:
    return problem(503, "too_much_contention", str(error), headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def _require_json_body() -> None:
    """An API POST with a body must say it is JSON; an empty body (e.g. a close) needs no type.

    Web pages outside `/api/` (the console's sign-in form) keep their own content types.
    """
    writes = request.method in ("POST", "PUT", "PATCH") and request.path.startswith("/api/")
    has_body = bool(request.content_length or request.headers.get("Transfer-Encoding"))
    if writes and has_body and not request.is_json:
        raise UnsupportedMediaType()
    if writes and has_body:
        _ensure_storable_json()


class MalformedBody(Exception):
    """A JSON body that parses but can never be stored: nested past reason, or text that is not Unicode."""


def _ensure_storable_json() -> None:
    """Refuses, for this request alone, a body that would fail later while its batch is being saved.

    A lone surrogate (`"\\ud800"`) is valid JSON but no UTF-8 can hold it, and a body
    nested a hundred thousand deep exhausts the recursion limit: both must be a 400
    for their sender, never a 500 (nor a failed group commit for other writers).
    """
    try:
        body = request.get_json(silent=True)
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except RecursionError:
        raise MalformedBody("the body is nested too deeply") from None
    except UnicodeEncodeError:
        raise MalformedBody("the body holds text that is not valid Unicode (a lone surrogate)") from None


def _malformed_body(error: MalformedBody) -> Response:
    return problem(400, "malformed_json", str(error))


def register_problem_handlers(app: Flask) -> None:
    """Maps every error of the application boundary and the domain to its problem details."""
    app.register_error_handler(RuleBroken, _rule_broken)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(PartOfProposalNotFound, _not_found)
    app.register_error_handler(Unauthenticated, _unauthenticated)
    app.register_error_handler(Forbidden, _forbidden)
    app.register_error_handler(VersionMismatch, _version_mismatch)
    app.register_error_handler(IdempotencyKeyReused, _idempotency_key_reused)
    app.register_error_handler(TokenNotReplayable, _token_not_replayable)
    app.register_error_handler(TooMuchContention, _too_much_contention)
    app.register_error_handler(MalformedBody, _malformed_body)
    app.before_request(_require_json_body)

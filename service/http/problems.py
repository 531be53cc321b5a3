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

import json as stdlib_json
from typing import Any
from uuid import UUID

from apispec import BasePlugin
from flask import Flask, Response, g, has_request_context, json, request
from flask_smorest import Api, Blueprint
from marshmallow import INCLUDE, Schema, fields
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import HTTPException, UnsupportedMediaType
from werkzeug.routing import UUIDConverter, ValidationError

from domain.errors import (
    BallotNotValid,
    PartOfAssessmentNotFound,
    PartOfDisputeNotFound,
    PartOfProposalNotFound,
    RiskNotFound,
    RuleBroken,
)
from service.adapters.evidence_files import EvidenceRefused
from service.app.assessments import FindingsOfAnotherProcess
from service.app.dispute_directory import DISPUTE_DIRECTORY_ID
from service.app.disputes import RecordOfAnotherProcess
from service.app.errors import (
    Forbidden,
    IdempotencyKeyReused,
    NotFound,
    TokenNotReplayable,
    TooMuchContention,
    Unauthenticated,
    VersionMismatch,
)
from service.app.process_directory import PROCESS_DIRECTORY_ID
from service.app.rankings import ProposalsOfAnotherProcess
from service.app.statement_names import StatementNamesAParticipant
from service.audit.checkpoints import CHECKPOINT_LOG_ID
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
    "statement_names_a_participant": "A statement names a participant",
}
#: What `errors` says of each field whose statement names a registered participant (never whom it names).
NAMES_A_PARTICIPANT = (
    "names a registered participant of this process; rephrase it, or send names_are_public: true "
    "if the name may be published (an official acting in office)"
)

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
    """Problem details as every error of the API carries them (RFC 9457 allows further members)."""

    class Meta:
        unknown = INCLUDE  # documented as additionalProperties: true

    type = fields.String(metadata={"example": "urn:mufakat:problem:unresolved_blocking_objection"})
    title = fields.String(metadata={"example": "A rule of the process was broken"})
    status = fields.Integer(metadata={"example": 409})
    detail = fields.String(
        metadata={"example": "a blocking objection is unresolved: it must be addressed, withdrawn or overruled first"}
    )
    code = fields.String(metadata={"example": "unresolved_blocking_objection"})
    errors = fields.Dict(
        keys=fields.String(),
        metadata={
            "description": "validation_failed and statement_names_a_participant only: the messages of each "
            "field refused"
        },
    )
    ids = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "a broken rule (409): the ids it concerns", "example": {"objection_id": "3f1c…"}},
    )
    expected_version = fields.Integer(metadata={"description": "version_mismatch only: the version If-Match named"})
    current_version = fields.Integer(metadata={"description": "version_mismatch only: the latest version"})
    token_id = fields.String(metadata={"description": "token_not_replayable only: the token that was issued"})


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
    "413": "the body is larger than 256 KiB, chunked or not (`payload_too_large`)",
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


#: Operations anyone may call without a token (liveness, readiness, the audit proofs).
PUBLIC_OPERATIONS = frozenset({"/health", "/ready", "/audit/checkpoints", "/audit/public-key"})
#: Operations where a token is optional: without one they answer what the public may see.
OPTIONAL_TOKEN_OPERATIONS = frozenset(
    {
        "/feed",
        "/feed.atom",
        "/feed.csv",
        "/proposals/{proposal_id}/history",
        "/processes/{process_id}/participation",
        "/complaints/track/{tracking_code}",
        "/processes/{process_id}/partners",
    }
)


def _is_error_status(status: Any) -> bool:
    return str(status) == "default" or (str(status).isdigit() and int(status) >= 400)


class ProblemResponses(BasePlugin):
    """Documents the problem details every endpoint may answer, who may call it, and the write headers."""

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        """Errors as problem+json; public operations without security; 401/403/404 and 409/412/503 where due."""
        route = (path or "").removeprefix("/api/v1")
        for method, operation in (operations or {}).items():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content") if isinstance(response, dict) else None
                if _is_error_status(status) and content and "application/json" in content:
                    content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
            if route in PUBLIC_OPERATIONS:
                operation["security"] = []
            elif route in OPTIONAL_TOKEN_OPERATIONS:
                operation["security"] = [{}, {"bearerAuth": []}]
            if not PROTECTED_TAGS.intersection(operation.get("tags", ())):
                continue
            responses = operation.setdefault("responses", {})
            documented = dict(_EVERY_OPERATION, **(_EVERY_WRITE if method == "post" else {}))
            for status, description in documented.items():
                responses.setdefault(status, {"description": description, "content": _PROBLEM})
            if method == "post":
                operation.setdefault("parameters", []).extend(_WRITE_HEADERS)


class ProblemApi(Api):
    """flask-smorest's Api whose own HTTP errors (its 422 above all) are problem details too, and whose
    OpenAPI document is written when first read rather than while the app is built.

    Writing the document (resolving every schema of every route) is about 60 % of building the app; a
    worker serves /api/v1/openapi.json rarely, and the test suite builds an app per test. A blueprint's
    routes are registered at once, its pages of the document when `spec` is first read, in the same order,
    so the document is the same as when written eagerly.
    """

    ERROR_SCHEMA = ProblemSchema

    @property
    def spec(self) -> Any:
        """The OpenAPI document, completed with the blueprints registered since it was last read."""
        pending: list[tuple[Any, str, Any]] = getattr(self, "_undocumented", [])
        self._undocumented: list[tuple[Any, str, Any]] = []
        for blueprint, name, parameters in pending:
            blueprint.register_views_in_doc(self, self._app, self._spec, name=name, parameters=parameters)
            self._spec.tag({"name": name, "description": blueprint.description})
        return self._spec

    @spec.setter
    def spec(self, value: Any) -> None:
        self._spec = value

    def register_blueprint(self, blp: Any, *, parameters: Any = None, **options: Any) -> None:
        """Routes now; their pages of the OpenAPI document when `spec` is next read."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented = [*getattr(self, "_undocumented", []), (blp, name, parameters)]

    def _register_responses(self) -> None:
        """flask-smorest's shared error responses, served as what they are: application/problem+json."""
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM_MEDIA_TYPE
        try:
            super()._register_responses()  # type: ignore[misc]
        finally:
            del self.DEFAULT_RESPONSE_CONTENT_TYPE

    def handle_http_exception(self, error: HTTPException) -> Response:  # type: ignore[override]
        """Every HTTPException, including webargs's validation errors, as problem details."""
        return http_problem(error)


def _rule_broken(error: RuleBroken) -> Response:
    return problem(error.status, error.code, error.detail, title="A rule of the process was broken", ids=error.ids)


def _not_found(
    error: NotFound | PartOfProposalNotFound | PartOfAssessmentNotFound | PartOfDisputeNotFound | RiskNotFound,
) -> Response:
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


#: The API endpoints that take a file (multipart/form-data), with the most bytes their body may hold.
UPLOADS: dict[str, int] = {}


def _require_json_body() -> None:
    """An API POST with a body must say it is JSON; an empty body (e.g. a close) needs no type.

    Web pages outside `/api/` (the console's sign-in form) keep their own content types; an upload (`UPLOADS`)
    is multipart/form-data, and may be as large as its endpoint says.
    """
    writes = request.method in ("POST", "PUT", "PATCH") and request.path.startswith("/api/")
    has_body = bool(request.content_length or request.headers.get("Transfer-Encoding"))
    if writes and request.endpoint in UPLOADS:
        request.max_content_length = UPLOADS[request.endpoint]
        if request.mimetype != "multipart/form-data":
            raise EvidenceRefused(415, "send the file as multipart/form-data, in the field `file`")
        return
    if writes and has_body and not request.is_json:
        raise UnsupportedMediaType()
    if writes and has_body:
        _ensure_storable_json()


class MalformedBody(Exception):
    """A JSON body that parses but can never be stored: nested past reason, or text that is not Unicode."""


class NumberOutOfRange(Exception):
    """A JSON body with an integer longer than any field accepts (and than Python reads: 4,300 digits)."""


#: Digits an integer of a body may have: 2**63 has 19; no field of the API takes more.
MAX_INTEGER_DIGITS = 20


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise NumberOutOfRange(f"a number of the body has more than {MAX_INTEGER_DIGITS} digits")
    return int(digits)


def _ensure_storable_json() -> None:
    """Refuses, for this request alone, a body that would fail later while its batch is being saved.

    A lone surrogate (`"\\ud800"`) is valid JSON but no UTF-8 can hold it, and a body
    nested a hundred thousand deep exhausts the recursion limit: both must be a 400
    for their sender, never a 500 (nor a failed group commit for other writers). An
    integer of thousands of digits is a 422 before Python tries to convert it. Reading
    the body here also enforces the size limit on a chunked body (413).
    """
    data = request.get_data(cache=True)
    limit = request.max_content_length
    if request.content_length is None and limit is not None and len(data) >= limit:
        # A chunked body is cut at the limit; reading on past it raises 413 if anything is left.
        request.stream.read(1)
    try:
        body = stdlib_json.loads(data, parse_int=_bounded_int)
        if _may_not_store(data):
            json.dumps(body, ensure_ascii=False).encode("utf-8")
    except RecursionError:
        raise MalformedBody("the body is nested too deeply") from None
    except UnicodeEncodeError:
        raise MalformedBody("the body holds text that is not valid Unicode (a lone surrogate)") from None
    except ValueError:  # not JSON at all (also bytes that are not UTF-8): the same answer webargs gives
        raise MalformedBody("the body could not be read as JSON") from None
    if _read_alike(data):
        # Flask's own cache of the parsed body: `get_json` and the arguments' parser take it from here.
        request._cached_json = (body, body)


def _may_not_store(data: bytes) -> bool:
    """Whether a body that parsed might still fail to be stored: only an escape (`\\ud800`) makes a lone
    surrogate, and only 100 brackets make 100 levels; any other body is not walked a second time."""
    return b"\\u" in data or data.count(b"[") + data.count(b"{") >= 100


def _read_alike(data: bytes) -> bool:
    """Whether webargs, which reads the body as UTF-8 text, reads what the standard library read from the bytes:
    no byte-order mark, no other encoding (a NUL among the first bytes), valid UTF-8."""
    if data.startswith(b"\xef\xbb\xbf") or b"\x00" in data[:4]:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class BodyParsedOnce(FlaskParser):
    """The arguments' parser of the API: a JSON body already parsed (and checked) before the view is not parsed
    again; anything else is read as webargs reads it."""

    def _raw_load_json(self, req: Any) -> Any:
        parsed = getattr(req, "_cached_json", (Ellipsis, Ellipsis))[0]
        if parsed is not Ellipsis and is_json_request(req):
            return parsed
        return super()._raw_load_json(req)


#: Every blueprint of the API parses its arguments with it (flask-smorest's class-wide parser).
Blueprint.ARGUMENTS_PARSER = BodyParsedOnce()


def _statement_names_a_participant(error: StatementNamesAParticipant) -> Response:
    return problem(
        422,
        error.code,
        "a statement that outsiders may read names a registered participant; see `errors`",
        errors={field: [NAMES_A_PARTICIPANT] for field in error.fields},
    )


def _evidence_refused(error: EvidenceRefused) -> Response:
    return problem(error.status, _HTTP_CODES[error.status], error.detail)


def _findings_of_another_process(error: FindingsOfAnotherProcess) -> Response:
    return problem(
        422,
        "validation_failed",
        "some fields are missing or invalid; see `errors`",
        errors={error.field: [f"not a finding of this process: {finding_id}" for finding_id in error.finding_ids]},
    )


def _ballot_not_valid(error: BallotNotValid) -> Response:
    return problem(
        422, "validation_failed", "some fields are missing or invalid; see `errors`", errors={"_schema": [error.detail]}
    )


def _proposals_of_another_process(error: ProposalsOfAnotherProcess) -> Response:
    return problem(
        422,
        "validation_failed",
        "some fields are missing or invalid; see `errors`",
        errors={"proposals": [f"not a proposal of this process: {proposal_id}" for proposal_id in error.proposal_ids]},
    )


def _record_of_another_process(error: RecordOfAnotherProcess) -> Response:
    return problem(
        422,
        "validation_failed",
        "some fields are missing or invalid; see `errors`",
        errors={error.field: [str(error)]},
    )


def _malformed_body(error: MalformedBody) -> Response:
    return problem(400, "malformed_json", str(error))


def _number_out_of_range(error: NumberOutOfRange) -> Response:
    return problem(
        422, "validation_failed", "some fields are missing or invalid; see `errors`", errors={"_schema": [str(error)]}
    )


#: Ids of the ledger's own logs (the process directory, the checkpoint log): never a resource of the API.
LEDGER_LOG_IDS = frozenset({PROCESS_DIRECTORY_ID, CHECKPOINT_LOG_ID, DISPUTE_DIRECTORY_ID})


class ResourceIdConverter(UUIDConverter):
    """`<uuid:...>` in a route, except the ids of the ledger's own logs: those match no route (404)."""

    def to_python(self, value: str) -> UUID:
        """The id, unless it names one of the ledger's logs."""
        resource_id: UUID = super().to_python(value)
        if resource_id in LEDGER_LOG_IDS:
            raise ValidationError()
        return resource_id


def register_problem_handlers(app: Flask) -> None:
    """Maps every error of the application boundary and the domain to its problem details."""
    app.register_error_handler(RuleBroken, _rule_broken)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(PartOfProposalNotFound, _not_found)
    app.register_error_handler(PartOfAssessmentNotFound, _not_found)
    app.register_error_handler(EvidenceRefused, _evidence_refused)
    app.register_error_handler(FindingsOfAnotherProcess, _findings_of_another_process)
    app.register_error_handler(BallotNotValid, _ballot_not_valid)
    app.register_error_handler(ProposalsOfAnotherProcess, _proposals_of_another_process)
    app.register_error_handler(PartOfDisputeNotFound, _not_found)
    app.register_error_handler(RiskNotFound, _not_found)
    app.register_error_handler(RecordOfAnotherProcess, _record_of_another_process)
    app.register_error_handler(Unauthenticated, _unauthenticated)
    app.register_error_handler(Forbidden, _forbidden)
    app.register_error_handler(VersionMismatch, _version_mismatch)
    app.register_error_handler(IdempotencyKeyReused, _idempotency_key_reused)
    app.register_error_handler(TokenNotReplayable, _token_not_replayable)
    app.register_error_handler(TooMuchContention, _too_much_contention)
    app.register_error_handler(MalformedBody, _malformed_body)
    app.register_error_handler(StatementNamesAParticipant, _statement_names_a_participant)
    app.register_error_handler(NumberOutOfRange, _number_out_of_range)
    # Before any blueprint is registered: routes bind their converter when they are added.
    app.url_map.converters["uuid"] = ResourceIdConverter
    app.before_request(_require_json_body)

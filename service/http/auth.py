"""Who is asking, over HTTP: bearer tokens and the context of a command.

`Authorization: Bearer <token>` is looked up by the ledger (tokens are stored
only as hashes) on every request. On SQLite a worker keeps the principals of
the tokens it has seen, tagged with the token generation: a counter in a file
beside the database, mapped into every worker and read in about 2 µs, which
every write of a token (issue, grant, revocation, sign-in link) moves before
its insert and after its commit. A kept principal counts only while the
counter still reads what it read before the token's record, so a revocation
or a grant counts on every worker from its commit on; an expiry is checked
against the clock on every request; a writer that died between its commit and
the counter's second move leaves it odd, and odd means nothing kept is used
(`service.adapters.token_generation`, `service.app.principal_cache`).

Measured (`bench/authenticate_speed.py`, 2026-12-07): 87 µs of CPU per
authenticate before, 3 µs with a kept principal, on SQLite. PostgreSQL keeps
none: workers there may be on several hosts, and a counter row read per
request costs as much as the token's own indexed query (about 180 µs of CPU
each), so every request brings the token's record up to date with one query.
"""

from __future__ import annotations

from flask import g, request
from werkzeug.exceptions import HTTPException, UnprocessableEntity

from service.app.access import ANONYMOUS, Principal
from service.app.application import CommandContext
from service.app.errors import Unauthenticated
from service.app.idempotency import IdempotencyKey
from service.http.current import current_mufakat

MAX_IDEMPOTENCY_KEY_LENGTH = 200


def _bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def optional_principal() -> Principal:
    """The caller: the token's principal, or the anonymous public without a token.

    A token that is present but unknown, revoked or expired is refused (401),
    never quietly treated as anonymous.
    """
    if "mufakat_principal" in g:
        return g.mufakat_principal  # type: ignore[no-any-return]
    secret = _bearer_secret()
    if secret is None:
        if request.headers.get("Authorization"):
            raise Unauthenticated("the Authorization header must be `Bearer <token>`")
        g.mufakat_principal = ANONYMOUS
        return ANONYMOUS
    found = current_mufakat().tokens.authenticate(secret)
    if found is None:
        raise Unauthenticated("the bearer token is unknown, revoked or expired")
    g.mufakat_principal = found
    return found


def principal() -> Principal:
    """The authenticated caller; 401 without a valid bearer token."""
    found = optional_principal()
    if not found.is_authenticated:
        raise Unauthenticated("this endpoint needs a bearer token")
    return found


def require_token() -> None:
    """Runs before a protected blueprint parses anything: a caller without a valid token gets 401
    first, never a 422 that would tell an anonymous caller how a body should look."""
    principal()


#: The writes of the API anyone may make without a token, by endpoint: filing a complaint on a public process
#: (its own rate limit guards it) and a witness's cosignature (checked against the witness's configured key).
PUBLIC_WRITES = frozenset({"complaints.Complaints", "audit.WitnessCosignatures"})

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def require_token_before_writes() -> None:
    """Runs before every request of the app: a write to the API (any method but GET, HEAD and OPTIONS) needs a
    valid token, checked before its body is read or validated, unless its endpoint is in `PUBLIC_WRITES`.

    Registered on the app, not per blueprint, so that a route added later cannot miss it; reads keep their own
    checks (a public process is read without a token).
    """
    if request.method in _SAFE_METHODS or not request.path.startswith("/api/"):
        return
    if request.endpoint is None or request.endpoint in PUBLIC_WRITES:
        return
    require_token()


def refresh_principal() -> None:
    """Reads the caller's token again within this request (its grants just changed); later requests
    always read it afresh."""
    g.pop("mufakat_principal", None)


def expected_version() -> int | None:
    """The version named by `If-Match` (`"7"`, `W/"7"` or `7`); None without it or for `*`."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not (value.isascii() and value.isdigit() and len(value) <= 18):  # "²" is a digit to str.isdigit
        raise _invalid_header("If-Match", 'If-Match must be a version, quoted ("7") or bare (7)')
    return int(value)


def idempotency_key(caller: Principal) -> IdempotencyKey | None:
    """The request's Idempotency-Key, bound to the caller, the method, the path and the body."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not key.strip() or len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise _invalid_header(
            "Idempotency-Key", f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters"
        )
    body = request.get_json(silent=True)
    return IdempotencyKey.for_request(
        caller=caller.actor.id,
        key=key,
        method=request.method,
        path=request.path,
        body=body,
        secret=current_mufakat().vault.fingerprint_secret(),
    )


def command() -> CommandContext:
    """The context of a write: the authenticated caller, `If-Match` and `Idempotency-Key`."""
    caller = principal()
    return CommandContext(principal=caller, expected_version=expected_version(), idempotency=idempotency_key(caller))


def _invalid_header(name: str, message: str) -> HTTPException:
    """A 422 `validation_failed` naming the header, as webargs reports an invalid field."""
    error = UnprocessableEntity()
    setattr(error, "data", {"messages": {"headers": {name: [message]}}})
    return error

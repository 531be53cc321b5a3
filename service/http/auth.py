"""Who is asking, over HTTP: bearer tokens, the principal cache, and the context of a command.

`Authorization: Bearer <token>` is looked up by the ledger (tokens are stored
only as hashes). Authenticated principals are cached in each worker process
for `PRINCIPAL_CACHE_SECONDS`, which keeps a command from reading the token
record on every request. The price is a revocation delay: a revoked token
keeps working for at most that long on a worker that saw it recently. A grant
is never delayed: the creator's entry is dropped after it opens a process,
and the ledger checks a refusal once more against the stored token.
"""

from __future__ import annotations

import threading
import time

from flask import current_app, g, request
from werkzeug.exceptions import HTTPException, UnprocessableEntity

from service.app.access import ANONYMOUS, Principal, token_digest
from service.app.application import CommandContext
from service.app.errors import Unauthenticated
from service.app.idempotency import IdempotencyKey
from service.http.current import current_mufakat

PRINCIPAL_CACHE_SECONDS = 5.0
MAX_IDEMPOTENCY_KEY_LENGTH = 200
_CACHE_LIMIT = 10_000


class PrincipalCache:
    """Authenticated principals by token digest, each for a few seconds (thread-safe)."""

    def __init__(self, seconds: float = PRINCIPAL_CACHE_SECONDS) -> None:
        self.seconds = seconds
        self._entries: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def get(self, digest: str) -> Principal | None:
        """The cached principal of a token digest, if still fresh."""
        entry = self._entries.get(digest)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, digest: str, principal: Principal) -> None:
        """Remembers a principal for a few seconds."""
        with self._lock:
            if len(self._entries) >= _CACHE_LIMIT:
                self._entries.clear()
            self._entries[digest] = (time.monotonic() + self.seconds, principal)

    def forget(self, principal: Principal) -> None:
        """Drops every entry of this principal's token (its grants just changed)."""
        with self._lock:
            for digest in [d for d, (_, p) in self._entries.items() if p.token_record_id == principal.token_record_id]:
                del self._entries[digest]


def principal_cache() -> PrincipalCache:
    """The principal cache of this worker process."""
    cache = current_app.extensions.get("mufakat_principals")
    if cache is None:
        cache = current_app.extensions.setdefault("mufakat_principals", PrincipalCache())
    return cache  # type: ignore[no-any-return]


def _bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def optional_principal() -> Principal:
    """The caller: the token's principal, or the anonymous public without a token.

    A token that is present but unknown or revoked is refused (401), never
    quietly treated as anonymous.
    """
    if "mufakat_principal" in g:
        return g.mufakat_principal  # type: ignore[no-any-return]
    secret = _bearer_secret()
    if secret is None:
        if request.headers.get("Authorization"):
            raise Unauthenticated("the Authorization header must be `Bearer <token>`")
        g.mufakat_principal = ANONYMOUS
        return ANONYMOUS
    digest = token_digest(secret)
    cache = principal_cache()
    found = cache.get(digest)
    if found is None:
        found = current_mufakat().authenticate(secret)
        if found is None:
            raise Unauthenticated("the bearer token is unknown or revoked")
        cache.put(digest, found)
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


def refresh_principal() -> None:
    """Forgets the caller's cached principal, so its new grants show on its next request."""
    principal_cache().forget(principal())


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

"""Errors of the application boundary (the domain's own rules live in `domain.errors`)."""

from __future__ import annotations


class NotFound(Exception):
    """No such resource, or one the caller may not know exists."""

    code = "not_found"

    def __init__(self, kind: str, resource_id: object) -> None:
        super().__init__(f"{kind} {resource_id} was not found")
        self.kind = kind
        self.resource_id = str(resource_id)


class Forbidden(Exception):
    """The caller is known but may not do this."""

    code = "forbidden"


class VersionMismatch(Exception):
    """`If-Match` named a version that is no longer the latest."""

    code = "version_mismatch"

    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(f"the resource is at version {actual}, not {expected}")
        self.expected = expected
        self.actual = actual


class IdempotencyKeyReused(Exception):
    """The Idempotency-Key was used before for a different request."""

    code = "idempotency_key_reused"


class TooMuchContention(Exception):
    """Concurrent writers kept winning; the command was not recorded and may be retried."""

    code = "too_much_contention"


class Unauthenticated(Exception):
    """No valid bearer token came with a request that needs one."""

    code = "unauthorized"


class TokenNotReplayable(Exception):
    """A retried token request: the secret was shown once and only its hash is kept."""

    code = "token_not_replayable"

    def __init__(self, token_record_id: object) -> None:
        super().__init__(
            f"token {token_record_id} was already issued for this Idempotency-Key; its secret is shown only once. "
            "Issue a new token with another key if the first answer was lost."
        )
        self.token_record_id = str(token_record_id)

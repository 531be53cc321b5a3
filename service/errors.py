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

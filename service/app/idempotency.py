"""Idempotency-Key: a retried write is answered again, never recorded twice.

The answer to a key is kept under an id derived from the caller and the key
(`IdempotencyKey.record_id`), in a table beside the log
(`service.adapters.idempotency_keys`) written in the same transaction as the
events the command produced: a crash can never separate them, and a concurrent
duplicate fails on the table's primary key, then finds the answer and replays it.

Until 2026-12 the answer was an aggregate of its own, `IdempotencyRecord`, saved
with the events; the class stays so that the logs that hold its events still
decode (their answers were copied into the table when it was created).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

_IDEMPOTENCY_NAMESPACE = UUID("0b8f0c4e-2d67-4f0a-8d3a-9c41e5b6d7f2")


@dataclass(frozen=True)
class IdempotencyKey:
    """The key a caller sent, bound to who sent it and what they asked."""

    caller: str
    key: str
    fingerprint: str

    @cached_property
    def record_id(self) -> UUID:
        """Where the record of this key is stored (computed once per request)."""
        return uuid5(_IDEMPOTENCY_NAMESPACE, f"{self.caller}\n{self.key}")

    @classmethod
    def for_request(cls, caller: str, key: str, method: str, path: str, body: Any, *, secret: bytes) -> IdempotencyKey:
        """The key of one request: the same key with another body or path has another fingerprint.

        The fingerprint is stored beside the log (in the log itself by releases before 2026-12);
        it is an HMAC-SHA256 keyed with the server's `secret` (never in the log), so nobody holding
        the log or an export can test a guessed name or phone number against a registration's
        fingerprint.
        """
        canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"), default=str)
        fingerprint = hmac.new(secret, canonical.encode("utf-8"), hashlib.sha256).hexdigest()
        return cls(caller=caller, key=key, fingerprint=fingerprint)


class IdempotencyRecord(Aggregate):
    """The first answer to a request sent with an Idempotency-Key, as logs written before 2026-12 keep it."""

    @event("Recorded")
    def __init__(self, id: UUID, fingerprint: str, receipt: dict[str, Any]) -> None:
        self.fingerprint = fingerprint
        self.receipt = dict(receipt)

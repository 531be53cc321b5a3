"""The principals of the tokens a worker has seen, kept while no token has changed anywhere since."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from service.app.access import Principal

#: Tokens whose principals a worker keeps: far more than the callers of a worker in a minute.
PRINCIPALS_KEPT = 4096


class TokenGeneration(Protocol):
    """A counter that moves whenever any token changes (`service.adapters.token_generation`)."""

    def current(self) -> int | None:
        """The generation now; None while no cached principal may be trusted."""


@dataclass(frozen=True)
class CachedPrincipal:
    """A token's principal as its record stood when the generation was `generation`, and when it expires."""

    generation: int
    principal: Principal
    expires_at: datetime | None

    def is_valid_at(self, now: datetime) -> bool:
        """Whether the token still authenticates at this moment (the clock moves on without a write)."""
        return self.expires_at is None or now < self.expires_at


class PrincipalCache:
    """The principals of recently seen tokens, by the token's digest (never its secret), at most
    `PRINCIPALS_KEPT`, the least recently used dropped first."""

    def __init__(self, limit: int = PRINCIPALS_KEPT) -> None:
        self.limit = limit
        self._entries: OrderedDict[str, CachedPrincipal] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, digest: str, generation: int | None) -> CachedPrincipal | None:
        """The entry read at this very generation; None for any other (a token changed since) or none."""
        if generation is None:
            return None
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None or entry.generation != generation:
                return None
            self._entries.move_to_end(digest)
            return entry

    def put(self, digest: str, entry: CachedPrincipal) -> None:
        """Keeps an entry, dropping the least recently used beyond the limit."""
        with self._lock:
            self._entries[digest] = entry
            self._entries.move_to_end(digest)
            while len(self._entries) > self.limit:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)

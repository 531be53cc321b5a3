"""A worker keeps a bounded number of principals, each only for the generation it was read at."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.actor import Actor
from service.app.access import Principal
from service.app.principal_cache import CachedPrincipal, PrincipalCache

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def kept(name: str, generation: int = 2, expires_at: datetime | None = None) -> CachedPrincipal:
    principal = Principal(actor=Actor(id=name, role="facilitator", name=name))
    return CachedPrincipal(generation, principal, expires_at)


def test_a_principal_is_answered_only_at_the_generation_it_was_read_at() -> None:
    cache = PrincipalCache()
    cache.put("digest", kept("Sari", generation=4))

    assert cache.get("digest", 4) == kept("Sari", generation=4)
    assert cache.get("digest", 6) is None
    assert cache.get("digest", None) is None
    assert cache.get("another digest", 4) is None


def test_the_least_recently_used_principal_goes_first_beyond_the_limit() -> None:
    cache = PrincipalCache(limit=2)
    cache.put("a", kept("a"))
    cache.put("b", kept("b"))
    assert cache.get("a", 2) is not None  # "a" used again: "b" is now the oldest

    cache.put("c", kept("c"))

    assert len(cache) == 2
    assert cache.get("b", 2) is None
    assert cache.get("a", 2) is not None and cache.get("c", 2) is not None


def test_a_kept_principal_is_valid_until_its_expiry_and_not_at_it() -> None:
    entry = kept("Sari", expires_at=NOW + timedelta(hours=1))

    assert entry.is_valid_at(NOW + timedelta(minutes=59))
    assert not entry.is_valid_at(NOW + timedelta(hours=1))
    assert kept("Sari").is_valid_at(NOW + timedelta(days=3650))

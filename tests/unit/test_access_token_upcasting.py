"""Tokens issued before expiry existed (`AccessToken.Issued` version 1, a stored sample) still read, and never
expire; a token issued now records its version and its expiry."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, Mapper, StoredEvent, UUIDAsHex

from domain.actor import Actor
from service.adapters.transcodings import register_domain_transcodings
from service.app.access import AccessToken

SAMPLE = Path(__file__).parent / "samples" / "access_token_issued_v1.json"
SAMPLE_SECRET = "mfk_contoh-rahasia-untuk-sampel"


@pytest.fixture
def mapper() -> Mapper[UUID]:
    """The mapper the Mufakat application uses."""
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DatetimeAsISO(), DecimalAsStr()):
        transcoder.register(transcoding)
    register_domain_transcodings(transcoder)
    return Mapper(transcoder=transcoder)


def _stored_v1() -> StoredEvent:
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return StoredEvent(
        originator_id=UUID(sample["originator_id"]),
        originator_version=sample["originator_version"],
        topic=sample["topic"],
        state=sample["state"].encode("utf-8"),
    )


def test_the_sample_is_a_version_1_issue_without_expiry() -> None:
    state = json.loads(_stored_v1().state)
    assert "expires_at" not in state and "class_version" not in state


def test_a_token_issued_before_expiry_existed_still_authenticates_and_never_expires(mapper: Mapper[UUID]) -> None:
    event = mapper.to_domain_event(_stored_v1())
    token = event.mutate(None)  # type: ignore[attr-defined]

    assert event.expires_at is None  # type: ignore[attr-defined]

    assert isinstance(token, AccessToken)
    assert (token.role, token.name, token.expires_at, token.revoked) == (
        "partner",
        "Bappeda Kabupaten Banyumas",
        None,
        False,
    )
    assert token.matches(SAMPLE_SECRET)
    assert token.is_valid_at(datetime(2200, 1, 1, tzinfo=UTC))


def test_a_token_issued_now_is_stored_as_version_2_with_its_expiry(mapper: Mapper[UUID]) -> None:
    until = datetime(2030, 6, 30, 10, tzinfo=UTC)
    token, _ = AccessToken.issue("auditor", "Inspektorat", [], expires_at=until)

    stored = mapper.to_stored_event(token.collect_events()[0])
    state = json.loads(stored.state)

    assert state["class_version"] == 2
    assert mapper.to_domain_event(stored).expires_at == until  # type: ignore[attr-defined]


def test_a_token_is_valid_until_its_expiry_and_never_after_a_revocation() -> None:
    until = datetime(2030, 6, 30, 10, tzinfo=UTC)
    token, _ = AccessToken.issue("auditor", "Inspektorat", [], expires_at=until)

    assert token.is_valid_at(datetime(2030, 6, 30, 9, 59, tzinfo=UTC))
    assert not token.is_valid_at(until)
    assert token.revoke(Actor(id="a", role="admin", name="Admin"), occurred_at=datetime(2030, 1, 1, tzinfo=UTC))
    assert not token.is_valid_at(datetime(2029, 1, 1, tzinfo=UTC))
    assert not token.revoke(Actor(id="a", role="admin", name="Admin"), occurred_at=datetime(2030, 1, 2, tzinfo=UTC))
    assert token.revoked_at == datetime(2030, 1, 1, tzinfo=UTC)


def test_an_expiry_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        AccessToken.issue("auditor", "Inspektorat", [], expires_at=datetime(2030, 6, 30, 10))

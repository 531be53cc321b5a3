"""A token's record keeps the sign-in links made for it and their use, with the link's id and never a secret."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.actor import Actor
from service.app.access import AccessToken, TokenNotValid

ADMIN = Actor(id="acct-admin", role="admin", name="Admin Kabupaten")
MOMENT = datetime(2027, 3, 1, 2, 30, tzinfo=UTC)


def test_making_and_using_a_link_are_recorded_with_who_when_and_which_link() -> None:
    token, secret = AccessToken.issue(role="facilitator", name="Fasilitator Desa", processes=[])
    token.collect_events()
    link_id = uuid4()

    token.note_sign_in_link(link_id, MOMENT + timedelta(minutes=10), ADMIN, occurred_at=MOMENT)
    token.note_sign_in_link_used(link_id, occurred_at=MOMENT + timedelta(minutes=2))
    made, used = token.collect_events()

    assert isinstance(made, AccessToken.SignInLinkIssued) and isinstance(used, AccessToken.SignInLinkUsed)
    assert (made.link_id, made.expires_at, made.occurred_at, made.actor) == (
        link_id,
        MOMENT + timedelta(minutes=10),
        MOMENT,
        ADMIN,
    )
    assert (used.link_id, used.occurred_at) == (link_id, MOMENT + timedelta(minutes=2))
    assert secret not in repr(made.__dict__) and secret not in repr(used.__dict__)


def test_no_link_is_made_for_a_revoked_or_expired_token() -> None:
    revoked, _ = AccessToken.issue(role="facilitator", name="Dicabut", processes=[])
    revoked.revoke(ADMIN, occurred_at=MOMENT)
    expired, _ = AccessToken.issue(role="facilitator", name="Habis", processes=[], expires_at=MOMENT)

    for token in (revoked, expired):
        token.collect_events()
        with pytest.raises(TokenNotValid):
            token.note_sign_in_link(uuid4(), MOMENT + timedelta(minutes=10), ADMIN, occurred_at=MOMENT)
        assert token.collect_events() == []

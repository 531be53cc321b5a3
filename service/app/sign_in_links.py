"""One-time sign-in links: an admin makes one for a token, a facilitator's phone opens it and is signed in.

The link carries a random secret (256 bits) that is shown once, kept only
hashed beside the ledger (`service.adapters.sign_in_links`), expires after
`MUFAKAT_SIGN_IN_LINK_SECONDS` and signs in once, only the token it was made
for, and only while that token is valid. Making a link and using it are events
of the token's record (`AccessToken.SignInLinkIssued`, `.SignInLinkUsed`), with
the link's id and never its secret, so an auditor reads in the log who was
signed in by which link, and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from service.adapters.sign_in_links import new_link_secret
from service.app import queries
from service.app.access import Principal
from service.app.application import CommandContext, Mufakat, Receipt
from service.app.errors import Forbidden


@dataclass(frozen=True)
class IssuedLink:
    """A link just made: its secret (shown once, never stored), its id and when it stops working."""

    link_id: UUID
    token_record_id: UUID
    secret: str
    expires_at: datetime


def link_lifetime(mufakat: Mufakat) -> timedelta:
    """How long a new link stays usable (`MUFAKAT_SIGN_IN_LINK_SECONDS`)."""
    return timedelta(seconds=mufakat.settings.sign_in_link_seconds)


def issue_sign_in_link(mufakat: Mufakat, context: CommandContext, token_record_id: UUID) -> IssuedLink:
    """(admin) Makes a one-time sign-in link for a valid token; the token's record says so (`SignInLinkIssued`).

    Refused with `Forbidden` for anyone but an admin, `NotFound` for an unknown token and `TokenNotValid` for a
    revoked or expired one. The event is committed before the link is kept: a link exists only once the log
    says it was made.
    """
    # Drawn before the unit of work, which may run again after a concurrent write: one secret, one id.
    secret, link_id = new_link_secret(), uuid4()
    now = mufakat.clock()
    expires_at = now + link_lifetime(mufakat)

    def note_the_link() -> Receipt:
        if not context.principal.may_issue_tokens:
            raise Forbidden("only admins make sign-in links")
        token = queries.token_record(mufakat, token_record_id)
        token.note_sign_in_link(link_id, expires_at, context.actor, occurred_at=now)
        mufakat.uow.stage(token)
        return Receipt("token", token.id, token.version)

    mufakat.uow.run_command(context, note_the_link)
    mufakat.sign_in_links.keep(secret, link_id, token_record_id, expires_at, now)
    return IssuedLink(link_id=link_id, token_record_id=token_record_id, secret=secret, expires_at=expires_at)


def sign_in_by_link(mufakat: Mufakat, secret: str) -> Principal | None:
    """The principal a link signs in, using the link up (`SignInLinkUsed` in the token's record); None for a link
    never made, used before, expired, or whose token was revoked or expired since."""
    now = mufakat.clock()
    claimed = mufakat.sign_in_links.claim(secret, now)
    if claimed is None:
        return None
    principal = queries.principal_of_token(mufakat, claimed.token_record_id)
    if principal is None:
        return None

    def note_the_use() -> Receipt:
        token = queries.token_record(mufakat, claimed.token_record_id)
        token.note_sign_in_link_used(claimed.link_id, occurred_at=now)
        mufakat.uow.stage(token)
        return Receipt("token", token.id, token.version)

    mufakat.uow.run_command(CommandContext(principal=principal), note_the_use)
    return principal

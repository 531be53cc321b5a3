"""Bearer tokens (admin only): issue one, list them, read one's record (never its secret again), revoke one."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import UnprocessableEntity

from service.app import queries
from service.app.access import AccessToken, UnknownProcesses
from service.app.errors import TokenNotReplayable
from service.http.api.answers import Answer, Beside, location, shown
from service.http.auth import command, principal, require_token
from service.http.current import current_mufakat
from service.http.schemas.common import PageArgs, page_of
from service.http.schemas.tokens import TokenRequestSchema, TokenSchema

blp = Blueprint("tokens", __name__, description="Bearer tokens")
blp.before_request(require_token)


@blp.route("/tokens")
class Tokens(MethodView):
    """Issuing and listing tokens."""

    @blp.arguments(PageArgs(), location="query")
    @blp.response(200, page_of(TokenSchema))
    def get(self, page: dict[str, Any]) -> dict[str, Any]:
        """(admin) Lists the token records in order of issue, without their secrets (cursor pagination)."""
        found, position = queries.tokens(current_mufakat(), principal(), page["after"], page["limit"])
        return {"items": found, "next": None if position is None else str(position)}

    @blp.arguments(TokenRequestSchema())
    @blp.response(201, TokenSchema)
    def post(self, issuing: dict[str, Any]) -> Answer:
        """(admin) Issues a token; its secret is in this answer only.

        Every process in `processes` must exist (else 422 `validation_failed` naming them).
        After `expires_at` the token gets 401. A retry with the same Idempotency-Key
        issues nothing new and answers 409 `token_not_replayable`: only the token's
        hash is stored, so its secret cannot be shown again (issue another token with a new key).
        """
        try:
            receipt, secret = current_mufakat().tokens.issue_as(command(), **issuing)
        except UnknownProcesses as error:
            raise _invalid_processes(error) from None
        if secret is None:
            raise TokenNotReplayable(receipt.id)
        return Beside(queries.token_record(current_mufakat(), receipt.id), token=secret), {"Location": location("token", receipt.id)}


@blp.route("/tokens/<uuid:token_id>")
class OneToken(MethodView):
    """One token record."""

    @blp.response(200, TokenSchema)
    def get(self, token_id: UUID) -> AccessToken:
        """(admin) The token's role, name, processes, expiry and revocation; never its secret."""
        return queries.token(current_mufakat(), principal(), token_id)


@blp.route("/tokens/<uuid:token_id>/revoke")
class RevokeToken(MethodView):
    """Revoking a token."""

    @blp.response(200, TokenSchema)
    def post(self, token_id: UUID) -> Answer:
        """(admin) Revokes a token: from this answer on it gets 401 on every worker.

        Revoking a revoked token records nothing and answers 200 with its record.
        """
        receipt = current_mufakat().tokens.revoke(command(), token_id)
        return shown(queries.token_record(current_mufakat(), receipt.id, receipt.version))


def _invalid_processes(error: UnknownProcesses) -> UnprocessableEntity:
    """A 422 `validation_failed` naming each process that does not exist, as webargs reports a field."""
    invalid = UnprocessableEntity()
    messages = [f"no process {process_id}" for process_id in error.process_ids]
    setattr(invalid, "data", {"messages": {"json": {"processes": messages}}})
    return invalid

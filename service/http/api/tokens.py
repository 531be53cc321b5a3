"""Bearer tokens (admin only): issue one, read its record (never its secret again)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from service.app.access import AccessToken
from service.app.errors import Forbidden, TokenNotReplayable
from service.http.api.answers import Answer, location
from service.http.auth import command, principal, require_token
from service.http.current import current_mufakat
from service.http.schemas.tokens import TokenRequestSchema, TokenSchema

blp = Blueprint("tokens", __name__, description="Bearer tokens")
blp.before_request(require_token)


def _shown(token: AccessToken, secret: str | None = None) -> dict[str, Any]:
    shown: dict[str, Any] = {"id": token.id, "role": token.role, "name": token.name, "processes": token.processes}
    if secret is not None:
        shown["token"] = secret
    return shown


@blp.route("/tokens")
class Tokens(MethodView):
    """Issuing tokens."""

    @blp.arguments(TokenRequestSchema())
    @blp.response(201, TokenSchema)
    def post(self, issuing: dict[str, Any]) -> Answer:
        """(admin) Issues a token; its secret is in this answer only.

        A retry with the same Idempotency-Key issues nothing new and answers 409
        `token_not_replayable`: only the token's hash is stored, so its secret
        cannot be shown again (issue another token with a new key).
        """
        receipt, secret = current_mufakat().issue_token_as(command(), **issuing)
        if secret is None:
            raise TokenNotReplayable(receipt.id)
        return _shown(current_mufakat().token(receipt.id), secret), {"Location": location("token", receipt.id)}


@blp.route("/tokens/<uuid:token_id>")
class OneToken(MethodView):
    """One token record."""

    @blp.response(200, TokenSchema)
    def get(self, token_id: UUID) -> dict[str, Any]:
        """(admin) The token's role, name and processes; never its secret."""
        if principal().role != "admin":
            raise Forbidden("only admins read tokens")
        return _shown(current_mufakat().token(token_id))

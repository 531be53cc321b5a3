"""Bearer tokens (admin only): issue one, read its record (never its secret again)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from service.app import queries
from service.app.access import AccessToken
from service.app.errors import TokenNotReplayable
from service.http.api.answers import Answer, Beside, location
from service.http.auth import command, principal, require_token
from service.http.current import current_mufakat
from service.http.schemas.tokens import TokenRequestSchema, TokenSchema

blp = Blueprint("tokens", __name__, description="Bearer tokens")
blp.before_request(require_token)


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
        return Beside(current_mufakat().token(receipt.id), token=secret), {"Location": location("token", receipt.id)}


@blp.route("/tokens/<uuid:token_id>")
class OneToken(MethodView):
    """One token record."""

    @blp.response(200, TokenSchema)
    def get(self, token_id: UUID) -> AccessToken:
        """(admin) The token's role, name and processes; never its secret."""
        return queries.token(current_mufakat(), principal(), token_id)

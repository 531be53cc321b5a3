"""Decision history: every step of a proposal, and the proposal as it stood at any earlier moment."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from service.app import queries
from service.http.api.languages import reader_language, worded_in
from service.http.auth import optional_principal
from service.http.current import current_mufakat
from service.http.schemas.history import HistoryArgs, HistorySchema

blp = Blueprint("history", __name__, description="Decision history and replay")


@blp.route("/proposals/<uuid:proposal_id>/history")
class DecisionHistory(MethodView):
    """How a proposal was decided, step by step."""

    @blp.arguments(HistoryArgs(), location="query")
    @blp.response(200, HistorySchema)
    def get(self, args: dict[str, Any], proposal_id: UUID) -> tuple[queries.History, dict[str, str]]:
        """Every step oldest first; `as_of_version` or `as_of` replays the proposal to that moment."""
        language = reader_language()
        found = queries.decision_history(current_mufakat(), optional_principal(), proposal_id, language, **args)
        return found, worded_in(language)

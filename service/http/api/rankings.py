"""Ranking rounds (pemeringkatan usulan) and the daftar prioritas of a process, as JSON, CSV or XLSX.

Writes need a token of the process; reads follow what outsiders see: the result and the number of ballots,
never who ranked what.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from service.adapters.priority_sheets import priorities_csv, priorities_xlsx
from service.app import rankings as reads
from service.app.receipts import Receipt
from service.http.api.answers import Answer, step_command
from service.http.auth import optional_principal, principal
from service.http.current import current_mufakat
from service.http.i18n import language
from service.http.schemas.common import WhenSchema
from service.http.schemas.planning import (
    PrioritiesArgs,
    PrioritiesSchema,
    RankingBallotSchema,
    RankingRequestSchema,
    RankingSchema,
)

blp = Blueprint("rankings", __name__, description="Ranking rounds and the priority list (daftar prioritas)")

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _written(receipt: Receipt) -> Answer:
    """The answer to a write on a ranking: the ranking as its writer reads it, at the version the command left."""
    ledger = current_mufakat()
    body = reads.ranking(ledger, principal(), receipt.id)
    headers = {"ETag": f'"{receipt.version}"'}
    if receipt.created:
        headers["Location"] = f"/api/v1/rankings/{receipt.id}"
    return body, headers


@blp.route("/processes/<uuid:process_id>/rankings")
class Rankings(MethodView):
    """The ranking rounds of a process."""

    @blp.arguments(RankingRequestSchema())
    @blp.response(201, RankingSchema)
    def post(self, ranking: dict[str, Any], process_id: UUID) -> Answer:
        """Opens a ranking round at an open meeting over two or more proposals of the process, by Borda count or
        scores 1-5 (optionally per weighted criterion), with an optional budget ceiling (pagu indikatif)."""
        context = step_command(ranking)
        return _written(current_mufakat().rankings.open(context, process_id, **ranking))


@blp.route("/rankings/<uuid:ranking_id>")
class OneRanking(MethodView):
    """One ranking round."""

    @blp.response(200, RankingSchema)
    def get(self, ranking_id: UUID) -> Answer:
        """The ranking: its proposals, rule, ceiling and, once closed, its result and number of ballots."""
        found = reads.ranking(current_mufakat(), optional_principal(), ranking_id)
        return found, {"ETag": f'"{found["version"]}"'}


@blp.route("/rankings/<uuid:ranking_id>/ballots")
class Ballots(MethodView):
    """The ballots of a ranking round."""

    @blp.arguments(RankingBallotSchema())
    @blp.response(200, RankingSchema)
    def post(self, ballot: dict[str, Any], ranking_id: UUID) -> Answer:
        """Records an attendee's ballot (borda: `order`, every proposal best first; score: `scores`, 1-5 each);
        a later ballot of the same participant replaces the earlier one."""
        context = step_command(ballot)
        return _written(current_mufakat().rankings.cast_ballot(context, ranking_id, **ballot))


@blp.route("/rankings/<uuid:ranking_id>/close")
class Closing(MethodView):
    """Closing a ranking round."""

    @blp.arguments(WhenSchema(), required=False)
    @blp.response(200, RankingSchema)
    def post(self, when: dict[str, Any], ranking_id: UUID) -> Answer:
        """Closes the ranking with its result, once ballots from the process's quorum of attendees are in."""
        return _written(current_mufakat().rankings.close(step_command(when or {}), ranking_id))


@blp.route("/processes/<uuid:process_id>/priorities")
class Priorities(MethodView):
    """The daftar prioritas (RKP Desa list) of a process."""

    @blp.arguments(PrioritiesArgs(), location="query")
    @blp.response(200, PrioritiesSchema)
    @blp.alt_response(200, content_type="text/csv", description="?format=csv", success=True)
    @blp.alt_response(200, content_type=_XLSX, description="?format=xlsx", success=True)
    def get(self, args: dict[str, Any], process_id: UUID) -> Any:
        """The latest closed ranking as the priority list: each proposal's rank, planning fields, cost and
        cumulative cost against the ceiling, with the rule and the ledger position it was made from;
        `?format=csv` (UTF-8 with BOM) or `?format=xlsx` for a spreadsheet."""
        lang = language()
        if args["format"] == "json":
            return reads.priorities(current_mufakat(), optional_principal(), process_id, lang)
        # The village's list is an Indonesian document: English only when the caller asks for it.
        sheet_language = "en" if lang == "en" and request.accept_languages else "id"
        found = reads.priorities(current_mufakat(), optional_principal(), process_id, sheet_language)
        if args["format"] == "csv":
            content, media_type, suffix = priorities_csv(found, sheet_language), "text/csv; charset=utf-8", "csv"
        else:
            content, media_type, suffix = priorities_xlsx(found, sheet_language), _XLSX, "xlsx"
        response = Response(content, mimetype=media_type)
        response.headers["Content-Disposition"] = f'attachment; filename="daftar-prioritas-{process_id}.{suffix}"'
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

"""The transparency feed of published decisions: JSON, Atom and CSV, with a stable cursor and filters."""

from __future__ import annotations

from datetime import UTC
from typing import Any
from urllib.parse import urlencode

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import UnprocessableEntity

from domain.deliberation import OUTCOMES
from projections.feed import KINDS
from projections.feed_formats import feed_atom, feed_csv
from projections.feed_queries import DEFAULT_LIMIT, MAX_LIMIT, BadCursor, FeedFilter, FeedPage, feed_page
from projections.runner import fresh_read_models
from service.http.api.history import reader_language, worded_in
from service.http.auth import optional_principal
from service.http.current import current_mufakat

blp = Blueprint("feed", __name__, description="The transparency feed of published decisions")


class FeedArgs(Schema):
    """A page of the feed: after a cursor, at most `limit` items, filtered."""

    after = fields.String(
        load_default=None, metadata={"description": "the `next` (or an item's `cursor`) to read on from"}
    )
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT))
    region_code = fields.String(load_default=None, metadata={"example": "33.02.10.2001"})
    process_id = fields.UUID(load_default=None)
    outcome = fields.String(load_default=None, validate=validate.OneOf(OUTCOMES))
    since = fields.AwareDateTime(load_default=None, default_timezone=UTC, metadata={"description": "items at or after"})
    until = fields.AwareDateTime(
        load_default=None, default_timezone=UTC, metadata={"description": "items at or before"}
    )


class FeedItemSchema(Schema):
    """One item of the feed, after the Open Contracting release and Popolo vote event ideas.

    Participants appear only as their group (and, in counts, their gender): never a name or contact.
    """

    id = fields.String(metadata={"example": "decision-3f1c2a9e-8b7d-4c61-9e2f-5a4b3c2d1e0f"})
    cursor = fields.String(metadata={"description": "read on after this item with ?after="})
    kind = fields.String(metadata={"enum": list(KINDS)})
    at = fields.String(metadata={"description": "when it entered the record (never earlier than the item before)"})
    process = fields.Dict(allow_none=True, metadata={"description": "id, title, region {code, name}"})
    proposal = fields.Dict(metadata={"description": "id, title; for decisions also the final text"})
    decision = fields.Dict(metadata={"description": "outcome, method, rationale, decided_at"})
    rules = fields.Dict(
        metadata={"description": "the rules in force: quorum, vote_fallback, vote_threshold, legal_basis"}
    )
    attendance = fields.Dict(
        allow_none=True, metadata={"description": "invited, present, by_group, by_gender at the deciding meeting"}
    )
    consensus_checks = fields.List(fields.Dict(), metadata={"description": "result, tally, stances by group/gender"})
    votes = fields.List(fields.Dict(), metadata={"description": "result, tally, ballots by group/gender"})
    objections = fields.List(fields.Dict(), metadata={"description": "group, blocking, grounds, how each ended"})
    dissent = fields.List(fields.Dict(), metadata={"description": "non-blocking objections, disagree stances"})
    commitments = fields.List(fields.Dict(), metadata={"description": "decisions: their follow-up as it stands"})
    commitment = fields.Dict(metadata={"description": "commitment and progress items: the commitment"})
    progress = fields.Dict(metadata={"description": "progress items: percent, note, evidence_url, at"})
    checkpoint = fields.Dict(metadata={"description": "checkpoint items: position, root_hash, signature, sealed_at"})
    history = fields.String(metadata={"description": "the public history of the proposal"})
    log_position = fields.Integer(metadata={"description": "the log position of the event this item publishes"})
    event_hash = fields.String(
        allow_none=True, metadata={"description": "that event's hash (hex): prove it with /audit/proofs/inclusion"}
    )


class FeedPageSchema(Schema):
    """Feed items oldest first and the cursor of the next page (null when nothing more is there yet)."""

    items = fields.List(fields.Nested(FeedItemSchema))
    next = fields.String(allow_none=True)


def _page(args: dict[str, Any]) -> FeedPage:
    caller = optional_principal()
    models = fresh_read_models(current_mufakat())
    where = FeedFilter(
        region_code=args["region_code"],
        process_id=None if args["process_id"] is None else str(args["process_id"]),
        outcome=args["outcome"],
        since=args["since"],
        until=args["until"],
    )
    try:
        # The feed is public output: breakdowns by group and gender hide small counts, except to reviewers.
        return feed_page(
            models.database, args["after"], args["limit"], where, exact=caller.role in ("admin", "auditor")
        )
    except BadCursor as error:
        # 422 validation_failed naming the field, as webargs reports an invalid query argument.
        refusal = UnprocessableEntity()
        setattr(refusal, "data", {"messages": {"query": {"after": [str(error)]}}})
        raise refusal from None


def _url_after(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    query = {key: value for key, value in request.args.items() if key != "after"}
    query["after"] = cursor
    return f"{request.base_url}?{urlencode(query)}"


@blp.route("/feed")
class Feed(MethodView):
    """Published decisions of public processes and every later change to them."""

    @blp.arguments(FeedArgs, location="query")
    @blp.response(200, FeedPageSchema)
    def get(self, args: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """A page of the feed, oldest first; `next` reads on."""
        page = _page(args)
        return {"items": page.items, "next": page.next}, worded_in(reader_language())


@blp.route("/feed.atom")
class AtomFeed(MethodView):
    """The feed as Atom."""

    @blp.arguments(FeedArgs, location="query")
    @blp.doc(responses={"200": {"description": "an Atom feed", "content": {"application/atom+xml": {}}}})
    def get(self, args: dict[str, Any]) -> Response:
        """A page of the feed as Atom; the `next` link reads on."""
        page = _page(args)
        language = reader_language()
        body = feed_atom(page.items, request.url, request.host_url, _url_after(page.next), language)
        return Response(body, mimetype="application/atom+xml", headers=worded_in(language))


@blp.route("/feed.csv")
class CsvFeed(MethodView):
    """The feed as CSV."""

    @blp.arguments(FeedArgs, location="query")
    @blp.doc(responses={"200": {"description": "CSV with a header row", "content": {"text/csv": {}}}})
    def get(self, args: dict[str, Any]) -> Response:
        """A page of the feed as CSV; the `Link` header names the next page."""
        page = _page(args)
        language = reader_language()
        headers = {**worded_in(language), "Content-Disposition": 'inline; filename="mufakat-feed.csv"'}
        next_url = _url_after(page.next)
        if next_url:
            headers["Link"] = f'<{next_url}>; rel="next"'
        return Response(feed_csv(page.items, language), mimetype="text/csv", headers=headers)

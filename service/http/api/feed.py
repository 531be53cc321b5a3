"""The transparency feed of published decisions: JSON, Atom and CSV, with a stable cursor and filters."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import UnprocessableEntity

from projections.feed_formats import feed_atom, feed_csv
from projections.feed_queries import BadCursor, FeedPage
from service.app import queries
from service.http.api.languages import reader_language, worded_in
from service.http.auth import optional_principal
from service.http.current import current_mufakat
from service.http.schemas.feed import FeedArgs, FeedPageSchema

blp = Blueprint("feed", __name__, description="The transparency feed of published decisions")


def _page(args: dict[str, Any]) -> FeedPage:
    try:
        return queries.feed(current_mufakat(), optional_principal(), **args)
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
    def get(self, args: dict[str, Any]) -> tuple[FeedPage, dict[str, str]]:
        """A page of the feed, oldest first; `next` reads on."""
        return _page(args), worded_in(reader_language())


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

"""The transparency feed of published decisions: JSON, Atom and CSV, with a stable cursor and filters."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode
from uuid import NAMESPACE_URL, uuid5

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import UnprocessableEntity

from projections.feed_formats import feed_atom, feed_csv
from projections.feed_overdue import OVERDUE
from projections.feed_queries import ArchivedPage, BadCursor, FeedFilter, FeedPage, archived_page
from projections.runner import fresh_read_models
from service.app import queries
from service.audit.checkpoints import log_origin
from service.http.api.languages import reader_language, worded_in
from service.http.auth import optional_principal
from service.http.current import current_mufakat
from service.http.schemas.feed import FeedArgs, FeedPageSchema

blp = Blueprint("feed", __name__, description="The transparency feed of published decisions")


def _bad_cursor(error: BadCursor) -> UnprocessableEntity:
    # 422 validation_failed naming the field, as webargs reports an invalid query argument.
    refusal = UnprocessableEntity()
    setattr(refusal, "data", {"messages": {"query": {"after": [str(error)]}}})
    return refusal


def _page(args: dict[str, Any]) -> FeedPage:
    try:
        return queries.feed(current_mufakat(), optional_principal(), **args)
    except BadCursor as error:
        raise _bad_cursor(error) from None


def _archived(args: dict[str, Any]) -> ArchivedPage:
    """The Atom page asked for; the subscription document ends with the promises overdue today (computed now, so
    never in an archive page, whose entries never change), and `kind=overdue` lists only them."""
    mufakat = current_mufakat()
    exact = optional_principal().sees_exact_counts()
    where: FeedFilter = args["where"]
    if where.kind == OVERDUE:
        return ArchivedPage(queries.overdue_promises(mufakat, where), False, None, None)
    try:
        page = archived_page(fresh_read_models(mufakat).database, exact=exact, **args)
    except BadCursor as error:
        raise _bad_cursor(error) from None
    if where.kind is None and args["after"] is None:
        return replace(page, items=[*page.items, *queries.overdue_promises(mufakat, where)])
    return page


def feed_id(origin: str, where: FeedFilter) -> str:
    """The Atom feed's id: one per deployment (its log origin) and per filter, the same for every page and
    page size, so two deployments or two filtered views never merge in a reader."""
    chosen = {
        name: value if isinstance(value, str) else value.isoformat()
        for name, value in sorted(vars(where).items())
        if value is not None
    }
    return f"urn:uuid:{uuid5(NAMESPACE_URL, f'mufakat-feed:{origin}?{urlencode(chosen)}')}"


def _url_after(cursor: str | None) -> str | None:
    return None if cursor is None else _url_from(cursor)


def _url_from(cursor: str | None) -> str:
    # This request's URL with its filters and page size, read from the cursor (None: the newest page).
    query = {key: value for key, value in request.args.items() if key != "after"}
    if cursor is not None:
        query["after"] = cursor
    return f"{request.base_url}?{urlencode(query)}" if query else request.base_url


@blp.route("/feed")
class Feed(MethodView):
    """Published decisions of public processes and every later change to them."""

    @blp.arguments(FeedArgs(), location="query")
    @blp.response(200, FeedPageSchema)
    def get(self, args: dict[str, Any]) -> Response:
        """A page of the feed, oldest first; `next` reads on."""
        # The stored renderings are served as they are (FeedPageSchema describes them and would dump them
        # unchanged): a page costs its rows, not decoding and re-encoding every item.
        try:
            text = queries.feed_json(current_mufakat(), optional_principal(), **args)
        except BadCursor as error:
            raise _bad_cursor(error) from None
        return Response(text, mimetype="application/json", headers=worded_in(reader_language()))


@blp.route("/feed.atom")
class AtomFeed(MethodView):
    """The feed as Atom."""

    @blp.arguments(FeedArgs(), location="query")
    @blp.doc(responses={"200": {"description": "an Atom feed", "content": {"application/atom+xml": {}}}})
    def get(self, args: dict[str, Any]) -> Response:
        """The newest items, newest first (the subscription document of RFC 5005), linking by `prev-archive`
        to archive pages that never change (`after=`, oldest first, `<fh:archive/>`) back to the first item."""
        page = _archived(args)
        language = reader_language()
        links = {"current": _url_from(None)}
        if page.prev_archive is not None:
            links["prev-archive"] = _url_from(page.prev_archive)
        if page.next_archive is not None:
            links["next-archive"] = _url_from(page.next_archive)
        # The subscription document's `next` is the way on for readers of paged feeds: the newest archive.
        next_url = links.get("prev-archive") if args["after"] is None else None
        body = feed_atom(
            page.items,
            request.url,
            request.host_url,
            next_url,
            language,
            feed_id=feed_id(log_origin(current_mufakat().ledger), args["where"]),
            links=links,
            is_archive=page.is_archive,
        )
        return Response(body, mimetype="application/atom+xml", headers=worded_in(language))


@blp.route("/feed.csv")
class CsvFeed(MethodView):
    """The feed as CSV."""

    @blp.arguments(FeedArgs(), location="query")
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

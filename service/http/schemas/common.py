"""What every schema shares: strictness, bounded texts, UTC timestamps, pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import has_app_context
from marshmallow import RAISE, Schema, ValidationError, fields, validate

TITLE_LENGTH = validate.Length(min=1, max=200)
NAME_LENGTH = validate.Length(min=1, max=200)
TEXT_LENGTH = validate.Length(min=1, max=20_000)
NOTE_LENGTH = validate.Length(max=20_000)
MAX_PAGE = 500


class Strict(Schema):
    """A request body: unknown fields are refused, not ignored."""

    class Meta:
        unknown = RAISE


class UtcDateTime(fields.AwareDateTime):
    """An RFC 3339 timestamp: read with its offset, written in UTC with `Z`."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
        return str(value)


class Count(fields.Integer):
    """How many items a collection of the resource holds (`attribute` names the collection)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> int | None:
        return None if value is None else len(value)


class Values(fields.List):
    """The parts an aggregate keeps by id (a mapping), as a list in the order they were added."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> list[Any] | None:
        return None if value is None else super()._serialize(list(value.values()), attr, obj, **kwargs)


def created_at() -> UtcDateTime:
    """When the resource was created (the aggregate's `created_on`)."""
    return UtcDateTime(attribute="created_on")


def updated_at() -> UtcDateTime:
    """When the resource last changed (the aggregate's `modified_on`)."""
    return UtcDateTime(attribute="modified_on")


#: How far ahead of the server's clock a step may say it happened (clocks of phones and laptops drift).
CLOCK_SKEW = timedelta(minutes=5)


def _server_now() -> datetime:
    if has_app_context():
        from service.http.current import current_mufakat  # the ledger's clock, which tests may set

        return current_mufakat().clock()
    return datetime.now(UTC)


def _not_in_the_future(value: datetime) -> None:
    if value - _server_now() > CLOCK_SKEW:
        raise ValidationError("Cannot be more than 5 minutes ahead of the server's clock.")


class Step(Strict):
    """A request that records a step: it may say when the step happened in the room."""

    # No default: absent means now, and the loaded body then holds only the use case's own arguments.
    occurred_at = UtcDateTime(
        validate=_not_in_the_future,
        metadata={
            "example": "2026-09-05T09:30:00+07:00",
            "description": "when it happened in the room, RFC 3339 with an offset (default: now); for a "
            "musyawarah typed in afterwards from the paper minutes. Never more than 5 minutes ahead of the "
            "server's clock, never before the step it depends on (409 `occurred_out_of_order`).",
        },
    )


class WhenSchema(Step):
    """A step with nothing to say but when it happened (closing a process, a check, a vote); the body is optional."""


def ids(example: str = "3f1c2a9e-8b7d-4c61-9e2f-5a4b3c2d1e0f", **kwargs: Any) -> fields.UUID:
    """A UUID field with an example."""
    return fields.UUID(metadata={"example": example}, **kwargs)


class PageArgs(Schema):
    """Cursor pagination: `after` is the `next` of the previous page."""

    after = fields.Integer(
        load_default=None,
        validate=validate.Range(min=0, max=2**63 - 1),  # beyond that no database integer reaches
        metadata={"description": "the `next` of the previous page"},
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE))


class Resource(Schema):
    """What every resource carries: its id and version (the ETag)."""

    id = ids()
    version = fields.Integer(metadata={"example": 7, "description": "also sent as the ETag header"})


def page_of(item_schema: type[Schema]) -> type[Schema]:
    """The schema of one page of items and the cursor of the next page."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema)),
            "next": fields.String(allow_none=True, metadata={"description": "cursor of the next page, or null"}),
        },
        name=f"{item_schema.__name__.removesuffix('Schema')}PageSchema",
    )


def listing_args(statuses: tuple[str, ...]) -> type[Schema]:
    """The query of a list of a process's parts: a page, and optionally only those of one status."""
    return type(
        "".join(status.capitalize() for status in statuses) + "ListingArgs",
        (PageArgs,),
        {
            "status": fields.String(
                load_default=None, validate=validate.OneOf(statuses), metadata={"description": "only this status"}
            ),
            "__doc__": "A page of a process's parts, optionally of one status.",
        },
    )


class SummarySchema(Resource):
    """One item of a list: enough to find it again without keeping ids on paper."""

    title = fields.String(metadata={"example": "Posyandu Dusun Krajan"})
    status = fields.String(metadata={"example": "decided"})
    outcome = fields.String(
        allow_none=True, metadata={"example": "adopted", "description": "proposals: the outcome once decided"}
    )


#: One page of a process's proposals, meetings or commitments.
SummaryPageSchema = page_of(SummarySchema)

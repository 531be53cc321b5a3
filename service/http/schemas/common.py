"""What every schema shares: strictness, clean and bounded texts, UTC timestamps, pages.

Input is refused at the boundary when it could only fail later, for everyone:
control characters (C0, DEL; a long text may keep tab and newline) break the
Atom feed and spreadsheets, dates outside 1900-2200 overflow once turned to
UTC, and a region code with a trailing newline slips past a `$`-anchored
pattern. Timestamps are normalised to UTC as they are read.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import has_app_context
from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

TITLE_LENGTH = validate.Length(min=1, max=200)
NAME_LENGTH = validate.Length(min=1, max=200)
TEXT_LENGTH = validate.Length(min=1, max=20_000)
NOTE_LENGTH = validate.Length(max=20_000)
MAX_PAGE = 500
#: The years a date or timestamp may fall in: beyond them nothing real is recorded, and
#: 9999-12-31T23:59:59-14:00 is already past what a datetime can hold in UTC.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
#: A BPS region code: digits in dot-separated parts ("33.01.01.2001"); `\Z`, unlike `$`, refuses a final newline.
REGION_CODE = validate.Regexp(r"\A[0-9]+(\.[0-9]+)*\Z", error="a BPS region code, such as 33.01.01.2001")
REGION_CODE_LENGTH = validate.Length(min=2, max=20)

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_LONG_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # tab and newline are part of prose
_LONG_TEXTS = (TEXT_LENGTH, NOTE_LENGTH)


def control_character_error(text: str, long_text: bool = False) -> str | None:
    """Why the text is refused (it holds a control character), or None when it is clean."""
    pattern = _CONTROL_IN_LONG_TEXT if long_text else _CONTROL
    found = pattern.search(text)
    if found is None:
        return None
    allowed = " (tab and newline are allowed)" if long_text else ""
    return f"control character U+{ord(found.group()):04X} at position {found.start()} is not allowed{allowed}"


def no_control_characters(text: str) -> None:
    """A validator: a one-line text (a title, a name, a code) holds no control character."""
    error = control_character_error(text)
    if error is not None:
        raise ValidationError(error)


def _is_long_text(field: fields.Field) -> bool:
    return any(validator is limit for validator in field.validators for limit in _LONG_TEXTS)


class Strict(Schema):
    """A request body: unknown fields are refused, not ignored; texts hold no control character."""

    class Meta:
        unknown = RAISE

    @pre_load
    def _refuse_control_characters(self, data: Any, **kwargs: Any) -> Any:
        """Every text of the body, and every text in a list of texts, is checked before anything else."""
        if not isinstance(data, dict):
            return data
        errors: dict[str, list[str]] = {}
        for field in self.load_fields.values():
            key = field.data_key or field.name or ""
            value = data.get(key)
            inner = field.inner if isinstance(field, fields.List) else field
            texts = value if isinstance(value, list) else [value]
            for text in texts:
                if isinstance(text, str):
                    error = control_character_error(text, long_text=_is_long_text(inner))
                    if error is not None:
                        errors[key] = [error]
                        break
        if errors:
            raise ValidationError(errors)
        return data


def bounded_utc(value: datetime) -> datetime:
    """The moment in UTC, or a ValidationError when it lies outside the years Mufakat records."""
    try:
        moment = value.astimezone(UTC)
    except OverflowError:
        moment = None
    if moment is None or not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise ValidationError(f"must lie between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
    return moment


class UtcDateTime(fields.AwareDateTime):
    """An RFC 3339 timestamp: read with its offset, bounded to 1900-2200, normalised to UTC, written with `Z`."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        return bounded_utc(super()._deserialize(value, attr, data, **kwargs))

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            try:
                value = value.astimezone(UTC)
            except OverflowError:  # stored before the bound existed: shown as it was given, never a 500
                return value.isoformat()
            return value.isoformat().replace("+00:00", "Z")
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
            "description": "when it happened in the room, RFC 3339 with an offset; for a musyawarah typed in "
            "afterwards from the paper minutes. Never more than 5 minutes ahead of the server's clock, never "
            "before the step it depends on (409 `occurred_out_of_order`). Default: now by the server's clock, "
            "or the time of the step it depends on when the clock is behind that step (a server clock set "
            "back): a step given no time is never refused for its order.",
        },
    )


class StatementStep(Step):
    """A step that records a statement outsiders may read: it may say that the names in it are public."""

    names_are_public = fields.Boolean(
        metadata={
            "description": "true when a name in the statement may be published (a village head acting in "
            "office); absent or false, a statement naming a registered participant of the process is refused "
            "with 422 `statement_names_a_participant`, naming the field"
        }
    )


class WhenSchema(Step):
    """A step with nothing to say but when it happened (closing a process, a check, a vote); the body is optional."""


class BoundedDate(fields.Date):
    """A calendar date (`2027-09-30`) between 1900 and 2200."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        day: date = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            raise ValidationError(f"must lie between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
        return day


def ids(example: str = "3f1c2a9e-8b7d-4c61-9e2f-5a4b3c2d1e0f", **kwargs: Any) -> fields.UUID:
    """A UUID field with an example (and whatever else `metadata` says of it)."""
    metadata = {"example": example, **kwargs.pop("metadata", {})}
    return fields.UUID(metadata=metadata, **kwargs)


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
    kind = fields.String(
        metadata={"example": "training", "description": "meetings: musyawarah, training, fgd, monitoring or other"}
    )


#: One page of a process's proposals, meetings or commitments.
SummaryPageSchema = page_of(SummarySchema)

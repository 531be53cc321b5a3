"""Schemas of the transparency feed."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from marshmallow import Schema, fields, post_load, validate

from domain.deliberation import OUTCOMES
from projections.feed import KINDS
from projections.feed_overdue import OVERDUE
from projections.feed_queries import DEFAULT_LIMIT, MAX_LIMIT, FeedFilter
from service.http.schemas.common import REGION_CODE, REGION_CODE_LENGTH, UtcDateTime


class FeedArgs(Schema):
    """A page of the feed: after a cursor, at most `limit` items, filtered."""

    after = fields.String(
        load_default=None, metadata={"description": "the `next` (or an item's `cursor`) to read on from"}
    )
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT))
    region_code = fields.String(
        load_default=None, validate=[REGION_CODE_LENGTH, REGION_CODE], metadata={"example": "33.02.10.2001"}
    )
    process_id = fields.UUID(load_default=None)
    outcome = fields.String(load_default=None, validate=validate.OneOf(OUTCOMES))
    since = UtcDateTime(load_default=None, default_timezone=UTC, metadata={"description": "items at or after"})
    until = UtcDateTime(load_default=None, default_timezone=UTC, metadata={"description": "items at or before"})
    kind = fields.String(
        load_default=None,
        validate=validate.OneOf([*KINDS, OVERDUE]),
        metadata={
            "description": "only items of this kind; `overdue` lists the promises (commitments) whose due date "
            "passed before 100 %, computed when the feed is read"
        },
    )

    @post_load
    def _filter(self, args: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """The cursor, the page size, and the filter as the feed's own value."""
        process_id = args["process_id"]
        where = FeedFilter(
            region_code=args["region_code"],
            process_id=None if process_id is None else str(process_id),
            outcome=args["outcome"],
            since=args["since"],
            until=args["until"],
            kind=args["kind"],
        )
        return {"after": args["after"], "limit": args["limit"], "where": where}


class FeedItemSchema(Schema):
    """One item of the feed, after the Open Contracting release and Popolo vote event ideas.

    Participants appear only as their group (and, in counts, their gender): never a name or contact.
    """

    id = fields.String(metadata={"example": "decision-3f1c2a9e-8b7d-4c61-9e2f-5a4b3c2d1e0f"})
    cursor = fields.String(metadata={"description": "read on after this item with ?after="})
    kind = fields.String(metadata={"enum": [*KINDS, OVERDUE]})
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
    commitment = fields.Dict(
        metadata={
            "description": "commitment and progress items: the commitment; overdue items: commitment_id, title, "
            "percent, due"
        }
    )
    progress = fields.Dict(metadata={"description": "progress items: percent, note, evidence_url, at"})
    annulment = fields.Dict(
        metadata={"description": "annulment items: reason, legal_basis, meeting_id, annulled_at (in the room)"}
    )
    checkpoint = fields.Dict(metadata={"description": "checkpoint items: position, root_hash, signature, sealed_at"})
    meeting = fields.Dict(metadata={"description": "minutes items: the meeting's id"})
    minutes = fields.Dict(
        metadata={
            "description": "minutes items: sha256, size and url of the sealed public PDF, sealed_version, replaces"
        }
    )
    key_rotation = fields.Dict(
        metadata={
            "description": "key_rotation items: old_public_key, new_public_key, signed_position (the position the "
            "old key's signature covers), rotated_at and signature (docs/audit-format.md 6.1)"
        }
    )
    history = fields.String(metadata={"description": "the public history of the proposal"})
    log_position = fields.Integer(metadata={"description": "the log position of the event this item publishes"})
    event_hash = fields.String(
        allow_none=True, metadata={"description": "that event's hash (hex): prove it with /audit/proofs/inclusion"}
    )


class StoredItems(fields.List):
    """Feed items as the read model stored them for this reader (already in the shape of `FeedItemSchema`,
    which documents them): served as they are, with no serialization work per field and per request."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value


class FeedPageSchema(Schema):
    """Feed items oldest first and the cursor of the next page (null when nothing more is there yet)."""

    items = StoredItems(fields.Nested(FeedItemSchema))
    next = fields.String(allow_none=True)

"""The Musrenbang chain: forwarding an adopted proposal up, merging duplicates, and a proposal's journey."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from domain.process import LEVELS
from service.http.schemas.common import NOTE_LENGTH, TEXT_LENGTH, StatementStep, ids
from service.http.schemas.proposals import ProposalSchema


class ForwardRequestSchema(StatementStep):
    """An adopted proposal sent up to the parent process."""

    to_process_id = ids(required=True, metadata={"description": "the parent of the proposal's process"})
    note = fields.String(
        load_default=None,
        allow_none=True,
        validate=NOTE_LENGTH,
        metadata={"example": "Diusulkan ke Musrenbang Kecamatan karena melebihi pagu desa"},
    )
    delegates = fields.List(
        ids(),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={
            "description": "registered participants who carry it up (named only to those who may see personal data)"
        },
    )


class ForwardedSchema(ProposalSchema):
    """The proposal as it arrived in the parent process, beside the ids of both ends."""

    proposal_id = ids(metadata={"description": "the new proposal in the parent process"})
    origin_id = ids(metadata={"description": "the adopted proposal it continues"})


class MergeRequestSchema(StatementStep):
    """An undecided proposal merged into another of the same process."""

    into = ids(required=True, metadata={"description": "a proposal of the same process"})
    reason = fields.String(
        required=True,
        validate=TEXT_LENGTH,
        metadata={"example": "Ruas jalan yang sama diusulkan oleh Desa Sukamaju dan Desa Sukamakmur"},
    )


class StopSchema(Schema):
    """One step of a journey: the proposal in one process of the chain and what became of it there."""

    proposal_id = ids()
    process_id = ids()
    process_title = fields.String()
    level = fields.String(metadata={"enum": list(LEVELS)})
    region_code = fields.String(metadata={"example": "63.03.05.2011"})
    region_name = fields.String()
    status = fields.String(metadata={"enum": ["open", "decided", "withdrawn", "merged"]})
    outcome = fields.String(allow_none=True, metadata={"enum": ["adopted", "rejected", "deferred", None]})
    at = fields.String(metadata={"description": "when it was submitted there, or arrived from below"})
    decided_at = fields.String(allow_none=True)
    forwarded_to = ids(allow_none=True)
    merged_into = ids(allow_none=True)
    merge_reason = fields.String(allow_none=True)
    delegates = fields.List(
        ids(), allow_none=True, metadata={"description": "who carried it up; only to those who may see personal data"}
    )


class JourneySchema(Schema):
    """A proposal's way up the Musrenbang chain, from its first origin to the furthest step."""

    items = fields.List(fields.Nested(StopSchema))

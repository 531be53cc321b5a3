"""Schemas of the planning fields of a proposal, of ranking rounds and of the daftar prioritas (priority list).

Money travels as a decimal string ("150000000.00"): a JSON number would be read as a float somewhere on its way.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from domain.planning import FUNDING_SOURCES, IMPLEMENTATION_PATTERNS, PLANNING_FIELDS
from domain.ranking import RANKING_METHODS
from domain.sectors import SECTOR_CODES, sector_name
from service.http.i18n import language
from service.http.schemas.common import Resource, Step, Strict, UtcDateTime, ids

_DECIMAL = validate.Regexp(r"\A[0-9]{1,15}(\.[0-9]{1,2})?\Z", error="a decimal string such as 150000000.00")
_VOLUME = validate.Regexp(r"\A[0-9]{1,12}(\.[0-9]{1,3})?\Z", error="a decimal string such as 250 or 1.5")
_PART = validate.Length(min=1, max=100)


class PlanningLocationSchema(Strict):
    """Where: dusun, RW and RT (any of them)."""

    dusun = fields.String(validate=_PART, metadata={"example": "Krajan"})
    rw = fields.String(validate=_PART, metadata={"example": "03"})
    rt = fields.String(validate=_PART, metadata={"example": "07"})


class BeneficiariesSchema(Strict):
    """Who benefits: households and people."""

    households = fields.Integer(validate=validate.Range(min=0, max=10_000_000), metadata={"example": 120})
    people = fields.Integer(validate=validate.Range(min=0, max=100_000_000), metadata={"example": 430})


class PlanningRequestFields(Schema):
    """The planning fields a submission or an amendment may carry (an amendment: those given replace, null clears).

    They are gathered into `planning` for the use case."""

    location = fields.Nested(PlanningLocationSchema, allow_none=True)
    sector = fields.String(
        allow_none=True,
        validate=validate.OneOf(SECTOR_CODES),
        metadata={"example": "2.3", "description": "bidang or sub-bidang of Permendagri 20/2018"},
    )
    estimated_cost = fields.String(
        allow_none=True, validate=_DECIMAL, metadata={"example": "150000000.00", "description": "rupiah"}
    )
    funding_source = fields.String(allow_none=True, validate=validate.OneOf(FUNDING_SOURCES))
    volume = fields.String(allow_none=True, validate=_VOLUME, metadata={"example": "250"})
    unit = fields.String(allow_none=True, validate=validate.Length(min=1, max=40), metadata={"example": "meter"})
    beneficiaries = fields.Nested(BeneficiariesSchema, allow_none=True)
    implementation_pattern = fields.String(allow_none=True, validate=validate.OneOf(IMPLEMENTATION_PATTERNS))

    @post_load
    def gather_planning(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """The planning fields given, under `planning` (None when none was given)."""
        planning = {name: data.pop(name) for name in PLANNING_FIELDS if name in data}
        data["planning"] = planning or None
        return data


def _planning(name: str) -> Any:
    return lambda proposal: proposal.planning.get(name)


class PlanningFields(Schema):
    """The planning fields of a proposal as it stands, with the sector's name."""

    location = fields.Function(_planning("location"), metadata={"type": "object", "example": {"dusun": "Krajan"}})
    sector = fields.Function(_planning("sector"), metadata={"type": "string", "example": "2.3"})
    sector_name = fields.Function(
        lambda proposal: sector_name(proposal.planning.get("sector"), language()),
        metadata={"type": "string", "example": "Pekerjaan Umum dan Penataan Ruang"},
    )
    estimated_cost = fields.Function(_planning("estimated_cost"), metadata={"type": "string", "example": "1500.00"})
    funding_source = fields.Function(_planning("funding_source"), metadata={"type": "string", "enum": FUNDING_SOURCES})
    volume = fields.Function(_planning("volume"), metadata={"type": "string", "example": "250"})
    unit = fields.Function(_planning("unit"), metadata={"type": "string", "example": "meter"})
    beneficiaries = fields.Function(_planning("beneficiaries"), metadata={"type": "object"})
    implementation_pattern = fields.Function(
        _planning("implementation_pattern"), metadata={"type": "string", "enum": IMPLEMENTATION_PATTERNS}
    )


class CriterionSchema(Strict):
    """A criterion of a score round and its weight (decimal string, default 1)."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata={"example": "urgensi"})
    weight = fields.String(load_default="1", validate=_VOLUME, metadata={"example": "2"})


class RankingRequestSchema(Step):
    """A ranking round to open at an open meeting of the process."""

    meeting_id = ids(required=True)
    proposals = fields.List(ids(), required=True, validate=validate.Length(min=2, max=200))
    method = fields.String(required=True, validate=validate.OneOf(RANKING_METHODS), metadata={"example": "borda"})
    budget_ceiling = fields.String(
        load_default=None, allow_none=True, validate=_DECIMAL, metadata={"example": "300000000.00"}
    )
    criteria = fields.List(fields.Nested(CriterionSchema), load_default=None, validate=validate.Length(min=1, max=10))


class RankingBallotSchema(Step):
    """An attendee's ballot: a borda `order` (every proposal, best first) or `scores` (1-5 per proposal, or per
    proposal and criterion when the round has criteria)."""

    participant_id = ids(required=True)
    order = fields.List(ids(), load_default=None, validate=validate.Length(min=2, max=200))
    scores = fields.Dict(
        keys=fields.String(validate=validate.Length(max=36)),
        values=fields.Raw(),
        load_default=None,
        validate=validate.Length(min=2, max=200),
        metadata={"example": {"3fa85f64-5717-4562-b3fc-2c963f66afa6": 5}},
    )


class ResultRowSchema(Schema):
    """One proposal in a ranking's result."""

    proposal_id = ids()
    rank = fields.Integer(metadata={"example": 1})
    points = fields.String(metadata={"example": "12", "description": "a decimal string"})
    estimated_cost = fields.String(allow_none=True, metadata={"example": "150000000.00"})
    cumulative_cost = fields.String(metadata={"example": "150000000.00"})
    within_ceiling = fields.Boolean()


class RankingSchema(Resource):
    """A ranking round: outsiders read its result and how many ballots it was counted from, never who ranked what."""

    ranking_id = ids()
    process_id = ids()
    meeting_id = ids()
    status = fields.String(metadata={"enum": ["open", "closed"]})
    method = fields.String(metadata={"enum": list(RANKING_METHODS)})
    budget_ceiling = fields.String(allow_none=True)
    criteria = fields.List(fields.Nested(CriterionSchema), allow_none=True)
    proposals = fields.List(ids())
    opened_at = UtcDateTime()
    closed_at = UtcDateTime(allow_none=True)
    result = fields.List(fields.Nested(ResultRowSchema), allow_none=True)
    ballot_count = fields.Integer(
        allow_none=True, metadata={"description": "null to outsiders while the ranking is open"}
    )
    ballots = fields.List(
        fields.Dict(), metadata={"description": "each participant's latest ballot: only for who may see participants"}
    )


class PriorityRowSchema(ResultRowSchema):
    """A row of the daftar prioritas: the result's row with the planning fields of the proposal as ranked."""

    title = fields.String()
    status = fields.String()
    sector = fields.String(allow_none=True)
    sector_name = fields.String(allow_none=True)
    location = fields.Dict(allow_none=True)
    volume = fields.String(allow_none=True)
    unit = fields.String(allow_none=True)
    beneficiaries = fields.Dict(allow_none=True)
    funding_source = fields.String(allow_none=True)
    implementation_pattern = fields.String(allow_none=True)
    amended_since_ranking = fields.Boolean(
        metadata={"description": "the proposal was amended after it was ranked: the ranking no longer founds it"}
    )


class PrioritiesSchema(Schema):
    """The daftar prioritas: the latest closed ranking of a process."""

    process_id = ids()
    process_title = fields.String()
    ranking_id = ids()
    ranking_version = fields.Integer(metadata={"description": "the ledger position (ranking version) it was made from"})
    method = fields.String()
    budget_ceiling = fields.String(allow_none=True)
    criteria = fields.List(fields.Nested(CriterionSchema), allow_none=True)
    ballot_count = fields.Integer()
    closed_at = UtcDateTime()
    items = fields.List(fields.Nested(PriorityRowSchema))


class PrioritiesArgs(Strict):
    """How to serve the daftar prioritas."""

    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv", "xlsx"]))

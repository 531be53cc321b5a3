"""Schemas of processes and their participants."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, post_load, validate

from domain.errors import ValueNotAllowed
from domain.process import DEFAULT_LEVEL, GENDERS, GROUPS, LEVELS, VISIBILITIES
from domain.rules import CONSENSUS_RULES, DEFAULT_QUORUM, DEFAULT_VOTE_THRESHOLD, DecisionRules
from domain.time_zones import named_time_zone
from service.http.schemas.common import (
    NAME_LENGTH,
    NOTE_LENGTH,
    REGION_CODE,
    REGION_CODE_LENGTH,
    TITLE_LENGTH,
    Count,
    Resource,
    Step,
    Strict,
    created_at,
    ids,
    updated_at,
)


class RulesSchema(Strict):
    """How a process decides."""

    quorum = fields.Float(
        load_default=DEFAULT_QUORUM,
        validate=validate.Range(min=0, max=1),
        metadata={"example": 0.6667, "description": "share of those invited who must attend (default 2/3)"},
    )
    consensus = fields.String(
        load_default="unanimity",
        validate=validate.OneOf(CONSENSUS_RULES),
        metadata={
            "example": "unanimity",
            "description": "what counts as mufakat when a consensus check closes. `unanimity` (mufakat bulat, the "
            "default): nobody blocks, nobody disagrees, at least one agrees; abstaining is allowed. `consent`: "
            "nobody blocks and more agree than disagree; each disagree stays on record as dissent (catatan "
            "perbedaan pendapat). Under neither rule is mufakat reached with a block, with as many disagree as "
            "agree, or while a blocking objection is unresolved.",
        },
    )
    vote_fallback = fields.Boolean(
        load_default=True,
        metadata={
            "example": True,
            "description": "whether a vote may decide when musyawarah finds no consensus (default yes)",
        },
    )
    vote_without_check = fields.Boolean(
        load_default=False,
        metadata={
            "example": False,
            "description": "musyawarah first: by default a vote may only be opened after the latest consensus "
            "check on the current text closed without consensus; true lets a vote be opened without one",
        },
    )
    vote_threshold = fields.Float(
        load_default=DEFAULT_VOTE_THRESHOLD,
        validate=validate.Range(min=0.5, max=1),
        metadata={"example": 0.5, "description": "more than half of the yes and no ballots by default"},
    )
    legal_basis = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=500),
        metadata={"example": "Permendesa PDTT No. 16 Tahun 2019 tentang Musyawarah Desa"},
    )


def _known_time_zone(name: str) -> None:
    """WIB, WITA, WIT or a time zone of the IANA database."""
    try:
        named_time_zone(name)
    except ValueNotAllowed:
        raise ValidationError("WIB, WITA, WIT or an IANA time zone name such as Asia/Makassar") from None


class ProcessOpeningSchema(Step):
    """A process to open."""

    title = fields.String(required=True, validate=TITLE_LENGTH, metadata={"example": "Musrenbang Desa Sukamaju 2027"})
    description = fields.String(
        load_default="",
        validate=NOTE_LENGTH,
        metadata={"example": "Musyawarah perencanaan pembangunan desa untuk RKP Desa 2027"},
    )
    region_code = fields.String(
        required=True,
        validate=[REGION_CODE_LENGTH, REGION_CODE],
        metadata={"example": "33.01.01.2001"},
    )
    region_name = fields.String(required=True, validate=NAME_LENGTH, metadata={"example": "Desa Sukamaju"})
    visibility = fields.String(required=True, validate=validate.OneOf(VISIBILITIES), metadata={"example": "public"})
    rules = fields.Nested(RulesSchema, load_default=None)
    time_zone = fields.String(
        load_default=None,
        validate=[validate.Length(min=2, max=64), _known_time_zone],
        metadata={
            "example": "WITA",
            "description": "the zone the process's times are read and shown in: WIB, WITA, WIT or an IANA name "
            "(Asia/Jakarta, Asia/Makassar, Asia/Jayapura); default: the zone of the region code's province",
        },
    )
    level = fields.String(
        load_default=DEFAULT_LEVEL,
        validate=validate.OneOf(LEVELS),
        metadata={"example": "desa", "description": "its level in the Musrenbang chain (default desa)"},
    )
    parent_id = ids(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "the process of a higher level it forwards its adopted proposals to; its region lies "
            "within this one's (else 422 `parent_not_higher` or `region_not_under_parent`)"
        },
    )

    @post_load
    def _with_rules(self, fields_: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """The rules as the domain's value, defaults where none were sent."""
        return {**fields_, "rules": DecisionRules(**(fields_["rules"] or {}))}


class ProcessSchema(Resource):
    """A participatory process."""

    title = fields.String(metadata={"example": "Musrenbang Desa Sukamaju 2027"})
    description = fields.String()
    region_code = fields.String(metadata={"example": "33.01.01.2001"})
    region_name = fields.String(metadata={"example": "Desa Sukamaju"})
    visibility = fields.String(validate=validate.OneOf(VISIBILITIES))
    rules = fields.Nested(RulesSchema)
    time_zone = fields.String(metadata={"example": "Asia/Makassar", "description": "IANA name of its zone"})
    time_zone_abbreviation = fields.String(
        metadata={"example": "WITA", "description": "what its pages print after a time: WIB, WITA or WIT"}
    )
    status = fields.String(metadata={"example": "open"})
    created_at = created_at()
    updated_at = updated_at()
    participant_count = Count(attribute="register", metadata={"example": 24})
    meeting_ids = fields.List(fields.UUID())
    proposal_ids = fields.List(fields.UUID())
    level = fields.String(metadata={"example": "desa", "enum": list(LEVELS)})
    parent_id = ids(allow_none=True, metadata={"description": "the process of the next level up, if any"})
    complaints = fields.Dict(
        metadata={
            "description": "complaints by status (received, in_review, responded, resolved, rejected, escalated) "
            "and median_days_to_response; never their words"
        }
    )


class RegistrationSchema(Step):
    """A participant to register (name and contact are stored only encrypted)."""

    name = fields.String(required=True, validate=NAME_LENGTH, metadata={"example": "Ibu Siti Aminah"})
    group = fields.String(required=True, validate=validate.OneOf(GROUPS), metadata={"example": "women"})
    gender = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(GENDERS), metadata={"example": "female"}
    )
    organisation = fields.String(
        load_default=None, allow_none=True, validate=NAME_LENGTH, metadata={"example": "PKK Desa Sukamaju"}
    )
    contact = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=200), metadata={"example": "0812-3456-7890"}
    )


class ParticipantSchema(Resource):
    """A registered participant; name, contact and organisation only for admins, auditors and the
    facilitators who hold or were given its process."""

    process_id = ids()
    group = fields.String(metadata={"example": "women"})
    gender = fields.String(allow_none=True, metadata={"example": "female"})
    organisation = fields.String(allow_none=True, metadata={"example": "PKK Desa Sukamaju"})
    name = fields.String(allow_none=True, metadata={"example": "Ibu Siti Aminah"})
    contact = fields.String(allow_none=True, metadata={"example": "0812-3456-7890"})
    forgotten = fields.Boolean(metadata={"example": False})
    created_at = created_at()
    updated_at = updated_at()

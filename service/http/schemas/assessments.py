"""Schemas of assessments (kajian kebutuhan dan potensi), their findings and evidence files."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from domain.assessment import CORRECTABLE_FINDING_FIELDS, EVIDENCE_MEDIA_TYPES, FINDING_KINDS, LOCATION_PARTS, METHODS
from domain.process import GENDERS, GROUPS
from domain.sectors import SECTOR_CODES
from service.http.schemas.common import (
    NAME_LENGTH,
    TEXT_LENGTH,
    TITLE_LENGTH,
    PageArgs,
    Resource,
    StatementStep,
    Strict,
    UtcDateTime,
    ids,
    no_control_characters,
)

_SHA256 = validate.Regexp(r"\A[0-9a-f]{64}\Z", error="64 lowercase hexadecimal digits (a SHA-256)")
_SHA256_EXAMPLE = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
_LOCATION_TEXT = validate.Length(min=1, max=100)


class RespondentsSchema(Strict):
    """How many respondents of one group (and gender, when told) took part."""

    group = fields.String(required=True, validate=validate.OneOf(GROUPS), metadata={"example": "women"})
    gender = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(GENDERS))
    count = fields.Integer(required=True, validate=validate.Range(min=1, max=1_000_000), metadata={"example": 14})


class AssessmentRequestSchema(StatementStep):
    """An assessment held with the community: a survey, an FGD, a transect walk..."""

    title = fields.String(
        required=True,
        validate=[TITLE_LENGTH, no_control_characters],
        metadata={"example": "FGD kelompok perempuan Dusun Krajan"},
    )
    method = fields.String(
        required=True,
        validate=validate.OneOf(METHODS),
        metadata={
            "example": "fgd",
            "description": "survei (survey), wawancara (interview), diskusi kelompok terarah (fgd), observasi "
            "lapangan (observation), pemetaan sosial (mapping), penelusuran desa (transect), kalender musim "
            "(seasonal_calendar), cara lain (other)",
        },
    )
    meeting_id = ids(load_default=None, allow_none=True, metadata={"description": "the meeting it was held at"})
    respondents = fields.List(fields.Nested(RespondentsSchema), load_default=list, validate=validate.Length(max=60))


class LocationSchema(Strict):
    """Where a finding is: dusun, RW, RT (any of them)."""

    dusun = fields.String(validate=[_LOCATION_TEXT, no_control_characters], metadata={"example": "Krajan"})
    rw = fields.String(validate=[_LOCATION_TEXT, no_control_characters], metadata={"example": "03"})
    rt = fields.String(validate=[_LOCATION_TEXT, no_control_characters], metadata={"example": "07"})


class EvidenceReferenceSchema(Strict):
    """An evidence file of the assessment, by the SHA-256 its upload answered."""

    sha256 = fields.String(required=True, validate=_SHA256, metadata={"example": _SHA256_EXAMPLE})
    name = fields.String(validate=NAME_LENGTH, metadata={"description": "as attached (the upload's name is kept)"})
    media_type = fields.String(validate=validate.OneOf(EVIDENCE_MEDIA_TYPES))


class FindingRequestSchema(StatementStep):
    """A need or a potential the assessment found, and the groups who raised it."""

    kind = fields.String(
        required=True,
        validate=validate.OneOf(FINDING_KINDS),
        metadata={"example": "need", "description": "kebutuhan (need) or potensi (potential)"},
    )
    title = fields.String(
        required=True,
        validate=[TITLE_LENGTH, no_control_characters],
        metadata={"example": "Air bersih di musim kemarau"},
    )
    description = fields.String(
        load_default=None,
        allow_none=True,
        validate=TEXT_LENGTH,
        metadata={"example": "Sumur warga RT 07 kering dari Agustus sampai Oktober; ibu-ibu mengambil air 2 km."},
    )
    sector = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(SECTOR_CODES),
        metadata={"example": "2.3", "description": "bidang or sub-bidang of Permendagri 20/2018"},
    )
    location = fields.Nested(LocationSchema, load_default=None, allow_none=True)
    groups = fields.List(
        fields.String(validate=validate.OneOf(GROUPS)),
        load_default=list,
        validate=validate.Length(max=len(GROUPS)),
        metadata={"example": ["women", "elderly"], "description": "the groups who raised it"},
    )
    evidence = fields.List(fields.Nested(EvidenceReferenceSchema), load_default=list, validate=validate.Length(max=50))


class FindingCorrectionSchema(StatementStep):
    """An erratum of a finding's title or description."""

    field = fields.String(
        required=True, validate=validate.OneOf(CORRECTABLE_FINDING_FIELDS), metadata={"example": "title"}
    )
    text = fields.String(
        required=True, validate=TEXT_LENGTH, metadata={"example": "Air bersih di musim kemarau (RT 07)"}
    )
    reason = fields.String(required=True, validate=TEXT_LENGTH, metadata={"example": "Salah salin dari catatan FGD."})


class FindingWithdrawalSchema(StatementStep):
    """Why a finding is withdrawn."""

    reason = fields.String(required=True, validate=TEXT_LENGTH, metadata={"example": "Tercatat dua kali."})


class LinksSchema(StatementStep):
    """The findings (needs it answers, potentials it builds on) a proposal addresses."""

    addresses = fields.List(ids(), required=True, validate=validate.Length(min=1, max=100))


class EvidenceUploadSchema(Schema):
    """An evidence file: a JPEG or PNG photo or a PDF, at most 10 MB (multipart/form-data, field `file`)."""

    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class RespondentRowSchema(Schema):
    """Respondents of one group (and gender): a count, or "<3" / "≥3" for outsiders."""

    group = fields.String(metadata={"example": "women"})
    gender = fields.String(allow_none=True)
    count = fields.Raw(
        metadata={"example": 14, "description": 'a number, or "<3" / "≥3" where small counts are hidden'}
    )


class RespondentCountsSchema(Schema):
    """Respondents in all, by group and by gender (small counts hidden from outsiders, also against the total)."""

    total = fields.Integer(metadata={"example": 23})
    by_group = fields.Dict(keys=fields.String(), values=fields.Raw())
    by_gender = fields.Dict(keys=fields.String(), values=fields.Raw())


class EvidenceSchema(Schema):
    """An evidence file of the assessment."""

    sha256 = fields.String(metadata={"example": _SHA256_EXAMPLE})
    name = fields.String(metadata={"example": "peta-sosial-krajan.jpg"})
    media_type = fields.String(metadata={"example": "image/jpeg"})
    size = fields.Integer(metadata={"example": 482113})


class WithdrawnSchema(Schema):
    """Why and when a finding was withdrawn."""

    reason = fields.String()
    withdrawn_at = UtcDateTime()


class FindingSchema(Schema):
    """A need or potential, as anyone may read it: groups, never a person."""

    finding_id = ids()
    assessment_id = ids()
    kind = fields.String(metadata={"example": "need", "enum": list(FINDING_KINDS)})
    title = fields.String(metadata={"example": "Air bersih di musim kemarau"})
    description = fields.String(allow_none=True)
    sector = fields.String(allow_none=True, metadata={"example": "2.3"})
    sector_name = fields.String(allow_none=True, metadata={"example": "Pekerjaan Umum dan Penataan Ruang"})
    location = fields.Dict(
        keys=fields.String(validate=validate.OneOf(LOCATION_PARTS)), values=fields.String(), allow_none=True
    )
    groups = fields.List(fields.String(), metadata={"example": ["women"]})
    evidence = fields.List(fields.String(), metadata={"description": "SHA-256 of its evidence files"})
    recorded_at = UtcDateTime()
    status = fields.String(metadata={"example": "standing", "enum": ["standing", "withdrawn"]})
    withdrawal = fields.Nested(WithdrawnSchema, allow_none=True)
    corrected = fields.List(fields.String(), metadata={"description": "the fields shown as corrected (diralat)"})


class AddressedFindingSchema(FindingSchema):
    """A finding with the proposals that address it."""

    addressed_by = fields.List(ids(), metadata={"description": "proposals that address it"})
    answered_by = fields.List(ids(), metadata={"description": "those of them adopted"})
    answered_by_offers = fields.List(
        ids(), metadata={"description": "partners' offers (access to credit, markets, programmes, ...) that answer it"}
    )


class AssessmentSchema(Resource):
    """An assessment as the caller may read it."""

    process_id = ids()
    title = fields.String(metadata={"example": "FGD kelompok perempuan Dusun Krajan"})
    method = fields.String(metadata={"example": "fgd", "enum": list(METHODS)})
    meeting_id = ids(allow_none=True)
    status = fields.String(metadata={"example": "open", "enum": ["open", "closed"]})
    started_at = UtcDateTime()
    closed_at = UtcDateTime(allow_none=True)
    respondents = fields.List(fields.Nested(RespondentRowSchema))
    respondent_counts = fields.Nested(RespondentCountsSchema)
    evidence = fields.List(fields.Nested(EvidenceSchema))
    findings = fields.List(fields.Nested(FindingSchema))


class AssessmentStepSchema(AssessmentSchema):
    """The assessment after a step, with the finding the step recorded or touched, or the file it attached."""

    finding_id = ids()
    sha256 = fields.String(metadata={"example": _SHA256_EXAMPLE})


class AssessmentPageSchema(Schema):
    """A page of a process's assessments."""

    items = fields.List(fields.Nested(AssessmentSchema))
    next = fields.String(allow_none=True)


class FindingsArgs(PageArgs):
    """A page of a process's findings; `unanswered`: only the needs no adopted proposal answers yet."""

    unanswered = fields.Boolean(load_default=False)


class FindingPageSchema(Schema):
    """A page of a process's findings, and how many of those listed each group raised."""

    items = fields.List(fields.Nested(AddressedFindingSchema))
    by_group = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"example": {"women": 3}})
    next = fields.String(allow_none=True)

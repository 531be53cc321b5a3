"""Schemas of commitments (tindak lanjut) and their progress."""

from __future__ import annotations

from marshmallow import fields, validate

from service.http.schemas.common import (
    NAME_LENGTH,
    TEXT_LENGTH,
    BoundedDate,
    Resource,
    StatementStep,
    created_at,
    ids,
    updated_at,
)


class CommitmentMakingSchema(StatementStep):
    """The follow-up promised on an adopted proposal."""

    owner = fields.String(required=True, validate=NAME_LENGTH, metadata={"example": "Kaur Pembangunan Desa Sukamaju"})
    description = fields.String(
        required=True, validate=TEXT_LENGTH, metadata={"example": "Membangun posyandu 6 x 8 meter di tengah desa."}
    )
    due = BoundedDate(required=True, metadata={"example": "2027-09-30"})
    indicators = fields.List(
        fields.String(validate=validate.Length(min=1, max=500)),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"example": ["Bangunan selesai", "Posyandu melayani 40 balita per bulan"]},
    )


class ProgressSchema(StatementStep):
    """A progress report."""

    percent = fields.Integer(required=True, validate=validate.Range(min=0, max=100), metadata={"example": 60})
    note = fields.String(required=True, validate=TEXT_LENGTH, metadata={"example": "Fondasi dan dinding selesai."})
    evidence_url = fields.URL(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={"example": "https://sukamaju.desa.id/laporan/posyandu-60.pdf"},
    )


class CommitmentSchema(Resource):
    """A commitment and how far it got."""

    proposal_id = ids()
    process_id = ids()
    owner = fields.String(metadata={"example": "Kaur Pembangunan Desa Sukamaju"})
    description = fields.String()
    due = fields.Date(metadata={"example": "2027-09-30"})
    indicators = fields.List(fields.String())
    percent = fields.Integer(metadata={"example": 60})
    reports = fields.Integer(metadata={"example": 2})
    completed = fields.Boolean(metadata={"example": False})
    created_at = created_at()
    updated_at = updated_at()

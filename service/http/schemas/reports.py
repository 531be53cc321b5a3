"""Schemas of a process's programme report (laporan hasil dan dampak): sealing it, and what the sealing recorded."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from service.http.schemas.common import Step, ids


class ReportSealingSchema(Step):
    """A programme report to seal: its language (the report itself is made from the ledger)."""

    language = fields.String(
        load_default="id",
        validate=validate.OneOf(["id", "en"]),
        metadata={"description": "the report's language: Bahasa Indonesia (default) or English"},
    )


class SealedReportSchema(Schema):
    """What the log recorded when a programme report was sealed."""

    process_id = ids()
    version = fields.Integer(metadata={"description": "the report's version: 1 for the first sealing (the ETag)"})
    sha256 = fields.String(metadata={"example": "3b6ff9e44c9eb87fa250473029660c3471f403dcc774152dd62acd756deec9f4"})
    size = fields.Integer(metadata={"example": 52731})
    position = fields.Integer(metadata={"description": "the ledger position (last notification id) it covers"})
    language = fields.String(metadata={"example": "id"})
    sealed_at = fields.AwareDateTime()
    url = fields.String(metadata={"example": "/api/v1/processes/848aac28-9afe-4166-ad83-343fbf086d8e/report/1.pdf"})


class SealedReportsSchema(Schema):
    """Every sealed version of a process's programme report, oldest first."""

    items = fields.List(fields.Nested(SealedReportSchema))

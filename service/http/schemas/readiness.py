"""Schema of a worker's readiness."""

from __future__ import annotations

from marshmallow import Schema, fields


class ReadinessSchema(Schema):
    """A ready worker: the database answered; projections' lag in notifications."""

    status = fields.String(metadata={"example": "ready"})
    database = fields.String(metadata={"example": "ok"})
    projections = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"example": {"feed": 0}})
    forgotten_keys_on_disk = fields.Integer(
        metadata={
            "example": 0,
            "description": "keys of forgotten participants whose bytes a reader (a backup, an export) still keeps "
            "in the database files; retried until 0 (docs/operations.md, Forgetting). Always 0 on SQLite, "
            "whose keys are in a file of their own (`mufakat.keys.db`)",
        }
    )
    redacted_words_on_disk = fields.Integer(
        metadata={
            "example": 0,
            "description": "redacted statements whose words, as read models copied them, a reader of the SQLite "
            "file still keeps on disk (their keys are gone already); retried until 0",
        }
    )

"""Schema of a process's participation metrics."""

from __future__ import annotations

from marshmallow import Schema, fields


class ParticipationSchema(Schema):
    """Counts by group and gender (strings "<3" where small counts are hidden), and time to decision."""

    process_id = fields.String()
    exact = fields.Boolean(metadata={"description": 'false when counts of 1 or 2 are shown as "<3"'})
    registered = fields.Dict()
    attendance = fields.Dict()
    contributions = fields.Dict()
    amendments = fields.Dict()
    objections = fields.Dict()
    stances = fields.Dict()
    ballots = fields.Dict()
    speakers = fields.Dict(metadata={"description": "who spoke (submitted, contributed, amended, objected)"})
    time_to_decision = fields.Dict()

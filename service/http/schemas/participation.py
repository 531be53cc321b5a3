"""Schema of a process's participation metrics."""

from __future__ import annotations

from marshmallow import Schema, fields

_SECTION = (
    "`counted` says what `total`, `by_group` and `by_gender` count (attendances add up meetings, stances every"
    " closed check); `people`, `people_by_group` and `people_by_gender` count each participant once. Stances and"
    ' ballots are counted when their check or vote closes. For outsiders a count of 1 or 2 reads "<3" and a'
    ' count beside it that would give it away by subtraction from the total "≥3"; a breakdown that cannot be'
    " protected (1 or 2 in all) is empty."
)


class ParticipationSchema(Schema):
    """Counts by group and gender (strings "<3" where small counts are hidden), and time to decision."""

    process_id = fields.String()
    exact = fields.Boolean(metadata={"description": 'false when counts of 1 or 2 are shown as "<3"'})
    registered = fields.Dict(metadata={"description": _SECTION})
    attendance = fields.Dict(metadata={"description": _SECTION})
    contributions = fields.Dict(metadata={"description": _SECTION})
    amendments = fields.Dict(metadata={"description": _SECTION})
    objections = fields.Dict(metadata={"description": _SECTION})
    stances = fields.Dict(metadata={"description": _SECTION})
    ballots = fields.Dict(metadata={"description": _SECTION})
    speakers = fields.Dict(metadata={"description": "who spoke (submitted, contributed, amended, objected)"})
    time_to_decision = fields.Dict()

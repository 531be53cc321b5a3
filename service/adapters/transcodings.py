"""How the domain's value types are written into stored events and snapshots (JSON)."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain.actor import Actor
from domain.deliberation import Annulment, ConsensusCheck, Correction, Decision, Objection, Vote
from domain.rules import DecisionRules


class DateAsISO(Transcoding):
    """A calendar date (a commitment's due date) as `YYYY-MM-DD`."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def _fields_transcoding(cls: type[Any], name: str) -> Transcoding:
    """A transcoding that stores a dataclass as its fields (nested values are transcoded in turn)."""

    class FieldsTranscoding(Transcoding):
        type = cls

        def encode(self, obj: Any) -> dict[str, Any]:
            return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}

        def decode(self, data: dict[str, Any]) -> Any:
            return cls(**data)

    FieldsTranscoding.name = name
    FieldsTranscoding.__name__ = f"{cls.__name__}AsFields"
    return FieldsTranscoding()


def register_domain_transcodings(transcoder: JSONTranscoder) -> None:
    """Registers every value type that events and snapshots of the domain hold."""
    transcoder.register(DateAsISO())
    for cls, name in (
        (Actor, "actor"),
        (DecisionRules, "decision_rules"),
        (Objection, "objection"),
        (ConsensusCheck, "consensus_check"),
        (Vote, "vote"),
        (Decision, "decision"),
        (Annulment, "annulment"),
        (Correction, "correction"),
    ):
        transcoder.register(_fields_transcoding(cls, name))

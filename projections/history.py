"""Decision history: every step of every proposal, oldest first, as an auditor reads it.

The steps are the proposal's own events, read from the event store by its
index on (aggregate, version) and decoded by the ledger's mapper (upcasters
included), exactly as the aggregate is replayed: a history costs the same on
any size of log and is read once, not copied. The read model keeps what the
events of one proposal cannot say by themselves: which process it belongs to
(for access) and, through the directory, the group of each participant a step
concerns, from which the sentence is worded in the reader's language. Event
fields name participants by id, never by name.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from projections import events as ev
from projections.base import Projection
from projections.directory import Directory
from projections.sql import Database, Sql, id_text, keyed_table, timestamp
from projections.wording import DEFAULT_LANGUAGE, step_summary

STEP_EVENTS = (
    ev.ProposalSubmitted,
    ev.Contributed,
    ev.Amended,
    ev.ObjectionRaised,
    ev.ObjectionResolved,
    ev.ConsensusCheckOpened,
    ev.StanceTaken,
    ev.ConsensusCheckClosed,
    ev.VoteOpened,
    ev.BallotCast,
    ev.VoteClosed,
    ev.Decided,
)
_ENVELOPE = ("originator_id", "originator_version", "timestamp", "originator_topic", "actor")
_SUBMITTED = get_topic(ev.ProposalSubmitted)
# The participant a step concerns, by topic: the summary names their group.
_PARTICIPANT_FIELD = {
    get_topic(ev.ProposalSubmitted): "submitted_by",
    get_topic(ev.Contributed): "participant_id",
    get_topic(ev.Amended): "proposed_by",
    get_topic(ev.ObjectionRaised): "raised_by",
    get_topic(ev.StanceTaken): "participant_id",
    get_topic(ev.BallotCast): "participant_id",
}


def plain(value: Any) -> Any:
    """An event field as JSON values: ids and times as text, value objects as their fields."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    return value


def event_fields(event: Any) -> dict[str, Any]:
    """The fields an event carries, without its envelope (id, version, time, actor)."""
    return {key: plain(value) for key, value in sorted(vars(event).items()) if key not in _ENVELOPE}


class DecisionHistory(Projection):
    """Which process each proposal belongs to, and when it was submitted."""

    name = "history"
    topics = (_SUBMITTED,)
    tables = ("projection_history_proposals",)

    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self._rows: list[tuple[str, str, str]] = []

    def schema(self, is_postgres: bool) -> list[str]:
        """One row per proposal."""
        return [
            keyed_table(
                "CREATE TABLE IF NOT EXISTS projection_history_proposals (proposal_id TEXT PRIMARY KEY, "
                "process_id TEXT NOT NULL, submitted_at TEXT NOT NULL)",
                is_postgres,
            ),
        ]

    def begin(self, sql: Sql) -> None:
        """Starts a batch."""
        self._rows.clear()

    def apply(self, notification: Notification, event: Any) -> None:
        """Notes the proposal's process."""
        self._rows.append((id_text(event.originator_id), id_text(event.process_id), timestamp(event.timestamp)))

    def flush(self, sql: Sql) -> None:
        """Inserts the batch's proposals."""
        sql.executemany(
            "INSERT INTO projection_history_proposals (proposal_id, process_id, submitted_at) VALUES (?, ?, ?) "
            "ON CONFLICT (proposal_id) DO NOTHING",
            self._rows,
        )


# --- queries ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of a proposal's history."""

    version: int
    kind: str
    at: str
    actor_name: str
    actor_role: str
    data: dict[str, Any]
    context: dict[str, Any]

    def as_item(self, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        """The step as the history endpoint shows it, worded in `language`."""
        return {
            "version": self.version,
            "type": self.kind,
            "at": self.at,
            "actor": {"name": self.actor_name, "role": self.actor_role},
            "summary": step_summary(self.kind, self.data, self.context, language),
            "data": self.data,
        }


def process_of_proposal(database: Database, proposal_id: str) -> str | None:
    """The process a proposal belongs to, or None if there is no such proposal."""
    row = database.fetch_one(
        "SELECT process_id FROM projection_history_proposals WHERE proposal_id = ?", (proposal_id,)
    )
    return None if row is None else str(row[0])


def _groups(database: Database, participant_ids: set[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    ordered = sorted(participant_ids)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = database.fetch_all(
            f"SELECT participant_id, grp FROM projection_participants WHERE participant_id IN ({marks})", chunk
        )
        found.update((str(pid), str(group)) for pid, group in rows)
    return found


def steps(database: Database, app: Application[UUID], proposal_id: str, up_to_version: int | None = None) -> list[Step]:
    """The steps of a proposal, oldest first (up to a version, when given)."""
    stored = app.recorder.select_events(UUID(proposal_id), lte=up_to_version)
    events: list[Any] = [app.mapper.to_domain_event(record) for record in stored]
    concerned: dict[int, str] = {}
    for event in events:
        field = _PARTICIPANT_FIELD.get(get_topic(type(event)))
        if field is not None:
            concerned[event.originator_version] = id_text(getattr(event, field))
    groups = _groups(database, set(concerned.values()))
    found = []
    for event in events:
        actor = getattr(event, "actor", None)
        participant = concerned.get(event.originator_version)
        found.append(
            Step(
                version=event.originator_version,
                kind=type(event).__name__,
                at=timestamp(event.timestamp),
                actor_name=getattr(actor, "name", "Mufakat"),
                actor_role=getattr(actor, "role", "system"),
                data=event_fields(event),
                context={"group": groups.get(participant, "other")} if participant else {},
            )
        )
    return found


def version_at(found: list[Step], moment: datetime) -> int | None:
    """The last version recorded at or before `moment` (None: the proposal did not exist yet)."""
    cutoff = timestamp(moment)
    versions = [step.version for step in found if step.at <= cutoff]
    return versions[-1] if versions else None

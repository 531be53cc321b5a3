"""Decision history: every step of every proposal, oldest first, as an auditor reads it.

One row per proposal event, keyed by (proposal, version), so reading one
proposal's history is an index range however large the log grows. A row keeps
the event's fields (participant ids, never names), who recorded it (display
name and role of the account) and the group of the participant it concerns,
from which the sentence is worded at read time in the reader's language.
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
_PARTICIPANT_FIELDS = ("submitted_by", "participant_id", "proposed_by", "raised_by")


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
    """The steps of every proposal."""

    name = "history"
    topics = tuple(get_topic(cls) for cls in STEP_EVENTS)
    tables = ("projection_history_steps",)

    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self._sql: Sql | None = None
        self._process_of: dict[str, str | None] = {}
        self._rows: list[tuple[Any, ...]] = []

    def schema(self, is_postgres: bool) -> list[str]:
        """One table keyed by proposal and version."""
        return [
            keyed_table(
                "CREATE TABLE IF NOT EXISTS projection_history_steps (proposal_id TEXT NOT NULL, "
                "version BIGINT NOT NULL, process_id TEXT NOT NULL, kind TEXT NOT NULL, at TEXT NOT NULL, "
                "actor_name TEXT NOT NULL, "
                "actor_role TEXT NOT NULL, grp TEXT, PRIMARY KEY (proposal_id, version))",
                is_postgres,
            ),
        ]

    def begin(self, sql: Sql) -> None:
        """Starts a batch with empty caches."""
        self._sql = sql
        self._process_of.clear()
        self._rows.clear()

    def apply(self, notification: Notification, event: Any) -> None:
        """Keeps one row for the step: what, who, when, and the group of the participant it concerns."""
        proposal_id = id_text(event.originator_id)
        if notification.topic == _SUBMITTED:
            self._process_of[proposal_id] = id_text(event.process_id)
        process_id = self._process(proposal_id)
        if process_id is None:
            return
        group = None
        for name in _PARTICIPANT_FIELDS:
            participant_id = getattr(event, name, None)
            if participant_id is not None:
                group = self.directory.participant(id_text(participant_id))[0]
                break
        actor = getattr(event, "actor", None)
        self._rows.append(
            (
                proposal_id,
                event.originator_version,
                process_id,
                type(event).__name__,
                timestamp(event.timestamp),
                getattr(actor, "name", "Mufakat"),
                getattr(actor, "role", "system"),
                group,
            )
        )

    def _process(self, proposal_id: str) -> str | None:
        if proposal_id not in self._process_of:
            if self._sql is None:
                raise RuntimeError("the history is written only inside a batch")
            row = self._sql.fetch_one(
                "SELECT process_id FROM projection_history_steps WHERE proposal_id = ? AND version = 1",
                (proposal_id,),
            )
            self._process_of[proposal_id] = None if row is None else str(row[0])
        return self._process_of[proposal_id]

    def flush(self, sql: Sql) -> None:
        """Inserts the batch's steps (a step already there is kept as it is)."""
        sql.executemany(
            "INSERT INTO projection_history_steps (proposal_id, version, process_id, kind, at, actor_name, "
            "actor_role, grp) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (proposal_id, version) DO NOTHING",
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
    """The process a proposal belongs to, or None if the history has no such proposal."""
    row = database.fetch_one(
        "SELECT process_id FROM projection_history_steps WHERE proposal_id = ? AND version = 1", (proposal_id,)
    )
    return None if row is None else str(row[0])


def steps(database: Database, app: Application[UUID], proposal_id: str, up_to_version: int | None = None) -> list[Step]:
    """The steps of a proposal, oldest first (up to a version, when given).

    Their fields come from the event store itself (its index by aggregate and version),
    decoded by the ledger's mapper, upcasters included, as the aggregate is replayed.
    """
    statement = (
        "SELECT version, kind, at, actor_name, actor_role, grp FROM projection_history_steps WHERE proposal_id = ?"
    )
    params: list[Any] = [proposal_id]
    if up_to_version is not None:
        statement += " AND version <= ?"
        params.append(up_to_version)
    rows = database.fetch_all(statement + " ORDER BY version", params)
    if not rows:
        return []
    stored = app.recorder.select_events(UUID(proposal_id), lte=int(rows[-1][0]))
    fields = {event.originator_version: event_fields(app.mapper.to_domain_event(event)) for event in stored}
    return [
        Step(
            int(version),
            kind,
            at,
            actor_name,
            actor_role,
            fields.get(int(version), {}),
            {"group": group} if group else {},
        )
        for version, kind, at, actor_name, actor_role, group in rows
    ]


def version_at(database: Database, proposal_id: str, moment: datetime) -> int | None:
    """The last version of a proposal recorded at or before `moment` (None: it did not exist yet)."""
    row = database.fetch_one(
        "SELECT MAX(version) FROM projection_history_steps WHERE proposal_id = ? AND at <= ?",
        (proposal_id, timestamp(moment)),
    )
    return None if row is None or row[0] is None else int(row[0])

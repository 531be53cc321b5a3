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

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from domain.proposal import REDACTED_TEXT, Proposal
from projections.base import Projection, Store
from projections.directory import Directory
from projections.registry import entry
from projections.sql import Database, Sql, from_json, id_text, keyed_table, plain, timestamp
from projections.suppression import groups_that_may_be_named_at_every
from projections.wording import DEFAULT_LANGUAGE, someone, who

_ENVELOPE = ("originator_id", "originator_version", "timestamp", "originator_topic", "actor")
_SUBMITTED = get_topic(Proposal.Submitted)
_ARRIVED = get_topic(Proposal.Arrived)


def event_fields(event: Any) -> dict[str, Any]:
    """The fields an event carries, without its envelope (id, version, time, actor)."""
    return {key: plain(value) for key, value in sorted(vars(event).items()) if key not in _ENVELOPE}


class DecisionHistory(Projection):
    """Which process each proposal belongs to, and when it was submitted."""

    name = "history"
    topics = (_SUBMITTED, _ARRIVED)
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
class Recorder:
    """Who recorded a step: the account's display name and role, never a token."""

    name: str
    role: str


@dataclass(frozen=True)
class Step:
    """One step of a proposal's history, worded in the reader's language."""

    version: int
    type: str
    #: When it happened in the room (`occurred_at`), the moment a reader orders the story by.
    at: str
    occurred_at: str
    #: When it was recorded (the event's own timestamp): what `as_of` selects by.
    recorded_at: str
    actor: Recorder
    summary: str
    data: dict[str, Any]
    #: The fields of `data` that name a participant (the registry's word).
    names: tuple[str, ...] = ()


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


def steps(
    database: Database,
    app: Store,
    proposal_id: str,
    up_to_version: int | None = None,
    language: str = DEFAULT_LANGUAGE,
    named_groups: set[str] | None = None,
) -> list[Step]:
    """The steps of a proposal, oldest first (up to a version, when given), each worded in `language`.

    With `named_groups` (outsiders), a sentence names a participant's group only if it is one of them,
    and otherwise says "a participant".
    """
    stored = app.recorder.select_events(UUID(proposal_id))
    every: list[Any] = [app.mapper.to_domain_event(record) for record in stored]
    # A redaction reaches back: words redacted later read as redacted at every earlier version too.
    _without_redacted_words(every)
    events = [event for event in every if up_to_version is None or event.originator_version <= up_to_version]
    concerned: dict[int, str] = {}
    for event in events:
        field = entry(type(event)).concerns
        if field is not None:
            concerned[event.originator_version] = id_text(getattr(event, field))
    groups = _groups(database, set(concerned.values()))
    found = []
    for event in events:
        actor = getattr(event, "actor", None)
        participant = concerned.get(event.originator_version)
        data = event_fields(event)
        said = entry(type(event))
        occurred = getattr(event, "occurred_at", None) or event.timestamp
        group = groups.get(participant, "other") if participant else None
        speaker = who(group, language)
        if named_groups is not None and group is not None and group not in named_groups:
            speaker = someone(language)
        found.append(
            Step(
                version=event.originator_version,
                type=type(event).__name__,
                at=timestamp(occurred),
                occurred_at=timestamp(occurred),
                recorded_at=timestamp(event.timestamp),
                actor=Recorder(getattr(actor, "name", "Mufakat"), getattr(actor, "role", "system")),
                summary=said.sentence(data, speaker, language),
                data=data,
                names=said.names,
            )
        )
    return found


def _without_redacted_words(events: list[Any]) -> None:
    """REDACTED_TEXT in place of every redacted statement and of its errata (their keys may still be on their way
    out, and statements stored before sealing existed hold their words in the clear)."""
    redacted = {(event.version, event.field) for event in events if isinstance(event, Proposal.Redacted)}
    if not redacted:
        return
    for event in events:
        state = vars(event)
        for version, field in redacted:
            if event.originator_version == version and field in state:
                state[field] = REDACTED_TEXT
        if isinstance(event, Proposal.Corrected) and (event.version, event.field) in redacted:
            state["text"] = REDACTED_TEXT


def version_at(found: list[Step], moment: datetime) -> int | None:
    """The last version recorded at or before `moment` (None: the proposal did not exist yet): what the
    record said then, whenever its steps happened in the room."""
    cutoff = timestamp(moment)
    versions = [step.version for step in found if step.recorded_at <= cutoff]
    return versions[-1] if versions else None


def groups_of_three_at_every_meeting(database: Database, process_id: str) -> set[str]:
    """The groups that at least 3 attendees share at every meeting of the process that had attendees: a
    speaker may be named by such a group to outsiders, whichever meeting they spoke at."""
    rows = database.fetch_all("SELECT attendees FROM projection_meetings WHERE process_id = ?", (process_id,))
    meetings = [[str(pid) for pid in from_json(attendees) or []] for (attendees,) in rows]
    everyone = {pid for present in meetings for pid in present}
    groups = _groups(database, everyone)
    return groups_that_may_be_named_at_every([groups[pid] for pid in present if pid in groups] for present in meetings)

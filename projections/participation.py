"""Participation metrics: who took part in a process, by group and by gender.

Counters per (process, measure, group, gender, value) are kept as deltas, so a
batch adds to them with one upsert per counter it touched. A changed stance
moves one count from the old stance to the new one: stances count each
participant's latest stance per check, as the check itself does.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.utils import get_topic

from projections import events as ev
from projections.base import Projection
from projections.directory import Directory
from projections.sql import Sql, timestamp

MEASURES = ("registered", "attendance", "contribution", "amendment", "objection", "stance", "ballot")
_SPEAKING = (ev.ProposalSubmitted, ev.Contributed, ev.Amended, ev.ObjectionRaised)


class Participation(Projection):
    """Counts of attendance, contributions, objections, stances and ballots; time to decision."""

    name = "participation"
    topics = tuple(
        get_topic(cls)
        for cls in (
            ev.ParticipantEnrolled,
            ev.MeetingOpened,
            ev.AttendanceRecorded,
            ev.ProposalSubmitted,
            ev.Contributed,
            ev.Amended,
            ev.ObjectionRaised,
            ev.StanceTaken,
            ev.BallotCast,
            ev.Decided,
        )
    )
    tables = (
        "projection_participation_counts",
        "projection_participation_stances",
        "projection_participation_speakers",
        "projection_participation_proposals",
    )

    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self._sql: Sql | None = None
        self._deltas: dict[tuple[str, str, str, str, str], int] = {}
        self._stances: dict[tuple[str, str], tuple[str, str | None]] = {}
        self._dirty_stances: set[tuple[str, str]] = set()
        self._speakers: dict[tuple[str, str], tuple[str, str]] = {}
        self._proposals: dict[str, list[Any]] = {}
        self._dirty_proposals: set[str] = set()

    def schema(self, is_postgres: bool) -> list[str]:
        """Counters by process; latest stances; who spoke; when each proposal was submitted and decided."""
        return [
            "CREATE TABLE IF NOT EXISTS projection_participation_counts (process_id TEXT NOT NULL, "
            "measure TEXT NOT NULL, grp TEXT NOT NULL, gender TEXT NOT NULL, value TEXT NOT NULL, "
            "n BIGINT NOT NULL, PRIMARY KEY (process_id, measure, grp, gender, value))",
            "CREATE TABLE IF NOT EXISTS projection_participation_stances (check_id TEXT NOT NULL, "
            "participant_id TEXT NOT NULL, process_id TEXT NOT NULL, stance TEXT NOT NULL, "
            "PRIMARY KEY (check_id, participant_id))",
            "CREATE TABLE IF NOT EXISTS projection_participation_speakers (process_id TEXT NOT NULL, "
            "participant_id TEXT NOT NULL, grp TEXT NOT NULL, gender TEXT NOT NULL, "
            "PRIMARY KEY (process_id, participant_id))",
            "CREATE TABLE IF NOT EXISTS projection_participation_proposals (proposal_id TEXT PRIMARY KEY, "
            "process_id TEXT NOT NULL, submitted_at TEXT NOT NULL, decided_at TEXT, outcome TEXT, method TEXT)",
            "CREATE INDEX IF NOT EXISTS projection_participation_proposals_process "
            "ON projection_participation_proposals (process_id, submitted_at)",
        ]

    def begin(self, sql: Sql) -> None:
        """Starts a batch with no pending counts and empty caches."""
        self._sql = sql
        self._deltas.clear()
        self._stances.clear()
        self._dirty_stances.clear()
        self._speakers.clear()
        self._proposals.clear()
        self._dirty_proposals.clear()

    def _cursor(self) -> Sql:
        if self._sql is None:
            raise RuntimeError("participation is written only inside a batch")
        return self._sql

    def _count(self, process_id: str, measure: str, participant_id: str, value: str = "", n: int = 1) -> None:
        group, gender = self.directory.participant(participant_id)
        key = (process_id, measure, group, gender, value)
        self._deltas[key] = self._deltas.get(key, 0) + n

    def _proposal(self, proposal_id: str) -> list[Any] | None:
        if proposal_id not in self._proposals:
            row = self._cursor().fetch_one(
                "SELECT process_id, submitted_at, decided_at, outcome, method "
                "FROM projection_participation_proposals WHERE proposal_id = ?",
                (proposal_id,),
            )
            if row is None:
                return None
            self._proposals[proposal_id] = list(row)
        return self._proposals[proposal_id]

    def apply(self, position: int, topic: str, event: Any) -> None:
        """Adds the event to the counts of its process."""
        if isinstance(event, ev.ParticipantEnrolled):
            self._count(str(event.originator_id), "registered", str(event.participant_id))
            return
        if isinstance(event, ev.MeetingOpened | ev.AttendanceRecorded):
            meeting = self.directory.meeting(str(event.originator_id))
            if meeting is not None:
                for participant_id in event.attendees:
                    self._count(meeting.process_id, "attendance", str(participant_id))
            return
        proposal_id = str(event.originator_id)
        if isinstance(event, ev.ProposalSubmitted):
            self._proposals[proposal_id] = [str(event.process_id), timestamp(event.timestamp), None, None, None]
            self._dirty_proposals.add(proposal_id)
        proposal = self._proposal(proposal_id)
        if proposal is None:
            return
        process_id = str(proposal[0])
        if isinstance(event, _SPEAKING):
            self._spoke(process_id, str(_speaker(event)))
        if isinstance(event, ev.Contributed):
            self._count(process_id, "contribution", str(event.participant_id), event.kind)
        elif isinstance(event, ev.Amended):
            self._count(process_id, "amendment", str(event.proposed_by))
        elif isinstance(event, ev.ObjectionRaised):
            self._count(process_id, "objection", str(event.raised_by), "blocking" if event.blocking else "non_blocking")
        elif isinstance(event, ev.StanceTaken):
            self._stance_taken(process_id, event)
        elif isinstance(event, ev.BallotCast):
            self._count(process_id, "ballot", str(event.participant_id), event.choice)
        elif isinstance(event, ev.Decided):
            proposal[2:5] = [timestamp(event.timestamp), event.outcome, event.method]
            self._dirty_proposals.add(proposal_id)

    def _stance_taken(self, process_id: str, event: Any) -> None:
        key = (str(event.check_id), str(event.participant_id))
        if key not in self._stances:
            row = self._cursor().fetch_one(
                "SELECT stance FROM projection_participation_stances WHERE check_id = ? AND participant_id = ?", key
            )
            self._stances[key] = (process_id, None if row is None else str(row[0]))
        earlier = self._stances[key][1]
        if earlier is not None:
            self._count(process_id, "stance", key[1], earlier, -1)
        self._count(process_id, "stance", key[1], event.stance)
        self._stances[key] = (process_id, event.stance)
        self._dirty_stances.add(key)

    def _spoke(self, process_id: str, participant_id: str) -> None:
        self._speakers[(process_id, participant_id)] = self.directory.participant(participant_id)

    def flush(self, sql: Sql) -> None:
        """Adds the batch's counts and writes what else it changed."""
        sql.executemany(
            "INSERT INTO projection_participation_counts (process_id, measure, grp, gender, value, n) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (process_id, measure, grp, gender, value) "
            "DO UPDATE SET n = projection_participation_counts.n + excluded.n",
            [(*key, n) for key, n in sorted(self._deltas.items()) if n],
        )
        sql.executemany(
            "INSERT INTO projection_participation_stances (check_id, participant_id, process_id, stance) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (check_id, participant_id) DO UPDATE SET stance = excluded.stance",
            [(*key, *self._stances[key]) for key in sorted(self._dirty_stances)],
        )
        sql.executemany(
            "INSERT INTO projection_participation_speakers (process_id, participant_id, grp, gender) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (process_id, participant_id) DO NOTHING",
            [(*key, *value) for key, value in sorted(self._speakers.items())],
        )
        sql.executemany(
            "INSERT INTO projection_participation_proposals (proposal_id, process_id, submitted_at, decided_at, "
            "outcome, method) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (proposal_id) DO UPDATE SET "
            "decided_at = excluded.decided_at, outcome = excluded.outcome, method = excluded.method",
            [(pid, *self._proposals[pid]) for pid in sorted(self._dirty_proposals)],
        )


def _speaker(event: Any) -> Any:
    for name in ("submitted_by", "participant_id", "proposed_by", "raised_by"):
        value = getattr(event, name, None)
        if value is not None:
            return value
    return None

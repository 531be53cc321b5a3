"""The directory the other read models look things up in: processes, participants as their group, meetings,
each process's commitments in the order they were made (the list a process's monitoring pages read, by an
index, instead of reading every commitment the ledger holds: 616 ms at a million events), and the token records in
order of issue (ids only: the admins' list read the whole log for them, 579 ms at a million events).

It holds no personal data: a participant is their process, group and gender.
Other read models ask it during a batch; it answers as of the event being
applied, because the runner hands every event to every read model in log order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from domain.commitment import Commitment
from domain.meeting import Meeting
from domain.process import Process
from domain.time_zones import zone_of_region
from projections.base import Projection
from projections.sql import Database, Sql, from_json, id_text, keyed_table, timestamp, to_json

UNSPECIFIED_GENDER = "undisclosed"
#: An access token issued (the read models import nothing of the service: its topic, as the registry names it).
TOKEN_ISSUED_TOPIC = "service.app.access:AccessToken.Issued"


@dataclass
class ProcessEntry:
    """A process as the read models show it."""

    process_id: str
    title: str
    region_code: str
    region_name: str
    visibility: str
    rules: dict[str, Any]
    opened_at: str
    status: str = "open"
    #: The IANA zone its times are shown in (feed items carry it, so that Atom and CSV texts name it).
    time_zone: str = ""

    def __post_init__(self) -> None:
        self.time_zone = self.time_zone or zone_of_region(self.region_code)

    @property
    def is_public(self) -> bool:
        """Whether its decisions appear in public output."""
        return self.visibility == "public"

    def summary(self) -> dict[str, Any]:
        """The process as a feed item names it."""
        return {
            "id": self.process_id,
            "title": self.title,
            "region": {"code": self.region_code, "name": self.region_name},
            "time_zone": self.time_zone,
        }


@dataclass
class MeetingEntry:
    """A meeting: who was invited (fixed when it opens) and who attends."""

    meeting_id: str
    process_id: str
    invited: list[str] | None
    attendees: list[str] = field(default_factory=list)
    status: str = "scheduled"


class Directory(Projection):
    """Processes, participants (group and gender only) and meetings with their attendance."""

    name = "directory"
    topics = (
        *(
            get_topic(cls)
            for cls in (
                Process.Opened,
                Process.ParticipantEnrolled,
                Process.Closed,
                Meeting.Scheduled,
                Meeting.Opened,
                Meeting.AttendanceRecorded,
                Meeting.Closed,
                Commitment.Made,
            )
        ),
        TOKEN_ISSUED_TOPIC,
    )
    tables = (
        "projection_processes",
        "projection_participants",
        "projection_meetings",
        "projection_commitments",
        "projection_tokens",
    )

    def __init__(self) -> None:
        self._sql: Sql | None = None
        self._processes: dict[str, ProcessEntry | None] = {}
        self._participants: dict[str, tuple[str, str] | None] = {}
        self._meetings: dict[str, MeetingEntry | None] = {}
        self._dirty_processes: set[str] = set()
        self._new_participants: list[tuple[str, str, str, str]] = []
        self._dirty_meetings: set[str] = set()
        self._new_commitments: list[tuple[str, str, int]] = []
        self._new_tokens: list[tuple[str, int]] = []

    def schema(self, is_postgres: bool) -> list[str]:
        """Five tables keyed by id; commitments also by process, tokens by their position, in log order."""
        return [
            keyed_table(
                "CREATE TABLE IF NOT EXISTS projection_processes (process_id TEXT PRIMARY KEY, title TEXT NOT NULL, "
                "region_code TEXT NOT NULL, region_name TEXT NOT NULL, visibility TEXT NOT NULL, rules TEXT NOT NULL, "
                "opened_at TEXT NOT NULL, status TEXT NOT NULL, time_zone TEXT NOT NULL)",
                is_postgres,
            ),
            keyed_table(
                "CREATE TABLE IF NOT EXISTS projection_participants (participant_id TEXT PRIMARY KEY, "
                "process_id TEXT NOT NULL, grp TEXT NOT NULL, gender TEXT NOT NULL)",
                is_postgres,
            ),
            keyed_table(
                "CREATE TABLE IF NOT EXISTS projection_meetings (meeting_id TEXT PRIMARY KEY, "
                "process_id TEXT NOT NULL, status TEXT NOT NULL, invited TEXT, attendees TEXT NOT NULL)",
                is_postgres,
            ),
            keyed_table(
                "CREATE TABLE IF NOT EXISTS projection_commitments (commitment_id TEXT PRIMARY KEY, "
                "process_id TEXT NOT NULL, seq BIGINT NOT NULL)",
                is_postgres,
            ),
            "CREATE INDEX IF NOT EXISTS projection_commitments_process ON projection_commitments (process_id, seq)",
            keyed_table(
                "CREATE TABLE IF NOT EXISTS projection_tokens (record_id TEXT PRIMARY KEY, seq BIGINT NOT NULL)",
                is_postgres,
            ),
            "CREATE INDEX IF NOT EXISTS projection_tokens_seq ON projection_tokens (seq)",
        ]

    def begin(self, sql: Sql) -> None:
        """Empties the caches: another worker may have written since the last batch."""
        self._sql = sql
        self._processes.clear()
        self._participants.clear()
        self._meetings.clear()
        self._dirty_processes.clear()
        self._new_participants.clear()
        self._dirty_meetings.clear()
        self._new_commitments.clear()
        self._new_tokens.clear()

    # --- lookups for the other read models ---------------------------------------

    def process(self, process_id: str) -> ProcessEntry | None:
        """The process, as of the event being applied."""
        if process_id not in self._processes:
            row = self._cursor().fetch_one(
                "SELECT title, region_code, region_name, visibility, rules, opened_at, status, time_zone "
                "FROM projection_processes WHERE process_id = ?",
                (process_id,),
            )
            self._processes[process_id] = (
                None
                if row is None
                else ProcessEntry(process_id, row[0], row[1], row[2], row[3], from_json(row[4]), row[5], row[6], row[7])
            )
        return self._processes[process_id]

    def participant(self, participant_id: str) -> tuple[str, str]:
        """The participant's group and gender (`other`/`undisclosed` if never enrolled)."""
        if participant_id not in self._participants:
            row = self._cursor().fetch_one(
                "SELECT grp, gender FROM projection_participants WHERE participant_id = ?", (participant_id,)
            )
            self._participants[participant_id] = None if row is None else (row[0], row[1])
        return self._participants[participant_id] or ("other", UNSPECIFIED_GENDER)

    def meeting(self, meeting_id: str) -> MeetingEntry | None:
        """The meeting with its attendance, as of the event being applied."""
        if meeting_id not in self._meetings:
            row = self._cursor().fetch_one(
                "SELECT process_id, status, invited, attendees FROM projection_meetings WHERE meeting_id = ?",
                (meeting_id,),
            )
            self._meetings[meeting_id] = (
                None if row is None else MeetingEntry(meeting_id, row[0], from_json(row[2]), from_json(row[3]), row[1])
            )
        return self._meetings[meeting_id]

    def _cursor(self) -> Sql:
        if self._sql is None:
            raise RuntimeError("the directory is read only inside a batch")
        return self._sql

    # --- applying events -----------------------------------------------------------

    def apply(self, notification: Notification, event: Any) -> None:
        """Keeps processes, participants and meetings up to date."""
        originator = id_text(event.originator_id)
        if isinstance(event, Process.Opened):
            self._processes[originator] = ProcessEntry(
                process_id=originator,
                title=event.title,
                region_code=event.region_code,
                region_name=event.region_name,
                visibility=event.visibility,
                rules=event.rules.as_dict(),
                opened_at=timestamp(event.timestamp),
                time_zone=event.time_zone,
            )
            self._dirty_processes.add(originator)
        elif isinstance(event, Process.Closed):
            entry = self.process(originator)
            if entry is not None:
                entry.status = "closed"
                self._dirty_processes.add(originator)
        elif isinstance(event, Process.ParticipantEnrolled):
            participant_id = id_text(event.participant_id)
            gender = event.gender or UNSPECIFIED_GENDER
            self._participants[participant_id] = (event.group, gender)
            self._new_participants.append((participant_id, originator, event.group, gender))
        elif notification.topic == TOKEN_ISSUED_TOPIC:
            self._new_tokens.append((originator, notification.id))
        elif isinstance(event, Commitment.Made):
            self._new_commitments.append((originator, id_text(event.process_id), notification.id))
        elif isinstance(event, Meeting.Scheduled):
            invited = None if event.invited is None else [str(p) for p in event.invited]
            self._meetings[originator] = MeetingEntry(originator, id_text(event.process_id), invited)
            self._dirty_meetings.add(originator)
        else:
            self._apply_to_meeting(originator, event)

    def _apply_to_meeting(self, meeting_id: str, event: Any) -> None:
        meeting = self.meeting(meeting_id)
        if meeting is None:
            return
        if isinstance(event, Meeting.Opened):
            meeting.status = "open"
            meeting.invited = [str(p) for p in event.invited]
            meeting.attendees = [str(p) for p in event.attendees]
        elif isinstance(event, Meeting.AttendanceRecorded):
            meeting.attendees.extend(str(p) for p in event.attendees)
        elif isinstance(event, Meeting.Closed):
            meeting.status = "closed"
        self._dirty_meetings.add(meeting_id)

    def flush(self, sql: Sql) -> None:
        """Upserts what changed in this batch."""
        sql.executemany(
            "INSERT INTO projection_processes (process_id, title, region_code, region_name, visibility, rules, "
            "opened_at, status, time_zone) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (process_id) DO UPDATE SET "
            "status = excluded.status",
            [
                (
                    e.process_id,
                    e.title,
                    e.region_code,
                    e.region_name,
                    e.visibility,
                    to_json(e.rules),
                    e.opened_at,
                    e.status,
                    e.time_zone,
                )
                for e in (self._processes[pid] for pid in sorted(self._dirty_processes))
                if e is not None
            ],
        )
        sql.executemany(
            "INSERT INTO projection_participants (participant_id, process_id, grp, gender) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (participant_id) DO NOTHING",
            self._new_participants,
        )
        sql.executemany(
            "INSERT INTO projection_meetings (meeting_id, process_id, status, invited, attendees) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (meeting_id) DO UPDATE SET status = excluded.status, "
            "invited = excluded.invited, attendees = excluded.attendees",
            [
                (
                    m.meeting_id,
                    m.process_id,
                    m.status,
                    None if m.invited is None else to_json(m.invited),
                    to_json(m.attendees),
                )
                for m in (self._meetings[mid] for mid in sorted(self._dirty_meetings))
                if m is not None
            ],
        )
        sql.executemany(
            "INSERT INTO projection_commitments (commitment_id, process_id, seq) VALUES (?, ?, ?) "
            "ON CONFLICT (commitment_id) DO NOTHING",
            self._new_commitments,
        )
        sql.executemany(
            "INSERT INTO projection_tokens (record_id, seq) VALUES (?, ?) ON CONFLICT (record_id) DO NOTHING",
            self._new_tokens,
        )


def breakdown(directory: Directory, participant_ids: list[str]) -> dict[str, dict[str, int]]:
    """How many of these participants are in each group and of each gender."""
    by_group: dict[str, int] = {}
    by_gender: dict[str, int] = {}
    for participant_id in participant_ids:
        group, gender = directory.participant(participant_id)
        by_group[group] = by_group.get(group, 0) + 1
        by_gender[gender] = by_gender.get(gender, 0) + 1
    return {"by_group": dict(sorted(by_group.items())), "by_gender": dict(sorted(by_gender.items()))}


def process_entry(database: Database, process_id: str) -> ProcessEntry | None:
    """A process as the read models know it (None if they do not)."""
    row = database.fetch_one(
        "SELECT title, region_code, region_name, visibility, rules, opened_at, status, time_zone "
        "FROM projection_processes WHERE process_id = ?",
        (process_id,),
    )
    if row is None:
        return None
    return ProcessEntry(process_id, row[0], row[1], row[2], row[3], from_json(row[4]), row[5], row[6], row[7])


def commitments_of_process(database: Database, process_id: str, after: int, limit: int) -> list[tuple[str, int]]:
    """A process's commitments after a log position, in the order they were made: (commitment id, position)."""
    rows = database.fetch_all(
        "SELECT commitment_id, seq FROM projection_commitments WHERE process_id = ? AND seq > ? ORDER BY seq LIMIT ?",
        (process_id, after, limit),
    )
    return [(str(commitment_id), int(seq)) for commitment_id, seq in rows]


def tokens_issued(database: Database, after: int, limit: int) -> list[tuple[str, int]]:
    """The token records issued after a log position, in order of issue: (record id, position)."""
    rows = database.fetch_all(
        "SELECT record_id, seq FROM projection_tokens WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit)
    )
    return [(str(record_id), int(seq)) for record_id, seq in rows]

"""Participation metrics: who took part in a process, by group and by gender.

Counters per (process, measure, group, gender, value) are kept as deltas, so a
batch adds to them with one upsert per counter it touched. Stances and ballots
are counted when their check or vote closes, each participant's latest stance
as the check itself counts it: a count that moved with each tap of an open
round would tell a reader watching the hall each person's choice. Beside the
counters, who was counted once per measure (`people`): attendance adds up
meetings, people count each participant once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from domain.meeting import Meeting
from domain.process import Process
from domain.proposal import Proposal
from projections.base import Projection
from projections.directory import Directory
from projections.sql import Sql, id_text, keyed_table, timestamp

MEASURES = ("registered", "attendance", "contribution", "amendment", "objection", "stance", "ballot")


class Participation(Projection):
    """Counts of attendance, contributions, objections, stances and ballots; time to decision."""

    name = "participation"
    topics = tuple(
        get_topic(cls)
        for cls in (
            Process.ParticipantEnrolled,
            Meeting.Opened,
            Meeting.AttendanceRecorded,
            Proposal.Submitted,
            Proposal.Arrived,
            Proposal.Contributed,
            Proposal.Amended,
            Proposal.ObjectionRaised,
            Proposal.StanceTaken,
            Proposal.ConsensusCheckClosed,
            Proposal.BallotCast,
            Proposal.VoteClosed,
            Proposal.Decided,
            Proposal.DecisionAnnulled,
        )
    )
    tables = (
        "projection_participation_counts",
        "projection_participation_stances",
        "projection_participation_ballots",
        "projection_participation_people",
        "projection_participation_speakers",
        "projection_participation_proposals",
    )

    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self._sql: Sql | None = None
        self._deltas: dict[tuple[str, str, str, str, str], int] = {}
        # Latest stance (ballot) of each participant by check (vote), as (process id, choice).
        self._stances: dict[str, dict[str, tuple[str, str]]] = {}
        self._dirty_stances: set[tuple[str, str]] = set()
        self._checks_loaded: set[str] = set()
        self._ballots: dict[str, dict[str, tuple[str, str]]] = {}
        self._dirty_ballots: set[tuple[str, str]] = set()
        self._votes_loaded: set[str] = set()
        self._people: set[tuple[str, str, str, str, str]] = set()
        self._speakers: dict[tuple[str, str], tuple[str, str]] = {}
        self._proposals: dict[str, list[Any]] = {}
        self._dirty_proposals: set[str] = set()
        self._on: dict[str, Callable[[Any], None]] = {
            get_topic(Process.ParticipantEnrolled): self._enrolled,
            get_topic(Meeting.Opened): self._attended,
            get_topic(Meeting.AttendanceRecorded): self._attended,
            get_topic(Proposal.Submitted): self._submitted,
            get_topic(Proposal.Arrived): self._arrived,
            get_topic(Proposal.Contributed): self._contributed,
            get_topic(Proposal.Amended): self._amended,
            get_topic(Proposal.ObjectionRaised): self._objection_raised,
            get_topic(Proposal.StanceTaken): self._stance_taken,
            get_topic(Proposal.ConsensusCheckClosed): self._check_closed,
            get_topic(Proposal.BallotCast): self._ballot_cast,
            get_topic(Proposal.VoteClosed): self._vote_closed,
            get_topic(Proposal.Decided): self._decided,
            get_topic(Proposal.DecisionAnnulled): self._annulled,
        }

    def schema(self, is_postgres: bool) -> list[str]:
        """Counters by process; latest stances and ballots; who was counted; who spoke; when each proposal was
        submitted and decided."""
        return [
            keyed_table(
                "CREATE TABLE IF NOT EXISTS projection_participation_counts (process_id TEXT NOT NULL, "
                "measure TEXT NOT NULL, grp TEXT NOT NULL, gender TEXT NOT NULL, value TEXT NOT NULL, "
                "n BIGINT NOT NULL, PRIMARY KEY (process_id, measure, grp, gender, value))",
                is_postgres,
            ),
            keyed_table(
                "CREATE TABLE IF NOT EXISTS projection_participation_stances (check_id TEXT NOT NULL, "
                "participant_id TEXT NOT NULL, process_id TEXT NOT NULL, stance TEXT NOT NULL, "
                "PRIMARY KEY (check_id, participant_id))",
                is_postgres,
            ),
            keyed_table(
                "CREATE TABLE IF NOT EXISTS projection_participation_ballots (vote_id TEXT NOT NULL, "
                "participant_id TEXT NOT NULL, process_id TEXT NOT NULL, choice TEXT NOT NULL, "
                "PRIMARY KEY (vote_id, participant_id))",
                is_postgres,
            ),
            keyed_table(
                "CREATE TABLE IF NOT EXISTS projection_participation_people (process_id TEXT NOT NULL, "
                "measure TEXT NOT NULL, participant_id TEXT NOT NULL, grp TEXT NOT NULL, gender TEXT NOT NULL, "
                "PRIMARY KEY (process_id, measure, participant_id))",
                is_postgres,
            ),
            keyed_table(
                "CREATE TABLE IF NOT EXISTS projection_participation_speakers (process_id TEXT NOT NULL, "
                "participant_id TEXT NOT NULL, grp TEXT NOT NULL, gender TEXT NOT NULL, "
                "PRIMARY KEY (process_id, participant_id))",
                is_postgres,
            ),
            keyed_table(
                "CREATE TABLE IF NOT EXISTS projection_participation_proposals (proposal_id TEXT PRIMARY KEY, "
                "process_id TEXT NOT NULL, submitted_at TEXT NOT NULL, decided_at TEXT, outcome TEXT, method TEXT)",
                is_postgres,
            ),
            "CREATE INDEX IF NOT EXISTS projection_participation_proposals_process "
            "ON projection_participation_proposals (process_id, submitted_at)",
        ]

    def begin(self, sql: Sql) -> None:
        """Starts a batch with no pending counts and empty caches."""
        self._sql = sql
        self._deltas.clear()
        self._stances.clear()
        self._dirty_stances.clear()
        self._checks_loaded.clear()
        self._ballots.clear()
        self._dirty_ballots.clear()
        self._votes_loaded.clear()
        self._people.clear()
        self._speakers.clear()
        self._proposals.clear()
        self._dirty_proposals.clear()

    def _cursor(self) -> Sql:
        if self._sql is None:
            raise RuntimeError("participation is written only inside a batch")
        return self._sql

    def _count(self, process_id: str, measure: str, participant_id: str, value: str = "") -> None:
        group, gender = self.directory.participant(participant_id)
        key = (process_id, measure, group, gender, value)
        self._deltas[key] = self._deltas.get(key, 0) + 1
        self._people.add((process_id, measure, participant_id, group, gender))

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

    def apply(self, notification: Notification, event: Any) -> None:
        """Adds the event to the counts of its process."""
        self._on[notification.topic](event)

    def _enrolled(self, event: Any) -> None:
        self._count(id_text(event.originator_id), "registered", id_text(event.participant_id))

    def _attended(self, event: Any) -> None:
        meeting = self.directory.meeting(id_text(event.originator_id))
        if meeting is not None:
            for participant_id in event.attendees:
                self._count(meeting.process_id, "attendance", str(participant_id))

    def _submitted(self, event: Any) -> None:
        proposal_id = id_text(event.originator_id)
        process_id = id_text(event.process_id)
        self._proposals[proposal_id] = [process_id, timestamp(event.occurred_at), None, None, None]
        self._dirty_proposals.add(proposal_id)
        self._spoke(process_id, id_text(event.submitted_by))

    def _arrived(self, event: Any) -> None:
        """A proposal forwarded from the process below: decided here like any other, submitted by nobody here."""
        proposal_id = id_text(event.originator_id)
        self._proposals[proposal_id] = [id_text(event.process_id), timestamp(event.occurred_at), None, None, None]
        self._dirty_proposals.add(proposal_id)

    def _process_of(self, event: Any) -> str | None:
        proposal = self._proposal(id_text(event.originator_id))
        return None if proposal is None else str(proposal[0])

    def _contributed(self, event: Any) -> None:
        process_id = self._process_of(event)
        if process_id is not None:
            self._spoke(process_id, id_text(event.participant_id))
            self._count(process_id, "contribution", id_text(event.participant_id), event.kind)

    def _amended(self, event: Any) -> None:
        process_id = self._process_of(event)
        if process_id is not None:
            self._spoke(process_id, id_text(event.proposed_by))
            self._count(process_id, "amendment", id_text(event.proposed_by))

    def _objection_raised(self, event: Any) -> None:
        process_id = self._process_of(event)
        if process_id is not None:
            self._spoke(process_id, id_text(event.raised_by))
            kind = "blocking" if event.blocking else "non_blocking"
            self._count(process_id, "objection", id_text(event.raised_by), kind)

    def _ballot_cast(self, event: Any) -> None:
        process_id = self._process_of(event)
        if process_id is not None:
            vote_id, participant_id = id_text(event.vote_id), id_text(event.participant_id)
            self._ballots.setdefault(vote_id, {})[participant_id] = (process_id, event.choice)
            self._dirty_ballots.add((vote_id, participant_id))

    def _vote_closed(self, event: Any) -> None:
        vote_id = id_text(event.vote_id)
        if vote_id not in self._votes_loaded:
            self._votes_loaded.add(vote_id)
            for participant_id, process_id, choice in self._cursor().fetch_all(
                "SELECT participant_id, process_id, choice FROM projection_participation_ballots WHERE vote_id = ?",
                (vote_id,),
            ):
                self._ballots.setdefault(vote_id, {}).setdefault(str(participant_id), (str(process_id), str(choice)))
        for participant_id, (process_id, choice) in sorted(self._ballots.get(vote_id, {}).items()):
            self._count(process_id, "ballot", participant_id, choice)

    def _decided(self, event: Any) -> None:
        proposal_id = id_text(event.originator_id)
        proposal = self._proposal(proposal_id)
        if proposal is not None:
            proposal[2:5] = [timestamp(event.occurred_at), event.outcome, event.method]
            self._dirty_proposals.add(proposal_id)

    def _annulled(self, event: Any) -> None:
        proposal_id = id_text(event.originator_id)
        proposal = self._proposal(proposal_id)
        if proposal is not None:
            proposal[2:5] = [None, None, None]
            self._dirty_proposals.add(proposal_id)

    def _stance_taken(self, event: Any) -> None:
        process_id = self._process_of(event)
        if process_id is None:
            return
        check_id, participant_id = id_text(event.check_id), id_text(event.participant_id)
        self._stances.setdefault(check_id, {})[participant_id] = (process_id, event.stance)
        self._dirty_stances.add((check_id, participant_id))

    def _check_closed(self, event: Any) -> None:
        check_id = id_text(event.check_id)
        if check_id not in self._checks_loaded:
            # One query for the whole check, not one per stance: a check gathers many stances.
            self._checks_loaded.add(check_id)
            for participant_id, process_id, stance in self._cursor().fetch_all(
                "SELECT participant_id, process_id, stance FROM projection_participation_stances WHERE check_id = ?",
                (check_id,),
            ):
                self._stances.setdefault(check_id, {}).setdefault(str(participant_id), (str(process_id), str(stance)))
        for participant_id, (process_id, stance) in sorted(self._stances.get(check_id, {}).items()):
            self._count(process_id, "stance", participant_id, stance)

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
            [(check, pid, *self._stances[check][pid]) for check, pid in sorted(self._dirty_stances)],
        )
        sql.executemany(
            "INSERT INTO projection_participation_ballots (vote_id, participant_id, process_id, choice) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (vote_id, participant_id) DO UPDATE SET choice = excluded.choice",
            [(vote, pid, *self._ballots[vote][pid]) for vote, pid in sorted(self._dirty_ballots)],
        )
        sql.executemany(
            "INSERT INTO projection_participation_people (process_id, measure, participant_id, grp, gender) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (process_id, measure, participant_id) DO NOTHING",
            sorted(self._people),
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

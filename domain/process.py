"""A participatory process (Musrenbang Desa, Musdes, ...) and the register of who takes part."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import (
    NotRegistered,
    ParentNotHigher,
    ParticipantForgotten,
    ProcessClosed,
    RegionNotUnderParent,
    ValueNotAllowed,
    ensure_aware,
    ensure_not_before,
    ensure_one_of,
)
from domain.rules import DecisionRules
from domain.steps import RecordedInOrder, Start, Step
from domain.time_zones import zone_abbreviation, zone_of_region

VISIBILITIES = ("public", "restricted")
GROUPS = (
    "resident",
    "women",
    "youth",
    "elderly",
    "disability",
    "indigenous",
    "vulnerable",
    "government",
    "ngo",
    "private",
    "academic",
    "donor",
    "other",
)
GENDERS = ("female", "male", "undisclosed")
#: The levels of the Musrenbang chain, lowest first: a proposal goes up from one to the next.
LEVELS = ("dusun", "desa", "kecamatan", "kabupaten")
DEFAULT_LEVEL = "desa"


def region_lies_under(region_code: str, higher: str) -> bool:
    """Whether a region code is `higher` itself or a code below it, on whole segments (`63.03.05` lies under
    `63.03`; `63.030` does not)."""
    return region_code == higher or region_code.startswith(f"{higher}.")


class Process(RecordedInOrder, Aggregate):
    """One participatory process of one community, with its rules and its register of participants.

    Version 2 of the aggregate (its snapshots) keeps when the process opened;
    version 3 its time zone; version 4 its assessments; version 5 its level in the Musrenbang chain and its parent.
    """

    class_version = 5

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Snapshots taken before version 2: the process opened when it was recorded."""
        state["opened_at"] = state["_created_on"]

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        """Snapshots taken before version 3: the time zone of the region's province."""
        state["time_zone"] = zone_of_region(state["region_code"])

    @staticmethod
    def upcast_v3_v4(state: dict[str, Any]) -> None:
        """Snapshots taken before version 4: no assessment was recorded."""
        state["assessment_ids"] = []

    @staticmethod
    def upcast_v4_v5(state: dict[str, Any]) -> None:
        """Snapshots taken before version 5: a process of a village, in no chain."""
        state["level"] = DEFAULT_LEVEL
        state["parent_id"] = None

    class Opened(Start):
        """Version 3 added `time_zone` (the IANA zone its times are read and shown in); version 4 `level` (dusun,
        desa, kecamatan, kabupaten) and `parent_id` (the process of the next level up that it belongs to)."""

        class_version = 4
        title: str
        description: str
        region_code: str
        region_name: str
        visibility: str
        rules: DecisionRules
        time_zone: str
        level: str
        parent_id: UUID | None

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Processes opened before version 3 keep the time zone of their region's province."""
            state["time_zone"] = zone_of_region(state["region_code"])

        @staticmethod
        def upcast_v3_v4(state: dict[str, Any]) -> None:
            """Processes opened before version 4 were a village's, in no chain."""
            state["level"] = DEFAULT_LEVEL
            state["parent_id"] = None

    class ParticipantEnrolled(Step):
        participant_id: UUID
        group: str
        gender: str | None

    class ParticipantForgotten(Step):
        participant_id: UUID

    class MeetingScheduled(Step):
        meeting_id: UUID

    class ProposalReceived(Step):
        proposal_id: UUID

    class AssessmentStarted(Step):
        assessment_id: UUID

    class Closed(Step):
        pass

    @event(Opened)
    def __init__(
        self,
        id: UUID,
        title: str,
        description: str,
        region_code: str,
        region_name: str,
        visibility: str,
        rules: DecisionRules,
        time_zone: str,
        occurred_at: datetime,
        actor: Actor,
        level: str = DEFAULT_LEVEL,
        parent_id: UUID | None = None,
    ) -> None:
        self.level = level
        self.parent_id = parent_id
        self.title = title
        self.description = description
        self.region_code = region_code
        self.region_name = region_name
        self.visibility = visibility
        self.rules = rules
        self.time_zone = time_zone
        self.status = "open"
        self.opened_by = actor
        self.opened_at = occurred_at
        # Keyed by participant id as text so that the state stays JSON for snapshots.
        self.register: dict[str, dict[str, Any]] = {}
        self.meeting_ids: list[UUID] = []
        self.proposal_ids: list[UUID] = []
        self.assessment_ids: list[UUID] = []

    def ensure_may_hold(self, level: str, region_code: str) -> None:
        """A process may belong to this one only from a lower level of the chain and a region within this one's."""
        ensure_one_of("level", level, LEVELS)
        parent_level, parent_region = self.level, self.region_code
        if LEVELS.index(level) >= LEVELS.index(parent_level):
            raise ParentNotHigher(
                f"a process of level {level} belongs only to a process of a higher level; this one is {parent_level}",
                parent_id=self.id,
            )
        if not region_lies_under(region_code, self.region_code):
            raise RegionNotUnderParent(
                f"region {region_code} does not lie within the parent's region {parent_region}",
                parent_id=self.id,
            )

    def receive_from_below(self, proposal_id: UUID, actor: Actor, *, occurred_at: datetime) -> None:
        """Records that a proposal adopted in a process of the level below arrived here."""
        self.ensure_open()
        ensure_aware(occurred_at)
        self._proposal_received(proposal_id=proposal_id, occurred_at=occurred_at, actor=actor)

    @property
    def time_zone_abbreviation(self) -> str:
        """What people read after a time of this process: WIB, WITA or WIT."""
        return zone_abbreviation(self.time_zone)

    @property
    def is_public(self) -> bool:
        """Whether the process and its decisions appear in public output."""
        return self.visibility == "public"

    def ensure_open(self) -> None:
        """A closed process takes no more steps."""
        if self.status != "open":
            raise ProcessClosed("this process is closed and takes no more steps", process_id=self.id)

    def ensure_may_act(self, participant_id: UUID) -> None:
        """Only a registered, not forgotten participant of this process may take part."""
        entry = self.register.get(str(participant_id))
        if entry is None:
            raise NotRegistered(
                "this participant is not registered in this process",
                participant_id=participant_id,
                process_id=self.id,
            )
        if entry["forgotten"]:
            raise ParticipantForgotten(
                "this participant's personal data was erased; they can take no more steps",
                participant_id=participant_id,
            )

    def ensure_all_registered(self, participant_ids: list[UUID]) -> None:
        """Every one of these participants may take part in this process."""
        for participant_id in participant_ids:
            self.ensure_may_act(participant_id)

    def group_of(self, participant_id: UUID) -> str | None:
        """The group a registered participant belongs to."""
        entry = self.register.get(str(participant_id))
        return entry["group"] if entry else None

    def gender_of(self, participant_id: UUID) -> str | None:
        """The gender a registered participant gave, if any."""
        entry = self.register.get(str(participant_id))
        return entry["gender"] if entry else None

    @property
    def active_participant_ids(self) -> list[UUID]:
        """Everyone registered and not forgotten, in order of registration."""
        return [UUID(key) for key, entry in self.register.items() if not entry["forgotten"]]

    @property
    def participant_ids(self) -> list[UUID]:
        """Everyone ever registered, in order of registration."""
        return [UUID(key) for key in self.register]

    def enrol_participant(
        self, participant_id: UUID, group: str, gender: str | None, actor: Actor, *, occurred_at: datetime
    ) -> None:
        """Adds a participant to the register (their personal data lives on the Participant)."""
        ensure_one_of("group", group, GROUPS)
        ensure_one_of("gender", gender, (*GENDERS, None))
        if str(participant_id) in self.register:
            raise ValueNotAllowed("this participant is already registered")
        self.ensure_open()
        ensure_aware(occurred_at)
        self._participant_enrolled(
            participant_id=participant_id, group=group, gender=gender, occurred_at=occurred_at, actor=actor
        )

    @event(ParticipantEnrolled)
    def _participant_enrolled(
        self, participant_id: UUID, group: str, gender: str | None, occurred_at: datetime, actor: Actor
    ) -> None:
        self.register[str(participant_id)] = {"group": group, "gender": gender, "forgotten": False}

    def note_participant_forgotten(self, participant_id: UUID, actor: Actor, *, occurred_at: datetime) -> None:
        """Marks a participant whose personal data was erased; they stay counted as their group."""
        if str(participant_id) not in self.register:
            raise NotRegistered("this participant is not registered in this process", participant_id=participant_id)
        ensure_aware(occurred_at)
        self._participant_forgotten(participant_id=participant_id, occurred_at=occurred_at, actor=actor)

    @event(ParticipantForgotten)
    def _participant_forgotten(self, participant_id: UUID, occurred_at: datetime, actor: Actor) -> None:
        self.register[str(participant_id)]["forgotten"] = True

    def schedule_meeting(self, meeting_id: UUID, actor: Actor, *, occurred_at: datetime) -> None:
        """Records that a meeting of this process was scheduled."""
        self.ensure_open()
        ensure_aware(occurred_at)
        self._meeting_scheduled(meeting_id=meeting_id, occurred_at=occurred_at, actor=actor)

    @event(MeetingScheduled)
    def _meeting_scheduled(self, meeting_id: UUID, occurred_at: datetime, actor: Actor) -> None:
        self.meeting_ids.append(meeting_id)

    def receive_proposal(self, proposal_id: UUID, submitted_by: UUID, actor: Actor, *, occurred_at: datetime) -> None:
        """Records that a registered participant submitted a proposal to this process."""
        self.ensure_open()
        self.ensure_may_act(submitted_by)
        ensure_aware(occurred_at)
        self._proposal_received(proposal_id=proposal_id, occurred_at=occurred_at, actor=actor)

    @event(ProposalReceived)
    def _proposal_received(self, proposal_id: UUID, occurred_at: datetime, actor: Actor) -> None:
        self.proposal_ids.append(proposal_id)

    def start_assessment(self, assessment_id: UUID, actor: Actor, *, occurred_at: datetime) -> None:
        """Records that an assessment (kajian) of this process was held."""
        self.ensure_open()
        ensure_aware(occurred_at)
        self._assessment_started(assessment_id=assessment_id, occurred_at=occurred_at, actor=actor)

    @event(AssessmentStarted)
    def _assessment_started(self, assessment_id: UUID, occurred_at: datetime, actor: Actor) -> None:
        self.assessment_ids = [*self.assessment_ids, assessment_id]

    def close(self, actor: Actor, *, occurred_at: datetime) -> None:
        """Ends the process; nothing more is recorded in it. It cannot close before it opened."""
        self.ensure_open()
        ensure_not_before(occurred_at, self.opened_at, "the process opened", process_id=self.id)
        self._closed(occurred_at=occurred_at, actor=actor)

    @event(Closed)
    def _closed(self, occurred_at: datetime, actor: Actor) -> None:
        self.status = "closed"

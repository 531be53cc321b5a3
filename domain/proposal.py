"""A proposal (usulan): its deliberation, consensus checks, vote fallback, decision and corrections.

Checks sit in the public command methods; the private @event methods only
change state, because their bodies run again on every replay. Every step says
when it happened in the room (`occurred_at`, given by the caller); a step can
never have happened before the step it depends on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.deliberation import (
    CHOICES,
    CONTRIBUTION_KINDS,
    METHODS,
    OBJECTION_OUTCOMES,
    OUTCOMES,
    STANCES,
    Annulment,
    ConsensusCheck,
    Correction,
    Decision,
    Objection,
    Vote,
)
from domain.errors import (
    AdoptionNeedsConsensusOrVote,
    AlreadyForwarded,
    BlockingObjectionUnresolved,
    CheckOrVoteOpen,
    ConsensusNotAttempted,
    FindingAlreadyAddressed,
    MergeTargetNotAllowed,
    NotAdopted,
    NothingToCorrect,
    NothingToRedact,
    NotTheParent,
    ObjectionAlreadyResolved,
    PartOfProposalNotFound,
    ProposalAlreadyDecided,
    ProposalMerged,
    ProposalNotDecided,
    ProposalWithdrawn,
    ValueNotAllowed,
    VoteFallbackNotAllowed,
    ensure_aware,
    ensure_not_before,
    ensure_one_of,
)
from domain.planning import Planning, planning_fields
from domain.round import Round, ensure_quorum, last_closed, latest_since
from domain.rules import DecisionRules
from domain.steps import RecordedInOrder, Start, Step, occurred_when_recorded

#: The free-text fields of each step that an erratum may correct.
CORRECTABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "Submitted": ("title", "body"),
    "Amended": ("body", "reason"),
    "Contributed": ("text",),
    "ObjectionRaised": ("grounds",),
    "ObjectionResolved": ("note",),
    "StanceTaken": ("reason",),
    "Decided": ("rationale",),
    "Withdrawn": ("reason",),
    "DecisionAnnulled": ("reason",),
}

#: The statements an admin may redact (a name typed into them, say): what a participant said, the grounds of an
#: objection and how it ended, the reason given with a stance, the rationale of a decision. Their words are
#: stored sealed, each under a key of its own.
REDACTABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "Contributed": ("text",),
    "ObjectionRaised": ("grounds",),
    "ObjectionResolved": ("note",),
    "StanceTaken": ("reason",),
    "Decided": ("rationale",),
}

#: What a proposal records of each finding it addresses (so that its history names it).
ADDRESS_FIELDS = ("finding_id", "assessment_id", "kind", "title")

#: What a redacted statement reads as, everywhere.
REDACTED_TEXT = "[teks disunting]"


class Proposal(RecordedInOrder, Aggregate):
    """The item a community decides, and every step of how it was decided.

    Version 2 of the aggregate (its snapshots) added what the time of the room,
    withdrawal, annulment and errata need; older snapshots read with them empty.
    Version 3 keeps which statements were redacted; version 4 the findings (needs, potentials) it addresses;
    version 5 its planning fields (location, sector, cost, funding, volume, beneficiaries, implementation),
    version 6 where it came from and went to in the Musrenbang chain.
    """

    class_version = 6

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Snapshots taken before version 2: steps happened when recorded, nothing withdrawn, annulled or corrected."""
        state["submitted_at"] = state["_created_on"]
        state["withdrawal"] = None
        state["annulled_decisions"] = []
        state["corrections"] = {}
        state["free_text"] = {}
        state["body_version"] = None

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        """Snapshots taken before version 3: nothing was redacted."""
        state["redactions"] = {}

    @staticmethod
    def upcast_v3_v4(state: dict[str, Any]) -> None:
        """Snapshots taken before version 4: the proposal addressed no finding."""
        state["addresses"] = []

    @staticmethod
    def upcast_v4_v5(state: dict[str, Any]) -> None:
        """Snapshots taken before version 5: the proposal had no planning fields."""
        state["planning"] = {}

    @staticmethod
    def upcast_v5_v6(state: dict[str, Any]) -> None:
        """Snapshots taken before version 6: the proposal was submitted where it stands, went nowhere, merged into
        nothing."""
        state["origin"] = None
        state["forwarded"] = None
        state["merge"] = None

    # --- events --------------------------------------------------------------

    class Submitted(Start):
        """Version 2 added `meeting_id` (proposals may be submitted at a meeting); version 3 `occurred_at`;
        version 4 `planning` (its planning fields, `domain.planning`)."""

        class_version = 4
        process_id: UUID
        title: str
        body: str
        submitted_by: UUID
        meeting_id: UUID | None
        planning: dict[str, Any] | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Proposals stored before version 2 were not submitted at a meeting."""
            state["meeting_id"] = None

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Proposals stored before version 3 were submitted when they were recorded."""
            occurred_when_recorded(state)

        @staticmethod
        def upcast_v3_v4(state: dict[str, Any]) -> None:
            """Proposals stored before version 4 had no planning fields."""
            state["planning"] = {}

    class Arrived(Start):
        """Arrived from below: a proposal adopted in a process of the level below, forwarded up the Musrenbang chain
        into this process.

        `origin` is {proposal_id, process_id} of the proposal it continues; `planning` the planning fields the
        origin had; `note` what the process below sent with it. Nobody of this process submitted it
        (`submitted_by` is None), and not at a meeting (`meeting_id` is None)."""

        process_id: UUID
        title: str
        body: str
        submitted_by: UUID | None
        meeting_id: UUID | None
        origin: dict[str, str]
        note: str | None
        planning: dict[str, Any]

        def apply(self, aggregate: Any) -> None:
            """Where it came from (its planning fields are set by `__init__`, as a submission's are)."""
            aggregate.origin = dict(self.origin)

    class Forwarded(Step):
        """The adopted proposal sent up to the parent process, where it is `proposal_id` now; `delegates` are the
        participants who carry it there."""

        to_process_id: UUID
        proposal_id: UUID
        note: str | None
        delegates: list[UUID]

    class Merged(Step):
        """The undecided proposal merged into another of the same process (a duplicate from another village, say);
        it goes on as that one."""

        into: UUID
        reason: str

    class Contributed(Step):
        participant_id: UUID
        kind: str
        text: str

    class Amended(Step):
        """Version 3 added `planning`: the planning fields as the amendment leaves them (None: unchanged)."""

        class_version = 3
        body: str
        reason: str
        proposed_by: UUID
        planning: dict[str, Any] | None

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Amendments stored before version 3 changed only the text."""
            state["planning"] = None

    class ObjectionRaised(Step):
        objection_id: UUID
        raised_by: UUID
        grounds: str
        blocking: bool

    class ObjectionResolved(Step):
        objection_id: UUID
        outcome: str
        note: str

    class ConsensusCheckOpened(Step):
        """Version 2 added `occurred_at` and `text_version` (None when stored before: the text of that moment)."""

        check_id: UUID
        meeting_id: UUID
        text_version: int | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Checks stored before version 2 were held on the text the proposal had when they opened."""
            occurred_when_recorded(state)
            state["text_version"] = None

    class StanceTaken(Step):
        check_id: UUID
        participant_id: UUID
        stance: str
        reason: str | None

    class ConsensusCheckClosed(Step):
        check_id: UUID
        result: str
        tally: dict[str, object]

    class VoteOpened(Step):
        """Version 2 added `occurred_at` and `text_version` (None when stored before: the text of that moment)."""

        vote_id: UUID
        meeting_id: UUID
        text_version: int | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Votes stored before version 2 were held on the text the proposal had when they opened."""
            occurred_when_recorded(state)
            state["text_version"] = None

    class BallotCast(Step):
        vote_id: UUID
        participant_id: UUID
        choice: str

    class VoteClosed(Step):
        vote_id: UUID
        result: str
        tally: dict[str, object]

    class Decided(Step):
        """Version 2 replaced `decided_at` by `occurred_at`, the time every step now carries."""

        outcome: str
        method: str
        rationale: str
        rules: dict[str, object]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """A decision stored before version 2 was decided at its `decided_at`."""
            state["occurred_at"] = state.pop("decided_at")

    class Withdrawn(Step):
        reason: str

    class DecisionAnnulled(Step):
        reason: str
        legal_basis: str | None
        meeting_id: UUID | None

    class Corrected(Step):
        version: int
        field: str
        text: str
        reason: str

    class FindingsLinked(Step):
        """The findings of an assessment (needs, potentials) the proposal answers, each as it read when linked:
        {finding_id, assessment_id, kind, title}, so that its history names them."""

        addresses: list[dict[str, str]]

    class Redacted(Step):
        """A statement's words made unreadable for good (its key destroyed); why, but never the words."""

        version: int
        field: str
        reason: str

    # --- creation ------------------------------------------------------------

    @event(Submitted)
    def __init__(
        self,
        id: UUID,
        process_id: UUID,
        title: str,
        body: str,
        submitted_by: UUID,
        meeting_id: UUID | None,
        occurred_at: datetime,
        actor: Actor,
        planning: dict[str, Any] | None = None,
    ) -> None:
        self.process_id = process_id
        # The planning fields (`domain.planning`): strings, whole numbers and small dicts, cheap to copy.
        self.planning: Planning = dict(planning or {})
        self.title = title
        self.body = body
        self.submitted_by = submitted_by
        self.meeting_id = meeting_id
        self.submitted_at = occurred_at
        self.text_version = 1
        self.contribution_count = 0
        self.objections: dict[str, Objection] = {}
        self.checks: dict[str, ConsensusCheck] = {}
        self.votes: dict[str, Vote] = {}
        self.decision: Decision | None = None
        self.withdrawal: dict[str, Any] | None = None
        self.annulled_decisions: list[Annulment] = []
        # Keyed by the version (as text) of the step whose free text was corrected, then by field.
        self.corrections: dict[str, dict[str, Correction]] = {}
        # The free-text fields of each step that has any, keyed by its version as text.
        # Which kind of step (a key of CORRECTABLE_FIELDS) holds correctable free text, by version: one short,
        # immutable string per step, so that copying the state for each command stays cheap.
        self.free_text: dict[str, str] = {"1": "Submitted"}
        # The version of the step whose body is the current text (None: not known, stored before).
        self.body_version: int | None = 1
        # The redacted fields of each step, keyed by its version as text.
        self.redactions: dict[str, list[str]] = {}
        # The ids (as text) of the findings it addresses, in the order they were linked.
        self.addresses: list[str] = []
        # The Musrenbang chain: {proposal_id, process_id} it continues (when forwarded from below); where it was
        # forwarded {to_process_id, proposal_id, at}; what it was merged into {into, reason, at}.
        self.origin: dict[str, str] | None = None
        self.forwarded: dict[str, Any] | None = None
        self.merge: dict[str, str] | None = None

    @classmethod
    def submit(
        cls,
        id: UUID,
        process_id: UUID,
        title: str,
        body: str,
        submitted_by: UUID,
        meeting_id: UUID | None,
        occurred_at: datetime,
        actor: Actor,
        planning: dict[str, Any] | None = None,
    ) -> Proposal:
        """Submits a proposal to a process, optionally at a meeting and with its planning fields, at the time it
        happened."""
        ensure_aware(occurred_at)
        return cls(
            planning=planning_fields(planning),
            id=id,
            process_id=process_id,
            title=title,
            body=body,
            submitted_by=submitted_by,
            meeting_id=meeting_id,
            occurred_at=occurred_at,
            actor=actor,
        )

    @classmethod
    def arrive_from_below(
        cls,
        id: UUID,
        process_id: UUID,
        origin: Proposal,
        note: str | None,
        occurred_at: datetime,
        actor: Actor,
    ) -> Proposal:
        """The proposal that continues `origin` in the parent process: its current title and text, where it came
        from and the planning fields it had."""
        ensure_aware(occurred_at)
        return cls._create(
            cls.Arrived,
            id=id,
            process_id=process_id,
            title=origin.title,
            body=origin.body,
            submitted_by=None,
            meeting_id=None,
            origin={"proposal_id": str(origin.id), "process_id": str(origin.process_id)},
            note=note,
            planning=dict(origin.planning),
            occurred_at=occurred_at,
            actor=actor,
        )

    # --- what the state says -------------------------------------------------

    @property
    def status(self) -> str:
        """`open` while deliberation goes on, `decided` once decided, `withdrawn` once withdrawn, `merged` once
        merged into another."""
        if self.withdrawal is not None:
            return "withdrawn"
        if self.merge is not None:
            return "merged"
        return "decided" if self.decision is not None else "open"

    @property
    def unresolved_blocking_objections(self) -> list[Objection]:
        """Blocking objections that were neither addressed, withdrawn nor overruled."""
        return [o for o in self.objections.values() if o.is_unresolved_blocking]

    @property
    def open_rounds(self) -> list[Round]:
        """Consensus checks and votes still open."""
        return [r for r in (*self.checks.values(), *self.votes.values()) if r.is_open]

    def latest_check(self) -> ConsensusCheck | None:
        """The latest consensus check opened since the last annulment, if any."""
        return latest_since(list(self.checks.values()), len(self.annulled_decisions))

    def latest_vote(self) -> Vote | None:
        """The latest vote opened since the last annulment, if any."""
        return latest_since(list(self.votes.values()), len(self.annulled_decisions))

    def latest_step_at_meeting(self, meeting_id: UUID) -> datetime | None:
        """When the latest step of this proposal held at that meeting happened (its submission there, the opening,
        stances or ballots and close of its checks and votes there), None when none was."""
        times = [self.submitted_at] if self.meeting_id == meeting_id else []
        for held in (*self.checks.values(), *self.votes.values()):
            if held.meeting_id == str(meeting_id):
                times += held.times
        return max(times, default=None)

    def objection(self, objection_id: UUID) -> Objection:
        """One objection of this proposal."""
        try:
            return self.objections[str(objection_id)]
        except KeyError:
            raise PartOfProposalNotFound("objection", objection_id) from None

    def check(self, check_id: UUID) -> ConsensusCheck:
        """One consensus check of this proposal."""
        try:
            return self.checks[str(check_id)]
        except KeyError:
            raise PartOfProposalNotFound("consensus check", check_id) from None

    def vote(self, vote_id: UUID) -> Vote:
        """One vote of this proposal."""
        try:
            return self.votes[str(vote_id)]
        except KeyError:
            raise PartOfProposalNotFound("vote", vote_id) from None

    def corrected(self, version: int, field: str) -> Correction | None:
        """The latest erratum of this field of the step at `version`, if it was corrected."""
        return self.corrections.get(str(version), {}).get(field)

    def ensure_not_withdrawn(self) -> None:
        """A withdrawn proposal takes no more steps of any kind."""
        if self.withdrawal is not None:
            raise ProposalWithdrawn("this proposal was withdrawn; nothing more is recorded on it", proposal_id=self.id)

    def ensure_undecided(self) -> None:
        """Deliberation goes on only while the proposal is neither decided, withdrawn nor merged into another."""
        self.ensure_not_withdrawn()
        if self.merge is not None:
            raise ProposalMerged(
                "this proposal was merged into another; it goes on as that one",
                proposal_id=self.id,
                into=self.merge["into"],
            )
        if self.decision is not None:
            raise ProposalAlreadyDecided(
                f"this proposal was already decided ({self.decision.outcome})", proposal_id=self.id
            )

    def _ensure_after_submission(self, occurred_at: datetime) -> None:
        ensure_not_before(occurred_at, self.submitted_at, "the proposal was submitted", proposal_id=self.id)

    # --- deliberation --------------------------------------------------------

    def contribute(self, participant_id: UUID, kind: str, text: str, actor: Actor, *, occurred_at: datetime) -> None:
        """Records support, a concern, a question or information from a participant."""
        ensure_one_of("kind", kind, CONTRIBUTION_KINDS)
        self.ensure_undecided()
        self._ensure_after_submission(occurred_at)
        self._contributed(participant_id=participant_id, kind=kind, text=text, occurred_at=occurred_at, actor=actor)

    @event(Contributed)
    def _contributed(self, participant_id: UUID, kind: str, text: str, occurred_at: datetime, actor: Actor) -> None:
        self.contribution_count += 1
        self._has_free_text("Contributed")

    def amend(
        self,
        body: str,
        reason: str,
        proposed_by: UUID,
        actor: Actor,
        *,
        occurred_at: datetime,
        planning: dict[str, Any] | None = None,
    ) -> None:
        """Replaces the text with a new version, keeping the reason; the old text stays in history.

        Planning fields given replace those of the text before (null clears one): a new cost is a new text
        version too, so a ranking or check held on the old one founds nothing on the new one."""
        self.ensure_undecided()
        self._ensure_after_submission(occurred_at)
        changed = None if planning is None else planning_fields(planning, self.planning)
        self._amended(
            body=body, reason=reason, proposed_by=proposed_by, planning=changed, occurred_at=occurred_at, actor=actor
        )

    @event(Amended)
    def _amended(
        self,
        body: str,
        reason: str,
        proposed_by: UUID,
        planning: dict[str, Any] | None,
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        self.body = body
        if planning is not None:
            self.planning = planning
        self.text_version += 1
        self.body_version = self._has_free_text("Amended")

    def raise_objection(
        self, objection_id: UUID, raised_by: UUID, grounds: str, blocking: bool, actor: Actor, *, occurred_at: datetime
    ) -> None:
        """Records an objection; a blocking one stands in the way of consensus until resolved."""
        self.ensure_undecided()
        self._ensure_after_submission(occurred_at)
        self._objection_raised(
            objection_id=objection_id,
            raised_by=raised_by,
            grounds=grounds,
            blocking=blocking,
            occurred_at=occurred_at,
            actor=actor,
        )

    @event(ObjectionRaised)
    def _objection_raised(
        self, objection_id: UUID, raised_by: UUID, grounds: str, blocking: bool, occurred_at: datetime, actor: Actor
    ) -> None:
        self.objections[str(objection_id)] = Objection(
            objection_id=str(objection_id),
            raised_by=str(raised_by),
            grounds=grounds,
            blocking=blocking,
            raised_at=occurred_at,
        )
        self._has_free_text("ObjectionRaised")

    def resolve_objection(
        self,
        objection_id: UUID,
        outcome: str,
        note: str,
        rules: DecisionRules,
        actor: Actor,
        *,
        occurred_at: datetime,
    ) -> None:
        """Ends an objection: addressed, withdrawn, or overruled where the rules allow a vote fallback."""
        ensure_one_of("outcome", outcome, OBJECTION_OUTCOMES)
        self.ensure_undecided()
        objection = self.objection(objection_id)
        if objection.state != "unresolved":
            raise ObjectionAlreadyResolved(f"this objection was already {objection.state}", objection_id=objection_id)
        if outcome == "overruled" and not rules.vote_fallback:
            raise VoteFallbackNotAllowed(
                "the rules of this process allow no overruling: an objection must be addressed or withdrawn",
                objection_id=objection_id,
            )
        ensure_not_before(occurred_at, objection.raised_at, "the objection was raised", objection_id=objection_id)
        self._objection_resolved(
            objection_id=objection_id, outcome=outcome, note=note, occurred_at=occurred_at, actor=actor
        )

    @event(ObjectionResolved)
    def _objection_resolved(
        self, objection_id: UUID, outcome: str, note: str, occurred_at: datetime, actor: Actor
    ) -> None:
        objection = self.objections[str(objection_id)]
        objection.state = outcome
        objection.note = note
        objection.note_version = self._has_free_text("ObjectionResolved")

    # --- rounds: consensus checks and votes ---------------------------------------

    def open_consensus_check(
        self,
        check_id: UUID,
        meeting_id: UUID,
        invited: int,
        present_of_invited: int,
        rules: DecisionRules,
        actor: Actor,
        *,
        occurred_at: datetime,
        meeting_opened_at: datetime | None,
    ) -> None:
        """Opens a consensus check on the current text at an open meeting whose quorum holds.

        `meeting_opened_at` is when that meeting opened (None when not known): a check cannot open before it.
        """
        self.ensure_undecided()
        self._ensure_round_may_open(meeting_id, invited, present_of_invited, rules, occurred_at, meeting_opened_at)
        self._check_opened(
            check_id=check_id,
            meeting_id=meeting_id,
            text_version=self.text_version,
            occurred_at=occurred_at,
            actor=actor,
        )

    @event(ConsensusCheckOpened)
    def _check_opened(
        self, check_id: UUID, meeting_id: UUID, text_version: int | None, occurred_at: datetime, actor: Actor
    ) -> None:
        self.checks[str(check_id)] = ConsensusCheck(
            check_id=str(check_id), **self._round_held(meeting_id, text_version, occurred_at)
        )

    def take_stance(
        self,
        check_id: UUID,
        participant_id: UUID,
        stance: str,
        reason: str | None,
        actor: Actor,
        *,
        occurred_at: datetime,
    ) -> None:
        """Records a participant's stance; a later stance supersedes theirs, both stay in history."""
        ensure_one_of("stance", stance, STANCES)
        self.ensure_undecided()
        self.check(check_id).ensure_takes_mark(participant_id, occurred_at)
        self._stance_taken(
            check_id=check_id,
            participant_id=participant_id,
            stance=stance,
            reason=reason,
            occurred_at=occurred_at,
            actor=actor,
        )

    @event(StanceTaken)
    def _stance_taken(
        self,
        check_id: UUID,
        participant_id: UUID,
        stance: str,
        reason: str | None,
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        self.checks[str(check_id)].take_mark(participant_id, stance, occurred_at)
        self._has_free_text("StanceTaken")

    def close_consensus_check(
        self,
        check_id: UUID,
        invited: int,
        present_of_invited: int,
        rules: DecisionRules,
        actor: Actor,
        *,
        occurred_at: datetime,
        meeting_closed_at: datetime | None = None,
    ) -> None:
        """Closes a check: consensus is reached when the stances reach it under the process's rule
        (unanimity or consent), no blocking objection stands and the quorum holds.

        It closes within the time of its meeting: not before it opened nor before its latest stance, and not
        after its meeting closed (`meeting_closed_at`, None while the meeting is open).
        """
        self.ensure_undecided()
        result, tally = self.check(check_id).closing(
            invited,
            present_of_invited,
            rules,
            blocking_objections=len(self.unresolved_blocking_objections),
            occurred_at=occurred_at,
            meeting_closed_at=meeting_closed_at,
        )
        self._check_closed(check_id=check_id, result=result, tally=tally, occurred_at=occurred_at, actor=actor)

    @event(ConsensusCheckClosed)
    def _check_closed(
        self, check_id: UUID, result: str, tally: dict[str, object], occurred_at: datetime, actor: Actor
    ) -> None:
        self.checks[str(check_id)].close(result, tally, occurred_at)

    def open_vote(
        self,
        vote_id: UUID,
        meeting_id: UUID,
        invited: int,
        present_of_invited: int,
        rules: DecisionRules,
        actor: Actor,
        *,
        occurred_at: datetime,
        meeting_opened_at: datetime | None,
    ) -> None:
        """Opens a vote on the current text, only where the rules allow a vote fallback, the quorum holds
        and (musyawarah first) the latest consensus check on the current text closed without consensus,
        unless the rules allow a vote without a check."""
        self.ensure_undecided()
        self._ensure_vote_allowed(rules)
        if not rules.vote_without_check:
            self._ensure_consensus_attempted()
        self._ensure_round_may_open(meeting_id, invited, present_of_invited, rules, occurred_at, meeting_opened_at)
        latest = self.latest_check()
        if latest is not None and not rules.vote_without_check:
            ensure_not_before(
                occurred_at, latest.closed_at, "the consensus check it falls back on closed", check_id=latest.check_id
            )
        self._vote_opened(
            vote_id=vote_id, meeting_id=meeting_id, text_version=self.text_version, occurred_at=occurred_at, actor=actor
        )

    def _ensure_vote_allowed(self, rules: DecisionRules) -> None:
        if not rules.vote_fallback:
            raise VoteFallbackNotAllowed(
                "the rules of this process allow no vote: decisions are by consensus only",
                proposal_id=self.id,
            )

    def _ensure_consensus_attempted(self) -> None:
        latest = self.latest_check()
        if latest is not None and latest.is_open:
            raise CheckOrVoteOpen(
                "a consensus check is still open: close it before falling back on a vote", check_id=latest.check_id
            )
        if latest is None or latest.text_version != self.text_version or latest.result != latest.kind.not_carried:
            raise ConsensusNotAttempted(
                "musyawarah first: a vote needs a consensus check on the current text that closed without consensus",
                proposal_id=self.id,
            )

    @event(VoteOpened)
    def _vote_opened(
        self, vote_id: UUID, meeting_id: UUID, text_version: int | None, occurred_at: datetime, actor: Actor
    ) -> None:
        self.votes[str(vote_id)] = Vote(vote_id=str(vote_id), **self._round_held(meeting_id, text_version, occurred_at))

    def cast_ballot(
        self, vote_id: UUID, participant_id: UUID, choice: str, actor: Actor, *, occurred_at: datetime
    ) -> None:
        """Records one ballot per participant; a ballot cannot be changed."""
        ensure_one_of("choice", choice, CHOICES)
        self.ensure_undecided()
        self.vote(vote_id).ensure_takes_mark(participant_id, occurred_at)
        self._ballot_cast(
            vote_id=vote_id, participant_id=participant_id, choice=choice, occurred_at=occurred_at, actor=actor
        )

    @event(BallotCast)
    def _ballot_cast(
        self, vote_id: UUID, participant_id: UUID, choice: str, occurred_at: datetime, actor: Actor
    ) -> None:
        self.votes[str(vote_id)].take_mark(participant_id, choice, occurred_at)

    def close_vote(
        self,
        vote_id: UUID,
        invited: int,
        present_of_invited: int,
        rules: DecisionRules,
        actor: Actor,
        *,
        occurred_at: datetime,
        meeting_closed_at: datetime | None = None,
    ) -> None:
        """Closes a vote and tallies it against the threshold of the rules.

        It closes within the time of its meeting: not before it opened nor before its latest ballot, and not
        after its meeting closed (`meeting_closed_at`, None while the meeting is open).
        """
        self.ensure_undecided()
        result, tally = self.vote(vote_id).closing(
            invited,
            present_of_invited,
            rules,
            blocking_objections=len(self.unresolved_blocking_objections),
            occurred_at=occurred_at,
            meeting_closed_at=meeting_closed_at,
        )
        self._vote_closed(vote_id=vote_id, result=result, tally=tally, occurred_at=occurred_at, actor=actor)

    @event(VoteClosed)
    def _vote_closed(
        self, vote_id: UUID, result: str, tally: dict[str, object], occurred_at: datetime, actor: Actor
    ) -> None:
        self.votes[str(vote_id)].close(result, tally, occurred_at)

    def _ensure_round_may_open(
        self,
        meeting_id: UUID,
        invited: int,
        present_of_invited: int,
        rules: DecisionRules,
        occurred_at: datetime,
        meeting_opened_at: datetime | None,
    ) -> None:
        """A check or vote opens at a meeting whose quorum holds, after the proposal was submitted and the meeting
        opened."""
        ensure_quorum(rules, invited, present_of_invited, meeting_id)
        self._ensure_after_submission(occurred_at)
        ensure_not_before(occurred_at, meeting_opened_at, "its meeting opened", meeting_id=meeting_id)

    def _round_held(self, meeting_id: UUID, text_version: int | None, occurred_at: datetime) -> dict[str, Any]:
        """What a check or vote opening now holds: its meeting, its text (that of this moment when the event was
        stored before it said), when it opened, and how many decisions had been annulled by then."""
        return {
            "meeting_id": str(meeting_id),
            "text_version": self.text_version if text_version is None else text_version,
            "opened_at": occurred_at,
            "after_annulments": len(self.annulled_decisions),
        }

    # --- decision ------------------------------------------------------------

    def decide(
        self,
        outcome: str,
        method: str,
        rationale: str,
        rules: DecisionRules,
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        """Records the decision, decided in the room at `occurred_at`.

        No decision while a check or vote is open. A decision by consensus or vote stands on the latest check
        or vote, closed on the current text with a result that supports it (see `_ensure_founded`); an adoption
        is never without either, nor by consensus over a blocking objection. No decision before the latest
        check or vote closed.
        """
        ensure_one_of("outcome", outcome, OUTCOMES)
        ensure_one_of("method", method, METHODS)
        self.ensure_undecided()
        still_open = self.open_rounds
        if still_open:
            raise CheckOrVoteOpen(
                "a consensus check or vote of this proposal is still open: close it before deciding",
                proposal_id=self.id,
            )
        self._ensure_founded(outcome, method, rules)
        self._ensure_after_submission(occurred_at)
        latest = last_closed(self.latest_check(), self.latest_vote())
        if latest is not None:
            ensure_not_before(
                occurred_at, latest.closed_at, "the check or vote it stands on closed", proposal_id=self.id
            )
        if self.annulled_decisions:
            ensure_not_before(
                occurred_at, self.annulled_decisions[-1].annulled_at, "the last annulment", proposal_id=self.id
            )
        self._decided(
            outcome=outcome,
            method=method,
            rationale=rationale,
            rules=rules.as_dict(),
            occurred_at=occurred_at,
            actor=actor,
        )

    def _ensure_founded(self, outcome: str, method: str, rules: DecisionRules) -> None:
        """Refuses a decision that the closed check or vote on the current text it names by `method` does not bear.

        A decision says how the room decided, and the record must bear it out:
        - `consensus`: the latest check, held on the current text. An adoption needs it reached (and no blocking
          objection standing). A rejection needs a mufakat to reject, itself a check: its quorum held and its
          stances meet the process's rule read against the text (`DecisionRules.consensus_against`); a check that
          merely failed to reach consensus is no consensus to reject. A deferral needs the check held, whatever
          its result, since postponing answers no question a check asks.
        - `vote`: the latest vote, held on the current text: passed for an adoption; for a rejection not passed,
          with its quorum held (a vote without quorum decided nothing); held, for a deferral.
        - `none`: stands on no round, and is never an adoption.
        """
        founding: Round | None
        if method == "consensus":
            if outcome == "adopted" and self.unresolved_blocking_objections:
                raise BlockingObjectionUnresolved(
                    "a blocking objection is unresolved: it must be addressed, withdrawn or overruled first",
                    objection_id=self.unresolved_blocking_objections[0].objection_id,
                )
            kind, founding = ConsensusCheck.kind, self.latest_check()
        elif method == "vote":
            self._ensure_vote_allowed(rules)
            kind, founding = Vote.kind, self.latest_vote()
        else:
            if outcome == "adopted":
                raise AdoptionNeedsConsensusOrVote(
                    "a proposal is adopted by consensus or by vote, never without either", proposal_id=self.id
                )
            return
        if founding is None:
            raise kind.none_held(
                f"no {kind.name} has been held on this text: a decision by {kind.method} stands on one",
                proposal_id=self.id,
            )
        founding.ensure_bears(outcome, rules, self.text_version, self.id)

    @event(Decided)
    def _decided(
        self,
        outcome: str,
        method: str,
        rationale: str,
        rules: dict[str, object],
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        self.decision = Decision(
            outcome=outcome, method=method, rationale=rationale, rules=dict(rules), decided_at=occurred_at
        )
        self._has_free_text("Decided")

    # --- the Musrenbang chain ------------------------------------------------------

    def forward(
        self,
        to_process_id: UUID,
        parent_id: UUID | None,
        proposal_id: UUID,
        note: str | None,
        delegates: list[UUID],
        actor: Actor,
        *,
        occurred_at: datetime,
    ) -> None:
        """Sends the adopted proposal up to the parent of its process (`parent_id`), once, where it goes on as
        `proposal_id`; not before it was adopted."""
        self.ensure_not_withdrawn()
        if self.decision is None or self.decision.outcome != "adopted":
            raise NotAdopted("only an adopted proposal is forwarded up the Musrenbang chain", proposal_id=self.id)
        if self.forwarded is not None:
            raise AlreadyForwarded(
                "this proposal was already forwarded", proposal_id=self.id, forwarded_as=self.forwarded["proposal_id"]
            )
        if parent_id is None or to_process_id != parent_id:
            raise NotTheParent(
                "a proposal is forwarded only to the process its own process belongs to", proposal_id=self.id
            )
        ensure_not_before(occurred_at, self.decision.decided_at, "the proposal was adopted", proposal_id=self.id)
        self._forwarded(
            to_process_id=to_process_id,
            proposal_id=proposal_id,
            note=note,
            delegates=list(delegates),
            occurred_at=occurred_at,
            actor=actor,
        )

    @event(Forwarded)
    def _forwarded(
        self,
        to_process_id: UUID,
        proposal_id: UUID,
        note: str | None,
        delegates: list[UUID],
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        self.forwarded = {
            "to_process_id": str(to_process_id),
            "proposal_id": str(proposal_id),
            "at": occurred_at.isoformat(),
            "delegates": [str(d) for d in delegates],
        }

    def merge_into(self, into: Proposal, reason: str, actor: Actor, *, occurred_at: datetime) -> None:
        """Merges this undecided proposal into another of the same process that is neither merged nor withdrawn
        (duplicates from several villages become one), with the reason."""
        self.ensure_undecided()
        if into.id == self.id or into.process_id != self.process_id:
            raise MergeTargetNotAllowed(
                "a proposal is merged only into another proposal of the same process", proposal_id=self.id, into=into.id
            )
        if into.merge is not None or into.withdrawal is not None:
            status = into.status
            raise MergeTargetNotAllowed(
                f"a proposal is not merged into one that was {status}", proposal_id=self.id, into=into.id
            )
        if not reason.strip():
            raise ValueNotAllowed("a merge says why the proposals are one")
        self._ensure_after_submission(occurred_at)
        self._merged_into(into=into.id, reason=reason, occurred_at=occurred_at, actor=actor)

    @event(Merged)
    def _merged_into(self, into: UUID, reason: str, occurred_at: datetime, actor: Actor) -> None:
        self.merge = {"into": str(into), "reason": reason, "at": occurred_at.isoformat()}

    # --- what it answers --------------------------------------------------------

    def link_findings(self, addresses: list[dict[str, str]], actor: Actor, *, occurred_at: datetime) -> None:
        """Records which findings of the process's assessments (needs it answers, potentials it builds on) the
        undecided proposal addresses; each {finding_id, assessment_id, kind, title}, each once."""
        self.ensure_undecided()
        self._ensure_after_submission(occurred_at)
        if not addresses:
            raise ValueNotAllowed("addresses must name at least one finding")
        ids = [str(found["finding_id"]) for found in addresses]
        again = [finding_id for finding_id in ids if finding_id in self.addresses]
        if again or len(set(ids)) != len(ids):
            raise FindingAlreadyAddressed(
                "this proposal already addresses that finding", proposal_id=self.id, finding_id=(again or ids)[0]
            )
        self._findings_linked(
            addresses=[{key: str(found[key]) for key in ADDRESS_FIELDS} for found in addresses],
            occurred_at=occurred_at,
            actor=actor,
        )

    @event(FindingsLinked)
    def _findings_linked(self, addresses: list[dict[str, str]], occurred_at: datetime, actor: Actor) -> None:
        self.addresses = [*self.addresses, *(str(found["finding_id"]) for found in addresses)]

    # --- corrections ---------------------------------------------------------

    def withdraw(self, reason: str, actor: Actor, *, occurred_at: datetime) -> None:
        """Withdraws an undecided proposal; nothing more is recorded on it."""
        self.ensure_undecided()
        self._ensure_after_submission(occurred_at)
        self._withdrawn(reason=reason, occurred_at=occurred_at, actor=actor)

    @event(Withdrawn)
    def _withdrawn(self, reason: str, occurred_at: datetime, actor: Actor) -> None:
        self.withdrawal = {"reason": reason, "withdrawn_at": occurred_at}
        self._has_free_text("Withdrawn")

    def annul_decision(
        self,
        reason: str,
        legal_basis: str | None,
        meeting_id: UUID | None,
        actor: Actor,
        *,
        occurred_at: datetime,
    ) -> None:
        """Annuls the decision by a later musyawarah: it stays on record among the annulled decisions,
        and the proposal is open again for deliberation and a new decision, founded on new checks or votes."""
        self.ensure_not_withdrawn()
        if self.decision is None:
            raise ProposalNotDecided("this proposal has no decision to annul", proposal_id=self.id)
        ensure_not_before(occurred_at, self.decision.decided_at, "the decision it annuls", proposal_id=self.id)
        self._decision_annulled(
            reason=reason, legal_basis=legal_basis, meeting_id=meeting_id, occurred_at=occurred_at, actor=actor
        )

    @event(DecisionAnnulled)
    def _decision_annulled(
        self, reason: str, legal_basis: str | None, meeting_id: UUID | None, occurred_at: datetime, actor: Actor
    ) -> None:
        assert self.decision is not None
        self.annulled_decisions.append(
            Annulment(
                decision=self.decision,
                reason=reason,
                legal_basis=legal_basis,
                meeting_id=str(meeting_id) if meeting_id is not None else None,
                annulled_at=occurred_at,
            )
        )
        self.decision = None
        self._has_free_text("DecisionAnnulled")

    def correct(self, version: int, field: str, text: str, reason: str, actor: Actor, *, occurred_at: datetime) -> None:
        """Records an erratum of the free text `field` of the step recorded at `version`.

        The original stays in that step's event; readers show the corrected text marked as corrected.
        """
        self.ensure_not_withdrawn()
        ensure_aware(occurred_at)
        if field not in CORRECTABLE_FIELDS.get(self.free_text.get(str(version), ""), ()):
            raise NothingToCorrect(
                f"the step recorded at version {version} of this proposal has no free text named {field!r}",
                proposal_id=self.id,
            )
        if self.is_redacted(version, field):
            raise NothingToCorrect(
                f"{field} of the step at version {version} was redacted: an erratum would publish it again",
                proposal_id=self.id,
            )
        self._corrected(version=version, field=field, text=text, reason=reason, occurred_at=occurred_at, actor=actor)

    @event(Corrected)
    def _corrected(self, version: int, field: str, text: str, reason: str, occurred_at: datetime, actor: Actor) -> None:
        correction = Correction(version=version, field=field, text=text, reason=reason, corrected_at=occurred_at)
        self.corrections.setdefault(str(version), {})[field] = correction
        if version == 1 and field == "title":
            self.title = text
        if field == "body" and version == self.body_version:
            self.body = text

    # --- redaction -----------------------------------------------------------

    def redact(self, version: int, field: str, reason: str, actor: Actor, *, occurred_at: datetime) -> None:
        """Redacts the words of a statement (a contribution, an objection's grounds or resolution note, a stance's
        reason, a decision's rationale) recorded at `version`: from now on it reads as REDACTED_TEXT, and so
        does any erratum of it. (A stance's reason is not kept in the proposal's state: nothing to change here.)"""
        ensure_aware(occurred_at)
        if field not in REDACTABLE_FIELDS.get(self.free_text.get(str(version), ""), ()):
            raise NothingToRedact(
                f"the step recorded at version {version} of this proposal has no statement named {field!r}",
                proposal_id=self.id,
            )
        if field in self.redactions.get(str(version), []):
            raise NothingToRedact(f"{field} of the step at version {version} is already redacted", proposal_id=self.id)
        self._redacted(version=version, field=field, reason=reason, occurred_at=occurred_at, actor=actor)

    def is_redacted(self, version: int, field: str) -> bool:
        """Whether that statement's words were redacted."""
        return field in self.redactions.get(str(version), [])

    @event(Redacted)
    def _redacted(self, version: int, field: str, reason: str, occurred_at: datetime, actor: Actor) -> None:
        self.redactions[str(version)] = [*self.redactions.get(str(version), []), field]
        self._without_words(version, field)

    def without_words_redacted_since(self, latest: Proposal) -> None:
        """This proposal as it stood at an earlier version, with the words redacted since (by `latest`) taken
        out too: a redaction reaches back to every version of the record."""
        for version, fields in latest.redactions.items():
            for field in fields:
                if str(version) in self.free_text:
                    self._without_words(int(version), field)

    def _without_words(self, version: int, field: str) -> None:
        erratum = self.corrections.get(str(version), {}).get(field)
        if erratum is not None:
            erratum.text = REDACTED_TEXT
        # Which objection or decision the step made: the n-th step of its kind made the n-th of them.
        kind = self.free_text[str(version)]
        nth = sorted(int(v) for v, k in self.free_text.items() if k == kind).index(version)
        if kind == "ObjectionRaised":
            objections = list(self.objections.values())
            if nth < len(objections):
                objections[nth].grounds = REDACTED_TEXT
        elif kind == "ObjectionResolved":
            for objection in self.objections.values():
                if objection.note_version == version:
                    objection.note = REDACTED_TEXT
        elif kind == "Decided":
            decisions = [annulment.decision for annulment in self.annulled_decisions]
            if self.decision is not None:
                decisions.append(self.decision)
            if nth < len(decisions):
                decisions[nth].rationale = REDACTED_TEXT

    def _has_free_text(self, step: str) -> int:
        """Notes that the step being applied (the next version) holds correctable free text; returns its version."""
        version = self.version + 1
        self.free_text[str(version)] = step
        return version

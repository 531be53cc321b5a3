"""Random deliberations cannot break the proposal's invariants.

A state machine drives one proposal through random steps; refused steps are
part of the game. After every step the invariants a facilitator and an auditor
rely on must hold, and the recorded events alone must rebuild the same state.
"""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, Mapper, UUIDAsHex
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, multiple, rule
from hypothesis_budget import examples

from domain.actor import Actor
from domain.deliberation import (
    CHOICES,
    CONTRIBUTION_KINDS,
    METHODS,
    OBJECTION_OUTCOMES,
    OUTCOMES,
    STANCES,
    ConsensusCheck,
)
from domain.errors import RuleBroken
from domain.proposal import Proposal
from domain.rules import DecisionRules
from service.adapters.transcodings import register_domain_transcodings

from .builders import DECIDED_AT, FACILITATOR, moment

PARTICIPANTS = [UUID(int=n) for n in range(1, 4)]
MEETINGS = [UUID(int=n) for n in range(101, 103)]
ACTORS = [FACILITATOR, Actor(id="acct-pak-budi", role="facilitator", name="Pak Budi")]

rules_of_a_process = st.builds(
    DecisionRules,
    quorum=st.sampled_from([0.0, 0.5, 2 / 3, 1.0]),
    vote_fallback=st.booleans(),
    vote_threshold=st.sampled_from([0.5, 2 / 3, 1.0]),
    consensus=st.sampled_from(["unanimity", "consent"]),
    vote_without_check=st.booleans(),
)
# (invited, present of invited); often everyone comes, so that checks and votes open at all.
attendance = st.one_of(
    st.integers(1, 4).map(lambda n: (n, n)),
    st.tuples(st.integers(0, 4), st.integers(0, 4)).map(lambda t: (t[0], min(t))),
)
# Adoption is mostly refused until founded, so it is drawn most often: rejecting and deferring end the story.
decision_outcomes = st.sampled_from(["adopted"] * 6 + [o for o in OUTCOMES if o != "adopted"])
decision_methods = st.sampled_from(["consensus", "consensus", "vote", "vote", *METHODS, "acclamation"])


def json_mapper() -> Mapper[UUID]:
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DatetimeAsISO(), DecimalAsStr()):
        transcoder.register(transcoding)
    register_domain_transcodings(transcoder)
    return Mapper(transcoder=transcoder)


def replayed(events: list[DomainEvent]) -> Proposal:
    proposal = None
    for domain_event in events:
        proposal = domain_event.mutate(proposal)  # type: ignore[attr-defined]
    assert isinstance(proposal, Proposal)
    return proposal


class Deliberation(RuleBasedStateMachine):
    """One proposal, random steps by random facilitators, under randomly chosen process rules."""

    objections = Bundle("objections")
    checks = Bundle("checks")
    votes = Bundle("votes")

    def __init__(self) -> None:
        super().__init__()
        self.history: list[DomainEvent] = []
        self.replica: Proposal | None = None
        self.next_id = 1000
        self.decided: tuple[int, dict[str, Any]] | None = None
        self.closed_parts: dict[str, Any] = {}

    # --- helpers ---------------------------------------------------------------

    def record(self, events: list[DomainEvent]) -> None:
        """Keeps the events, and applies them to a replica that only ever sees events."""
        self.history.extend(events)
        for domain_event in events:
            self.replica = domain_event.mutate(self.replica)  # type: ignore[attr-defined]

    def new_id(self) -> UUID:
        self.next_id += 1
        return UUID(int=self.next_id)

    def attempt(self, step: Any) -> bool:
        """Runs a step; a refused step must leave no event and no new version.

        That a refused step changed no state either follows from the replay invariant:
        the state must always equal what the recorded events alone rebuild.
        """
        version = self.proposal.version
        try:
            step()
        except RuleBroken as broken:
            event(f"refused: {broken.code}")
            assert self.proposal.collect_events() == []
            assert self.proposal.version == version
            return False
        events = self.proposal.collect_events()
        assert len(events) == 1
        self.record(events)
        return True

    # --- steps -----------------------------------------------------------------

    @initialize(rules=rules_of_a_process, meeting=st.sampled_from([None, *MEETINGS]))
    def submit(self, rules: DecisionRules, meeting: UUID | None) -> None:
        self.process_rules = rules
        self.proposal = Proposal(
            id=UUID(int=1),
            process_id=UUID(int=2),
            title="Jalan ke pasar",
            body="Pengerasan jalan",
            submitted_by=PARTICIPANTS[0],
            meeting_id=meeting,
            actor=FACILITATOR,
            occurred_at=moment(),
        )
        self.record(self.proposal.collect_events())

    @rule(who=st.sampled_from(PARTICIPANTS), kind=st.sampled_from(CONTRIBUTION_KINDS), actor=st.sampled_from(ACTORS))
    def contribute(self, who: UUID, kind: str, actor: Actor) -> None:
        self.attempt(lambda: self.proposal.contribute(who, kind, "teks", actor, occurred_at=moment()))

    @rule(who=st.sampled_from(PARTICIPANTS), actor=st.sampled_from(ACTORS))
    def amend(self, who: UUID, actor: Actor) -> None:
        self.attempt(lambda: self.proposal.amend(f"versi {self.next_id}", "alasan", who, actor, occurred_at=moment()))

    @rule(target=objections, who=st.sampled_from(PARTICIPANTS), blocking=st.booleans(), actor=st.sampled_from(ACTORS))
    def raise_objection(self, who: UUID, blocking: bool, actor: Actor) -> Any:
        objection_id = self.new_id()
        if self.attempt(
            lambda: self.proposal.raise_objection(objection_id, who, "alasan", blocking, actor, occurred_at=moment())
        ):
            return objection_id
        return multiple()

    @rule(target=objections, who=st.sampled_from(PARTICIPANTS))
    def raise_blocking_objection(self, who: UUID) -> Any:
        """Blocking objections are what consensus must never be adopted over: raise them often."""
        return self.raise_objection(who, True, FACILITATOR)

    @rule(objection=objections, outcome=st.sampled_from(OBJECTION_OUTCOMES), actor=st.sampled_from(ACTORS))
    def resolve_objection(self, objection: UUID, outcome: str, actor: Actor) -> None:
        self.attempt(
            lambda: self.proposal.resolve_objection(
                objection, outcome, "catatan", self.process_rules, actor, occurred_at=moment()
            )
        )

    @rule(target=checks, meeting=st.sampled_from(MEETINGS), present=attendance, actor=st.sampled_from(ACTORS))
    def open_check(self, meeting: UUID, present: tuple[int, int], actor: Actor) -> Any:
        check_id = self.new_id()
        if self.attempt(
            lambda: self.proposal.open_consensus_check(
                check_id, meeting, *present, self.process_rules, actor, occurred_at=moment(), meeting_opened_at=None
            )
        ):
            return check_id
        return multiple()

    @rule(check=checks, who=st.sampled_from(PARTICIPANTS), stance=st.sampled_from(STANCES))
    def take_stance(self, check: UUID, who: UUID, stance: str) -> None:
        self.attempt(lambda: self.proposal.take_stance(check, who, stance, None, FACILITATOR, occurred_at=moment()))

    @rule(check=checks, present=attendance)
    def close_check(self, check: UUID, present: tuple[int, int]) -> None:
        self.attempt(
            lambda: self.proposal.close_consensus_check(
                check, *present, self.process_rules, FACILITATOR, occurred_at=moment()
            )
        )

    @rule(target=votes, meeting=st.sampled_from(MEETINGS), present=attendance)
    def open_vote(self, meeting: UUID, present: tuple[int, int]) -> Any:
        vote_id = self.new_id()
        if self.attempt(
            lambda: self.proposal.open_vote(
                vote_id,
                meeting,
                *present,
                self.process_rules,
                FACILITATOR,
                occurred_at=moment(),
                meeting_opened_at=None,
            )
        ):
            return vote_id
        return multiple()

    @rule(vote=votes, who=st.sampled_from(PARTICIPANTS), choice=st.sampled_from(CHOICES))
    def cast_ballot(self, vote: UUID, who: UUID, choice: str) -> None:
        self.attempt(lambda: self.proposal.cast_ballot(vote, who, choice, FACILITATOR, occurred_at=moment()))

    @rule(vote=votes, present=attendance)
    def close_vote(self, vote: UUID, present: tuple[int, int]) -> None:
        self.attempt(
            lambda: self.proposal.close_vote(vote, *present, self.process_rules, FACILITATOR, occurred_at=moment())
        )

    @rule(meeting=st.sampled_from(MEETINGS), stances=st.lists(st.sampled_from(STANCES), min_size=1, max_size=3))
    def hold_a_whole_check(self, meeting: UUID, stances: list[str]) -> None:
        """Opens a check with everyone present, takes the stances in turn and closes it."""
        check_id = self.new_id()
        if not self.attempt(
            lambda: self.proposal.open_consensus_check(
                check_id, meeting, 3, 3, self.process_rules, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
            )
        ):
            return
        for who, stance in zip(PARTICIPANTS, stances, strict=False):
            self.attempt(
                lambda who=who, stance=stance: self.proposal.take_stance(
                    check_id, who, stance, None, FACILITATOR, occurred_at=moment()
                )
            )
        self.attempt(
            lambda: self.proposal.close_consensus_check(
                check_id, 3, 3, self.process_rules, FACILITATOR, occurred_at=moment()
            )
        )
        event(f"whole check: {self.proposal.checks.get(str(check_id)) and self.proposal.check(check_id).result}")

    @rule(meeting=st.sampled_from(MEETINGS), choices=st.lists(st.sampled_from(CHOICES), max_size=3))
    def hold_a_whole_vote(self, meeting: UUID, choices: list[str]) -> None:
        """Opens a vote with everyone present, casts the ballots in turn and closes it."""
        vote_id = self.new_id()
        if not self.attempt(
            lambda: self.proposal.open_vote(
                vote_id, meeting, 3, 3, self.process_rules, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
            )
        ):
            return
        for who, choice in zip(PARTICIPANTS, choices, strict=False):
            self.attempt(
                lambda who=who, choice=choice: self.proposal.cast_ballot(
                    vote_id, who, choice, FACILITATOR, occurred_at=moment()
                )
            )
        self.attempt(
            lambda: self.proposal.close_vote(vote_id, 3, 3, self.process_rules, FACILITATOR, occurred_at=moment())
        )

    @rule(outcome=decision_outcomes, method=decision_methods)
    def decide(self, outcome: str, method: str) -> None:
        self.try_to_decide(outcome, method)

    @rule()
    def adopt_by_consensus(self) -> None:
        self.try_to_decide("adopted", "consensus")

    @rule()
    def adopt_by_vote(self) -> None:
        self.try_to_decide("adopted", "vote")

    @rule()
    def reject_by_consensus(self) -> None:
        self.try_to_decide("rejected", "consensus")

    @rule()
    def reject_by_vote(self) -> None:
        self.try_to_decide("rejected", "vote")

    def try_to_decide(self, outcome: str, method: str) -> None:
        # Standing blocking objections and the latest closed check, as they were just before.
        standing = list(self.proposal.unresolved_blocking_objections)
        closed = [c for c in self.proposal.checks.values() if c.status == "closed"]
        if outcome == "adopted" and method == "consensus" and standing and closed and closed[-1].result == "reached":
            event("tried: adoption by consensus over a blocking objection raised after a reached check")
        if self.attempt(
            lambda: self.proposal.decide(outcome, method, "alasan", self.process_rules, DECIDED_AT, FACILITATOR)
        ):
            event(f"decided: {outcome} by {method}")
            assert self.decided is None
            if outcome == "adopted" and method == "consensus":
                assert standing == []
            self.decided = (self.proposal.version, copy.deepcopy(vars(self.proposal)))

    # --- invariants ------------------------------------------------------------

    @invariant()
    def adoption_rests_on_a_reached_check_or_a_passed_vote(self) -> None:
        decision = getattr(self, "proposal", None) and self.proposal.decision
        if not decision or decision.outcome != "adopted":
            return
        assert not self.proposal.open_rounds
        if decision.method == "consensus":
            assert self.proposal.unresolved_blocking_objections == []
            checks = list(self.proposal.checks.values())
            assert checks and checks[-1].result == "reached"
            assert checks[-1].text_version == self.proposal.text_version
        else:
            assert decision.method == "vote"
            assert self.process_rules.vote_fallback
            votes = list(self.proposal.votes.values())
            assert votes and votes[-1].result == "passed"
            assert votes[-1].text_version == self.proposal.text_version

    @invariant()
    def every_decision_by_consensus_or_vote_rests_on_a_round_on_its_text_that_bears_it_out(self) -> None:
        decision = getattr(self, "proposal", None) and self.proposal.decision
        if not decision or decision.method == "none":
            assert not decision or decision.outcome != "adopted"
            return
        held = self.proposal.checks if decision.method == "consensus" else self.proposal.votes
        rounds = list(held.values())
        assert rounds, f"{decision.outcome} by {decision.method} with no {decision.method} held"
        latest = rounds[-1]
        assert (latest.status, latest.text_version) == ("closed", self.proposal.text_version)
        if decision.outcome == "rejected":
            assert latest.tally is not None and latest.tally["quorum_met"]
            if decision.method == "consensus":
                assert isinstance(latest, ConsensusCheck)
                assert self.process_rules.consensus_against(latest.count_stances())
            else:
                assert latest.result == "failed"
        if decision.outcome != "adopted":
            event(f"decided: {decision.outcome} by {decision.method}, founded")

    @invariant()
    def a_vote_opens_only_after_musyawarah_failed_on_its_text(self) -> None:
        if getattr(self, "proposal", None) is None or self.process_rules.vote_without_check:
            return
        for vote in self.proposal.votes.values():
            assert any(
                check.result == "not_reached" and check.text_version == vote.text_version
                for check in self.proposal.checks.values()
            )

    @invariant()
    def one_ballot_per_participant_per_vote(self) -> None:
        ballots = Counter(
            (e.vote_id, e.participant_id)
            for e in self.history
            if isinstance(e, Proposal.BallotCast)  # type: ignore[attr-defined]
        )
        assert all(count == 1 for count in ballots.values())

    @invariant()
    def nothing_changes_after_the_decision(self) -> None:
        if self.decided is not None:
            version, state = self.decided
            assert self.proposal.version == version
            assert vars(self.proposal) == state

    @invariant()
    def closed_checks_and_votes_never_change(self) -> None:
        if not hasattr(self, "proposal"):
            return
        parts = {**self.proposal.checks, **self.proposal.votes}
        for part_id, part in parts.items():
            if part.status != "closed":
                continue
            if part_id in self.closed_parts:
                assert part == self.closed_parts[part_id]
            else:
                self.closed_parts[part_id] = copy.deepcopy(part)

    @invariant()
    def every_event_records_the_actor(self) -> None:
        assert all(getattr(e, "actor", None) in ACTORS for e in self.history)

    @invariant()
    def the_events_alone_rebuild_the_same_proposal(self) -> None:
        if not hasattr(self, "proposal"):
            return
        assert self.proposal.version == len(self.history)
        assert vars(self.replica) == vars(self.proposal)

    def teardown(self) -> None:
        # Through the stored form too: what the ledger writes reads back as the same proposal.
        if self.history:
            mapper = json_mapper()
            stored = [mapper.to_domain_event(mapper.to_stored_event(e)) for e in self.history]
            assert vars(replayed(self.history)) == vars(self.proposal)
            assert vars(replayed(stored)) == vars(self.proposal)  # type: ignore[arg-type]


Deliberation.TestCase.settings = settings(
    max_examples=examples(200),
    stateful_step_count=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_random_deliberations_keep_the_proposal_invariants = Deliberation.TestCase


# --- one rule, driven hard: a late blocking objection ---------------------------------

# Steps that never raise or resolve a blocking objection: (command, participant, stance or choice).
Noise = list[tuple[str, UUID, str]]
noise = st.lists(
    st.tuples(
        st.sampled_from(["contribute", "amend", "object", "check", "stance", "close_check", "vote", "ballot", "close"]),
        st.sampled_from(PARTICIPANTS),
        st.sampled_from(STANCES + CHOICES),
    ),
    max_size=12,
)


def make_noise(proposal: Proposal, rules: DecisionRules, steps: Noise) -> None:
    """Runs steps that raise no blocking objection and resolve none; refused steps are skipped."""
    for command, who, value in steps:
        open_checks = [UUID(c.check_id) for c in proposal.checks.values() if c.status == "open"]
        open_votes = [UUID(v.vote_id) for v in proposal.votes.values() if v.status == "open"]
        part_id = UUID(int=len(proposal.checks) + len(proposal.votes) + 500)
        try:
            if command == "contribute":
                proposal.contribute(who, "question", "Berapa biayanya?", FACILITATOR, occurred_at=moment())
            elif command == "amend":
                proposal.amend("teks baru", "alasan", who, FACILITATOR, occurred_at=moment())
            elif command == "object":
                proposal.raise_objection(
                    UUID(int=len(proposal.objections) + 900), who, "catatan", False, FACILITATOR, occurred_at=moment()
                )
            elif command == "check":
                proposal.open_consensus_check(
                    part_id, MEETINGS[0], 3, 3, rules, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
                )
            elif command == "stance" and open_checks and value in STANCES:
                proposal.take_stance(open_checks[-1], who, value, None, FACILITATOR, occurred_at=moment())
            elif command == "close_check" and open_checks:
                proposal.close_consensus_check(open_checks[-1], 3, 3, rules, FACILITATOR, occurred_at=moment())
            elif command == "vote":
                proposal.open_vote(
                    part_id, MEETINGS[0], 3, 3, rules, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
                )
            elif command == "ballot" and open_votes and value in CHOICES:
                proposal.cast_ballot(open_votes[-1], who, value, FACILITATOR, occurred_at=moment())
            elif command == "close" and open_votes:
                proposal.close_vote(open_votes[-1], 3, 3, rules, FACILITATOR, occurred_at=moment())
        except RuleBroken:
            pass


def close_what_is_open(proposal: Proposal, rules: DecisionRules) -> None:
    """Closes every check and vote still open, as a facilitator does before deciding."""
    for check in proposal.checks.values():
        if check.is_open:
            proposal.close_consensus_check(UUID(check.check_id), 3, 3, rules, FACILITATOR, occurred_at=moment())
    for vote in proposal.votes.values():
        if vote.is_open:
            proposal.close_vote(UUID(vote.vote_id), 3, 3, rules, FACILITATOR, occurred_at=moment())


@settings(max_examples=examples(150), deadline=None, database=None)
@given(rules=rules_of_a_process, before=noise, after=noise)
def test_a_blocking_objection_raised_after_a_reached_check_prevents_adoption_by_consensus_until_resolved(
    rules: DecisionRules, before: Noise, after: Noise
) -> None:
    proposal = Proposal(
        id=UUID(int=1),
        process_id=UUID(int=2),
        title="Jalan ke pasar",
        body="Pengerasan jalan",
        submitted_by=PARTICIPANTS[0],
        meeting_id=None,
        actor=FACILITATOR,
        occurred_at=moment(),
    )
    make_noise(proposal, rules, before)
    # Everyone present agrees: the check is reached.
    reached = UUID(int=2000)
    proposal.open_consensus_check(
        reached, MEETINGS[1], 3, 3, rules, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
    )
    proposal.take_stance(reached, PARTICIPANTS[0], "agree", None, FACILITATOR, occurred_at=moment())
    proposal.close_consensus_check(reached, 3, 3, rules, FACILITATOR, occurred_at=moment())
    assert proposal.check(reached).result == "reached"
    # Then somebody raises a blocking objection, and deliberation goes on around it.
    late = UUID(int=3000)
    proposal.raise_objection(late, PARTICIPANTS[2], "Tanah belum dibebaskan", True, FACILITATOR, occurred_at=moment())
    make_noise(proposal, rules, after)
    close_what_is_open(proposal, rules)
    proposal.collect_events()
    version = proposal.version

    with pytest.raises(RuleBroken) as raised:
        proposal.decide("adopted", "consensus", "Mufakat", rules, DECIDED_AT, FACILITATOR)
    assert raised.value.code == "unresolved_blocking_objection"
    assert proposal.collect_events() == []
    assert proposal.version == version
    assert proposal.decision is None

    # Once it is addressed, the latest closed check alone decides.
    proposal.resolve_objection(late, "addressed", "Tanah kas desa", rules, FACILITATOR, occurred_at=moment())
    latest = list(proposal.checks.values())[-1]
    try:
        proposal.decide("adopted", "consensus", "Mufakat", rules, DECIDED_AT, FACILITATOR)
    except RuleBroken as broken:
        if broken.code == "consensus_not_reached":
            assert latest.result == "not_reached"
        else:
            assert broken.code == "text_changed_since_check"
            assert latest.result == "reached"
            assert latest.text_version != proposal.text_version
    else:
        assert latest.result == "reached"
        assert latest.text_version == proposal.text_version
        assert proposal.decision is not None and proposal.decision.method == "consensus"

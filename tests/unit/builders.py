"""Ready-made actors, aggregates and an assertion that a refused step changed nothing."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate

from domain.actor import Actor
from domain.errors import RuleBroken
from domain.meeting import Meeting
from domain.process import Process
from domain.proposal import Proposal
from domain.rules import DecisionRules

FACILITATOR = Actor(id="acct-fasilitator", role="facilitator", name="Bu Sari (fasilitator)")
ADMIN = Actor(id="acct-admin", role="admin", name="Admin Mufakat")
DECIDED_AT = datetime(2027, 3, 14, 10, 30, tzinfo=UTC)
_MOMENTS = itertools.count()
_FIRST_MOMENT = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


def moment() -> datetime:
    """The next moment in the room: each a second after the last (from 1 March 2027, well before DECIDED_AT),
    so that steps recorded one after another also happened one after another."""
    return _FIRST_MOMENT + timedelta(seconds=next(_MOMENTS))


def open_process(
    rules: DecisionRules | None = None,
    actor: Actor = FACILITATOR,
    occurred_at: datetime | None = None,
    time_zone: str = "Asia/Jakarta",
) -> Process:
    """A public Musrenbang process of Desa Sukamaju with the given (or default) rules."""
    return Process(
        id=uuid4(),
        title="Musrenbang Desa Sukamaju 2027",
        description="Perencanaan pembangunan desa",
        region_code="33.02.10.2001",
        region_name="Sukamaju",
        visibility="public",
        rules=rules or DecisionRules(),
        time_zone=time_zone,
        actor=actor,
        occurred_at=occurred_at or moment(),
    )


def submit_proposal(
    meeting_id: UUID | None = None,
    actor: Actor = FACILITATOR,
    occurred_at: datetime | None = None,
    collected: bool = True,
) -> Proposal:
    """A proposal to pave the road to the market, its events already collected (unless `collected` is False:
    then they stay pending, for a test that replays the whole proposal from them)."""
    proposal = Proposal(
        id=uuid4(),
        process_id=uuid4(),
        title="Jalan ke pasar",
        body="Pengerasan jalan dusun 2 ke pasar desa",
        submitted_by=uuid4(),
        meeting_id=meeting_id,
        actor=actor,
        occurred_at=occurred_at or moment(),
    )
    if collected:
        proposal.collect_events()
    return proposal


def replayed(events: list[Any]) -> Proposal:
    """The proposal rebuilt from its events alone, as the repository rebuilds it."""
    rebuilt = None
    for event in events:
        rebuilt = event.mutate(rebuilt)
    assert isinstance(rebuilt, Proposal)
    return rebuilt


def schedule_meeting(
    invited: list[UUID] | None = None, actor: Actor = FACILITATOR, occurred_at: datetime | None = None
) -> Meeting:
    """A scheduled musyawarah, events already collected."""
    meeting = Meeting(
        id=uuid4(),
        process_id=uuid4(),
        title="Musdes I",
        scheduled_for=datetime(2027, 3, 1, 9, 0, tzinfo=UTC),
        location="Balai desa",
        invited=invited,
        actor=actor,
        occurred_at=occurred_at or moment(),
    )
    meeting.collect_events()
    return meeting


def reached_check(proposal: Proposal, rules: DecisionRules | None = None) -> UUID:
    """Opens and closes a consensus check at which everyone present agrees (9 of 9 attend)."""
    rules = rules or DecisionRules()
    check_id = uuid4()
    proposal.open_consensus_check(
        check_id, uuid4(), 9, 9, rules, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
    )
    proposal.take_stance(check_id, uuid4(), "agree", None, FACILITATOR, occurred_at=moment())
    proposal.close_consensus_check(check_id, 9, 9, rules, FACILITATOR, occurred_at=moment())
    assert proposal.check(check_id).result == "reached"
    proposal.collect_events()
    return check_id


def failed_check(proposal: Proposal, rules: DecisionRules | None = None) -> UUID:
    """Opens and closes a consensus check at which one blocks (9 of 9 attend): musyawarah was tried and failed."""
    rules = rules or DecisionRules()
    check_id = uuid4()
    proposal.open_consensus_check(
        check_id, uuid4(), 9, 9, rules, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
    )
    proposal.take_stance(check_id, uuid4(), "block", "Belum sepakat", FACILITATOR, occurred_at=moment())
    proposal.close_consensus_check(check_id, 9, 9, rules, FACILITATOR, occurred_at=moment())
    assert proposal.check(check_id).result == "not_reached"
    proposal.collect_events()
    return check_id


def passed_vote(proposal: Proposal, rules: DecisionRules | None = None) -> UUID:
    """After a failed consensus check, opens and closes a vote of 2 yes to 1 no (9 of 9 attend)."""
    rules = rules or DecisionRules()
    failed_check(proposal, rules)
    vote_id = uuid4()
    proposal.open_vote(vote_id, uuid4(), 9, 9, rules, FACILITATOR, occurred_at=moment(), meeting_opened_at=None)
    for choice in ("yes", "yes", "no"):
        proposal.cast_ballot(vote_id, uuid4(), choice, FACILITATOR, occurred_at=moment())
    proposal.close_vote(vote_id, 9, 9, rules, FACILITATOR, occurred_at=moment())
    assert proposal.vote(vote_id).result == "passed"
    proposal.collect_events()
    return vote_id


def assert_refused(aggregate: Aggregate, code: str, step: Callable[[], object]) -> RuleBroken:
    """The step breaks the rule with this code and leaves no event, no new version, no changed state."""
    aggregate.collect_events()
    version = aggregate.version
    state = copy.deepcopy(vars(aggregate))
    with pytest.raises(RuleBroken) as raised:
        step()
    assert raised.value.code == code
    assert aggregate.collect_events() == []
    assert aggregate.version == version
    assert vars(aggregate) == state
    return raised.value

"""Rebuilding every read model from zero gives the rows that catching up, page by page, gave: on any log."""

from __future__ import annotations

import contextlib
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples
from projection_stories import CONTEXT

from domain.errors import PartOfProposalNotFound, RuleBroken
from domain.process import GROUPS
from domain.rules import DecisionRules
from projections.runner import ReadModels
from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.app.errors import NotFound

STEPS = (
    "register",
    "meeting",
    "attend",
    "submit",
    "contribute",
    "amend",
    "object",
    "resolve",
    "check",
    "stance",
    "close_check",
    "vote",
    "ballot",
    "close_vote",
    "decide",
    "adopt",
    "adopt",
    "submit",
    "commit",
    "commit",
    "progress",
    "progress",
    "catch_up",
)
GENDERS = ("female", "male", "undisclosed", None)
DECISIONS = (("adopted", "consensus"), ("adopted", "vote"), ("rejected", "none"), ("deferred", "none"))


class RandomVillage:
    """Records a step picked by numbers; a step the rules refuse is simply not recorded."""

    def __init__(self, ledger: Mufakat, models: ReadModels) -> None:
        self.ledger = ledger
        self.models = models
        self.processes: list[UUID] = []
        self.people: dict[UUID, list[UUID]] = {}
        self.meetings: dict[UUID, list[UUID]] = {}
        self.proposals: list[tuple[UUID, UUID]] = []
        self.parts: dict[tuple[UUID, str], list[UUID]] = {}
        self.commitments: list[UUID] = []
        self.attending: dict[UUID, set[UUID]] = {}
        for visibility in ("public", "restricted"):
            process_id = ledger.processes.open(
                CONTEXT, "Musdes", "Acak", "33.02.10.2001", "Desa", visibility, DecisionRules()
            ).id
            self.processes.append(process_id)
            self.people[process_id] = []
            self.meetings[process_id] = []
            for number in range(3):
                self._register(process_id, GROUPS[number], GENDERS[number])
            self._meeting(process_id, 7)
            proposal = ledger.proposals.submit(CONTEXT, process_id, "U", "T", self.people[process_id][0], None).id
            self.proposals.append((process_id, proposal))

    def _register(self, process_id: UUID, group: str, gender: str | None) -> None:
        participant = self.ledger.participants.register(CONTEXT, process_id, "Nama", group, gender, None, None).id
        self.people[process_id].append(participant)

    def _meeting(self, process_id: UUID, mask: int) -> None:
        meeting_id = self.ledger.meetings.schedule(
            CONTEXT, process_id, "Rapat", datetime(2026, 9, 8, tzinfo=UTC), None, None
        ).id
        self.meetings[process_id].append(meeting_id)
        people = self.people[process_id]
        attendees = [p for i, p in enumerate(people) if mask >> (i % 8) & 1]
        self.ledger.meetings.open(CONTEXT, meeting_id, attendees)
        self.attending[meeting_id] = set(attendees)

    def do(self, step: str, a: int, b: int, c: int) -> None:
        """Records one step, or nothing when the rules refuse it."""
        with contextlib.suppress(RuleBroken, NotFound, PartOfProposalNotFound):
            self._do(step, a, b, c)

    def _pick(self, items: list[Any], n: int) -> Any:
        return items[n % len(items)] if items else None

    def _do(self, step: str, a: int, b: int, c: int) -> None:
        process_id = self.processes[0 if a % 3 else 1]  # mostly the public one, whose decisions are fed
        people = self.people[process_id]
        participant = self._pick(people, b)
        meeting = self.meetings[process_id][-1]
        if step == "register":
            self._register(process_id, GROUPS[b % len(GROUPS)], GENDERS[c % 4])
        elif step == "meeting":
            self._meeting(process_id, b)
        elif step == "attend":
            # Someone already on the list records nothing new: the read models must not mind either.
            self.ledger.meetings.record_attendance(CONTEXT, meeting, [participant])
            self.attending.setdefault(meeting, set()).add(participant)
        elif step == "submit":
            self.proposals.append(
                (process_id, self.ledger.proposals.submit(CONTEXT, process_id, "U", "T", participant, None).id)
            )
        elif step == "catch_up":
            self.models.page_size = b % 7 + 1
            self.models.catch_up()
        elif step in ("commit", "progress"):
            self._follow_up(step, a, c)
        elif self.proposals:
            self._deliberate(step, a, b, c)

    def _follow_up(self, step: str, a: int, c: int) -> None:
        if step == "commit" and self.proposals:
            proposal = self._pick(self.proposals, a)[1]
            self.commitments.append(
                self.ledger.commitments.make(CONTEXT, proposal, "Kades", "Kerja", date(2027, 1, 1), []).id
            )
        elif step == "progress" and self.commitments:
            self.ledger.commitments.report_progress(CONTEXT, self._pick(self.commitments, a), c * 10 % 110, "Lapor", None)

    def _deliberate(self, step: str, a: int, b: int, c: int) -> None:
        process_id, proposal = self._pick(self.proposals, a)
        participant = self._pick(self.people[process_id], b)
        meeting = self.meetings[process_id][-1]
        objections = self.parts.setdefault((proposal, "objection"), [])
        checks = self.parts.setdefault((proposal, "check"), [])
        votes = self.parts.setdefault((proposal, "vote"), [])
        ledger = self.ledger
        if step == "contribute":
            ledger.proposals.contribute(
                CONTEXT, proposal, participant, ("support", "concern", "question", "information")[c % 4], "x"
            )
        elif step == "amend":
            ledger.proposals.amend(CONTEXT, proposal, f"Teks {c}", "alasan", participant)
        elif step == "object":
            objections.append(ledger.proposals.raise_objection(CONTEXT, proposal, participant, "dasar", c % 2 == 0).part_id)
        elif step == "resolve" and objections:
            outcome = ("addressed", "withdrawn", "overruled")[c % 3]
            ledger.proposals.resolve_objection(CONTEXT, proposal, self._pick(objections, b), outcome, "catatan")
        elif step == "check":
            checks.append(ledger.proposals.open_consensus_check(CONTEXT, proposal, meeting).part_id)
        elif step == "stance" and checks:
            stance = ("agree", "abstain", "disagree", "block")[c % 4]
            ledger.proposals.take_stance(CONTEXT, proposal, self._pick(checks, a), participant, stance, "alasan")
        elif step == "close_check" and checks:
            ledger.proposals.close_consensus_check(CONTEXT, proposal, self._pick(checks, b))
        elif step == "vote":
            votes.append(ledger.proposals.open_vote(CONTEXT, proposal, meeting).part_id)
        elif step == "ballot" and votes:
            ledger.proposals.cast_ballot(CONTEXT, proposal, self._pick(votes, a), participant, ("yes", "no", "abstain")[c % 3])
        elif step == "close_vote" and votes:
            ledger.proposals.close_vote(CONTEXT, proposal, self._pick(votes, b))
        elif step == "decide":
            outcome, method = DECISIONS[c % 4]
            ledger.proposals.decide(CONTEXT, proposal, outcome, method, "alasan")
        elif step == "adopt":
            # The whole road to consensus at once, so that random logs hold decisions and follow-ups.
            check = ledger.proposals.open_consensus_check(CONTEXT, proposal, meeting).part_id
            assert check is not None
            for index, person in enumerate(self.people[process_id][:3]):
                stance = "disagree" if (b + index) % 5 == 0 else "agree"
                ledger.proposals.take_stance(CONTEXT, proposal, check, person, stance, "alasan")
            ledger.proposals.close_consensus_check(CONTEXT, proposal, check)
            ledger.proposals.decide(CONTEXT, proposal, "adopted", "consensus", "mufakat")


numbers = st.integers(min_value=0, max_value=60)
logs = st.lists(st.tuples(st.sampled_from(STEPS), numbers, numbers, numbers), min_size=5, max_size=45)


@settings(max_examples=examples(12), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=logs)
def test_a_rebuild_gives_the_same_rows_as_catching_up_at_random_moments_in_random_pages(
    steps: list[tuple[str, int, int, int]],
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        ledger = Mufakat(env=persistence_settings("sqlite:///" + str(Path(directory) / "m.db")))
        try:
            models = ReadModels(ledger, page_size=3)
            village = RandomVillage(ledger, models)
            for step in steps:
                village.do(*step)
            models.catch_up()
            incremental = models.dump()

            models.rebuild()

            assert models.dump() == incremental
            assert models.position() == ledger.recorder.max_notification_id()
        finally:
            ledger.close()

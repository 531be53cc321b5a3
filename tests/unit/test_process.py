"""A process, its register of participants, and what a closed process refuses."""

from __future__ import annotations

from uuid import uuid4

from domain.process import Process
from domain.rules import DecisionRules

from .builders import ADMIN, FACILITATOR, assert_refused, moment, open_process


def test_an_opened_process_is_open_with_its_rules_and_who_opened_it() -> None:
    rules = DecisionRules(quorum=0.75, vote_fallback=False)
    process = open_process(rules)
    (opened,) = process.collect_events()
    assert isinstance(opened, Process.Opened)
    assert opened.actor == FACILITATOR
    assert process.status == "open"
    assert process.rules == rules
    assert process.opened_by == FACILITATOR
    assert process.is_public


def test_an_enrolled_participant_may_act_and_keeps_their_group_and_gender() -> None:
    process = open_process()
    participant_id = uuid4()
    process.enrol_participant(participant_id, "women", "female", FACILITATOR, occurred_at=moment())
    process.ensure_may_act(participant_id)
    assert process.group_of(participant_id) == "women"
    assert process.gender_of(participant_id) == "female"
    assert process.active_participant_ids == [participant_id]


def test_someone_not_registered_may_not_act() -> None:
    process = open_process()
    stranger = uuid4()
    error = assert_refused(process, "not_registered", lambda: process.ensure_may_act(stranger))
    assert error.ids["participant_id"] == str(stranger)


def test_everyone_in_a_list_must_be_registered() -> None:
    process = open_process()
    member = uuid4()
    process.enrol_participant(member, "youth", None, FACILITATOR, occurred_at=moment())
    process.ensure_all_registered([member])
    assert_refused(process, "not_registered", lambda: process.ensure_all_registered([member, uuid4()]))


def test_a_forgotten_participant_stays_in_the_register_as_their_group_but_may_not_act() -> None:
    process = open_process()
    participant_id = uuid4()
    process.enrol_participant(participant_id, "elderly", "male", FACILITATOR, occurred_at=moment())
    process.note_participant_forgotten(participant_id, ADMIN, occurred_at=moment())
    (forgotten,) = process.collect_events()[-1:]
    assert isinstance(forgotten, Process.ParticipantForgotten)
    assert forgotten.actor == ADMIN
    assert process.participant_ids == [participant_id]
    assert process.active_participant_ids == []
    assert process.group_of(participant_id) == "elderly"
    assert_refused(process, "participant_forgotten", lambda: process.ensure_may_act(participant_id))


def test_only_a_registered_participant_can_be_noted_as_forgotten() -> None:
    process = open_process()
    assert_refused(
        process, "not_registered", lambda: process.note_participant_forgotten(uuid4(), ADMIN, occurred_at=moment())
    )


def test_a_participant_can_be_forgotten_after_the_process_closed() -> None:
    process = open_process()
    participant_id = uuid4()
    process.enrol_participant(participant_id, "resident", None, FACILITATOR, occurred_at=moment())
    process.close(FACILITATOR, occurred_at=moment())
    process.note_participant_forgotten(participant_id, ADMIN, occurred_at=moment())
    assert process.active_participant_ids == []


def test_a_registered_participant_submits_a_proposal_to_the_process() -> None:
    process = open_process()
    participant_id, proposal_id = uuid4(), uuid4()
    process.enrol_participant(participant_id, "resident", None, FACILITATOR, occurred_at=moment())
    process.receive_proposal(proposal_id, participant_id, FACILITATOR, occurred_at=moment())
    assert process.proposal_ids == [proposal_id]


def test_a_proposal_from_someone_not_registered_is_refused() -> None:
    process = open_process()
    assert_refused(
        process, "not_registered", lambda: process.receive_proposal(uuid4(), uuid4(), FACILITATOR, occurred_at=moment())
    )


def test_a_proposal_from_a_forgotten_participant_is_refused() -> None:
    process = open_process()
    participant_id = uuid4()
    process.enrol_participant(participant_id, "resident", None, FACILITATOR, occurred_at=moment())
    process.note_participant_forgotten(participant_id, ADMIN, occurred_at=moment())
    assert_refused(
        process,
        "participant_forgotten",
        lambda: process.receive_proposal(uuid4(), participant_id, FACILITATOR, occurred_at=moment()),
    )


def test_a_meeting_is_scheduled_in_an_open_process() -> None:
    process = open_process()
    meeting_id = uuid4()
    process.schedule_meeting(meeting_id, FACILITATOR, occurred_at=moment())
    assert process.meeting_ids == [meeting_id]


def test_a_closed_process_takes_no_more_steps() -> None:
    process = open_process()
    process.close(FACILITATOR, occurred_at=moment())
    assert process.status == "closed"
    member = uuid4()
    assert_refused(
        process,
        "process_closed",
        lambda: process.enrol_participant(member, "ngo", None, FACILITATOR, occurred_at=moment()),
    )
    assert_refused(
        process, "process_closed", lambda: process.schedule_meeting(uuid4(), FACILITATOR, occurred_at=moment())
    )
    assert_refused(
        process, "process_closed", lambda: process.receive_proposal(uuid4(), member, FACILITATOR, occurred_at=moment())
    )
    assert_refused(process, "process_closed", lambda: process.close(FACILITATOR, occurred_at=moment()))
    assert_refused(process, "process_closed", process.ensure_open)

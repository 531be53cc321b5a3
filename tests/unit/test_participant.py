"""A participant: personal data only sealed, and forgetting it."""

from __future__ import annotations

from uuid import uuid4

from domain.participant import Participant

from .builders import ADMIN, FACILITATOR, assert_refused, moment


def register() -> Participant:
    participant = Participant(
        id=uuid4(),
        process_id=uuid4(),
        group="disability",
        gender="undisclosed",
        sealed_organisation="sealed:b3JnYW5pc2FzaQ==",
        sealed_name="sealed:bmFtZQ==",
        sealed_contact="sealed:Y29udGFjdA==",
        actor=FACILITATOR,
        occurred_at=moment(),
    )
    return participant


def test_a_registered_participant_keeps_group_and_gender_in_the_open_and_personal_data_only_sealed() -> None:
    participant = register()
    (registered,) = participant.collect_events()
    assert isinstance(registered, Participant.Registered)
    assert registered.actor == FACILITATOR
    assert participant.group == "disability"
    assert participant.sealed_name == "sealed:bmFtZQ=="
    assert participant.sealed_organisation == "sealed:b3JnYW5pc2FzaQ=="
    assert not participant.forgotten


def test_forgetting_a_participant_records_who_did_it_and_keeps_them_as_their_group() -> None:
    participant = register()
    participant.collect_events()
    participant.forget(ADMIN, occurred_at=moment())
    (forgotten,) = participant.collect_events()
    assert isinstance(forgotten, Participant.Forgotten)
    assert forgotten.actor == ADMIN
    assert participant.forgotten
    assert participant.group == "disability"


def test_a_participant_is_forgotten_only_once() -> None:
    participant = register()
    participant.forget(ADMIN, occurred_at=moment())
    assert_refused(participant, "participant_forgotten", lambda: participant.forget(ADMIN, occurred_at=moment()))

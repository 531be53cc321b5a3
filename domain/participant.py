"""A person or organisation taking part in a process.

Name, contact and organisation are personal data (an organisation such as
"Keluarga penerima PKH" beside a group and gender can point at one household). The domain only ever holds them sealed
(ciphertext made by the service with this participant's own key); forgetting
the participant destroys that key, so the sealed text stays in the log, every
hash over it still verifies, and nobody can read it again.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import ParticipantForgotten, ensure_aware
from domain.steps import RecordedInOrder, Start, Step


class Participant(RecordedInOrder, Aggregate):
    """A registered participant: a group and gender in the open; name, contact and organisation sealed."""

    class Registered(Start):
        process_id: UUID
        group: str
        gender: str | None
        sealed_organisation: str | None
        sealed_name: str
        sealed_contact: str | None

    class Forgotten(Step):
        pass

    @event(Registered)
    def __init__(
        self,
        id: UUID,
        process_id: UUID,
        group: str,
        gender: str | None,
        sealed_organisation: str | None,
        sealed_name: str,
        sealed_contact: str | None,
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        self.process_id = process_id
        self.group = group
        self.gender = gender
        self.sealed_organisation = sealed_organisation
        self.sealed_name = sealed_name
        self.sealed_contact = sealed_contact
        self.forgotten = False

    def forget(self, actor: Actor, *, occurred_at: datetime) -> None:
        """Records that this participant's personal data was erased (UU 27/2022 PDP)."""
        if self.forgotten:
            raise ParticipantForgotten("this participant was already forgotten", participant_id=self.id)
        ensure_aware(occurred_at)
        self._forgotten(occurred_at=occurred_at, actor=actor)

    @event(Forgotten)
    def _forgotten(self, occurred_at: datetime, actor: Actor) -> None:
        self.forgotten = True

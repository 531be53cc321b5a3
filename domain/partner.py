"""A partner (mitra): an organisation registered in a process, and what it contributes to the work.

Government offices, NGOs, private companies (CSR), donors, universities and community organisations: partners are
organisations, public by design. Their contributions (cash, in kind, technical assistance) may go toward a
commitment of the process; amounts are decimal strings, never floats.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import ValueNotAllowed, ensure_aware, ensure_decimal, ensure_not_before, ensure_one_of
from domain.steps import Start, Step

PARTNER_KINDS = ("government", "ngo", "private", "donor", "academic", "community")
CONTRIBUTION_KINDS = ("cash", "in_kind", "technical")


class Partner(Aggregate):
    """An organisation taking part in a process, and its contributions."""

    class Registered(Start):
        process_id: UUID
        name: str
        kind: str

    class ContributionRecorded(Step):
        contribution_id: UUID
        kind: str
        description: str
        amount: str | None
        commitment_id: str | None

    @event(Registered)
    def __init__(self, id: UUID, process_id: UUID, name: str, kind: str, occurred_at: datetime, actor: Actor) -> None:
        self.process_id = process_id
        self.name = name
        self.kind = kind
        self.registered_at = occurred_at
        self.contributions: list[dict[str, Any]] = []

    @classmethod
    def register(
        cls, id: UUID, process_id: UUID, name: str, kind: str, actor: Actor, *, occurred_at: datetime
    ) -> Partner:
        """Registers an organisation of one of the known kinds, by a name that says something."""
        ensure_aware(occurred_at)
        ensure_one_of("kind", kind, PARTNER_KINDS)
        if not name.strip():
            raise ValueNotAllowed("a partner is registered by its name")
        return cls(id=id, process_id=process_id, name=name.strip(), kind=kind, occurred_at=occurred_at, actor=actor)

    def contribute(
        self,
        contribution_id: UUID,
        kind: str,
        description: str,
        actor: Actor,
        *,
        occurred_at: datetime,
        amount: Any = None,
        commitment_id: UUID | None = None,
    ) -> None:
        """Records a contribution: cash needs its amount; an amount is a decimal, never negative, never a float."""
        ensure_one_of("kind", kind, CONTRIBUTION_KINDS)
        if not description.strip():
            raise ValueNotAllowed("a contribution says what it is")
        if kind == "cash" and amount is None:
            raise ValueNotAllowed("a cash contribution gives its amount")
        recorded_amount = None if amount is None else ensure_decimal("amount", amount, money=True)
        ensure_not_before(occurred_at, self.registered_at, "the partner was registered", partner_id=self.id)
        self._contribution_recorded(
            contribution_id=contribution_id,
            kind=kind,
            description=description,
            amount=recorded_amount,
            commitment_id=None if commitment_id is None else str(commitment_id),
            occurred_at=occurred_at,
            actor=actor,
        )

    @event(ContributionRecorded)
    def _contribution_recorded(
        self,
        contribution_id: UUID,
        kind: str,
        description: str,
        amount: str | None,
        commitment_id: str | None,
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        self.contributions = [
            *self.contributions,
            {
                "contribution_id": str(contribution_id),
                "kind": kind,
                "description": description,
                "amount": amount,
                "commitment_id": commitment_id,
                "occurred_at": occurred_at.isoformat(),
            },
        ]

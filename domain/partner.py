"""A partner (mitra): an organisation registered in a process, and what it contributes to the work.

Government offices, NGOs, private companies (CSR), donors, universities and community organisations: partners are
organisations, public by design. Their contributions (cash, in kind, technical assistance) may go toward a
commitment of the process; amounts are decimal strings, never floats.

A partner also opens access to resources (membuka akses sumber daya): an offer of credit (KUR), a market,
information, a technology, a programme, a grant or a training, answering needs found in the process's
assessments, so the cycle shows which needs found a resource and which did not.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import (
    FindingAlreadyAnswered,
    ValueNotAllowed,
    ensure_aware,
    ensure_decimal,
    ensure_not_before,
    ensure_one_of,
)
from domain.steps import RecordedInOrder, Start, Step

PARTNER_KINDS = ("government", "ngo", "private", "donor", "academic", "community")
CONTRIBUTION_KINDS = ("cash", "in_kind", "technical")
#: The resources a partner opens access to.
OFFER_KINDS = ("credit", "market", "information", "technology", "programme", "grant", "training")
#: What an offer records of each finding it answers (so that its history names it).
ANSWER_FIELDS = ("finding_id", "assessment_id", "kind", "title")


class Partner(RecordedInOrder, Aggregate):
    """An organisation taking part in a process, and its contributions."""

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["offers"] = {}

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

    class OfferMade(Step):
        offer_id: UUID
        kind: str
        title: str
        description: str | None
        answers: list[dict[str, str]]

    class OfferLinked(Step):
        offer_id: UUID
        answers: list[dict[str, str]]

    @event(Registered)
    def __init__(self, id: UUID, process_id: UUID, name: str, kind: str, occurred_at: datetime, actor: Actor) -> None:
        self.process_id = process_id
        self.name = name
        self.kind = kind
        self.registered_at = occurred_at
        self.contributions: list[dict[str, Any]] = []
        # Each offer by its id: {offer_id, kind, title, description, answers: [finding ids], occurred_at}.
        self.offers: dict[str, dict[str, Any]] = {}

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

    # --- access to resources (membuka akses sumber daya) -----------------------------------------------

    def offer(
        self,
        offer_id: UUID,
        kind: str,
        title: str,
        actor: Actor,
        *,
        occurred_at: datetime,
        description: str | None = None,
        answers: Sequence[dict[str, str]] = (),
    ) -> None:
        """Records a resource the partner opens access to, and the findings of the process it answers (each once)."""
        ensure_one_of("kind", kind, OFFER_KINDS)
        if not title.strip():
            raise ValueNotAllowed("an offer says what it is in its title")
        ensure_not_before(occurred_at, self.registered_at, "the partner was registered", partner_id=self.id)
        self._ensure_answered_once([], list(answers))
        self._offer_made(
            offer_id=offer_id,
            kind=kind,
            title=title.strip(),
            description=description,
            answers=[{key: str(found[key]) for key in ANSWER_FIELDS} for found in answers],
            occurred_at=occurred_at,
            actor=actor,
        )

    @event(OfferMade)
    def _offer_made(
        self,
        offer_id: UUID,
        kind: str,
        title: str,
        description: str | None,
        answers: list[dict[str, str]],
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        self.offers = {
            **self.offers,
            str(offer_id): {
                "offer_id": str(offer_id),
                "kind": kind,
                "title": title,
                "description": description,
                "answers": [str(found["finding_id"]) for found in answers],
                "occurred_at": occurred_at.isoformat(),
            },
        }

    def link_offer(
        self, offer_id: UUID, answers: Sequence[dict[str, str]], actor: Actor, *, occurred_at: datetime
    ) -> None:
        """Records more findings an offer of this partner answers; each finding once per offer."""
        offer = self.offers.get(str(offer_id))
        if offer is None:
            raise ValueNotAllowed("no such offer of this partner", partner_id=self.id, offer_id=offer_id)
        if not answers:
            raise ValueNotAllowed("answers must name at least one finding")
        ensure_not_before(occurred_at, self.registered_at, "the partner was registered", partner_id=self.id)
        self._ensure_answered_once(offer["answers"], list(answers))
        self._offer_linked(
            offer_id=offer_id,
            answers=[{key: str(found[key]) for key in ANSWER_FIELDS} for found in answers],
            occurred_at=occurred_at,
            actor=actor,
        )

    @event(OfferLinked)
    def _offer_linked(self, offer_id: UUID, answers: list[dict[str, str]], occurred_at: datetime, actor: Actor) -> None:
        offer = self.offers[str(offer_id)]
        linked = {**offer, "answers": [*offer["answers"], *(str(found["finding_id"]) for found in answers)]}
        self.offers = {**self.offers, str(offer_id): linked}

    def _ensure_answered_once(self, already: list[str], answers: list[dict[str, str]]) -> None:
        ids = [str(found["finding_id"]) for found in answers]
        again = [finding_id for finding_id in ids if finding_id in already]
        if again or len(set(ids)) != len(ids):
            raise FindingAlreadyAnswered(
                "this offer already answers that finding", partner_id=self.id, finding_id=(again or ids)[0]
            )

"""The use cases of partners (mitra), and their read: organisations registered in a process and what they bring.

Partners are organisations, public by design: whoever may read the process reads its partners and their
contributions, and the resources they open access to (offers) with the needs each answers. An offer's
description may quote a resident, so it is checked against the register's names and stored sealed, like a
finding's. A process finds its partners through its partner log (`service.app.complaint_index`), which leaves
the `Process` aggregate unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol
from uuid import UUID, uuid4

from eventsourcing.application import EventSourcedLog

from domain.commitment import Commitment
from domain.partner import Partner
from service.app.access import Principal
from service.app.assessments import addressed_findings
from service.app.complaint_index import PartnerListed, partner_listed, partner_log_id
from service.app.errors import NotFound
from service.app.readable import ensure_expected, readable_process, writable_process
from service.app.receipts import CommandContext, Receipt
from service.app.statement_names import StatementNames
from service.app.unit_of_work import UnitOfWork, command


class Partners:
    """Registering partners and recording their contributions."""

    def __init__(self, uow: UnitOfWork, statement_names: StatementNames) -> None:
        self.uow = uow
        self.statement_names = statement_names

    @command
    def register(self, context: CommandContext, process_id: UUID, name: str, kind: str) -> Receipt:
        """Registers an organisation as a partner of the process."""
        process = writable_process(self.uow, process_id, context, copy=False)
        ensure_expected(process, context)
        partner_id = uuid4()
        partner = Partner.register(
            partner_id, process.id, name, kind, context.actor, occurred_at=context.when(self.uow.clock)
        )
        self.uow.stage(partner, partner_listed(process.id, partner_id))
        return Receipt("partner", partner_id, partner.version, created=True, aggregate=partner)

    @command
    def contribute(
        self,
        context: CommandContext,
        partner_id: UUID,
        kind: str,
        description: str,
        amount: str | None = None,
        commitment_id: UUID | None = None,
    ) -> Receipt:
        """Records a partner's contribution, toward a commitment of the same process when one is named."""
        partner: Partner = self.uow.get(Partner, partner_id, "partner")
        try:
            process = writable_process(self.uow, partner.process_id, context, copy=False)
        except NotFound:
            raise NotFound("partner", partner_id) from None
        ensure_expected(partner, context)
        # Read by anyone who reads the process (and on the portal): a resident named in it is refused, as offers are.
        self.statement_names.ensure_unnamed(process, context.names_are_public, description=description)
        if commitment_id is not None:
            commitment: Commitment = self.uow.get(Commitment, commitment_id, "commitment", copy=False)
            if commitment.process_id != partner.process_id:
                raise NotFound("commitment", commitment_id)
        contribution_id = uuid4()
        partner.contribute(
            contribution_id,
            kind,
            description,
            context.actor,
            occurred_at=context.when(self.uow.clock),
            amount=amount,
            commitment_id=commitment_id,
        )
        self.uow.stage(partner)
        return Receipt("partner", partner_id, partner.version, part_id=contribution_id, aggregate=partner)

    @command
    def offer(
        self,
        context: CommandContext,
        partner_id: UUID,
        kind: str,
        title: str,
        description: str | None = None,
        answers: Sequence[UUID] = (),
    ) -> Receipt:
        """Records a resource the partner opens access to, answering needs found in the process's assessments."""
        partner: Partner = self.uow.get(Partner, partner_id, "partner")
        try:
            process = writable_process(self.uow, partner.process_id, context, copy=False)
        except NotFound:
            raise NotFound("partner", partner_id) from None
        ensure_expected(partner, context)
        self.statement_names.ensure_unnamed(process, context.names_are_public, title=title, description=description)
        answered = addressed_findings(self.uow, process, answers, field="answers") if answers else []
        offer_id = uuid4()
        partner.offer(
            offer_id,
            kind,
            title,
            context.actor,
            occurred_at=context.when(self.uow.clock),
            description=description,
            answers=answered,
        )
        self.uow.stage(partner)
        return Receipt("partner", partner_id, partner.version, part_id=offer_id, aggregate=partner)

    @command
    def link_offer(self, context: CommandContext, partner_id: UUID, offer_id: UUID, answers: Sequence[UUID]) -> Receipt:
        """Records more needs (or potentials) of the process an offer of the partner answers."""
        partner: Partner = self.uow.get(Partner, partner_id, "partner")
        try:
            process = writable_process(self.uow, partner.process_id, context, copy=False)
        except NotFound:
            raise NotFound("partner", partner_id) from None
        if str(offer_id) not in partner.offers:
            raise NotFound("offer", offer_id)
        ensure_expected(partner, context)
        answered = addressed_findings(self.uow, process, answers, field="answers")
        partner.link_offer(offer_id, answered, context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(partner)
        return Receipt("partner", partner_id, partner.version, part_id=offer_id, aggregate=partner)


class Ledger(Protocol):
    """What the read needs of the application: its unit of work and its event store."""

    @property
    def uow(self) -> UnitOfWork:
        """The unit of work (its `get`)."""

    @property
    def events(self) -> Any:
        """The event store the partner logs are read from."""


def as_read(partner: Partner) -> dict[str, Any]:
    """A partner as everyone who reads its process sees it."""
    return {
        "partner_id": partner.id,
        "version": partner.version,
        "process_id": partner.process_id,
        "name": partner.name,
        "kind": partner.kind,
        "contributions": partner.contributions,
        "offers": list(partner.offers.values()),
    }


def partner(ledger: Ledger, caller: Principal, partner_id: UUID) -> dict[str, Any]:
    """One partner, if the caller may read its process."""
    found: Partner = ledger.uow.get(Partner, partner_id, "partner", copy=False)
    try:
        readable_process(ledger.uow, found.process_id, caller, copy=False)
    except NotFound:
        raise NotFound("partner", partner_id) from None
    return as_read(found)


def partners_of(ledger: Ledger, caller: Principal, process_id: UUID, after: int, limit: int) -> dict[str, Any]:
    """A process's partners in the order they were registered, with their contributions."""
    process = readable_process(ledger.uow, process_id, caller, copy=False)
    log = EventSourcedLog(ledger.events, partner_log_id(process.id), PartnerListed)
    found = [ledger.uow.get(Partner, entry.partner_id, "partner", copy=False) for entry in log.get()]
    page = found[after : after + limit]
    return {
        "items": [as_read(p) for p in page],
        "next": str(after + limit) if after + limit < len(found) else None,
    }

"""Use cases of commitments: the follow-up promised on an adopted proposal, and its progress."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from domain.commitment import Commitment, measure
from domain.partner import Partner
from domain.proposal import Proposal
from service.app.disputes import RecordOfAnotherProcess
from service.app.readable import ensure_expected, in_writable_process
from service.app.receipts import CommandContext, Receipt
from service.app.statement_names import StatementNames
from service.app.unit_of_work import UnitOfWork, command


def owner_named(uow: UnitOfWork, process_id: UUID, owner: str | Mapping[str, UUID]) -> tuple[str, UUID | None]:
    """Who owns a commitment or a risk, as recorded: a role as given, or a partner of the process by its name and
    id (a partner of another process is refused naming `owner`; an unknown one is not found)."""
    if isinstance(owner, str):
        return owner, None
    partner_id = owner["partner_id"]
    partner: Partner = uow.get(Partner, partner_id, "partner", copy=False)
    if partner.process_id != process_id:
        raise RecordOfAnotherProcess("owner", partner_id)
    return partner.name, partner_id


class Commitments:
    """Makes commitments and records their progress."""

    def __init__(self, uow: UnitOfWork, names: StatementNames) -> None:
        self.uow = uow
        self.names = names

    @command
    def make(
        self,
        context: CommandContext,
        proposal_id: UUID,
        owner: str | Mapping[str, UUID],
        description: str,
        due: date,
        indicators: Sequence[str | Mapping[str, Any]] = (),
        objectives: Sequence[str] = (),
        budget: Decimal | None = None,
    ) -> Receipt:
        """Records the follow-up promised on an adopted proposal: how it is measured (indicators by name, or with
        unit, baseline, target and means of verification), its objectives and its budget. The owner is a role,
        or `{partner_id}`: a partner of the same process, whose name is recorded as the owner."""
        proposal, process = in_writable_process(self.uow, Proposal, proposal_id, context, copy=False)
        process.ensure_open()
        ensure_expected(proposal, context)
        owner, owner_partner_id = owner_named(self.uow, process.id, owner)
        # Who owns it and how it is measured are published with the decision, like its description.
        named = [item for item in indicators if isinstance(item, str)]
        measures = [
            measure(
                str(item["name"]),
                item.get("unit"),
                item.get("baseline"),
                item.get("target"),
                item.get("means_of_verification"),
            )
            for item in indicators
            if not isinstance(item, str)
        ]
        self.names.ensure_unnamed(
            process,
            context.names_are_public,
            # A partner is an organisation, public by design: its name is no person's.
            owner=owner if owner_partner_id is None else None,
            description=description,
            indicators="\n".join(
                [*named, *(f"{m['name']} {m['unit'] or ''} {m['means_of_verification'] or ''}" for m in measures)]
            ),
            objectives="\n".join(objectives),
        )
        commitment = Commitment.make(
            id=uuid4(),
            proposal_id=proposal_id,
            process_id=proposal.process_id,
            decision_outcome=proposal.decision.outcome if proposal.decision else None,
            owner=owner,
            description=description,
            due=due,
            indicators=named,
            actor=context.actor,
            occurred_at=context.when(self.uow.clock),
            measures=measures,
            objectives=list(objectives),
            budget=budget,
            owner_partner_id=owner_partner_id,
        )
        self.uow.stage(commitment)
        return Receipt("commitment", commitment.id, commitment.version, created=True)

    @command
    def report_progress(
        self,
        context: CommandContext,
        commitment_id: UUID,
        percent: int,
        note: str,
        evidence_url: str | None = None,
        indicator_values: Mapping[str, Decimal] | None = None,
        spent: Decimal | None = None,
        evidence: Sequence[str] = (),
    ) -> Receipt:
        """Records a progress report on a commitment (100 percent completes it): the indicators' values, the money
        spent since the previous report and the evidence files (attached first) it cites."""
        commitment, process = in_writable_process(self.uow, Commitment, commitment_id, context)
        process.ensure_open()
        ensure_expected(commitment, context)
        self.names.ensure_unnamed(process, context.names_are_public, note=note)
        commitment.report_progress(
            percent,
            note,
            evidence_url,
            context.actor,
            occurred_at=context.when(self.uow.clock),
            indicator_values=dict(indicator_values or {}),
            spent=spent,
            evidence=list(evidence),
        )
        self.uow.stage(commitment)
        return Receipt("commitment", commitment_id, commitment.version)

"""Redacting a mediation session's summary: why is recorded, then its words are taken out of everything that
holds them (the statement keys of the summary and of its errata, the dispute's snapshots). Every hash still
verifies. No read model copies a summary: the histories read the dispute's events and open them with their keys."""

from __future__ import annotations

from uuid import UUID

from domain.dispute import Dispute
from domain.errors import NothingToRedact
from service.adapters.ledger import EventLedger
from service.adapters.sealed_statements import statement_key_id
from service.app.errors import Forbidden, NotFound
from service.app.readable import ensure_expected, readable_process
from service.app.receipts import CommandContext, Receipt
from service.app.statement_names import StatementNames
from service.app.unit_of_work import UnitOfWork, command


class DisputeRedaction:
    """(admin) Redacts the summary of a mediation session for good."""

    def __init__(self, uow: UnitOfWork, ledger: EventLedger, names: StatementNames) -> None:
        self.uow = uow
        self.ledger = ledger
        self.names = names

    def redact(self, context: CommandContext, dispute_id: UUID, session_id: UUID, reason: str) -> Receipt:
        """(admin) Records why a summary is redacted, then destroys the keys of its words and of its errata.

        Asked again for a summary already redacted, it answers `nothing_to_redact` after destroying the keys once
        more: a redaction interrupted after its event was stored is finished by asking again."""
        if not context.principal.may_redact_statements():
            raise Forbidden("only admins redact statements")
        dispute = self._readable(dispute_id, context)
        # The reason stays in plain words in the log: it is held to the rule it enforces.
        process = readable_process(self.uow, dispute.process_id, context.principal, copy=False)
        self.names.ensure_unnamed(process, context.names_are_public, reason=reason)
        try:
            receipt = self._record_redaction(context, dispute_id, session_id, reason)
        except NothingToRedact:
            again = self._readable(dispute_id, context)
            if str(session_id) in again.sessions and again.sessions[str(session_id)]["redacted"]:
                self._take_words_out(again, session_id)
            raise
        self._take_words_out(self._readable(dispute_id, context), session_id)
        return receipt

    def _readable(self, dispute_id: UUID, context: CommandContext) -> Dispute:
        dispute: Dispute = self.uow.get(Dispute, dispute_id, "dispute", copy=False)
        try:
            readable_process(self.uow, dispute.process_id, context.principal, copy=False)
        except NotFound:
            raise NotFound("dispute", dispute_id) from None
        return dispute

    def _take_words_out(self, dispute: Dispute, session_id: UUID) -> None:
        """Destroys the keys of the summary and of its errata, and the dispute's snapshots (they copy its state)."""
        keys = [statement_key_id(dispute.id, version, field) for version, field in dispute.summary_versions(session_id)]
        self.ledger.statement_keys.destroy(keys)
        snapshots = self.ledger.delete_snapshots(dispute.id)
        if snapshots:
            self.ledger.side_tables.purge_deleted_from(snapshots)

    @command
    def _record_redaction(self, context: CommandContext, dispute_id: UUID, session_id: UUID, reason: str) -> Receipt:
        # Who may redact was asked by `redact`, before anything was read.
        dispute: Dispute = self.uow.get(Dispute, dispute_id, "dispute")
        ensure_expected(dispute, context)
        dispute.redact_summary(session_id, reason, context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(dispute)
        return Receipt("dispute", dispute_id, dispute.version, aggregate=dispute)

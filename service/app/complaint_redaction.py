"""Redacting a complaint's words and forgetting a complainant's contact: the step is recorded, then what it
concerns is taken out of everything that holds it.

A complaint's text and each response are sealed statements (`SEALED_FIELDS`): redacting one (admins only)
records why, then destroys the statement's key and the complaint's snapshots, as the redaction of a proposal's
or a dispute's statements does. The contact is sealed in the vault under the complaint's own key: forgetting it
(the facilitator of the process or an admin) records the step, then destroys that key. No read model copies a
complaint's words or contact. Asked again after an interruption, each finishes what the stored step began.
"""

from __future__ import annotations

from uuid import UUID

from domain.complaint import Complaint
from domain.errors import NothingToForget, NothingToRedact
from service.adapters.ledger import EventLedger
from service.adapters.sealed_statements import statement_key_id
from service.app.errors import Forbidden, NotFound
from service.app.readable import ensure_expected, readable_process, writable_process
from service.app.receipts import CommandContext, Receipt
from service.app.statement_names import StatementNames
from service.app.unit_of_work import UnitOfWork, command


class ComplaintRedaction:
    """(admin) Redacts a complaint's text or a response for good; forgets a complainant's contact."""

    def __init__(self, uow: UnitOfWork, ledger: EventLedger, names: StatementNames) -> None:
        self.uow = uow
        self.ledger = ledger
        self.names = names

    def redact(self, context: CommandContext, complaint_id: UUID, version: int, field: str, reason: str) -> Receipt:
        """(admin) Records why a statement of the complaint is redacted, then destroys the key of its words.

        Asked again for a statement already redacted, it answers `nothing_to_redact` after destroying the key
        once more: a redaction interrupted after its event was stored is finished by asking again."""
        if not context.principal.may_redact_statements():
            raise Forbidden("only admins redact statements")
        complaint = self._readable(complaint_id, context)
        # The reason stays in plain words in the log: it is held to the rule it enforces.
        process = readable_process(self.uow, complaint.process_id, context.principal, copy=False)
        self.names.ensure_unnamed(process, context.names_are_public, reason=reason)
        try:
            receipt = self._record_redaction(context, complaint_id, version, field, reason)
        except NothingToRedact:
            again = self._readable(complaint_id, context)
            if any(r["version"] == version and r["field"] == field for r in again.redactions):
                self._take_out(again.id, [statement_key_id(again.id, version, field)])
            raise
        self._take_out(complaint_id, [statement_key_id(complaint_id, version, field)])
        return receipt

    def forget_contact(self, context: CommandContext, complaint_id: UUID) -> Receipt:
        """(the facilitator of the process, an admin) Records that the complainant's contact is forgotten, then
        destroys its key: it can never be read again. Asked again, it destroys the key once more."""
        try:
            receipt = self._record_forgetting(context, complaint_id)
        except NothingToForget:
            again = self._readable(complaint_id, context)
            if again.contact_forgotten:
                self.ledger.vault.forget(again.id)
            raise
        self.ledger.vault.forget(complaint_id)
        return receipt

    def _readable(self, complaint_id: UUID, context: CommandContext) -> Complaint:
        complaint: Complaint = self.uow.get(Complaint, complaint_id, "complaint", copy=False)
        try:
            readable_process(self.uow, complaint.process_id, context.principal, copy=False)
        except NotFound:
            raise NotFound("complaint", complaint_id) from None
        if not context.principal.may_see_personal_data(complaint.process_id):
            raise NotFound("complaint", complaint_id)
        return complaint

    def _take_out(self, complaint_id: UUID, keys: list[UUID]) -> None:
        """Destroys the statement keys, and the complaint's snapshots (they copy its state)."""
        self.ledger.statement_keys.destroy(keys)
        snapshots = self.ledger.delete_snapshots(complaint_id)
        if snapshots:
            self.ledger.side_tables.purge_deleted_from(snapshots)

    @command
    def _record_redaction(
        self, context: CommandContext, complaint_id: UUID, version: int, field: str, reason: str
    ) -> Receipt:
        # Who may redact was asked by `redact`, before anything was read.
        complaint: Complaint = self.uow.get(Complaint, complaint_id, "complaint")
        ensure_expected(complaint, context)
        complaint.redact(version, field, reason, context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(complaint)
        return Receipt("complaint", complaint_id, complaint.version, aggregate=complaint)

    @command
    def _record_forgetting(self, context: CommandContext, complaint_id: UUID) -> Receipt:
        complaint: Complaint = self.uow.get(Complaint, complaint_id, "complaint")
        try:
            writable_process(self.uow, complaint.process_id, context, copy=False)
        except NotFound:
            raise NotFound("complaint", complaint_id) from None
        ensure_expected(complaint, context)
        complaint.forget_contact(context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(complaint)
        return Receipt("complaint", complaint_id, complaint.version, aggregate=complaint)

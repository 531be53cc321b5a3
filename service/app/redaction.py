"""Redacting a statement: why is recorded, then its words are taken out of everything that holds them."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from domain.errors import NothingToRedact
from domain.proposal import Proposal
from projections.feed import READ_MODEL_TABLES_WITH_WORDS
from service.adapters.ledger import EventLedger
from service.adapters.sealed_documents import SealedDocuments
from service.adapters.sealed_statements import statement_key_id
from service.app.errors import Forbidden
from service.app.forgetting import meetings_with_sealed_minutes
from service.app.minutes import dealt_with
from service.app.readable import ensure_expected, readable, readable_process
from service.app.receipts import CommandContext, Receipt
from service.app.statement_names import StatementNames
from service.app.unit_of_work import UnitOfWork, command
from service.audit.chain import log_position_of


class Redaction:
    """(admin) Redacts statements for good; every hash still verifies."""

    def __init__(
        self, uow: UnitOfWork, ledger: EventLedger, names: StatementNames, refresh_read_models: Callable[[], object]
    ) -> None:
        """`refresh_read_models` brings the read models up to date (they copied the words)."""
        self.uow = uow
        self.ledger = ledger
        self.names = names
        self.refresh_read_models = refresh_read_models

    def redact(self, context: CommandContext, proposal_id: UUID, version: int, field: str, reason: str) -> Receipt:
        """(admin) Redacts a statement's words for good: records why, then takes the words out of everything
        that holds them (`_take_words_out`). Every hash still verifies.

        Asked again for a statement already redacted, it answers `nothing_to_redact` after taking the words
        out once more: a redaction interrupted after its event was stored is finished by asking again.
        """
        if not context.principal.may_redact_statements():
            raise Forbidden("only admins redact statements")
        proposal = readable(self.uow, Proposal, proposal_id, context.principal)
        # The reason stays in the log in plain words, on the public history, and is itself never redactable:
        # a redaction is most often about a name, and its reason is held to the rule it enforces.
        process = readable_process(self.uow, proposal.process_id, context.principal, copy=False)
        self.names.ensure_unnamed(process, context.names_are_public, reason=reason)
        if not proposal.is_redacted(version, field):
            self._ensure_something_was_said(proposal_id, version, field)
        try:
            receipt = self._record_redaction(context, proposal_id, version, field, reason)
        except NothingToRedact:
            if readable(self.uow, Proposal, proposal_id, context.principal, copy=False).is_redacted(version, field):
                self._take_words_out(proposal_id, version, field)
            raise
        self._take_words_out(proposal_id, version, field)
        return receipt

    def _ensure_something_was_said(self, proposal_id: UUID, version: int, field: str) -> None:
        """A statement left empty (a stance given without a reason) has no words to redact."""
        for event in self.ledger.events.get(proposal_id, gt=version - 1, lte=version):
            if not getattr(event, field, None):
                raise NothingToRedact(
                    f"the step recorded at version {version} of this proposal has no statement named {field!r}",
                    proposal_id=proposal_id,
                )

    def _take_words_out(self, proposal_id: UUID, version: int, field: str) -> None:
        """Destroys the keys of a redacted statement and of its errata, the proposal's snapshots, the berita
        acara sealed before the redaction that printed it, and the read models' copies; then purges the files."""
        keys = [statement_key_id(proposal_id, version, field)]
        redacted_at: int | None = None
        for event in self.ledger.events.get(proposal_id):
            if isinstance(event, Proposal.Corrected) and (event.version, event.field) == (version, field):
                keys.append(statement_key_id(proposal_id, event.originator_version, "text"))
            if isinstance(event, Proposal.Redacted) and (event.version, event.field) == (version, field):
                redacted_at = log_position_of(self.ledger.side_tables, proposal_id, event.originator_version)
        self.ledger.statement_keys.destroy(keys)
        snapshots = self.ledger.delete_snapshots(proposal_id)
        self._erase_minutes_sealed_before(proposal_id, redacted_at)
        # The read models copied the words (a decision item's rationale, an objection's grounds): bring them up
        # to date now, so that the rows they rewrite leave the files with the rest, in one purge.
        self.refresh_read_models()
        with_words = [*snapshots, *SealedDocuments.TABLES, *READ_MODEL_TABLES_WITH_WORDS]
        purged = self.ledger.side_tables.purge_deleted_from(with_words)
        if not purged and not self.ledger.side_tables.is_postgres:  # a reader keeps the read models' old pages: retried
            self.ledger.vault.note_words_on_disk(keys)

    def _erase_minutes_sealed_before(self, proposal_id: UUID, redacted_at: int | None) -> None:
        """A berita acara sealed before a redaction may print the words (its bytes are what was signed): erased,
        both versions; its hash stays in the log, and a version sealed now prints the words redacted."""
        proposal = self.uow.get(Proposal, proposal_id, "proposal")
        self.ledger.sealed_documents.erase(
            [
                sha256
                for meeting in meetings_with_sealed_minutes(self.uow, proposal.process_id)
                if dealt_with(proposal, meeting)
                for record in meeting.sealed_minutes
                if redacted_at is None or int(record["log_position"]) < redacted_at
                for sha256 in (record["public_sha256"], record["full_sha256"])
            ]
        )

    @command
    def _record_redaction(
        self, context: CommandContext, proposal_id: UUID, version: int, field: str, reason: str
    ) -> Receipt:
        # Who may redact was asked by `redact`, before anything was read.
        proposal = readable(self.uow, Proposal, proposal_id, context.principal)
        ensure_expected(proposal, context)
        proposal.redact(version, field, reason, context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version)

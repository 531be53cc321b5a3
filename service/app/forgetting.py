"""Forgetting a participant: their key destroyed, their record kept as their group, full berita acara erased."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

from domain.meeting import Meeting
from domain.participant import Participant
from domain.process import Process
from service.adapters.ledger import EventLedger
from service.app.errors import Forbidden
from service.app.minutes_sealing import forget_minutes_names
from service.app.readable import ensure_expected
from service.app.receipts import CommandContext, Receipt
from service.app.statement_names import StatementNames
from service.app.unit_of_work import UnitOfWork, command


def meetings_with_sealed_minutes(uow: UnitOfWork, process_id: UUID) -> Iterator[Meeting]:
    """The meetings of a process whose berita acara was sealed at least once."""
    for meeting_id in uow.get(Process, process_id, "process").meeting_ids:
        meeting = uow.get(Meeting, meeting_id, "meeting")
        if meeting.sealed_minutes:
            yield meeting


class Forgetting:
    """Erases a participant's personal data from everything that holds it."""

    def __init__(self, uow: UnitOfWork, ledger: EventLedger, names: StatementNames) -> None:
        self.uow = uow
        self.ledger = ledger
        self.vault = ledger.vault
        self.sealed_documents = ledger.sealed_documents
        self.names = names

    def forget(self, context: CommandContext, participant_id: UUID) -> Receipt:
        """Erases a participant's personal data: destroys their key, keeps their record as their group."""
        receipt = self._record_forgetting(context, participant_id)
        # The key goes after the event is durable: a crash in between leaves a forgotten
        # participant whose key a retry (or `mufakat forget`) still destroys.
        self.vault.forget(participant_id)
        participant = self.uow.get(Participant, participant_id, "participant")
        self.names.forget_process(participant.process_id)
        # A full berita acara lists everyone present by name: those naming them go too (the public versions,
        # without names, stay; a corrected version sealed now names them as forgotten).
        for meeting in meetings_with_sealed_minutes(self.uow, participant.process_id):
            if participant_id in {*meeting.attendees, *(meeting.invited or [])}:
                forget_minutes_names(self.ledger, self.sealed_documents, meeting)
        return receipt

    @command
    def _record_forgetting(self, context: CommandContext, participant_id: UUID) -> Receipt:
        if not context.principal.may_forget_participants():
            raise Forbidden("only admins forget participants")
        participant = self.uow.get(Participant, participant_id, "participant")
        ensure_expected(participant, context)
        process = self.uow.get(Process, participant.process_id, "process")
        forgotten_at = context.when(self.uow.clock)
        participant.forget(context.actor, occurred_at=forgotten_at)
        process.note_participant_forgotten(participant_id, context.actor, occurred_at=forgotten_at)
        self.uow.stage(participant, process)
        return Receipt("participant", participant_id, participant.version)

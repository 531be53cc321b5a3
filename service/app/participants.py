"""Use cases of participants: registering one, their name and contact sealed with a key of their own."""

from __future__ import annotations

from uuid import UUID, uuid4

from domain.participant import Participant
from service.app.ports import Vault
from service.app.readable import ensure_expected, writable_process
from service.app.receipts import CommandContext, Receipt
from service.app.unit_of_work import UnitOfWork, command


class Participants:
    """Registers participants in a process."""

    def __init__(self, uow: UnitOfWork, vault: Vault) -> None:
        self.uow = uow
        self.vault = vault

    def register(
        self,
        context: CommandContext,
        process_id: UUID,
        name: str,
        group: str,
        gender: str | None,
        organisation: str | None,
        contact: str | None,
    ) -> Receipt:
        """Registers a participant; their name and contact are sealed with a key of their own.

        The key is made once, before the unit of work (which may run again), and
        destroyed when no participant came of it (a refusal, a replayed request).
        """
        participant_id = uuid4()
        self.vault.create_key(participant_id)
        try:
            receipt = self._enrol(context, process_id, participant_id, name, group, gender, organisation, contact)
        except BaseException:
            self.vault.forget(participant_id)
            raise
        if receipt.id != participant_id:
            self.vault.forget(participant_id)
        return receipt

    @command
    def _enrol(
        self,
        context: CommandContext,
        process_id: UUID,
        participant_id: UUID,
        name: str,
        group: str,
        gender: str | None,
        organisation: str | None,
        contact: str | None,
    ) -> Receipt:
        process = writable_process(self.uow, process_id, context)
        ensure_expected(process, context)
        process.enrol_participant(
            participant_id, group, gender, context.actor, occurred_at=context.when(self.uow.clock)
        )
        participant = Participant(
            id=participant_id,
            process_id=process_id,
            group=group,
            gender=gender,
            sealed_organisation=self.vault.seal(participant_id, organisation),
            sealed_name=self.vault.seal(participant_id, name) or "",
            sealed_contact=self.vault.seal(participant_id, contact),
            occurred_at=context.when(self.uow.clock),
            actor=context.actor,
        )
        self.uow.stage(process, participant)
        return Receipt("participant", participant_id, participant.version, created=True)

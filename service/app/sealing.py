"""Sealing a berita acara: both versions rendered once, signed, kept, and their hashes recorded in the log."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.meeting import Meeting
from service.adapters.ledger import EventLedger
from service.app.minutes import MinutesRequest, Signer, Signers
from service.app.minutes_sealing import prepare_sealing
from service.app.readable import ensure_expected, readable, writable_process
from service.app.receipts import CommandContext, Receipt, at_default_time
from service.app.statement_names import StatementNames
from service.app.unit_of_work import UnitOfWork, command
from service.audit.minutes_certificates import sealing_identity
from service.audit.signing import load_or_create_signing_key
from service.settings import Settings


class MinutesSealing:
    """Seals the berita acara of closed meetings."""

    def __init__(self, uow: UnitOfWork, ledger: EventLedger, names: StatementNames, settings: Settings) -> None:
        self.uow = uow
        self.ledger = ledger
        self.names = names
        self.settings = settings

    def seal(
        self,
        context: CommandContext,
        meeting_id: UUID,
        chair: Mapping[str, str],
        secretary: Mapping[str, str],
        agenda: Sequence[str],
        notes: str | None,
        signatories: Sequence[Mapping[str, str]],
        occurred_at: datetime | None = None,
        language: str = "id",
        signing_key: Ed25519PrivateKey | None = None,
        key_file: Path | None = None,
    ) -> Receipt:
        """Seals the berita acara of a closed meeting: both versions rendered once, signed, kept, hashed in the log.

        The PDF is signed with the key beside `key_file` (the ledger's key file; `MUFAKAT_SECRET_KEY_FILE` unless
        given), under a certificate bound to the ledger's key in the log.

        Rendering happens before the command joins a batch; a concurrent sealing makes this one answer
        `minutes_not_latest` rather than be rendered again. Given no `occurred_at`, it is sealed now, or when the
        meeting closed while the server's clock is behind that (`at_default_time`).
        """
        asked = context if occurred_at is None else replace(context, occurred_at=occurred_at)
        return at_default_time(
            asked,
            lambda lifted: self._seal(
                lifted, meeting_id, chair, secretary, agenda, notes, signatories, language, signing_key, key_file
            ),
        )

    def _seal(
        self,
        context: CommandContext,
        meeting_id: UUID,
        chair: Mapping[str, str],
        secretary: Mapping[str, str],
        agenda: Sequence[str],
        notes: str | None,
        signatories: Sequence[Mapping[str, str]],
        language: str,
        signing_key: Ed25519PrivateKey | None,
        key_file: Path | None,
    ) -> Receipt:
        if context.idempotency is not None and (earlier := self.uow.earlier_answer(context.idempotency)):
            return earlier
        occurred_at = context.when(self.uow.clock)
        meeting = readable(self.uow, Meeting, meeting_id, context.principal)
        process = writable_process(self.uow, meeting.process_id, context)
        ensure_expected(meeting, context)
        # The public version prints each signer's role under "(nama tidak dimuat dalam versi publik)": a name
        # typed into a role is printed all the same.
        self.names.ensure_unnamed(
            process,
            context.names_are_public,
            agenda="\n".join(agenda),
            notes=notes,
            chair=chair.get("role"),
            secretary=secretary.get("role"),
            signatories="\n".join(signatory.get("role") or "" for signatory in signatories),
        )
        ledger_key_file = key_file or self.settings.secret_key_file
        request = MinutesRequest(
            Signers(
                Signer.from_mapping(chair), Signer.from_mapping(secretary), tuple(map(Signer.from_mapping, signatories))
            ),
            tuple(agenda),
            notes,
            language,
        )
        sealing = prepare_sealing(
            self.ledger,
            self.ledger.sealed_documents,
            process,
            meeting,
            request,
            occurred_at,
            lambda: sealing_identity(
                self.ledger,
                signing_key or load_or_create_signing_key(ledger_key_file),
                self.uow.clock(),
                ledger_key_file,
            ),
            self.settings.public_url.rstrip("/"),
        )

        return self._record_sealing(context, meeting_id, sealing, occurred_at)

    @command
    def _record_sealing(
        self, context: CommandContext, meeting_id: UUID, sealing: dict[str, Any], occurred_at: datetime
    ) -> Receipt:
        meeting = readable(self.uow, Meeting, meeting_id, context.principal)
        writable_process(self.uow, meeting.process_id, context, copy=False)
        ensure_expected(meeting, context)
        meeting.seal_minutes(**sealing, actor=context.actor, occurred_at=occurred_at)
        self.uow.stage(meeting)
        return Receipt("meeting", meeting_id, meeting.version, created=True)

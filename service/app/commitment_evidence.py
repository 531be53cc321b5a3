"""The evidence files of a commitment's progress (photos of the work, receipts), kept in the evidence store of the
assessments by their SHA-256 and recorded in the commitment; and who may read them.

Keeping the file is the one side effect: it happens before the command, keyed by the file's own hash, so a second
run (or a retried request) keeps nothing new, and a file whose command was refused is named by no commitment and
served to nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from domain.commitment import Commitment
from domain.process import Process
from service.app.access import Principal
from service.app.errors import NotFound
from service.app.ports import CleanedFile, EvidenceStore
from service.app.readable import ensure_expected, in_writable_process, readable_process
from service.app.receipts import CommandContext, Receipt
from service.app.unit_of_work import UnitOfWork, command


class CommitmentEvidence:
    """Attaching evidence files to commitments, and reading them back."""

    def __init__(self, uow: UnitOfWork, evidence: EvidenceStore, clean: Callable[[bytes], CleanedFile]) -> None:
        self.uow = uow
        self.evidence = evidence
        self.clean = clean

    def _open(self, commitment_id: UUID, context: CommandContext) -> tuple[Commitment, Process]:
        commitment, process = in_writable_process(self.uow, Commitment, commitment_id, context)
        process.ensure_open()
        ensure_expected(commitment, context)
        return commitment, process

    def attach(self, context: CommandContext, commitment_id: UUID, content: bytes, name: str) -> tuple[Receipt, str]:
        """Keeps an evidence file (photos without their EXIF and GPS) and records its SHA-256 in the commitment;
        the receipt and the SHA-256 a progress report cites it by. Who may write is asked before a byte is kept."""
        self._open(commitment_id, context)
        clean = self.clean(content)
        self.evidence.keep(clean.content)
        receipt = self._record(context, commitment_id, clean.sha256, name, clean.media_type, len(clean.content))
        return receipt, clean.sha256

    @command
    def _record(
        self, context: CommandContext, commitment_id: UUID, sha256: str, name: str, media_type: str, size: int
    ) -> Receipt:
        commitment, _ = self._open(commitment_id, context)
        commitment.attach_evidence(
            sha256, name, media_type, size, context.actor, occurred_at=context.when(self.uow.clock)
        )
        self.uow.stage(commitment)
        return Receipt("commitment", commitment_id, commitment.version, created=True)

    def file(self, principal: Principal, commitment_id: UUID, sha256: str) -> tuple[bytes, str]:
        """The bytes and media type of an evidence file attached to a commitment the caller may read (a
        commitment's progress is public on a public process, like the feed's progress items)."""
        commitment: Commitment = self.uow.get(Commitment, commitment_id, "commitment", copy=False)
        try:
            readable_process(self.uow, commitment.process_id, principal, copy=False)
        except NotFound:
            raise NotFound("commitment", commitment_id) from None
        details = commitment.evidence.get(sha256)
        content = None if details is None else self.evidence.read(sha256)
        if details is None or content is None:
            raise NotFound("evidence", sha256)
        return content, str(details["media_type"])

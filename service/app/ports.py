"""The ports use cases receive, beyond their unit of work: what they need of the stores beside the ledger."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID


class Vault(Protocol):
    """The personal-data vault (`service.adapters.personal_data`): one key per participant."""

    def create_key(self, participant_id: UUID) -> None:
        """Makes the participant's key (before the unit of work that may run again)."""

    def seal(self, participant_id: UUID, plaintext: str | None) -> str | None:
        """The text sealed with the participant's key (None stays None)."""

    def open(self, participant_id: UUID, sealed: str | None) -> str | None:
        """The sealed text opened (a placeholder once the key is destroyed)."""

    def forget(self, participant_id: UUID) -> bool:
        """Destroys the participant's key."""


class CleanedFile(Protocol):
    """An evidence file ready to keep: its bytes (a photo's metadata stripped), media type and SHA-256."""

    @property
    def content(self) -> bytes: ...

    @property
    def media_type(self) -> str: ...

    @property
    def sha256(self) -> str: ...


class EvidenceStore(Protocol):
    """Where evidence files are kept, by their SHA-256 (`service.adapters.evidence_files`)."""

    def keep(self, content: bytes) -> str:
        """Keeps the file (once: the same bytes are kept once); its SHA-256."""

    def read(self, sha256: str) -> bytes | None:
        """The bytes kept under this SHA-256, or None."""

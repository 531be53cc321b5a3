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

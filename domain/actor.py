"""Who did a step: the authenticated actor every event records."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The account that recorded a step: its id, role and display name (never a secret)."""

    id: str
    role: str
    name: str

    def as_dict(self) -> dict[str, str]:
        """The actor as plain strings, for storage and output."""
        return {"id": self.id, "role": self.role, "name": self.name}

    @classmethod
    def from_dict(cls, fields: dict[str, str]) -> Actor:
        """The actor back from `as_dict`."""
        return cls(id=fields["id"], role=fields["role"], name=fields["name"])


SYSTEM = Actor(id="system", role="system", name="Mufakat")

"""Who may do what: bearer tokens (stored only as hashes), roles, grants to processes, expiry and revocation."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor

ROLES = ("admin", "facilitator", "auditor", "partner")
_TOKEN_NAMESPACE = UUID("6f1d3c2e-5b7a-4c1e-9a53-3f0d2b8e7a11")


def token_digest(secret: str) -> str:
    """The SHA-256 of a token: all that is ever stored of it."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_record_id(digest: str) -> UUID:
    """Where the token with this digest is stored (derived, so no index is needed)."""
    return uuid5(_TOKEN_NAMESPACE, digest)


def new_token_secret() -> str:
    """A fresh random bearer token."""
    return "mfk_" + secrets.token_urlsafe(32)


class UnknownProcesses(ValueError):
    """A token would be given processes that do not exist."""

    def __init__(self, process_ids: list[UUID]) -> None:
        self.process_ids = list(process_ids)
        super().__init__("no such process: " + ", ".join(str(p) for p in self.process_ids))


class TokenNotValid(ValueError):
    """A sign-in link was asked for a token that is revoked or expired."""

    code = "token_not_valid"

    def __init__(self, token_record_id: UUID) -> None:
        self.token_record_id = token_record_id
        super().__init__(f"the token {token_record_id} is revoked or expired")


class AccessToken(Aggregate):
    """An issued bearer token: its digest, role, display name, the processes it may write to, when it
    expires (None: never) and whether it was revoked.

    `Issued` version 2 added `expires_at`; tokens issued before it never expire.
    """

    class Issued(Aggregate.Created):
        """A token was issued (version 2: with its expiry)."""

        class_version = 2
        account_id: UUID
        digest: str
        role: str
        name: str
        processes: list[UUID]
        expires_at: datetime | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Tokens issued before version 2 never expire."""
            state["expires_at"] = None

    class Granted(Aggregate.Event):
        """The token may write to one more process."""

        process_id: UUID

    class Revoked(Aggregate.Event):
        """The token was revoked: from then on it authenticates nobody."""

        occurred_at: datetime
        actor: Actor

    class SignInLinkIssued(Aggregate.Event):
        """An admin made a one-time sign-in link for this token (its secret is kept hashed beside the ledger,
        never in the log)."""

        link_id: UUID
        expires_at: datetime
        occurred_at: datetime
        actor: Actor

    class SignInLinkUsed(Aggregate.Event):
        """A one-time sign-in link of this token was used: a console was signed in with it."""

        link_id: UUID
        occurred_at: datetime

    @event(Issued)
    def __init__(
        self,
        id: UUID,
        account_id: UUID,
        digest: str,
        role: str,
        name: str,
        processes: list[UUID],
        expires_at: datetime | None = None,
    ) -> None:
        self.account_id = account_id
        self.digest = digest
        self.role = role
        self.name = name
        self.processes = list(processes)
        self.expires_at = expires_at
        self.revoked = False
        self.revoked_at: datetime | None = None

    @classmethod
    def issue(
        cls,
        role: str,
        name: str,
        processes: list[UUID],
        secret: str | None = None,
        expires_at: datetime | None = None,
    ) -> tuple[AccessToken, str]:
        """A new token record and the secret to hand over once (it is not stored); a new secret unless given."""
        if expires_at is not None and expires_at.tzinfo is None:
            raise ValueError("expires_at must carry its time zone")
        secret = secret or new_token_secret()
        digest = token_digest(secret)
        token = cls(
            id=token_record_id(digest),
            account_id=uuid4(),
            digest=digest,
            role=role,
            name=name,
            processes=processes,
            expires_at=expires_at,
        )
        return token, secret

    def is_valid_at(self, now: datetime) -> bool:
        """Whether the token authenticates at this moment: not revoked and not yet expired."""
        return not self.revoked and (self.expires_at is None or now < self.expires_at)

    def revoke(self, actor: Actor, occurred_at: datetime) -> bool:
        """Revokes the token; False (and nothing recorded) when it was already revoked."""
        if self.revoked:
            return False
        self._revoked(occurred_at=occurred_at, actor=actor)
        return True

    @event(Revoked)
    def _revoked(self, occurred_at: datetime, actor: Actor) -> None:
        self.revoked = True
        self.revoked_at = occurred_at

    def note_sign_in_link(self, link_id: UUID, expires_at: datetime, actor: Actor, occurred_at: datetime) -> None:
        """Records that a one-time sign-in link was made for this token; refused for a token that signs in nobody."""
        if not self.is_valid_at(occurred_at):
            raise TokenNotValid(self.id)
        self._sign_in_link_issued(link_id=link_id, expires_at=expires_at, occurred_at=occurred_at, actor=actor)

    @event(SignInLinkIssued)
    def _sign_in_link_issued(self, link_id: UUID, expires_at: datetime, occurred_at: datetime, actor: Actor) -> None:
        pass  # the link lives beside the ledger; the event is what an auditor reads

    def note_sign_in_link_used(self, link_id: UUID, occurred_at: datetime) -> None:
        """Records that a sign-in link of this token signed a console in."""
        self._sign_in_link_used(link_id=link_id, occurred_at=occurred_at)

    @event(SignInLinkUsed)
    def _sign_in_link_used(self, link_id: UUID, occurred_at: datetime) -> None:
        pass  # nothing of the token changes: it is the record of a use

    def matches(self, secret: str) -> bool:
        """Constant-time comparison of a presented secret with the stored digest."""
        return hmac.compare_digest(self.digest, token_digest(secret))

    def grant(self, process_id: UUID) -> None:
        """Lets this token write to one more process (a facilitator holds the processes it opens)."""
        if process_id not in self.processes:
            self._granted(process_id=process_id)

    @event(Granted)
    def _granted(self, process_id: UUID) -> None:
        self.processes.append(process_id)

    def principal(self) -> Principal:
        """The authenticated principal this token stands for."""
        return Principal(
            actor=Actor(id=str(self.account_id), role=self.role, name=self.name),
            token_record_id=self.id,
            processes=frozenset(self.processes),
        )


@dataclass(frozen=True)
class Principal:
    """Whoever makes a request: a token's holder or the anonymous public."""

    actor: Actor
    token_record_id: UUID | None = None
    processes: frozenset[UUID] = field(default_factory=frozenset)

    @property
    def role(self) -> str:
        """`admin`, `facilitator`, `auditor`, `partner`, or `public` without a token."""
        return self.actor.role

    @property
    def is_authenticated(self) -> bool:
        """Whether a valid token was presented."""
        return self.token_record_id is not None

    def may_read(self, process_id: UUID, is_public: bool) -> bool:
        """Admins and auditors read everything; others public processes and those they were given."""
        return self.role in ("admin", "auditor") or is_public or process_id in self.processes

    def may_write(self, process_id: UUID) -> bool:
        """Admins write everywhere; facilitators to processes they hold or were given."""
        return self.role == "admin" or (self.role == "facilitator" and process_id in self.processes)

    def may_see_personal_data(self, process_id: UUID) -> bool:
        """Personal data of a process's participants is shown to admins and auditors, and to the
        facilitators who hold or were given that process: never to the public, partners or other
        facilitators."""
        return self.role in ("admin", "auditor") or (self.role == "facilitator" and process_id in self.processes)

    @property
    def may_audit(self) -> bool:
        """Auditors and admins read the raw log and its verification."""
        return self.role in ("admin", "auditor")

    @property
    def may_issue_tokens(self) -> bool:
        """Only admins issue tokens and read token records."""
        return self.role == "admin"

    def sees_exact_counts(self, process_id: UUID | None = None) -> bool:
        """Whether small counts (1 or 2) show exactly rather than as "<3": for admins and auditors everywhere,
        and for the facilitators of a process in that process's own figures (`None`: across processes)."""
        return self.role in ("admin", "auditor") or (
            process_id is not None and self.role == "facilitator" and process_id in self.processes
        )

    def may_open_processes(self) -> bool:
        """Facilitators and admins open processes."""
        return self.role in ("admin", "facilitator")

    def holds_what_it_opens(self) -> bool:
        """A facilitator's token may write to the processes it opens from then on (admins write everywhere)."""
        return self.role == "facilitator" and self.token_record_id is not None

    def may_forget_participants(self) -> bool:
        """Only admins erase a participant's personal data."""
        return self.role == "admin"

    def may_redact_statements(self) -> bool:
        """Only admins redact what was said (a name typed into a statement), as they forget participants."""
        return self.role == "admin"


ANONYMOUS = Principal(actor=Actor(id="anonymous", role="public", name="publik"))

#: The stored topic of a token's issue (the token list reads the log by it).
ISSUED_TOPIC = "service.app.access:AccessToken.Issued"

"""Access tokens: issuing, revoking, and knowing who a bearer token stands for."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.process import Process
from service.app.access import AccessToken, Principal, UnknownProcesses, new_token_secret, token_digest, token_record_id
from service.app.errors import Forbidden, NotFound
from service.app.principal_cache import CachedPrincipal, PrincipalCache, TokenGeneration
from service.app.readable import ensure_expected
from service.app.receipts import CommandContext, Receipt
from service.app.unit_of_work import UnitOfWork, command


class Tokens:
    """Issues and revokes access tokens; the secret is shown once and never stored."""

    def __init__(
        self, uow: UnitOfWork, save: Callable[[AccessToken], Any], generation: TokenGeneration | None = None
    ) -> None:
        """`save` stores a token outside any request (the command line's first admin); `generation`, which
        moves whenever any token changes, lets principals be kept between requests (none kept without it)."""
        self.uow = uow
        self.save = save
        self.generation = generation
        self.principals = PrincipalCache()

    def authenticate(self, secret: str) -> Principal | None:
        """The principal a bearer token stands for, or None for an unknown, revoked or expired token.

        Read on every request. A principal kept since the token generation last moved is answered without a
        query (its expiry checked against the clock); otherwise the token's record is read, brought up to
        date by one indexed query, and kept tagged with the generation read *before* it: a revocation, a
        grant or any token write on any worker moves the generation before its insert and after its commit,
        so what was kept counts from that commit on (`service.adapters.token_generation`).
        """
        digest = token_digest(secret)
        now = self.uow.clock()
        generation = self.generation.current() if self.generation is not None else None
        kept = self.principals.get(digest, generation)
        if kept is not None:
            return kept.principal if kept.is_valid_at(now) else None
        try:
            token = self.uow.get(AccessToken, token_record_id(digest), "token", copy=False)
        except NotFound:
            return None
        if not token.is_valid_at(now) or not token.matches(secret):
            return None
        principal = token.principal()
        if generation is not None:
            self.principals.put(digest, CachedPrincipal(generation, principal, token.expires_at))
        return principal

    def issue(
        self, role: str, name: str, processes: Sequence[UUID], expires_at: datetime | None = None
    ) -> tuple[AccessToken, str]:
        """Issues a token and returns it with the secret, which is shown once and never stored."""
        self._ensure_processes_exist(processes)
        token, secret = AccessToken.issue(role=role, name=name, processes=list(processes), expires_at=expires_at)
        self.save(token)
        return token, secret

    def issue_as(
        self,
        context: CommandContext,
        role: str,
        name: str,
        processes: Sequence[UUID],
        expires_at: datetime | None = None,
    ) -> tuple[Receipt, str | None]:
        """Issues a token on an admin's request; the secret is None when the request is a replay.

        Only the token's hash is stored, so a retried request (same Idempotency-Key)
        cannot show the secret again: its receipt comes back marked `replayed`.
        Every process named must exist (`UnknownProcesses` otherwise).
        """
        secret = new_token_secret()
        receipt = self._issue(context, secret, role, name, processes, expires_at)
        return receipt, None if receipt.replayed else secret

    @command
    def _issue(
        self,
        context: CommandContext,
        secret: str,
        role: str,
        name: str,
        processes: Sequence[UUID],
        expires_at: datetime | None,
    ) -> Receipt:
        if not context.principal.may_issue_tokens:
            raise Forbidden("only admins issue tokens")
        self._ensure_processes_exist(processes)
        token, _ = AccessToken.issue(
            role=role, name=name, processes=list(processes), secret=secret, expires_at=expires_at
        )
        self.uow.stage(token)
        return Receipt("token", token.id, token.version, created=True)

    def _ensure_processes_exist(self, processes: Sequence[UUID]) -> None:
        """Refuses a grant of a process that does not exist (`UnknownProcesses` names every one)."""
        unknown = []
        for process_id in processes:
            try:
                self.uow.get(Process, process_id, "process", copy=False)
            except NotFound:
                unknown.append(process_id)
        if unknown:
            raise UnknownProcesses(unknown)

    @command
    def revoke(self, context: CommandContext, token_id: UUID) -> Receipt:
        """Revokes a token (admins only): from the commit on it authenticates nobody, on every worker.

        Revoking a revoked token records nothing and answers its record as it is.
        """
        if not context.principal.may_issue_tokens:
            raise Forbidden("only admins revoke tokens")
        token = self.uow.get(AccessToken, token_id, "token")
        ensure_expected(token, context)
        if token.revoke(context.actor, occurred_at=self.uow.clock()):
            self.uow.stage(token)
        return Receipt("token", token.id, token.version)

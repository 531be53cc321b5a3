"""What a caller may read and write: the access checks every use case and query makes on what it gets.

Plain functions of a unit of work (its `get` and its clock), so that a use case
and a query ask them alike, inside a command or outside one.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.meeting import Meeting
from domain.process import Process
from service.app.access import AccessToken, Principal
from service.app.errors import Forbidden, NotFound, VersionMismatch
from service.app.receipts import CommandContext
from service.app.unit_of_work import TAggregate, UnitOfWork


def readable_process(
    uow: UnitOfWork, process_id: UUID, principal: Principal, version: int | None = None, copy: bool = True
) -> Process:
    """The process, if the caller may read it; a restricted process is not found to others.

    `copy=False` shares the cached aggregate: for reading only, never for a change.
    """
    process = uow.get(Process, process_id, "process", version, copy)
    if not principal.may_read(process.id, process.is_public) and not with_current_grants(uow, principal).may_read(
        process.id, process.is_public
    ):
        raise NotFound("process", process_id)
    return process


def readable(
    uow: UnitOfWork,
    cls: type[TAggregate],
    aggregate_id: UUID,
    principal: Principal,
    version: int | None = None,
    copy: bool = True,
) -> TAggregate:
    """A meeting, proposal, participant or commitment, if the caller may read its process.

    `copy=False` shares the cached aggregate: for reading only, never for a change.
    """
    kind = cls.__name__.lower()
    aggregate = uow.get(cls, aggregate_id, kind, version, copy)
    process_id: UUID = getattr(aggregate, "process_id")
    try:
        readable_process(uow, process_id, principal, copy=False)
    except NotFound:
        raise NotFound(kind, aggregate_id) from None
    return aggregate


def principal_of_token(uow: UnitOfWork, token_record_id: UUID) -> Principal | None:
    """The principal a stored token stands for now, or None when it is unknown, revoked or expired."""
    try:
        token = uow.get(AccessToken, token_record_id, "token", copy=False)
    except NotFound:
        return None
    return token.principal() if token.is_valid_at(uow.clock()) else None


def with_current_grants(uow: UnitOfWork, principal: Principal) -> Principal:
    """The principal with the grants its token holds now.

    The principal was read when the request began; a grant made meanwhile (a
    facilitator opening a process on another worker) must not be refused, so a
    refusal is checked once more against the stored token.
    """
    if principal.token_record_id is None:
        return principal
    return principal_of_token(uow, principal.token_record_id) or principal


def ensure_expected(aggregate: Aggregate, context: CommandContext) -> None:
    """Refuses a change sent for another version than the one stored (`If-Match`)."""
    if context.expected_version is not None and aggregate.version != context.expected_version:
        raise VersionMismatch(context.expected_version, aggregate.version)


def writable_process(uow: UnitOfWork, process_id: UUID, context: CommandContext, copy: bool = True) -> Process:
    """The process, if the caller may write to it (restricted and unreadable: not found)."""
    process = readable_process(uow, process_id, context.principal, copy=copy)
    principal = context.principal
    if not principal.may_write(process.id) and not with_current_grants(uow, principal).may_write(process.id):
        raise Forbidden("this token may not write to this process")
    return process


def in_writable_process(
    uow: UnitOfWork, cls: type[TAggregate], aggregate_id: UUID, context: CommandContext, copy: bool = True
) -> tuple[TAggregate, Process]:
    """An aggregate of a process the caller may write to, and that process (shared, read only)."""
    kind = cls.__name__.lower()
    aggregate = uow.get(cls, aggregate_id, kind, copy=copy)
    try:
        process = writable_process(uow, getattr(aggregate, "process_id"), context, copy=False)
    except NotFound:
        raise NotFound(kind, aggregate_id) from None
    return aggregate, process


def meeting_of_process(uow: UnitOfWork, meeting_id: UUID, process: Process) -> Meeting:
    """A meeting of this process (shared, read only); another process's is not found."""
    meeting = uow.get(Meeting, meeting_id, "meeting", copy=False)
    if meeting.process_id != process.id:
        raise NotFound("meeting", meeting_id)
    return meeting

"""Use cases of processes: opening and closing one."""

from __future__ import annotations

from uuid import UUID, uuid4

from eventsourcing.application import EventSourcedLog

from domain.process import DEFAULT_LEVEL, Process
from domain.rules import DecisionRules
from domain.time_zones import process_time_zone
from service.app.access import AccessToken
from service.app.errors import Forbidden
from service.app.process_directory import ProcessListed
from service.app.readable import ensure_expected, readable_process, writable_process
from service.app.receipts import CommandContext, Receipt
from service.app.unit_of_work import UnitOfWork, command


class Processes:
    """Opens and closes processes; each opened is listed in the directory of processes."""

    def __init__(self, uow: UnitOfWork, directory: EventSourcedLog[ProcessListed]) -> None:
        self.uow = uow
        self.directory = directory

    @command
    def open(
        self,
        context: CommandContext,
        title: str,
        description: str,
        region_code: str,
        region_name: str,
        visibility: str,
        rules: DecisionRules,
        time_zone: str | None = None,
        level: str = DEFAULT_LEVEL,
        parent_id: UUID | None = None,
    ) -> Receipt:
        """Opens a process; a facilitator who opens it holds it from then on. Its times are read and shown in
        `time_zone` (WIB, WITA, WIT or an IANA name; default: the zone of the region's province). A process of
        the Musrenbang chain names its `level` and the `parent_id` of the process of a higher level it belongs to,
        one the caller may read, whose region holds its own."""
        if not context.principal.may_open_processes():
            raise Forbidden("only facilitators and admins open processes")
        if parent_id is not None:
            readable_process(self.uow, parent_id, context.principal, copy=False).ensure_may_hold(level, region_code)
        process = Process(
            id=uuid4(),
            title=title,
            description=description,
            region_code=region_code,
            region_name=region_name,
            visibility=visibility,
            rules=rules,
            time_zone=process_time_zone(time_zone, region_code),
            level=level,
            parent_id=parent_id,
            occurred_at=context.when(self.uow.clock),
            actor=context.actor,
        )
        # The directory entry is numbered when it is committed, after the entries before it.
        self.uow.stage(process, self.directory.trigger_event(process_id=process.id, next_originator_version=0))
        if context.principal.holds_what_it_opens():
            token = self.uow.get(AccessToken, context.principal.token_record_id, "token")  # type: ignore[arg-type]
            token.grant(process.id)
            self.uow.stage(token)
        return Receipt("process", process.id, process.version, created=True)

    @command
    def close(self, context: CommandContext, process_id: UUID) -> Receipt:
        """Closes a process: nothing more is recorded in it."""
        process = writable_process(self.uow, process_id, context)
        ensure_expected(process, context)
        process.close(context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(process)
        return Receipt("process", process_id, process.version)

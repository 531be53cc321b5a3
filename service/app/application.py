"""Mufakat, the application: every use case of the deliberation ledger.

Use cases take and return ids and primitives. A command is a unit of work
(`service.app.unit_of_work`): it gets the aggregates it needs, lets the domain
decide, stages every aggregate it changed and returns its `Receipt`; the staged
changes (and the idempotency record, when a key was sent) are saved in one
transaction, in a group commit. On a concurrent write the whole command runs
again on the fresh state, so concurrent writers never lose each other's events
(a stale `If-Match` then fails in `_ensure_expected`). Side effects (a
participant's key, destroying it) happen outside the unit of work.

`CommandContext` and `Receipt` (`service.app.receipts`) are re-exported here
because the web layer, the CLI and the tests import them from this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast
from uuid import UUID, uuid4

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.application import AggregateNotFoundError, EventSourcedLog
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, Mapper
from eventsourcing.utils import Environment, get_topic

from domain.commitment import Commitment
from domain.errors import NothingToRedact
from domain.meeting import Meeting
from domain.participant import Participant
from domain.process import Process
from domain.proposal import Proposal
from domain.rules import DecisionRules
from domain.time_zones import process_time_zone
from projections.feed import READ_MODEL_TABLES_WITH_WORDS
from projections.runner import fresh_read_models
from service.adapters.console_sessions import ConsoleSessions
from service.adapters.evidence_files import evidence_files
from service.adapters.personal_data import FORGOTTEN_PLACEHOLDER, PersonalDataVault
from service.adapters.sealed_documents import SealedDocuments
from service.adapters.sealed_statements import StatementKeys, StatementSealingMapper, statement_key_id
from service.adapters.storage import SideTables, ledger_environment, schema_creation_lock
from service.adapters.transcodings import register_domain_transcodings
from service.app.access import (
    ISSUED_TOPIC,
    AccessToken,
    Principal,
    UnknownProcesses,
    new_token_secret,
    token_digest,
    token_record_id,
)
from service.app.assessments import Assessments
from service.app.errors import Forbidden, NotFound, VersionMismatch
from service.app.minutes import MinutesRequest, Signer, Signers, dealt_with
from service.app.minutes_sealing import forget_minutes_names, prepare_sealing
from service.app.moved_topics import register_moved_topics
from service.app.process_directory import PROCESS_DIRECTORY_ID, ProcessListed
from service.app.receipts import CommandContext, Receipt
from service.app.statement_names import StatementNames
from service.app.unit_of_work import TAggregate, UnitOfWork, command
from service.audit.chain import log_position_of
from service.audit.minutes_certificates import sealing_identity
from service.audit.signing import load_or_create_signing_key
from service.settings import Settings

__all__ = ["CommandContext", "Mufakat", "ProcessListed", "Receipt"]


class Mufakat(UnitOfWork):
    """The ledger of how communities decide."""

    name = "Mufakat"
    env = {"AGGREGATE_CACHE_MAXSIZE": "2000", "DEEPCOPY_FROM_AGGREGATE_CACHE": "y"}
    snapshotting_intervals = {Proposal: 100, Process: 100, Meeting: 100}

    def __init__(
        self,
        env: dict[str, str] | None = None,
        clock: Callable[[], datetime] | None = None,
        settings: Settings | None = None,
    ) -> None:
        """Opens the ledger `settings` configure (by default those of the environment); `env` overrides entries
        of its eventsourcing environment (tests: `{"SQLITE_DBNAME": ...}`)."""
        register_moved_topics()
        self.settings = settings or Settings.from_environment()
        ledger_env = ledger_environment(self.settings)
        ledger_env.update(env or {})
        with schema_creation_lock(ledger_env):
            super().__init__(ledger_env)
            self.side_tables = SideTables(self.recorder)
            self.vault = PersonalDataVault(self.side_tables)
            self.sealed_documents = SealedDocuments(self.side_tables, self.vault)
            self.console_sessions = ConsoleSessions(self.side_tables)
            # Statements are sealed by the mapper and their keys stored by the recorder, with their events.
            self.statement_keys = StatementKeys(self.vault)
            cast(StatementSealingMapper, self.mapper).statement_keys = self.statement_keys
            setattr(self.recorder, "statement_keys", self.statement_keys)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.process_directory = EventSourcedLog(self.events, PROCESS_DIRECTORY_ID, ProcessListed)
        self.statement_names = StatementNames(self._registered_name)
        evidence = evidence_files(self.settings.evidence_store, self.side_tables)
        self.assessments = Assessments(uow=self, evidence=evidence, statement_names=self.statement_names)

    def construct_env(self, name: str, env: Mapping[str, str] | None = None) -> Environment:
        """The class's defaults and the environment built from `Settings`; never the process environment, which
        eventsourcing would otherwise read whole."""
        defaults = dict(type(self).env)
        if type(self).is_snapshotting_enabled or type(self).snapshotting_intervals:
            defaults["IS_SNAPSHOTTING_ENABLED"] = "y"
        return Environment(name, {**defaults, **(env or {})})

    def close(self) -> None:
        """Stops this process's erasure retries (the next process to open the ledger resumes them), then closes
        the database connections."""
        self.vault.close()
        super().close()

    def construct_mapper(self) -> Mapper[UUID]:
        """eventsourcing's mapper, storing statements sealed (`service.adapters.sealed_statements`)."""
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=StatementSealingMapper)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        """The library's transcodings plus the domain's value types."""
        super().register_transcodings(transcoder)
        register_domain_transcodings(transcoder)

    @staticmethod
    def _ensure_expected(aggregate: Aggregate, context: CommandContext) -> None:
        if context.expected_version is not None and aggregate.version != context.expected_version:
            raise VersionMismatch(context.expected_version, aggregate.version)

    def _writable_process(self, process_id: UUID, context: CommandContext, copy: bool = True) -> Process:
        """The process, if the caller may write to it (restricted and unreadable: not found)."""
        process = self.readable_process(process_id, context.principal, copy=copy)
        if not context.principal.may_write(process.id) and not self._with_current_grants(context.principal).may_write(
            process.id
        ):
            raise Forbidden("this token may not write to this process")
        return process

    def _open_proposal(self, proposal_id: UUID, context: CommandContext) -> tuple[Proposal, Process]:
        """A proposal to change (a copy) and its open process (shared, read only), at the version expected."""
        proposal, process = self._in_writable_process(Proposal, proposal_id, context)
        process.ensure_open()
        self._ensure_expected(proposal, context)
        return proposal, process

    def _open_meeting(self, meeting_id: UUID, context: CommandContext) -> tuple[Meeting, Process]:
        """A meeting to change and its open process, at the version expected."""
        meeting = self.readable(Meeting, meeting_id, context.principal)
        # A copy: opening reads the whole register, which a concurrent fast-forward may extend.
        process = self._writable_process(meeting.process_id, context)
        process.ensure_open()
        self._ensure_expected(meeting, context)
        return meeting, process

    def _meeting_of_process(self, meeting_id: UUID, process: Process) -> Meeting:
        meeting = self._get(Meeting, meeting_id, "meeting", copy=False)
        if meeting.process_id != process.id:
            raise NotFound("meeting", meeting_id)
        return meeting

    def _in_writable_process(
        self, cls: type[TAggregate], aggregate_id: UUID, context: CommandContext, copy: bool = True
    ) -> tuple[TAggregate, Process]:
        """An aggregate of a process the caller may write to, and that process (shared, read only)."""
        kind = cls.__name__.lower()
        aggregate = self._get(cls, aggregate_id, kind, copy=copy)
        try:
            process = self._writable_process(getattr(aggregate, "process_id"), context, copy=False)
        except NotFound:
            raise NotFound(kind, aggregate_id) from None
        return aggregate, process

    def _with_current_grants(self, principal: Principal) -> Principal:
        """The principal with the grants its token holds now.

        The principal was read when the request began; a grant made meanwhile (a
        facilitator opening a process on another worker) must not be refused, so a
        refusal is checked once more against the stored token.
        """
        if principal.token_record_id is None:
            return principal
        return self.principal_of_token(principal.token_record_id) or principal

    # --- reads -----------------------------------------------------------------

    def readable_process(
        self, process_id: UUID, principal: Principal, version: int | None = None, copy: bool = True
    ) -> Process:
        """The process, if the caller may read it; a restricted process is not found to others.

        `copy=False` shares the cached aggregate: for reading only, never for a change.
        """
        process = self._get(Process, process_id, "process", version, copy)
        if not principal.may_read(process.id, process.is_public) and not self._with_current_grants(principal).may_read(
            process.id, process.is_public
        ):
            raise NotFound("process", process_id)
        return process

    def readable(
        self,
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
        aggregate = self._get(cls, aggregate_id, kind, version, copy)
        process_id: UUID = getattr(aggregate, "process_id")
        try:
            self.readable_process(process_id, principal, copy=False)
        except NotFound:
            raise NotFound(kind, aggregate_id) from None
        return aggregate

    def at_version(self, cls: type[TAggregate], aggregate_id: UUID, version: int) -> TAggregate:
        """An aggregate as a command left it: the cached latest when it is still that version."""
        latest = self._get(cls, aggregate_id, cls.__name__.lower())
        if latest.version == version:
            return latest
        return self._get(cls, aggregate_id, cls.__name__.lower(), version)

    def list_processes(self, principal: Principal, after: int | None, limit: int) -> tuple[list[Process], int | None]:
        """The processes the caller may read, in order of opening, and the cursor of the next page."""
        found: list[Process] = []
        position = after
        while len(found) < limit:
            entries = list(self.process_directory.get(gt=position, limit=limit))
            if not entries:
                return found, None
            for entry in entries:
                position = entry.originator_version
                process = self._get(Process, entry.process_id, "process", copy=False)
                if principal.may_read(process.id, process.is_public):
                    found.append(process)
                    if len(found) == limit:
                        break
        return found, position

    def proposals_of(
        self, process: Process, after: int, limit: int, status: str | None
    ) -> tuple[list[Proposal], int | None]:
        """A page of a process's proposals in order of submission (of one status when asked), and the next cursor."""
        return self._page_of(Proposal, process.proposal_ids, after, limit, status)

    def meetings_of(
        self, process: Process, after: int, limit: int, status: str | None
    ) -> tuple[list[Meeting], int | None]:
        """A page of a process's meetings in order of scheduling (of one status when asked), and the next cursor."""
        return self._page_of(Meeting, process.meeting_ids, after, limit, status)

    def _page_of(
        self, cls: type[TAggregate], ids: list[UUID], after: int, limit: int, status: str | None
    ) -> tuple[list[TAggregate], int | None]:
        found: list[TAggregate] = []
        position = after
        while position < len(ids) and len(found) < limit:
            aggregate = self._get(cls, ids[position], cls.__name__.lower(), copy=False)
            position += 1
            if status is None or getattr(aggregate, "status") == status:
                found.append(aggregate)
        return found, position if position < len(ids) else None

    def commitments_of(
        self, process: Process, after: int | None, limit: int, status: str | None
    ) -> tuple[list[Commitment], int | None]:
        """A page of a process's commitments in order of making (`open` or `completed` when asked),
        and the next cursor (a position in the log)."""
        found: list[Commitment] = []
        position = after
        topic = get_topic(Commitment.Made)
        while len(found) < limit:
            made = self.recorder.select_notifications(
                start=position, limit=500, topics=[topic], inclusive_of_start=position is None
            )
            if not made:
                return found, None
            for notification in made:
                position = notification.id
                if UUID(str(getattr(self.mapper.to_domain_event(notification), "process_id"))) != process.id:
                    continue
                commitment = self._get(Commitment, UUID(str(notification.originator_id)), "commitment", copy=False)
                if status is None or ("completed" if commitment.completed else "open") == status:
                    found.append(commitment)
                    if len(found) == limit:
                        return found, position
        return found, position

    def participants_of(self, process: Process, after: int = 0, limit: int | None = None) -> list[Participant]:
        """Everyone registered in a process, in order of registration (a page of them when asked)."""
        ids = process.participant_ids[after : None if limit is None else after + limit]
        return [self._get(Participant, pid, "participant", copy=False) for pid in ids]

    def _registered_name(self, participant_id: UUID) -> str | None:
        """A participant's name as the register holds it (None once forgotten)."""
        participant = self._get(Participant, participant_id, "participant", copy=False)
        name = self.vault.open(participant_id, participant.sealed_name)
        return None if name == FORGOTTEN_PLACEHOLDER else name

    def personal_data(self, participant: Participant) -> dict[str, str | None]:
        """A participant's name, contact and organisation, opened with their key (placeholders once forgotten)."""
        return {
            "name": self.vault.open(participant.id, participant.sealed_name),
            "contact": self.vault.open(participant.id, participant.sealed_contact),
            "organisation": self.vault.open(participant.id, participant.sealed_organisation),
        }

    # --- tokens ----------------------------------------------------------------

    def authenticate(self, secret: str) -> Principal | None:
        """The principal a bearer token stands for, or None for an unknown, revoked or expired token.

        Read on every request: the cached token record is brought up to date by one indexed query
        (the library's fast-forward), so a revocation on any worker counts from its commit on.
        """
        try:
            token: Aggregate = self.repository.get(token_record_id(token_digest(secret)), deepcopy_from_cache=False)
        except AggregateNotFoundError:
            return None
        if not isinstance(token, AccessToken) or not token.is_valid_at(self.clock()) or not token.matches(secret):
            return None
        return token.principal()

    def issue_token(
        self, role: str, name: str, processes: Sequence[UUID], expires_at: datetime | None = None
    ) -> tuple[AccessToken, str]:
        """Issues a token and returns it with the secret, which is shown once and never stored."""
        self._ensure_processes_exist(processes)
        token, secret = AccessToken.issue(role=role, name=name, processes=list(processes), expires_at=expires_at)
        self.save(token)
        return token, secret

    def issue_token_as(
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
        receipt = self._issue_token(context, secret, role, name, processes, expires_at)
        return receipt, None if receipt.replayed else secret

    @command
    def _issue_token(
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
        self.stage(token)
        return Receipt("token", token.id, token.version, created=True)

    def _ensure_processes_exist(self, processes: Sequence[UUID]) -> None:
        """Refuses a grant of a process that does not exist (`UnknownProcesses` names every one)."""
        unknown = []
        for process_id in processes:
            try:
                self._get(Process, process_id, "process", copy=False)
            except NotFound:
                unknown.append(process_id)
        if unknown:
            raise UnknownProcesses(unknown)

    @command
    def revoke_token(self, context: CommandContext, token_id: UUID) -> Receipt:
        """Revokes a token (admins only): from the commit on it authenticates nobody, on every worker.

        Revoking a revoked token records nothing and answers its record as it is.
        """
        if not context.principal.may_issue_tokens:
            raise Forbidden("only admins revoke tokens")
        token = self._get(AccessToken, token_id, "token")
        self._ensure_expected(token, context)
        if token.revoke(context.actor, occurred_at=self.clock()):
            self.stage(token)
        return Receipt("token", token.id, token.version)

    def list_tokens(self, after: int | None, limit: int) -> tuple[list[AccessToken], int | None]:
        """The token records in order of issue (a page after a log position), and the cursor of the next page."""
        issued = self.recorder.select_notifications(
            start=after, limit=limit, topics=[ISSUED_TOPIC], inclusive_of_start=after is None
        )
        tokens = [self._get(AccessToken, n.originator_id, "token", copy=False) for n in issued]  # type: ignore[arg-type]
        return tokens, (issued[-1].id if len(issued) == limit else None)

    def principal_of_token(self, token_record_id: UUID) -> Principal | None:
        """The principal a stored token stands for now, or None when it is unknown, revoked or expired."""
        try:
            token = self._get(AccessToken, token_record_id, "token", copy=False)
        except NotFound:
            return None
        return token.principal() if token.is_valid_at(self.clock()) else None

    def token(self, token_record_id: UUID, version: int | None = None) -> AccessToken:
        """A stored token record (its digest, role, name and grants; never the secret)."""
        return self._get(AccessToken, token_record_id, "token", version)

    # --- processes and participants ---------------------------------------------

    @command
    def open_process(
        self,
        context: CommandContext,
        title: str,
        description: str,
        region_code: str,
        region_name: str,
        visibility: str,
        rules: DecisionRules,
        time_zone: str | None = None,
    ) -> Receipt:
        """Opens a process; a facilitator who opens it holds it from then on. Its times are read and shown in
        `time_zone` (WIB, WITA, WIT or an IANA name; default: the zone of the region's province)."""
        if not context.principal.may_open_processes():
            raise Forbidden("only facilitators and admins open processes")
        process = Process(
            id=uuid4(),
            title=title,
            description=description,
            region_code=region_code,
            region_name=region_name,
            visibility=visibility,
            rules=rules,
            time_zone=process_time_zone(time_zone, region_code),
            occurred_at=context.when(self.clock),
            actor=context.actor,
        )
        # The directory entry is numbered when it is committed, after the entries before it.
        self.stage(process, self.process_directory.trigger_event(process_id=process.id, next_originator_version=0))
        if context.principal.holds_what_it_opens():
            token = self._get(AccessToken, context.principal.token_record_id, "token")  # type: ignore[arg-type]
            token.grant(process.id)
            self.stage(token)
        return Receipt("process", process.id, process.version, created=True)

    @command
    def close_process(self, context: CommandContext, process_id: UUID) -> Receipt:
        """Closes a process: nothing more is recorded in it."""
        process = self._writable_process(process_id, context)
        self._ensure_expected(process, context)
        process.close(context.actor, occurred_at=context.when(self.clock))
        self.stage(process)
        return Receipt("process", process_id, process.version)

    def register_participant(
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
        process = self._writable_process(process_id, context)
        self._ensure_expected(process, context)
        process.enrol_participant(participant_id, group, gender, context.actor, occurred_at=context.when(self.clock))
        participant = Participant(
            id=participant_id,
            process_id=process_id,
            group=group,
            gender=gender,
            sealed_organisation=self.vault.seal(participant_id, organisation),
            sealed_name=self.vault.seal(participant_id, name) or "",
            sealed_contact=self.vault.seal(participant_id, contact),
            occurred_at=context.when(self.clock),
            actor=context.actor,
        )
        self.stage(process, participant)
        return Receipt("participant", participant_id, participant.version, created=True)

    def forget_participant(self, context: CommandContext, participant_id: UUID) -> Receipt:
        """Erases a participant's personal data: destroys their key, keeps their record as their group."""
        receipt = self._record_forgetting(context, participant_id)
        # The key goes after the event is durable: a crash in between leaves a forgotten
        # participant whose key a retry (or `mufakat forget`) still destroys.
        self.vault.forget(participant_id)
        participant = self._get(Participant, participant_id, "participant")
        self.statement_names.forget_process(participant.process_id)
        # A full berita acara lists everyone present by name: those naming them go too (the public versions,
        # without names, stay; a corrected version sealed now names them as forgotten).
        for meeting in self._meetings_with_sealed_minutes(participant.process_id):
            if participant_id in {*meeting.attendees, *(meeting.invited or [])}:
                forget_minutes_names(self, self.sealed_documents, meeting)
        return receipt

    def _meetings_with_sealed_minutes(self, process_id: UUID) -> Iterator[Meeting]:
        """The meetings of a process whose berita acara was sealed at least once."""
        for meeting_id in self._get(Process, process_id, "process").meeting_ids:
            meeting = self._get(Meeting, meeting_id, "meeting")
            if meeting.sealed_minutes:
                yield meeting

    @command
    def _record_forgetting(self, context: CommandContext, participant_id: UUID) -> Receipt:
        if not context.principal.may_forget_participants():
            raise Forbidden("only admins forget participants")
        participant = self._get(Participant, participant_id, "participant")
        self._ensure_expected(participant, context)
        process = self._get(Process, participant.process_id, "process")
        forgotten_at = context.when(self.clock)
        participant.forget(context.actor, occurred_at=forgotten_at)
        process.note_participant_forgotten(participant_id, context.actor, occurred_at=forgotten_at)
        self.stage(participant, process)
        return Receipt("participant", participant_id, participant.version)

    # --- meetings ----------------------------------------------------------------

    @command
    def schedule_meeting(
        self,
        context: CommandContext,
        process_id: UUID,
        title: str,
        scheduled_for: datetime,
        location: str | None,
        invited: list[UUID] | None,
    ) -> Receipt:
        """Schedules a meeting; those invited must be registered in the process."""
        process = self._writable_process(process_id, context)
        self._ensure_expected(process, context)
        # A meeting's title and place are on the portal and in the public berita acara ("di rumah Pak Made").
        self.statement_names.ensure_unnamed(process, context.names_are_public, title=title, location=location)
        if invited is not None:
            process.ensure_all_registered(invited)
        meeting_id = uuid4()
        scheduled_at = context.when(self.clock)
        process.schedule_meeting(meeting_id, context.actor, occurred_at=scheduled_at)
        meeting = Meeting(
            id=meeting_id,
            process_id=process_id,
            title=title,
            scheduled_for=scheduled_for,
            location=location,
            invited=invited,
            occurred_at=scheduled_at,
            actor=context.actor,
        )
        self.stage(process, meeting)
        return Receipt("meeting", meeting_id, meeting.version, created=True)

    @command
    def open_meeting(self, context: CommandContext, meeting_id: UUID, attendees: list[UUID]) -> Receipt:
        """Opens a meeting with its attendance list (daftar hadir)."""
        meeting, process = self._open_meeting(meeting_id, context)
        process.ensure_all_registered(attendees)
        meeting.open(attendees, process.active_participant_ids, context.actor, occurred_at=context.when(self.clock))
        self.stage(meeting)
        return Receipt("meeting", meeting_id, meeting.version)

    @command
    def record_attendance(self, context: CommandContext, meeting_id: UUID, attendees: list[UUID]) -> Receipt:
        """Adds latecomers to an open meeting's attendance list."""
        meeting, process = self._open_meeting(meeting_id, context)
        process.ensure_all_registered(attendees)
        meeting.record_attendance(attendees, context.actor, occurred_at=context.when(self.clock))
        self.stage(meeting)
        return Receipt("meeting", meeting_id, meeting.version)

    @command
    def close_meeting(self, context: CommandContext, meeting_id: UUID, minutes: str | None) -> Receipt:
        """Closes a meeting with its minutes, not before the latest step of a check or vote held at it."""
        meeting, process = self._open_meeting(meeting_id, context)
        self.statement_names.ensure_unnamed(process, context.names_are_public, minutes=minutes)
        steps_at_it = (
            self._get(Proposal, proposal_id, "proposal", copy=False).latest_step_at_meeting(meeting_id)
            for proposal_id in process.proposal_ids
        )
        meeting.close(
            minutes,
            context.actor,
            occurred_at=context.when(self.clock),
            last_step_at=max((at for at in steps_at_it if at is not None), default=None),
        )
        self.stage(meeting)
        return Receipt("meeting", meeting_id, meeting.version)

    def seal_minutes(
        self,
        context: CommandContext,
        meeting_id: UUID,
        chair: Mapping[str, str],
        secretary: Mapping[str, str],
        agenda: Sequence[str],
        notes: str | None,
        signatories: Sequence[Mapping[str, str]],
        occurred_at: datetime,
        language: str = "id",
        signing_key: Ed25519PrivateKey | None = None,
        key_file: Path | None = None,
    ) -> Receipt:
        """Seals the berita acara of a closed meeting: both versions rendered once, signed, kept, hashed in the log.

        The PDF is signed with the key beside `key_file` (the ledger's key file; `MUFAKAT_SECRET_KEY_FILE` unless
        given), under a certificate bound to the ledger's key in the log.

        Rendering happens before the command joins a batch; a concurrent sealing makes this one answer
        `minutes_not_latest` rather than be rendered again.
        """
        if context.idempotency is not None and (earlier := self._earlier_answer(context.idempotency)):
            return earlier
        meeting = self.readable(Meeting, meeting_id, context.principal)
        process = self._writable_process(meeting.process_id, context)
        self._ensure_expected(meeting, context)
        # The public version prints each signer's role under "(nama tidak dimuat dalam versi publik)": a name
        # typed into a role is printed all the same.
        self.statement_names.ensure_unnamed(
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
            self,
            self.sealed_documents,
            process,
            meeting,
            request,
            occurred_at,
            lambda: sealing_identity(
                self, signing_key or load_or_create_signing_key(ledger_key_file), self.clock(), ledger_key_file
            ),
            self.settings.public_url.rstrip("/"),
        )

        return self._record_sealing(context, meeting_id, sealing, occurred_at)

    @command
    def _record_sealing(
        self, context: CommandContext, meeting_id: UUID, sealing: dict[str, Any], occurred_at: datetime
    ) -> Receipt:
        meeting = self.readable(Meeting, meeting_id, context.principal)
        self._writable_process(meeting.process_id, context, copy=False)
        self._ensure_expected(meeting, context)
        meeting.seal_minutes(**sealing, actor=context.actor, occurred_at=occurred_at)
        self.stage(meeting)
        return Receipt("meeting", meeting_id, meeting.version, created=True)

    # --- proposals ---------------------------------------------------------------

    @command
    def submit_proposal(
        self,
        context: CommandContext,
        process_id: UUID,
        title: str,
        body: str,
        submitted_by: UUID,
        meeting_id: UUID | None,
        addresses: Sequence[UUID] = (),
    ) -> Receipt:
        """Submits a proposal by a registered participant, optionally at a meeting of the process, and the findings
        of the process's assessments it addresses."""
        process = self._writable_process(process_id, context)
        self._ensure_expected(process, context)
        self.statement_names.ensure_unnamed(process, context.names_are_public, title=title, body=body)
        proposal_id = uuid4()
        submitted_at = context.when(self.clock)
        if meeting_id is not None:
            self._meeting_of_process(meeting_id, process).ensure_during(submitted_at, "a submission")
        process.receive_proposal(proposal_id, submitted_by, context.actor, occurred_at=submitted_at)
        proposal = Proposal.submit(
            id=proposal_id,
            process_id=process_id,
            title=title,
            body=body,
            submitted_by=submitted_by,
            meeting_id=meeting_id,
            occurred_at=submitted_at,
            actor=context.actor,
        )
        if addresses:
            addressed = self.assessments.addressed(process, addresses)
            proposal.link_findings(addressed, context.actor, occurred_at=submitted_at)
        self.stage(process, proposal)
        return Receipt("proposal", proposal_id, proposal.version, created=True)

    @command
    def contribute(
        self, context: CommandContext, proposal_id: UUID, participant_id: UUID, kind: str, text: str
    ) -> Receipt:
        """Records a contribution (support, concern, question, information) to the deliberation."""
        proposal, process = self._open_proposal(proposal_id, context)
        process.ensure_may_act(participant_id)
        self.statement_names.ensure_unnamed(process, context.names_are_public, text=text)
        proposal.contribute(participant_id, kind, text, context.actor, occurred_at=context.when(self.clock))
        self.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version)

    @command
    def amend(self, context: CommandContext, proposal_id: UUID, body: str, reason: str, proposed_by: UUID) -> Receipt:
        """Records a new version of the proposal's text, with the reason for it."""
        proposal, process = self._open_proposal(proposal_id, context)
        process.ensure_may_act(proposed_by)
        self.statement_names.ensure_unnamed(process, context.names_are_public, body=body, reason=reason)
        proposal.amend(body, reason, proposed_by, context.actor, occurred_at=context.when(self.clock))
        self.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version)

    @command
    def raise_objection(
        self, context: CommandContext, proposal_id: UUID, raised_by: UUID, grounds: str, blocking: bool
    ) -> Receipt:
        """Records an objection by a registered participant."""
        proposal, process = self._open_proposal(proposal_id, context)
        process.ensure_may_act(raised_by)
        self.statement_names.ensure_unnamed(process, context.names_are_public, grounds=grounds)
        objection_id = uuid4()
        proposal.raise_objection(
            objection_id, raised_by, grounds, blocking, context.actor, occurred_at=context.when(self.clock)
        )
        self.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version, part_id=objection_id, created=True)

    @command
    def resolve_objection(
        self, context: CommandContext, proposal_id: UUID, objection_id: UUID, outcome: str, note: str
    ) -> Receipt:
        """Ends an objection as addressed, withdrawn or overruled."""
        proposal, process = self._open_proposal(proposal_id, context)
        self.statement_names.ensure_unnamed(process, context.names_are_public, note=note)
        proposal.resolve_objection(
            objection_id, outcome, note, process.rules, context.actor, occurred_at=context.when(self.clock)
        )
        self.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version, part_id=objection_id)

    def _round_opening(
        self, proposal_id: UUID, meeting_id: UUID, context: CommandContext
    ) -> tuple[Proposal, Process, Meeting]:
        """What opening a consensus check or a vote needs: the undecided proposal and an open meeting of its process."""
        proposal, process = self._open_proposal(proposal_id, context)
        meeting = self._meeting_of_process(meeting_id, process)
        proposal.ensure_undecided()
        meeting.ensure_open()
        return proposal, process, meeting

    @command
    def open_consensus_check(self, context: CommandContext, proposal_id: UUID, meeting_id: UUID) -> Receipt:
        """Opens a consensus check at an open meeting of the process."""
        proposal, process, meeting = self._round_opening(proposal_id, meeting_id, context)
        check_id = uuid4()
        proposal.open_consensus_check(
            check_id,
            meeting_id,
            meeting.invited_count,
            meeting.present_of_invited,
            process.rules,
            context.actor,
            occurred_at=context.when(self.clock),
            meeting_opened_at=meeting.opened_at,
        )
        self.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version, part_id=check_id, created=True)

    @command
    def take_stance(
        self,
        context: CommandContext,
        proposal_id: UUID,
        check_id: UUID,
        participant_id: UUID,
        stance: str,
        reason: str | None,
    ) -> Receipt:
        """Records the stance of a participant who attends the check's meeting."""
        proposal, process = self._open_proposal(proposal_id, context)
        check = proposal.check(check_id)
        proposal.ensure_undecided()
        process.ensure_may_act(participant_id)
        meeting = self._get(Meeting, UUID(check.meeting_id), "meeting", copy=False)
        meeting.ensure_attending(participant_id)
        if check.status == "open":  # a closed check answers check_not_open, whatever the meeting
            meeting.ensure_open()
        self.statement_names.ensure_unnamed(process, context.names_are_public, reason=reason)
        proposal.take_stance(
            check_id, participant_id, stance, reason, context.actor, occurred_at=context.when(self.clock)
        )
        self.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version, part_id=check_id)

    @command
    def close_consensus_check(self, context: CommandContext, proposal_id: UUID, check_id: UUID) -> Receipt:
        """Closes a consensus check with its result and tally."""
        proposal, process = self._open_proposal(proposal_id, context)
        meeting = self._get(Meeting, UUID(proposal.check(check_id).meeting_id), "meeting", copy=False)
        proposal.close_consensus_check(
            check_id,
            meeting.invited_count,
            meeting.present_of_invited,
            process.rules,
            context.actor,
            occurred_at=context.when(self.clock),
            meeting_closed_at=meeting.closed_at,
        )
        self.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version, part_id=check_id)

    @command
    def open_vote(self, context: CommandContext, proposal_id: UUID, meeting_id: UUID) -> Receipt:
        """Opens a vote (fallback when consensus fails, where the rules allow it)."""
        proposal, process, meeting = self._round_opening(proposal_id, meeting_id, context)
        vote_id = uuid4()
        proposal.open_vote(
            vote_id,
            meeting_id,
            meeting.invited_count,
            meeting.present_of_invited,
            process.rules,
            context.actor,
            occurred_at=context.when(self.clock),
            meeting_opened_at=meeting.opened_at,
        )
        self.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version, part_id=vote_id, created=True)

    @command
    def cast_ballot(
        self, context: CommandContext, proposal_id: UUID, vote_id: UUID, participant_id: UUID, choice: str
    ) -> Receipt:
        """Records the one ballot of a participant who attends the vote's meeting."""
        proposal, process = self._open_proposal(proposal_id, context)
        vote = proposal.vote(vote_id)
        proposal.ensure_undecided()
        process.ensure_may_act(participant_id)
        meeting = self._get(Meeting, UUID(vote.meeting_id), "meeting", copy=False)
        meeting.ensure_attending(participant_id)
        if vote.status == "open":  # a closed vote answers vote_not_open, whatever the meeting
            meeting.ensure_open()
        proposal.cast_ballot(vote_id, participant_id, choice, context.actor, occurred_at=context.when(self.clock))
        self.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version, part_id=vote_id)

    @command
    def close_vote(self, context: CommandContext, proposal_id: UUID, vote_id: UUID) -> Receipt:
        """Closes a vote with its tally against the threshold."""
        proposal, process = self._open_proposal(proposal_id, context)
        meeting = self._get(Meeting, UUID(proposal.vote(vote_id).meeting_id), "meeting", copy=False)
        proposal.close_vote(
            vote_id,
            meeting.invited_count,
            meeting.present_of_invited,
            process.rules,
            context.actor,
            occurred_at=context.when(self.clock),
            meeting_closed_at=meeting.closed_at,
        )
        self.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version, part_id=vote_id)

    @command
    def decide(self, context: CommandContext, proposal_id: UUID, outcome: str, method: str, rationale: str) -> Receipt:
        """Records the decision, keeping a copy of the rules it was made under."""
        proposal, process = self._open_proposal(proposal_id, context)
        self.statement_names.ensure_unnamed(process, context.names_are_public, rationale=rationale)
        proposal.decide(outcome, method, rationale, process.rules, context.when(self.clock), context.actor)
        self.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version)

    # --- corrections ---------------------------------------------------------------

    @command
    def withdraw(self, context: CommandContext, proposal_id: UUID, reason: str) -> Receipt:
        """Withdraws an undecided proposal; nothing more is recorded on it."""
        proposal, process = self._open_proposal(proposal_id, context)
        self.statement_names.ensure_unnamed(process, context.names_are_public, reason=reason)
        proposal.withdraw(reason, context.actor, occurred_at=context.when(self.clock))
        self.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version)

    @command
    def annul_decision(
        self, context: CommandContext, proposal_id: UUID, reason: str, legal_basis: str | None, meeting_id: UUID | None
    ) -> Receipt:
        """Annuls a proposal's decision by a later musyawarah; the proposal is open again."""
        proposal, process = self._open_proposal(proposal_id, context)
        annulled_at = context.when(self.clock)
        if meeting_id is not None:
            self._meeting_of_process(meeting_id, process).ensure_during(annulled_at, "an annulment")
        self.statement_names.ensure_unnamed(process, context.names_are_public, reason=reason)
        proposal.annul_decision(reason, legal_basis, meeting_id, context.actor, occurred_at=annulled_at)
        self.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version)

    @command
    def correct(
        self, context: CommandContext, proposal_id: UUID, version: int, field: str, text: str, reason: str
    ) -> Receipt:
        """Records an erratum of a free-text field of the step recorded at `version`."""
        proposal, process = self._open_proposal(proposal_id, context)
        self.statement_names.ensure_unnamed(process, context.names_are_public, text=text, reason=reason)
        proposal.correct(version, field, text, reason, context.actor, occurred_at=context.when(self.clock))
        self.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version)

    def redact(
        self, context: CommandContext, proposal_id: UUID, version: int, field: str, reason: str
    ) -> Receipt:
        """(admin) Redacts a statement's words for good: records why, then takes the words out of everything
        that holds them (`_take_words_out`). Every hash still verifies.

        Asked again for a statement already redacted, it answers `nothing_to_redact` after taking the words
        out once more: a redaction interrupted after its event was stored is finished by asking again.
        """
        if not context.principal.may_redact_statements():
            raise Forbidden("only admins redact statements")
        proposal = self.readable(Proposal, proposal_id, context.principal)
        # The reason stays in the log in plain words, on the public history, and is itself never redactable:
        # a redaction is most often about a name, and its reason is held to the rule it enforces.
        process = self.readable_process(proposal.process_id, context.principal, copy=False)
        self.statement_names.ensure_unnamed(process, context.names_are_public, reason=reason)
        if not proposal.is_redacted(version, field):
            self._ensure_something_was_said(proposal_id, version, field)
        try:
            receipt = self._record_redaction(context, proposal_id, version, field, reason)
        except NothingToRedact:
            if self.readable(Proposal, proposal_id, context.principal, copy=False).is_redacted(version, field):
                self._take_words_out(proposal_id, version, field)
            raise
        self._take_words_out(proposal_id, version, field)
        return receipt

    def _ensure_something_was_said(self, proposal_id: UUID, version: int, field: str) -> None:
        """A statement left empty (a stance given without a reason) has no words to redact."""
        for event in self.events.get(proposal_id, gt=version - 1, lte=version):
            if not getattr(event, field, None):
                raise NothingToRedact(
                    f"the step recorded at version {version} of this proposal has no statement named {field!r}",
                    proposal_id=proposal_id,
                )

    def _take_words_out(self, proposal_id: UUID, version: int, field: str) -> None:
        """Destroys the keys of a redacted statement and of its errata, the proposal's snapshots, the berita
        acara sealed before the redaction that printed it, and the read models' copies; then purges the files."""
        keys = [statement_key_id(proposal_id, version, field)]
        redacted_at: int | None = None
        for event in self.events.get(proposal_id):
            if isinstance(event, Proposal.Corrected) and (event.version, event.field) == (version, field):
                keys.append(statement_key_id(proposal_id, event.originator_version, "text"))
            if isinstance(event, Proposal.Redacted) and (event.version, event.field) == (version, field):
                redacted_at = log_position_of(self.side_tables, proposal_id, event.originator_version)
        self.statement_keys.destroy(keys)
        snapshots = self._delete_snapshots(proposal_id)
        self._erase_minutes_sealed_before(proposal_id, redacted_at)
        # The read models copied the words (a decision item's rationale, an objection's grounds): bring them up
        # to date now, so that the rows they rewrite leave the files with the rest, in one purge.
        fresh_read_models(self)
        with_words = [*snapshots, *SealedDocuments.TABLES, *READ_MODEL_TABLES_WITH_WORDS]
        purged = self.side_tables.purge_deleted_from(with_words)
        if not purged and not self.side_tables.is_postgres:  # a reader keeps the read models' old pages: retried
            self.vault.note_words_on_disk(keys)

    def _erase_minutes_sealed_before(self, proposal_id: UUID, redacted_at: int | None) -> None:
        """A berita acara sealed before a redaction may print the words (its bytes are what was signed): erased,
        both versions; its hash stays in the log, and a version sealed now prints the words redacted."""
        proposal = self._get(Proposal, proposal_id, "proposal")
        self.sealed_documents.erase(
            [
                sha256
                for meeting in self._meetings_with_sealed_minutes(proposal.process_id)
                if dealt_with(proposal, meeting)
                for record in meeting.sealed_minutes
                if redacted_at is None or int(record["log_position"]) < redacted_at
                for sha256 in (record["public_sha256"], record["full_sha256"])
            ]
        )

    @command
    def _record_redaction(
        self, context: CommandContext, proposal_id: UUID, version: int, field: str, reason: str
    ) -> Receipt:
        # Who may redact was asked by `redact`, before anything was read.
        proposal = self.readable(Proposal, proposal_id, context.principal)
        self._ensure_expected(proposal, context)
        proposal.redact(version, field, reason, context.actor, occurred_at=context.when(self.clock))
        self.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version)

    def _delete_snapshots(self, aggregate_id: UUID) -> list[str]:
        """Deletes an aggregate's snapshots (they copy its state, words included; the events rebuild it);
        the table to purge them from the files (none without snapshots)."""
        if self.snapshots is None:
            return []
        table = str(getattr(self.snapshots.recorder, "events_table_name", "snapshots"))
        self.side_tables.delete_snapshots(table, aggregate_id)
        return [table]

    # --- commitments -------------------------------------------------------------

    @command
    def make_commitment(
        self,
        context: CommandContext,
        proposal_id: UUID,
        owner: str,
        description: str,
        due: date,
        indicators: list[str],
    ) -> Receipt:
        """Records the follow-up promised on an adopted proposal."""
        proposal, process = self._in_writable_process(Proposal, proposal_id, context, copy=False)
        process.ensure_open()
        self._ensure_expected(proposal, context)
        # Who owns it and how it is measured are published with the decision, like its description.
        self.statement_names.ensure_unnamed(
            process,
            context.names_are_public,
            owner=owner,
            description=description,
            indicators="\n".join(indicators),
        )
        commitment = Commitment.make(
            id=uuid4(),
            proposal_id=proposal_id,
            process_id=proposal.process_id,
            decision_outcome=proposal.decision.outcome if proposal.decision else None,
            owner=owner,
            description=description,
            due=due,
            indicators=indicators,
            actor=context.actor,
            occurred_at=context.when(self.clock),
        )
        self.stage(commitment)
        return Receipt("commitment", commitment.id, commitment.version, created=True)

    @command
    def report_progress(
        self, context: CommandContext, commitment_id: UUID, percent: int, note: str, evidence_url: str | None
    ) -> Receipt:
        """Records a progress report on a commitment (100 percent completes it)."""
        commitment, process = self._in_writable_process(Commitment, commitment_id, context)
        process.ensure_open()
        self._ensure_expected(commitment, context)
        self.statement_names.ensure_unnamed(process, context.names_are_public, note=note)
        commitment.report_progress(percent, note, evidence_url, context.actor, occurred_at=context.when(self.clock))
        self.stage(commitment)
        return Receipt("commitment", commitment_id, commitment.version)

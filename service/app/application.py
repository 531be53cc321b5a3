"""Mufakat, the application: every use case of the deliberation ledger.

Use cases take and return ids and primitives. Each command loads what it
needs, lets the domain decide, and saves every changed aggregate (and the
idempotency record, when a key was sent) in one transaction. A concurrent
writer makes the save fail on a version; without `If-Match` the command then
runs again on the fresh state, so concurrent writers never lose each other's
events.

How commands are run and saved (one at a time per worker process, committed in
groups, with a writer token on SQLite) is `service.app.group_commit`; what they are
asked with and answer is `service.app.receipts`, re-exported here because the web
layer, the CLI and the tests import them from this module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.application import AggregateNotFoundError, EventSourcedLog
from eventsourcing.domain import Aggregate, DomainEvent
from eventsourcing.persistence import JSONTranscoder
from eventsourcing.utils import get_topic

from domain.commitment import Commitment
from domain.meeting import Meeting
from domain.participant import Participant
from domain.process import Process
from domain.proposal import Proposal
from domain.rules import DecisionRules
from service.adapters.personal_data import PersonalDataVault
from service.adapters.sealed_documents import SealedDocuments
from service.adapters.storage import (
    SideTables,
    database_url_from_environment,
    persistence_settings,
    schema_creation_lock,
)
from service.adapters.transcodings import register_domain_transcodings
from service.app.access import AccessToken, Principal, token_digest, token_record_id
from service.app.errors import Forbidden, NotFound, VersionMismatch
from service.app.group_commit import GroupCommitLedger, TAggregate
from service.app.minutes import MinutesRequest, Signer, Signers, public_url_from_environment
from service.app.minutes_sealing import prepare_sealing
from service.app.moved_topics import register_moved_topics
from service.app.process_directory import PROCESS_DIRECTORY_ID, ProcessListed
from service.app.receipts import CommandContext, Receipt
from service.audit.signing import load_or_create_signing_key

__all__ = ["CommandContext", "Mufakat", "ProcessListed", "Receipt"]


class Mufakat(GroupCommitLedger):
    """The ledger of how communities decide."""

    name = "Mufakat"
    env = {"AGGREGATE_CACHE_MAXSIZE": "2000", "DEEPCOPY_FROM_AGGREGATE_CACHE": "y"}
    snapshotting_intervals = {Proposal: 100, Process: 100, Meeting: 100}

    def __init__(self, env: dict[str, str] | None = None, clock: Callable[[], datetime] | None = None) -> None:
        register_moved_topics()
        settings = persistence_settings(database_url_from_environment())
        settings.update(env or {})
        with schema_creation_lock(settings):
            super().__init__(settings)
            self.side_tables = SideTables(self.recorder)
            self.vault = PersonalDataVault(self.side_tables)
            self.sealed_documents = SealedDocuments(self.side_tables)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.process_directory = EventSourcedLog(self.events, PROCESS_DIRECTORY_ID, ProcessListed)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        """The library's transcodings plus the domain's value types."""
        super().register_transcodings(transcoder)
        register_domain_transcodings(transcoder)

    def _next_directory_version(self) -> int | None:
        """After a directory entry still in a batch, the next one; None: after the stored last."""
        for events in self._uncommitted_events():
            listed = [e.originator_version for e in events if isinstance(e, ProcessListed)]
            if listed:
                return max(listed) + 1
        return None

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

        The web layer caches principals for a few seconds per worker; a grant made
        meanwhile (a facilitator opening a process on another worker) must not be
        refused, so a refusal is checked once more against the stored token.
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

    def personal_data(self, participant: Participant) -> dict[str, str | None]:
        """A participant's name, contact and organisation, opened with their key (placeholders once forgotten)."""
        return {
            "name": self.vault.open(participant.id, participant.sealed_name),
            "contact": self.vault.open(participant.id, participant.sealed_contact),
            "organisation": self.vault.open(participant.id, participant.sealed_organisation),
        }

    # --- tokens ----------------------------------------------------------------

    def authenticate(self, secret: str) -> Principal | None:
        """The principal a bearer token stands for, or None for an unknown or revoked token."""
        try:
            token: Aggregate = self.repository.get(token_record_id(token_digest(secret)))
        except AggregateNotFoundError:
            return None
        if not isinstance(token, AccessToken) or token.revoked or not token.matches(secret):
            return None
        return token.principal()

    def issue_token(self, role: str, name: str, processes: Sequence[UUID]) -> tuple[AccessToken, str]:
        """Issues a token and returns it with the secret, which is shown once and never stored."""
        token, secret = AccessToken.issue(role=role, name=name, processes=list(processes))
        self.save(token)
        return token, secret

    def issue_token_as(
        self, context: CommandContext, role: str, name: str, processes: Sequence[UUID]
    ) -> tuple[Receipt, str | None]:
        """Issues a token on an admin's request; the secret is None when the request is a replay.

        Only the token's hash is stored, so a retried request (same Idempotency-Key)
        cannot show the secret again: its receipt comes back marked `replayed`.
        """
        if context.principal.role != "admin":
            raise Forbidden("only admins issue tokens")
        issued: dict[str, str] = {}

        def change() -> tuple[Receipt, list[Aggregate | DomainEvent]]:
            token, secret = AccessToken.issue(role=role, name=name, processes=list(processes))
            issued["secret"] = secret
            return Receipt("token", token.id, token.version, created=True), [token]

        receipt = self._execute(context, change)
        return receipt, None if receipt.replayed else issued["secret"]

    def principal_of_token(self, token_record_id: UUID) -> Principal | None:
        """The principal a stored token stands for now, or None when it is unknown or revoked."""
        try:
            token = self._get(AccessToken, token_record_id, "token", copy=False)
        except NotFound:
            return None
        return None if token.revoked else token.principal()

    def token(self, token_record_id: UUID, version: int | None = None) -> AccessToken:
        """A stored token record (its digest, role, name and grants; never the secret)."""
        return self._get(AccessToken, token_record_id, "token", version)

    # --- processes and participants ---------------------------------------------

    def open_process(
        self,
        context: CommandContext,
        title: str,
        description: str,
        region_code: str,
        region_name: str,
        visibility: str,
        rules: DecisionRules,
    ) -> Receipt:
        """Opens a process; a facilitator who opens it holds it from then on."""
        if context.principal.role not in ("admin", "facilitator"):
            raise Forbidden("only facilitators and admins open processes")
        process_id = uuid4()

        def change() -> tuple[Receipt, list[Aggregate | DomainEvent]]:
            process = Process(
                id=process_id,
                title=title,
                description=description,
                region_code=region_code,
                region_name=region_name,
                visibility=visibility,
                rules=rules,
                occurred_at=context.when(self.clock),
                actor=context.actor,
            )
            listed = self.process_directory.trigger_event(
                process_id=process_id, next_originator_version=self._next_directory_version()
            )
            changed: list[Aggregate | DomainEvent] = [process, listed]
            if context.principal.role == "facilitator" and context.principal.token_record_id:
                token = self._get(AccessToken, context.principal.token_record_id, "token")
                token.grant(process_id)
                changed.append(token)
            return Receipt("process", process_id, process.version, created=True), changed

        return self._execute(context, change)

    def close_process(self, context: CommandContext, process_id: UUID) -> Receipt:
        """Closes a process: nothing more is recorded in it."""

        def change() -> tuple[Receipt, list[Aggregate | DomainEvent]]:
            process = self._writable_process(process_id, context)
            self._ensure_expected(process, context)
            process.close(context.actor, occurred_at=context.when(self.clock))
            return Receipt("process", process_id, process.version), [process]

        return self._execute(context, change)

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
        """Registers a participant; their name and contact are sealed with a key of their own."""
        participant_id = uuid4()
        key_made = False

        def change() -> tuple[Receipt, list[Aggregate | DomainEvent]]:
            nonlocal key_made
            process = self._writable_process(process_id, context)
            self._ensure_expected(process, context)
            process.enrol_participant(
                participant_id, group, gender, context.actor, occurred_at=context.when(self.clock)
            )
            if not key_made:
                self.vault.create_key(participant_id)
                key_made = True
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
            return Receipt("participant", participant_id, participant.version, created=True), [process, participant]

        return self._execute(context, change)

    def forget_participant(self, context: CommandContext, participant_id: UUID) -> Receipt:
        """Erases a participant's personal data: destroys their key, keeps their record as their group."""
        if context.principal.role != "admin":
            raise Forbidden("only admins forget participants")

        def change() -> tuple[Receipt, list[Aggregate | DomainEvent]]:
            participant = self._get(Participant, participant_id, "participant")
            self._ensure_expected(participant, context)
            process = self._get(Process, participant.process_id, "process")
            forgotten_at = context.when(self.clock)
            participant.forget(context.actor, occurred_at=forgotten_at)
            process.note_participant_forgotten(participant_id, context.actor, occurred_at=forgotten_at)
            return Receipt("participant", participant_id, participant.version), [participant, process]

        receipt = self._execute(context, change)
        # The key goes after the event is durable: a crash in between leaves a forgotten
        # participant whose key a retry (or `mufakat forget`) still destroys.
        self.vault.forget(participant_id)
        return receipt

    # --- meetings ----------------------------------------------------------------

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
        meeting_id = uuid4()

        def change() -> tuple[Receipt, list[Aggregate | DomainEvent]]:
            process = self._writable_process(process_id, context)
            self._ensure_expected(process, context)
            if invited is not None:
                process.ensure_all_registered(invited)
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
            return Receipt("meeting", meeting_id, meeting.version, created=True), [process, meeting]

        return self._execute(context, change)

    def _meeting_change(
        self, context: CommandContext, meeting_id: UUID, step: Callable[[Meeting, Process], None]
    ) -> Receipt:
        def change() -> tuple[Receipt, list[Aggregate | DomainEvent]]:
            meeting = self.readable(Meeting, meeting_id, context.principal)
            # A copy: opening reads the whole register, which a concurrent fast-forward may extend.
            process = self._writable_process(meeting.process_id, context)
            process.ensure_open()
            self._ensure_expected(meeting, context)
            step(meeting, process)
            return Receipt("meeting", meeting_id, meeting.version), [meeting]

        return self._execute(context, change)

    def open_meeting(self, context: CommandContext, meeting_id: UUID, attendees: list[UUID]) -> Receipt:
        """Opens a meeting with its attendance list (daftar hadir)."""

        def step(meeting: Meeting, process: Process) -> None:
            process.ensure_all_registered(attendees)
            meeting.open(attendees, process.active_participant_ids, context.actor, occurred_at=context.when(self.clock))

        return self._meeting_change(context, meeting_id, step)

    def record_attendance(self, context: CommandContext, meeting_id: UUID, attendees: list[UUID]) -> Receipt:
        """Adds latecomers to an open meeting's attendance list."""

        def step(meeting: Meeting, process: Process) -> None:
            process.ensure_all_registered(attendees)
            meeting.record_attendance(attendees, context.actor, occurred_at=context.when(self.clock))

        return self._meeting_change(context, meeting_id, step)

    def close_meeting(self, context: CommandContext, meeting_id: UUID, minutes: str | None) -> Receipt:
        """Closes a meeting with its minutes."""
        return self._meeting_change(
            context,
            meeting_id,
            lambda meeting, _: meeting.close(minutes, context.actor, occurred_at=context.when(self.clock)),
        )

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
    ) -> Receipt:
        """Seals the berita acara of a closed meeting: both versions rendered once, signed, kept, hashed in the log.

        Rendering happens before the command joins a batch; a concurrent sealing makes this one answer
        `minutes_not_latest` rather than be rendered again.
        """
        if context.idempotency is not None and (earlier := self._earlier_answer(context.idempotency)):
            return earlier
        meeting = self.readable(Meeting, meeting_id, context.principal)
        process = self._writable_process(meeting.process_id, context)
        self._ensure_expected(meeting, context)
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
            signing_key or load_or_create_signing_key(),
            public_url_from_environment(),
        )

        def change() -> tuple[Receipt, list[Aggregate | DomainEvent]]:
            meeting = self.readable(Meeting, meeting_id, context.principal)
            self._writable_process(meeting.process_id, context, copy=False)
            self._ensure_expected(meeting, context)
            meeting.seal_minutes(**sealing, actor=context.actor, occurred_at=occurred_at)
            return Receipt("meeting", meeting_id, meeting.version, created=True), [meeting]

        return self._execute(context, change)

    # --- proposals ---------------------------------------------------------------

    def submit_proposal(
        self,
        context: CommandContext,
        process_id: UUID,
        title: str,
        body: str,
        submitted_by: UUID,
        meeting_id: UUID | None,
    ) -> Receipt:
        """Submits a proposal by a registered participant, optionally at a meeting of the process."""
        proposal_id = uuid4()

        def change() -> tuple[Receipt, list[Aggregate | DomainEvent]]:
            process = self._writable_process(process_id, context)
            self._ensure_expected(process, context)
            if meeting_id is not None:
                meeting = self._get(Meeting, meeting_id, "meeting", copy=False)
                if meeting.process_id != process_id:
                    raise NotFound("meeting", meeting_id)
            submitted_at = context.when(self.clock)
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
            return Receipt("proposal", proposal_id, proposal.version, created=True), [process, proposal]

        return self._execute(context, change)

    def _proposal_change(
        self,
        context: CommandContext,
        proposal_id: UUID,
        step: Callable[[Proposal, Process], UUID | None],
        created: bool = False,
    ) -> Receipt:
        def change() -> tuple[Receipt, list[Aggregate | DomainEvent]]:
            proposal, process = self._in_writable_process(Proposal, proposal_id, context)
            process.ensure_open()
            self._ensure_expected(proposal, context)
            part_id = step(proposal, process)
            return Receipt("proposal", proposal_id, proposal.version, part_id=part_id, created=created), [proposal]

        return self._execute(context, change)

    def _meeting_of_process(self, meeting_id: UUID, process: Process) -> Meeting:
        meeting = self._get(Meeting, meeting_id, "meeting", copy=False)
        if meeting.process_id != process.id:
            raise NotFound("meeting", meeting_id)
        return meeting

    def contribute(
        self, context: CommandContext, proposal_id: UUID, participant_id: UUID, kind: str, text: str
    ) -> Receipt:
        """Records a contribution (support, concern, question, information) to the deliberation."""

        def step(proposal: Proposal, process: Process) -> None:
            process.ensure_may_act(participant_id)
            proposal.contribute(participant_id, kind, text, context.actor, occurred_at=context.when(self.clock))

        return self._proposal_change(context, proposal_id, step)

    def amend(self, context: CommandContext, proposal_id: UUID, body: str, reason: str, proposed_by: UUID) -> Receipt:
        """Records a new version of the proposal's text, with the reason for it."""

        def step(proposal: Proposal, process: Process) -> None:
            process.ensure_may_act(proposed_by)
            proposal.amend(body, reason, proposed_by, context.actor, occurred_at=context.when(self.clock))

        return self._proposal_change(context, proposal_id, step)

    def raise_objection(
        self, context: CommandContext, proposal_id: UUID, raised_by: UUID, grounds: str, blocking: bool
    ) -> Receipt:
        """Records an objection by a registered participant."""
        objection_id = uuid4()

        def step(proposal: Proposal, process: Process) -> UUID:
            process.ensure_may_act(raised_by)
            proposal.raise_objection(
                objection_id, raised_by, grounds, blocking, context.actor, occurred_at=context.when(self.clock)
            )
            return objection_id

        return self._proposal_change(context, proposal_id, step, created=True)

    def resolve_objection(
        self, context: CommandContext, proposal_id: UUID, objection_id: UUID, outcome: str, note: str
    ) -> Receipt:
        """Ends an objection as addressed, withdrawn or overruled."""

        def step(proposal: Proposal, process: Process) -> UUID:
            proposal.resolve_objection(
                objection_id, outcome, note, process.rules, context.actor, occurred_at=context.when(self.clock)
            )
            return objection_id

        return self._proposal_change(context, proposal_id, step)

    def open_consensus_check(self, context: CommandContext, proposal_id: UUID, meeting_id: UUID) -> Receipt:
        """Opens a consensus check at an open meeting of the process."""
        check_id = uuid4()

        def step(proposal: Proposal, process: Process) -> UUID:
            meeting = self._meeting_of_process(meeting_id, process)
            proposal.ensure_undecided()
            meeting.ensure_open()
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
            return check_id

        return self._proposal_change(context, proposal_id, step, created=True)

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

        def step(proposal: Proposal, process: Process) -> UUID:
            check = proposal.check(check_id)
            proposal.ensure_undecided()
            process.ensure_may_act(participant_id)
            meeting = self._get(Meeting, UUID(check.meeting_id), "meeting", copy=False)
            meeting.ensure_attending(participant_id)
            if check.status == "open":  # a closed check answers check_not_open, whatever the meeting
                meeting.ensure_open()
            proposal.take_stance(
                check_id, participant_id, stance, reason, context.actor, occurred_at=context.when(self.clock)
            )
            return check_id

        return self._proposal_change(context, proposal_id, step)

    def close_consensus_check(self, context: CommandContext, proposal_id: UUID, check_id: UUID) -> Receipt:
        """Closes a consensus check with its result and tally."""

        def step(proposal: Proposal, process: Process) -> UUID:
            meeting = self._get(Meeting, UUID(proposal.check(check_id).meeting_id), "meeting", copy=False)
            proposal.close_consensus_check(
                check_id,
                meeting.invited_count,
                meeting.present_of_invited,
                process.rules,
                context.actor,
                occurred_at=context.when(self.clock),
            )
            return check_id

        return self._proposal_change(context, proposal_id, step)

    def open_vote(self, context: CommandContext, proposal_id: UUID, meeting_id: UUID) -> Receipt:
        """Opens a vote (fallback when consensus fails, where the rules allow it)."""
        vote_id = uuid4()

        def step(proposal: Proposal, process: Process) -> UUID:
            meeting = self._meeting_of_process(meeting_id, process)
            proposal.ensure_undecided()
            meeting.ensure_open()
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
            return vote_id

        return self._proposal_change(context, proposal_id, step, created=True)

    def cast_ballot(
        self, context: CommandContext, proposal_id: UUID, vote_id: UUID, participant_id: UUID, choice: str
    ) -> Receipt:
        """Records the one ballot of a participant who attends the vote's meeting."""

        def step(proposal: Proposal, process: Process) -> UUID:
            vote = proposal.vote(vote_id)
            proposal.ensure_undecided()
            process.ensure_may_act(participant_id)
            meeting = self._get(Meeting, UUID(vote.meeting_id), "meeting", copy=False)
            meeting.ensure_attending(participant_id)
            if vote.status == "open":  # a closed vote answers vote_not_open, whatever the meeting
                meeting.ensure_open()
            proposal.cast_ballot(vote_id, participant_id, choice, context.actor, occurred_at=context.when(self.clock))
            return vote_id

        return self._proposal_change(context, proposal_id, step)

    def close_vote(self, context: CommandContext, proposal_id: UUID, vote_id: UUID) -> Receipt:
        """Closes a vote with its tally against the threshold."""

        def step(proposal: Proposal, process: Process) -> UUID:
            meeting = self._get(Meeting, UUID(proposal.vote(vote_id).meeting_id), "meeting", copy=False)
            proposal.close_vote(
                vote_id,
                meeting.invited_count,
                meeting.present_of_invited,
                process.rules,
                context.actor,
                occurred_at=context.when(self.clock),
            )
            return vote_id

        return self._proposal_change(context, proposal_id, step)

    def decide(self, context: CommandContext, proposal_id: UUID, outcome: str, method: str, rationale: str) -> Receipt:
        """Records the decision, keeping a copy of the rules it was made under."""

        def step(proposal: Proposal, process: Process) -> None:
            proposal.decide(outcome, method, rationale, process.rules, context.when(self.clock), context.actor)

        return self._proposal_change(context, proposal_id, step)

    # --- corrections ---------------------------------------------------------------

    def withdraw(self, context: CommandContext, proposal_id: UUID, reason: str) -> Receipt:
        """Withdraws an undecided proposal; nothing more is recorded on it."""

        def step(proposal: Proposal, process: Process) -> None:
            proposal.withdraw(reason, context.actor, occurred_at=context.when(self.clock))

        return self._proposal_change(context, proposal_id, step)

    def annul_decision(
        self,
        context: CommandContext,
        proposal_id: UUID,
        reason: str,
        legal_basis: str | None,
        meeting_id: UUID | None,
    ) -> Receipt:
        """Annuls a proposal's decision by a later musyawarah; the proposal is open again."""

        def step(proposal: Proposal, process: Process) -> None:
            if meeting_id is not None:
                self._meeting_of_process(meeting_id, process)
            proposal.annul_decision(
                reason, legal_basis, meeting_id, context.actor, occurred_at=context.when(self.clock)
            )

        return self._proposal_change(context, proposal_id, step)

    def correct(
        self, context: CommandContext, proposal_id: UUID, version: int, field: str, text: str, reason: str
    ) -> Receipt:
        """Records an erratum of a free-text field of the step recorded at `version`."""

        def step(proposal: Proposal, process: Process) -> None:
            proposal.correct(version, field, text, reason, context.actor, occurred_at=context.when(self.clock))

        return self._proposal_change(context, proposal_id, step)

    # --- commitments -------------------------------------------------------------

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
        commitment_id = uuid4()

        def change() -> tuple[Receipt, list[Aggregate | DomainEvent]]:
            proposal, process = self._in_writable_process(Proposal, proposal_id, context, copy=False)
            process.ensure_open()
            self._ensure_expected(proposal, context)
            commitment = Commitment.make(
                id=commitment_id,
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
            return Receipt("commitment", commitment_id, commitment.version, created=True), [commitment]

        return self._execute(context, change)

    def report_progress(
        self, context: CommandContext, commitment_id: UUID, percent: int, note: str, evidence_url: str | None
    ) -> Receipt:
        """Records a progress report on a commitment (100 percent completes it)."""

        def change() -> tuple[Receipt, list[Aggregate | DomainEvent]]:
            commitment, process = self._in_writable_process(Commitment, commitment_id, context)
            process.ensure_open()
            self._ensure_expected(commitment, context)
            commitment.report_progress(percent, note, evidence_url, context.actor, occurred_at=context.when(self.clock))
            return Receipt("commitment", commitment_id, commitment.version), [commitment]

        return self._execute(context, change)

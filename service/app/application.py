"""Mufakat, the composition root: the ledger, its unit of work, and every use case and workflow, wired once.

The ledger (`service.adapters.ledger.EventLedger`) is the event store and the
stores beside it. The unit of work (`service.app.unit_of_work`) receives it and
runs each command in the group commit. The use cases, grouped by aggregate
(`processes`, `participants`, `meetings`, `proposals`, `commitments`), and the
workflows (`tokens`, `forgetting`, `redaction`, `sealing`) each receive the unit
of work and the ports they need; callers reach them here:

    mufakat.proposals.submit(context, process_id, ...)

Reads are plain functions of `service.app.queries`. This is the only module of
the application layer that wires adapters to use cases.

`CommandContext` and `Receipt` (`service.app.receipts`) are re-exported here
because the web layer, the CLI and the tests import them from this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eventsourcing.application import EventSourcedLog
from eventsourcing.domain import Aggregate, DomainEvent

from domain.participant import Participant
from projections.runner import fresh_read_models
from service.adapters.evidence_files import evidence_files, prepared
from service.adapters.ledger import EventLedger
from service.adapters.personal_data import FORGOTTEN_PLACEHOLDER
from service.adapters.sign_in_links import SignInLinks
from service.app.access import AccessToken
from service.app.agreement_sealing import AgreementSealing
from service.app.assessments import Assessments
from service.app.chain import MusrenbangChain
from service.app.commitment_evidence import CommitmentEvidence
from service.app.commitment_risks import CommitmentRisks
from service.app.commitments import Commitments
from service.app.complaint_redaction import ComplaintRedaction
from service.app.complaints import Complaints
from service.app.dispute_directory import DISPUTE_DIRECTORY_ID, DisputeListed
from service.app.dispute_redaction import DisputeRedaction
from service.app.disputes import Disputes
from service.app.evaluations import Evaluations
from service.app.forgetting import Forgetting
from service.app.meetings import Meetings
from service.app.moved_topics import register_moved_topics
from service.app.participants import Participants
from service.app.partners import Partners
from service.app.ports import Vault
from service.app.process_directory import PROCESS_DIRECTORY_ID, ProcessListed
from service.app.processes import Processes
from service.app.proposals import Proposals
from service.app.rankings import Rankings
from service.app.receipts import CommandContext, Receipt
from service.app.redaction import Redaction
from service.app.report_sealing import ProgrammeReports
from service.app.sealing import MinutesSealing
from service.app.statement_names import StatementNames
from service.app.tokens import Tokens
from service.app.unit_of_work import UnitOfWork
from service.settings import Settings

__all__ = ["CommandContext", "Mufakat", "ProcessListed", "Receipt", "UseCases", "use_cases"]


@dataclass(frozen=True)
class UseCases:
    """The use cases of each aggregate, on one unit of work: what runs alike on every store."""

    processes: Processes
    participants: Participants
    meetings: Meetings
    proposals: Proposals
    commitments: Commitments
    chain: MusrenbangChain


def use_cases(uow: UnitOfWork, vault: Vault, directory: EventSourcedLog[ProcessListed]) -> UseCases:
    """The use cases of each aggregate, wired to a unit of work, a vault and the directory of processes."""

    def registered_name(participant_id: UUID) -> str | None:
        """A participant's name as the register holds it (None once forgotten)."""
        participant = uow.get(Participant, participant_id, "participant", copy=False)
        name = vault.open(participant_id, participant.sealed_name)
        return None if name == FORGOTTEN_PLACEHOLDER else name

    names = StatementNames(registered_name)
    return UseCases(
        processes=Processes(uow, directory),
        participants=Participants(uow, vault),
        meetings=Meetings(uow, names),
        proposals=Proposals(uow, names),
        commitments=Commitments(uow, names),
        chain=MusrenbangChain(uow, names),
    )


class Mufakat:
    """The ledger of how communities decide: its store, its use cases and its workflows."""

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
        self.ledger = ledger = EventLedger(self.settings, env)
        self.uow = UnitOfWork(ledger, clock)
        self.process_directory = EventSourcedLog(ledger.events, PROCESS_DIRECTORY_ID, ProcessListed)
        # The stores, as the queries, the projections, the audit and the command line read them.
        self.recorder = ledger.recorder
        self.events = ledger.events
        self.mapper = ledger.mapper
        self.repository = ledger.repository
        self.snapshots = ledger.snapshots
        self.env = ledger.env
        self.factory = ledger.factory
        self.side_tables = ledger.side_tables
        self.vault = ledger.vault
        self.sealed_documents = ledger.sealed_documents
        self.console_sessions = ledger.console_sessions
        self.sign_in_links = SignInLinks(ledger.side_tables)
        self.statement_keys = ledger.statement_keys
        # Use cases by aggregate, and the workflows.
        wired = use_cases(self.uow, ledger.vault, self.process_directory)
        self.processes = wired.processes
        self.participants = wired.participants
        self.meetings = wired.meetings
        self.proposals = wired.proposals
        self.commitments = wired.commitments
        self.chain = wired.chain
        self.statement_names = self.proposals.names
        self.tokens = Tokens(self.uow, ledger.save, ledger.token_generation(AccessToken))
        self.forgetting = Forgetting(self.uow, ledger, self.statement_names)
        self.redaction = Redaction(self.uow, ledger, self.statement_names, lambda: fresh_read_models(self.ledger))
        evidence = evidence_files(self.settings.evidence_store, ledger.side_tables)
        self.assessments = Assessments(self.uow, evidence, prepared, self.statement_names)
        self.commitment_evidence = CommitmentEvidence(self.uow, evidence, prepared)
        self.sealing = MinutesSealing(self.uow, ledger, self.statement_names, self.settings)
        disputes = EventSourcedLog(ledger.events, DISPUTE_DIRECTORY_ID, DisputeListed)
        self.disputes = Disputes(self.uow, self.statement_names, disputes)
        self.dispute_redaction = DisputeRedaction(self.uow, ledger, self.statement_names)
        self.agreement_sealing = AgreementSealing(self.uow, ledger, self.settings)
        self.rankings = Rankings(self.uow)
        self.evaluations = Evaluations(self.uow, self.statement_names)
        self.complaints = Complaints(self.uow, ledger.vault)
        self.complaint_redaction = ComplaintRedaction(self.uow, ledger, self.statement_names)
        self.partners = Partners(self.uow, self.statement_names)
        self.commitment_risks = CommitmentRisks(self.uow, self.statement_names)
        self.complaint_limits = ledger.complaint_limits
        self.programme_reports = ProgrammeReports(self.uow, ledger, self, self.settings)

    @property
    def clock(self) -> Callable[[], datetime]:
        """The time a step is recorded at when the request gives none (the unit of work's)."""
        return self.uow.clock

    @clock.setter
    def clock(self, clock: Callable[[], datetime]) -> None:
        self.uow.clock = clock

    def save(self, *changed: Aggregate | DomainEvent) -> None:
        """Saves aggregates outside any request (the command line, tests' fixtures)."""
        self.ledger.save(*changed)

    @contextmanager
    def writing_alone(self) -> Iterator[None]:
        """Keeps the writer token across a whole command of the command line (`EventLedger.writing_alone`)."""
        with self.ledger.writing_alone():
            yield

    def close(self) -> None:
        """Stops this process's erasure retries, then closes the database connections."""
        self.ledger.close()

"""The ledger: Mufakat's event store, as eventsourcing's `Application` configured for it.

Group commit (`service.adapters.group_commit`), statements sealed by the mapper,
the domain's transcodings, the environment built from `Settings`, snapshotting,
and the stores beside the events (side tables, the personal-data vault, sealed
documents, console sessions, statement keys). It holds no use case: those are in
`service.app`, which receives the ledger through its unit of work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, Mapper, StoredEvent
from eventsourcing.utils import Environment, get_topic

from domain.meeting import Meeting
from domain.process import Process
from domain.proposal import Proposal
from service.adapters.complaint_limits import ComplaintLimits
from service.adapters.console_sessions import ConsoleSessions
from service.adapters.group_commit import GroupCommitLedger
from service.adapters.personal_data import PersonalDataVault
from service.adapters.sealed_documents import SealedDocuments
from service.adapters.sealed_statements import StatementKeys, StatementSealingMapper
from service.adapters.storage import SideTables, ledger_environment, schema_creation_lock
from service.adapters.token_generation import TokenGeneration, token_generation_for
from service.adapters.transcodings import register_domain_transcodings
from service.settings import Settings


class EventLedger(GroupCommitLedger):
    """The events of every process, and the stores kept beside them."""

    name = "Mufakat"
    env = {"AGGREGATE_CACHE_MAXSIZE": "2000", "DEEPCOPY_FROM_AGGREGATE_CACHE": "y"}
    snapshotting_intervals = {Proposal: 100, Process: 100, Meeting: 100}

    def __init__(self, settings: Settings, env: dict[str, str] | None = None) -> None:
        """Opens the store `settings` configure; `env` overrides entries of its eventsourcing environment."""
        self.settings = settings
        ledger_env = ledger_environment(settings)
        ledger_env.update(env or {})
        with schema_creation_lock(ledger_env):
            super().__init__(ledger_env)
            self.side_tables = SideTables(self.recorder)
            self.vault = PersonalDataVault(self.side_tables)
            self.sealed_documents = SealedDocuments(self.side_tables, self.vault)
            self.console_sessions = ConsoleSessions(self.side_tables)
            # Created under the schema lock: workers starting together would race on PostgreSQL otherwise.
            self.complaint_limits = ComplaintLimits(self.side_tables)
            # Statements are sealed by the mapper and their keys stored by the recorder, with their events.
            self.statement_keys = StatementKeys(self.vault)
            cast(StatementSealingMapper, self.mapper).statement_keys = self.statement_keys
            setattr(self.recorder, "statement_keys", self.statement_keys)
            # Opening settles a generation a writer left odd when it died between its commit and its second move.
            self._token_generation = token_generation_for(ledger_env)
        self._token_topics: tuple[str, ...] = ()
        # Every insert passes here, the group commit's and `save`'s alike: none can forget the generation.
        self._insert_events_unwatched = self.recorder.insert_events
        setattr(self.recorder, "insert_events", self._insert_events)

    def token_generation(self, token_class: type[Aggregate]) -> TokenGeneration:
        """The counter a cache of principals reads (`service.adapters.token_generation`); from this call on,
        every insert holding an event of `token_class` moves it before the insert and after the commit.

        Asked for by the one who caches, so that nothing is cached that the ledger does not watch.
        """
        self._token_topics = (*self._token_topics, get_topic(token_class) + ".")
        return self._token_generation

    def _insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        topics = self._token_topics
        if not topics or not any(stored.topic.startswith(topics) for stored in stored_events):
            return self._insert_events_unwatched(stored_events, **kwargs)
        with self._token_generation.changing():
            return self._insert_events_unwatched(stored_events, **kwargs)

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

    def delete_snapshots(self, aggregate_id: UUID) -> list[str]:
        """Deletes an aggregate's snapshots (they copy its state, words included; the events rebuild it);
        the table to purge them from the files (none without snapshots)."""
        if self.snapshots is None:
            return []
        table = str(getattr(self.snapshots.recorder, "events_table_name", "snapshots"))
        self.side_tables.delete_snapshots(table, aggregate_id)
        return [table]

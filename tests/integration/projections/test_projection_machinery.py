"""The projection runner on real databases: batched, exactly once, and a rebuild gives the same rows."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from projection_stories import adopt_by_consensus, follow_up, open_village, reject_by_vote

from projections.runner import ReadModels, read_models
from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.cli.demo import DemoRecord, record_demo


def _record_plenty(ledger: Mufakat) -> None:
    _, secret = ledger.tokens.issue("facilitator", "Fasilitator Uji", [])
    record_demo(ledger, secret)
    village = open_village(ledger)
    follow_up(ledger, adopt_by_consensus(village))
    reject_by_vote(village)
    hidden = open_village(ledger, visibility="restricted", title="Rapat tertutup BPD")
    follow_up(ledger, adopt_by_consensus(hidden, title="Honor perangkat desa"))


def _decisions_of(ledger: Mufakat, demo: DemoRecord) -> int:
    """How many decisions the demo publishes: every decided proposal's and each one annulled before it."""
    proposals = [ledger.repository.get(p) for p in [*demo.proposals.values(), demo.chain["neighbour_proposal"]]]
    return sum((p.decision is not None) + len(p.annulled_decisions) for p in proposals)


def _counts(models: ReadModels) -> dict[str, Any]:
    return {table: len(rows) for table, rows in models.dump().items()}


class ProjectionMachineryContract:
    """The runner's promises, on whichever database the subclass names."""

    def test_a_rebuild_writes_the_same_rows_as_catching_up_page_by_page(self, the_ledger: Mufakat) -> None:
        models = ReadModels(the_ledger, page_size=7)
        # Catch up now and then while the log grows, in pages that split stories anywhere.
        _, secret = the_ledger.tokens.issue("facilitator", "Fasilitator Uji", [])
        demo = record_demo(the_ledger, secret)
        models.catch_up()
        village = open_village(the_ledger)
        models.catch_up()
        follow_up(the_ledger, adopt_by_consensus(village))
        reject_by_vote(village)
        models.catch_up()
        incremental = models.dump()

        models.rebuild()

        assert models.dump() == incremental
        kinds = [row[1] for row in incremental["projection_feed_items"]]
        # the demo's (each decided proposal's decision and those annulled before it, the neighbour village's road
        # included), the village's two
        assert kinds.count("decision") == _decisions_of(the_ledger, demo) + 2
        assert kinds.count("annulment") == 1
        assert models.position() == the_ledger.recorder.max_notification_id()

    def test_a_page_delivered_twice_is_applied_once(self, the_ledger: Mufakat) -> None:
        _record_plenty(the_ledger)
        models = ReadModels(the_ledger)
        models.catch_up()
        once = models.dump()
        end = the_ledger.recorder.max_notification_id() or 0
        page = the_ledger.recorder.select_notifications(0, 10_000, topics=models.topics, inclusive_of_start=False)
        events = [(n, the_ledger.mapper.to_domain_event(n)) for n in page]

        applied = models._apply_page(events, end)

        assert applied == 0
        assert models.dump() == once

    def test_catching_up_with_nothing_new_applies_nothing(self, the_ledger: Mufakat) -> None:
        _record_plenty(the_ledger)
        models = read_models(the_ledger)
        assert models.catch_up() > 0

        assert models.catch_up() == 0
        assert models.position() == the_ledger.recorder.max_notification_id()

    def test_workers_racing_over_the_same_log_apply_each_event_once(
        self, the_ledger: Mufakat, database_url: str
    ) -> None:
        _record_plenty(the_ledger)
        # Each worker its own ledger and connections, as separate processes would have.
        ledgers = [Mufakat(env=persistence_settings(database_url)) for _ in range(3)]
        workers = [ReadModels(ledger, page_size=11) for ledger in ledgers]
        errors: list[BaseException] = []

        def work(models: ReadModels) -> None:
            try:
                models.catch_up()
            except BaseException as error:  # surfaced below, not swallowed
                errors.append(error)

        threads = [threading.Thread(target=work, args=(models,)) for models in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        raced = workers[0].dump()
        workers[0].rebuild()
        rebuilt = workers[0].dump()
        for ledger in ledgers:
            ledger.close()

        assert errors == []
        assert raced == rebuilt

    def test_restricted_processes_stay_out_of_the_feed_but_count_in_their_metrics(self, the_ledger: Mufakat) -> None:
        hidden = open_village(the_ledger, visibility="restricted")
        adopt_by_consensus(hidden)
        models = read_models(the_ledger)
        models.catch_up()

        rows = models.dump()

        assert rows["projection_feed_items"] == []
        assert rows["projection_feed_proposals"] == []
        assert any(row[0] == str(hidden.process_id) for row in rows["projection_participation_counts"])

    def test_tables_of_an_older_shape_are_replaced_and_replayed_when_a_worker_starts(self, the_ledger: Mufakat) -> None:
        adopt_by_consensus(open_village(the_ledger))
        models = ReadModels(the_ledger)
        models.catch_up()
        expected = models.dump()
        # As an older Mufakat left them: another shape, another schema version.
        with models.database.transaction() as sql:
            sql.execute("DROP TABLE projection_feed_items")
            sql.execute("CREATE TABLE projection_feed_items (seq BIGINT PRIMARY KEY, old_shape TEXT)")
            sql.execute("UPDATE projection_tracking SET position = 1 WHERE name = 'schema-version'")

        restarted = ReadModels(the_ledger)
        restarted.catch_up()

        assert restarted.dump() == expected


class TestProjectionMachineryOnSQLite(ProjectionMachineryContract):
    """On the embedded SQLite file."""


@pytest.mark.postgres
class TestProjectionMachineryOnPostgreSQL(ProjectionMachineryContract):
    """On PostgreSQL, with every worker on its own connection pool."""

    @pytest.fixture
    def database_url(self, postgres_database_url: str) -> str:
        """A fresh PostgreSQL database of this test's own."""
        return postgres_database_url

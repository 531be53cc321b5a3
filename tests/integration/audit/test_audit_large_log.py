"""A 100,000-event log verifies, in one streaming pass, and its speed is reported.

The log is built fast by inserting stored events through the hash-chaining
recorder in big batches (10,000 aggregates of 10 events, interleaved as real
traffic is). The speed is printed (`pytest -s`) and kept as a test property;
bench/verify_speed.py compares it with plain SHA-256 over the same bytes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from service.app.application import Mufakat
from service.audit.verify import verify_store

EVENTS = 100_000
AGGREGATES = 10_000
BATCH = 5_000


def synthetic_events(count: int, aggregates: int) -> Iterator[StoredEvent]:
    """Events shaped like the ledger's own (JSON states of a few hundred bytes), round-robin over aggregates."""
    ids: list[UUID] = [uuid4() for _ in range(aggregates)]
    for n in range(count):
        version, index = divmod(n, aggregates)
        state = {
            "timestamp": {"_type_": "datetime_iso", "_data_": f"2026-11-23T10:{n % 60:02d}:00.000000+00:00"},
            "originator_topic": "domain.proposal:Proposal",
            "participant_id": {"_type_": "uuid_hex", "_data_": ids[(index + 1) % aggregates].hex},
            "kind": "support",
            "text": f"Kontribusi nomor {n}: usulan ini mendukung air bersih untuk RT {n % 12:02d}.",
            "actor": {"_type_": "actor", "_data_": {"id": str(ids[index]), "role": "facilitator", "name": "F"}},
        }
        yield StoredEvent(
            originator_id=ids[index],
            originator_version=version + 1,
            topic="domain.proposal:Proposal.Contributed",
            state=json.dumps(state, separators=(",", ":")).encode("utf-8"),
        )


def insert_log(ledger: Mufakat, count: int = EVENTS, aggregates: int = AGGREGATES) -> None:
    """Inserts the synthetic log through the ledger's recorder, `BATCH` events per transaction."""
    batch: list[StoredEvent] = []
    for stored in synthetic_events(count, aggregates):
        batch.append(stored)
        if len(batch) == BATCH:
            ledger.recorder.insert_events(batch)
            batch = []
    if batch:
        ledger.recorder.insert_events(batch)


class LargeLogContract:
    """The test; each subclass names the database."""

    def test_a_hundred_thousand_event_log_verifies_and_reports_its_speed(
        self, ledger: Mufakat, record_property: Callable[[str, object], None], database_url: str
    ) -> None:
        insert_log(ledger)

        started = time.perf_counter()
        report = verify_store(ledger.recorder)
        seconds = time.perf_counter() - started

        assert report.as_dict()["first_failure"] is None
        assert (report.ok, report.events_checked) == (True, EVENTS)
        speed = EVENTS / seconds
        record_property("verified_events_per_second", round(speed))
        print(f"\n{database_url.split(':')[0]}: verified {EVENTS} events in {seconds:.2f} s ({speed:,.0f} events/s)")


class TestLargeLogOnSQLite(LargeLogContract):
    """100,000 events on an SQLite file."""

    @pytest.fixture
    def database_url(self, sqlite_database_url: str) -> str:
        return sqlite_database_url


@pytest.mark.postgres
class TestLargeLogOnPostgreSQL(LargeLogContract):
    """100,000 events on PostgreSQL."""

    @pytest.fixture
    def database_url(self, postgres_database_url: str) -> str:
        return postgres_database_url

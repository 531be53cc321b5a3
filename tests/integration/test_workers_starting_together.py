"""Workers that start at the same moment on a new PostgreSQL database all come up."""

from __future__ import annotations

import threading

import pytest

from service.adapters.storage import persistence_settings
from service.app.application import Mufakat

pytestmark = pytest.mark.postgres


def test_eight_ledgers_opened_at_once_on_a_new_database_all_create_their_tables(postgres_database_url: str) -> None:
    starting_gun = threading.Barrier(8)
    failures: list[BaseException] = []
    ledgers: list[Mufakat] = []

    def start_worker() -> None:
        starting_gun.wait()
        try:
            ledgers.append(Mufakat(env=persistence_settings(postgres_database_url)))
        except BaseException as failure:  # the test reports every failure, whatever it is
            failures.append(failure)

    workers = [threading.Thread(target=start_worker) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    try:
        assert failures == []
        assert len(ledgers) == 8
        _, secret = ledgers[0].tokens.issue("admin", "Admin", [])
        assert all(ledger.tokens.authenticate(secret) is not None for ledger in ledgers)
    finally:
        for ledger in ledgers:
            ledger.close()

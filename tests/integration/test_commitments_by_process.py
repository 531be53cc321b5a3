"""The read models index what pages list: a process's commitments (every one of that process,
in the order made, page by page, and none of another process, however many the ledger holds."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest

from service.adapters.storage import persistence_settings
from service.app import queries
from service.app.application import Mufakat
from service.cli.demo import record_demo

pytestmark = pytest.mark.slow


def test_each_village_lists_its_own_commitments_in_order_page_by_page(tmp_path: Path) -> None:
    ledger = Mufakat(env=persistence_settings(f"sqlite:///{tmp_path / 'ledger.db'}"))
    try:
        token, secret = ledger.tokens.issue("admin", "Admin", [])
        first = record_demo(ledger, secret)
        process = queries.readable_process(ledger, first.process_id, token.principal(), copy=False)
        listed_before, _ = queries.commitments_of(ledger, process, None, 100, None)
        second = record_demo(ledger, secret)  # another village, later in the log

        pages: list[UUID] = []
        cursor = None
        while True:
            page, cursor = queries.commitments_of(ledger, process, cursor, 1, None)
            pages.extend(c.id for c in page)
            if cursor is None:
                break

        assert len(first.commitments) >= 2 and len(second.commitments) >= 2  # pages of one across several
        assert pages == [c.id for c in listed_before]
        assert set(first.commitments) <= set(pages)
        assert not set(second.commitments) & set(pages)
        other = queries.readable_process(ledger, second.process_id, token.principal(), copy=False)
        assert set(second.commitments) <= {c.id for c in queries.commitments_of(ledger, other, None, 100, None)[0]}
    finally:
        ledger.close()


def test_the_read_models_list_tokens_by_the_topic_the_service_issues_them_under() -> None:
    from projections.directory import TOKEN_ISSUED_TOPIC
    from service.app.access import ISSUED_TOPIC

    assert TOKEN_ISSUED_TOPIC == ISSUED_TOPIC

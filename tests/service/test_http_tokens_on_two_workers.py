"""A revocation on one worker is a 401 on every other worker at once: two apps on one database (SQLite file,
PostgreSQL), each having just authenticated the token, as two gunicorn workers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from http_callers import Caller

from service.adapters.storage import persistence_settings
from service.http.app_factory import create_app
from service.http.current import current_mufakat

# Storage-sensitive: two workers on one database see a revocation at once.
pytestmark = pytest.mark.both_stores


@pytest.fixture
def two_workers(database_url: str) -> Iterator[tuple[Flask, Flask]]:
    """Two apps on one database, as two gunicorn workers are."""
    settings = persistence_settings(database_url)
    apps = (create_app({"MUFAKAT_LEDGER_ENV": settings}), create_app({"MUFAKAT_LEDGER_ENV": settings}))
    yield apps
    for app in apps:
        opened = app.extensions.get("mufakat")
        if opened is not None:
            opened.close()


def test_a_token_revoked_on_one_worker_gets_401_on_the_other_at_once(two_workers: tuple[Flask, Flask]) -> None:
    first, second = two_workers
    with first.app_context():
        _, admin_secret = current_mufakat().tokens.issue("admin", "Admin Kabupaten", [])
    admin = Caller(first.test_client(), admin_secret)
    issued = admin.created("/tokens", {"role": "facilitator", "name": "Pendamping Desa"})
    on_second = Caller(second.test_client(), issued["token"])
    for _ in range(3):  # the second worker has just read (and cached) the token
        assert on_second.get("/processes").status_code == 200

    admin.ok(f"/tokens/{issued['id']}/revoke")

    assert on_second.get("/processes").status_code == 401
    assert Caller(first.test_client(), issued["token"]).get("/processes").status_code == 401


def test_a_token_issued_on_one_worker_works_at_once_on_the_other(two_workers: tuple[Flask, Flask]) -> None:
    first, second = two_workers
    with first.app_context():
        _, admin_secret = current_mufakat().tokens.issue("admin", "Admin Kabupaten", [])
    issued = Caller(first.test_client(), admin_secret).created("/tokens", {"role": "auditor", "name": "Inspektorat"})

    assert Caller(second.test_client(), issued["token"]).get("/audit/verify").status_code == 200

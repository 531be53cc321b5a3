"""Two worker processes share one store: what one records, the other answers with at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from http_callers import Caller, process_body

from service.adapters.storage import persistence_settings
from service.http.app_factory import create_app
from service.http.current import current_mufakat
from service.app import queries


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[tuple[Flask, Flask]]:
    """Two apps on one SQLite file, as two gunicorn workers are."""
    settings = persistence_settings("sqlite:///" + str(tmp_path / "mufakat.db"))
    apps = (create_app({"MUFAKAT_LEDGER_ENV": settings}), create_app({"MUFAKAT_LEDGER_ENV": settings}))
    yield apps
    for app in apps:
        opened = app.extensions.get("mufakat")
        if opened is not None:
            opened.close()


def test_a_process_opened_on_one_worker_is_writable_at_once_on_the_other(two_workers: tuple[Flask, Flask]) -> None:
    first, second = two_workers
    with first.app_context():
        _, secret = current_mufakat().tokens.issue("facilitator", "Pendamping Desa", [])
    on_first, on_second = Caller(first.test_client(), secret), Caller(second.test_client(), secret)
    # The second worker has just cached who this facilitator is: a token holding no process yet.
    assert on_second.get("/processes").status_code == 200

    opened = on_first.created("/processes", process_body("restricted"))
    registered = on_second.post(f"/processes/{opened['id']}/participants", {"name": "Warga", "group": "resident"})

    assert registered.status_code == 201
    assert on_second.get(f"/processes/{opened['id']}").get_json()["participant_count"] == 1


def test_contributions_through_both_workers_all_count(two_workers: tuple[Flask, Flask]) -> None:
    first, second = two_workers
    with first.app_context():
        _, secret = current_mufakat().tokens.issue("admin", "Admin", [])
    on_first, on_second = Caller(first.test_client(), secret), Caller(second.test_client(), secret)
    process = on_first.created("/processes", process_body())
    speaker = on_first.created(f"/processes/{process['id']}/participants", {"name": "Warga", "group": "youth"})["id"]
    proposal = on_first.created(
        f"/processes/{process['id']}/proposals",
        {"title": "Lapangan", "body": "Lapangan voli.", "submitted_by": speaker},
    )

    for number in range(6):
        worker = on_first if number % 2 else on_second
        worker.ok(
            f"/proposals/{proposal['id']}/contributions",
            {"participant_id": speaker, "kind": "support", "text": f"Setuju {number}"},
        )

    assert on_first.get(f"/proposals/{proposal['id']}").get_json()["contribution_count"] == 6
    assert on_second.get(f"/proposals/{proposal['id']}").get_json()["contribution_count"] == 6


def test_an_unexpected_failure_is_a_500_problem_without_internals(
    app: Flask, admin: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals: mfk_jangan-bocor")

    with app.app_context():
        monkeypatch.setattr(queries, "list_processes", broken)
    response = admin.get("/processes")

    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "internal_error"
    assert "mfk_jangan-bocor" not in response.get_data(as_text=True)


def test_a_participant_registered_on_one_worker_may_speak_at_once_on_the_other(
    two_workers: tuple[Flask, Flask],
) -> None:
    first, second = two_workers
    with first.app_context():
        _, secret = current_mufakat().tokens.issue("admin", "Admin", [])
    on_first, on_second = Caller(first.test_client(), secret), Caller(second.test_client(), secret)
    process = on_first.created("/processes", process_body())
    speaker = on_first.created(f"/processes/{process['id']}/participants", {"name": "Warga", "group": "youth"})["id"]
    proposal = on_first.created(
        f"/processes/{process['id']}/proposals", {"title": "Sumur", "body": "Sumur bor.", "submitted_by": speaker}
    )
    # Each worker has read the process while writing to it.
    on_second.ok(
        f"/proposals/{proposal['id']}/contributions", {"participant_id": speaker, "kind": "support", "text": "Ya"}
    )

    newcomer = on_second.created(f"/processes/{process['id']}/participants", {"name": "Baru", "group": "women"})["id"]
    spoken = on_first.post(
        f"/proposals/{proposal['id']}/contributions", {"participant_id": newcomer, "kind": "question", "text": "Kapan?"}
    )

    assert spoken.status_code == 200
    assert spoken.get_json()["contribution_count"] == 2

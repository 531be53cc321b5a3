"""The service seals its own checkpoints: soon after a decision and periodically, once per tree however many workers.

Nobody runs `mufakat checkpoint`: a facilitator records a decision, and within
`MUFAKAT_CHECKPOINT_AFTER_DECISION` seconds the portal shows its proof. Two
workers (two applications on one database, as gunicorn's workers are) that look
at the same moment seal one checkpoint between them, never two of one tree.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from http_callers import Caller, Village, adopt_by_consensus, start_village

from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.audit.checkpoint_maker import DECISION_TOPICS, CheckpointMaker, CheckpointSchedule
from service.audit.checkpoints import list_checkpoints
from service.http import checkpointing
from service.http.app_factory import create_app
from service.http.current import SETTINGS_EXTENSION

pytestmark = pytest.mark.both_stores

AFTER_DECISIONS_ONLY = CheckpointSchedule(every_seconds=0, after_decision_seconds=10)
HOURLY_ONLY = CheckpointSchedule(every_seconds=3600, after_decision_seconds=0)


def maker(ledger: Mufakat, tmp_path: Path, schedule: CheckpointSchedule, **clock: datetime) -> CheckpointMaker:
    """A checkpoint maker of this ledger, signing with the test's key file."""
    made = CheckpointMaker(ledger, tmp_path / "mufakat-signing.key", schedule)
    if "now" in clock:
        made.clock = lambda: clock["now"]
    return made


def sizes(ledger: Mufakat) -> list[int | None]:
    """The tree sizes of the checkpoints sealed so far, in order."""
    return [checkpoint.tree_size for _, checkpoint in list_checkpoints(ledger)]


def test_a_checkpoint_is_sealed_after_a_decision_and_not_before(
    the_ledger: Mufakat, facilitator: Caller, village: Village, tmp_path: Path
) -> None:
    looking = maker(the_ledger, tmp_path, AFTER_DECISIONS_ONLY)

    before = looking.tick()  # steps of deliberation are recorded, but no decision yet
    adopt_by_consensus(facilitator, village)
    after = looking.tick()
    again = looking.tick()

    assert before is None
    assert after is not None and after.position == the_ledger.recorder.max_notification_id() - 1
    assert again is None  # the decision is covered: nothing more to seal
    assert sizes(the_ledger) == [after.tree_size]


def test_an_annulment_is_sealed_too(
    the_ledger: Mufakat, facilitator: Caller, admin: Caller, village: Village, tmp_path: Path
) -> None:
    looking = maker(the_ledger, tmp_path, AFTER_DECISIONS_ONLY)
    adopt_by_consensus(facilitator, village)
    looking.tick()

    admin.ok(f"{village.proposal}/decision/annul", {"reason": "Lahan bukan milik desa."})
    sealed = looking.tick()

    assert sealed is not None and sealed.position == the_ledger.recorder.max_notification_id() - 1
    assert len(sizes(the_ledger)) == 2


def test_periodic_checkpoints_are_sealed_once_a_period_when_something_new_was_recorded(
    the_ledger: Mufakat, facilitator: Caller, tmp_path: Path
) -> None:
    start_village(facilitator)
    noon = datetime(2027, 3, 1, 5, 0, tzinfo=UTC)

    first = maker(the_ledger, tmp_path, HOURLY_ONLY, now=noon).tick()
    facilitator.created(
        "/processes",
        {"title": "Musdes", "region_code": "33.02", "region_name": "Kab. Banyumas", "visibility": "public"},
    )
    within_the_hour = maker(the_ledger, tmp_path, HOURLY_ONLY, now=noon + timedelta(minutes=59)).tick()
    an_hour_later = maker(the_ledger, tmp_path, HOURLY_ONLY, now=noon + timedelta(hours=1)).tick()
    nothing_new = maker(the_ledger, tmp_path, HOURLY_ONLY, now=noon + timedelta(hours=3)).tick()

    assert first is not None
    assert within_the_hour is None
    assert an_hour_later is not None and an_hour_later.tree_size > (first.tree_size or 0)
    assert nothing_new is None  # only the last checkpoint since: nothing to seal
    assert sizes(the_ledger) == [first.tree_size, an_hour_later.tree_size]


def test_two_workers_looking_at_once_seal_one_checkpoint_of_a_tree(
    app: Flask, the_ledger: Mufakat, facilitator: Caller, village: Village, tmp_path: Path
) -> None:
    adopt_by_consensus(facilitator, village)
    # A second worker: its own application on the same database, as each gunicorn worker builds one.
    other = Mufakat(env=app.config["MUFAKAT_LEDGER_ENV"], settings=app.extensions[SETTINGS_EXTENSION])
    workers = [maker(the_ledger, tmp_path, AFTER_DECISIONS_ONLY), maker(other, tmp_path, AFTER_DECISIONS_ONLY)]
    start = threading.Barrier(len(workers) * 2)
    sealed = []

    def look(worker: CheckpointMaker) -> None:
        start.wait()
        sealed.append(worker.tick())

    try:
        threads = [threading.Thread(target=look, args=(worker,)) for worker in workers * 2]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        other.close()

    made = [checkpoint for checkpoint in sealed if checkpoint is not None]
    assert len(sealed) == 4 and len(made) == 1
    assert sizes(the_ledger) == [made[0].tree_size]
    assert made[0].position == the_ledger.recorder.max_notification_id() - 1  # all but the checkpoint itself


@pytest.fixture
def self_sealing_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The application as deployed, sealing by itself: within 0.2 s of a decision, and hourly."""
    application = create_app(
        {
            "TESTING": True,
            "MUFAKAT_LEDGER_ENV": persistence_settings(database_url),
            "MUFAKAT_SECRET_KEY_FILE": str(tmp_path / "mufakat-signing.key"),
            "MUFAKAT_CHECKPOINT_AFTER_DECISION": "0.2",
            "MUFAKAT_CHECKPOINT_EVERY": "3600",
        }
    )
    yield application
    checkpointing.stop(application)
    opened = application.extensions.get("mufakat")
    if opened is not None:
        opened.close()


def test_the_proof_appears_on_the_portal_after_a_decision_with_no_command_run(self_sealing_app: Flask) -> None:
    client: FlaskClient = self_sealing_app.test_client()
    with self_sealing_app.app_context():
        from service.http.current import current_mufakat

        _, secret = current_mufakat().tokens.issue("facilitator", "Pendamping Desa Sukamaju", [])
    facilitator = Caller(client, secret)
    village = start_village(facilitator)
    adopt_by_consensus(facilitator, village)

    deadline = time.monotonic() + 30
    page = ""
    while time.monotonic() < deadline:
        page = client.get(f"/keputusan/{village.proposal_id}").get_data(as_text=True)
        if "Catatan ini tercatat di buku besar yang ditandatangani pada" in page:
            break
        time.sleep(0.1)

    assert "Catatan ini tercatat di buku besar yang ditandatangani pada" in page
    latest = client.get("/api/v1/audit/checkpoints/latest").get_json()
    with self_sealing_app.app_context():
        from service.http.current import current_mufakat

        decided_at = current_mufakat().recorder.max_notification_id()
    assert latest["tree_size"] >= decided_at - 1


def test_the_service_seals_nothing_by_itself_when_both_settings_are_zero(
    client: FlaskClient, facilitator: Caller, village: Village, the_ledger: Mufakat
) -> None:
    adopt_by_consensus(facilitator, village)
    time.sleep(0.5)

    assert sizes(the_ledger) == []
    assert client.application.extensions[checkpointing.MAKER_EXTENSION][1] is None


def test_the_schedule_looks_as_often_as_its_shortest_setting_and_is_off_when_both_are_zero() -> None:
    assert CheckpointSchedule(3600, 10).look_seconds == 10
    assert CheckpointSchedule(3600, 0).look_seconds == 3600
    assert CheckpointSchedule(0, 0).is_on is False
    assert CheckpointSchedule(0, 0.01).look_seconds == 0.2


@pytest.fixture
def gunicorn_two_workers(database_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`gunicorn -w 2` as deployed, sealing by itself (0.3 s after a decision, and every second when something
    new was recorded); its base URL and a facilitator's token."""
    setup = Mufakat(env=persistence_settings(database_url))
    _, secret = setup.tokens.issue("facilitator", "Pendamping Desa Sukamaju", [])
    setup.close()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    environment = {
        **os.environ,
        "MUFAKAT_DATABASE_URL": database_url,
        "MUFAKAT_SECRET_KEY_FILE": str(tmp_path / "mufakat-signing.key"),
        "MUFAKAT_WEB_SESSION_KEY_FILE": str(tmp_path / "web-session.key"),
        "MUFAKAT_CHECKPOINT_AFTER_DECISION": "0.3",
        "MUFAKAT_CHECKPOINT_EVERY": "1",
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    command = [gunicorn, "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"]
    server = subprocess.Popen([*command, "service.http.app_factory:create_app()"], cwd=tmp_path, env=environment)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/api/v1/health", timeout=5).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.05)
        yield base, secret
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_two_gunicorn_workers_seal_each_decision_once_and_never_two_checkpoints_of_one_tree(
    gunicorn_two_workers: tuple[str, str], database_url: str
) -> None:
    base, secret = gunicorn_two_workers
    started = time.monotonic()
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {secret}"

    def post(path: str, body: dict[str, object] | None = None) -> dict[str, object]:
        answer = session.post(f"{base}/api/v1{path}", json=body, timeout=30)
        assert answer.status_code in (200, 201), answer.text
        return answer.json()  # type: ignore[no-any-return]

    # Both workers serve (and so look at the log) before anything is decided.
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: requests.get(f"{base}/", timeout=30).status_code, range(16)))
    body = {
        "title": "Musrenbang",
        "region_code": "33.02.10.2001",
        "region_name": "Desa Sukamaju",
        "visibility": "public",
    }
    process = str(post("/processes", body)["id"])
    people = [str(post(f"/processes/{process}/participants", {"name": n, "group": "resident"})["id"]) for n in "ABC"]
    meeting = str(
        post(f"/processes/{process}/meetings", {"title": "Musdes", "scheduled_for": "2027-01-15T09:00:00+07:00"})["id"]
    )
    post(f"/meetings/{meeting}/open", {"attendees": people})
    decided = []
    for number in range(3):
        proposal = str(
            post(
                f"/processes/{process}/proposals",
                {"title": f"Usulan {number}", "body": "Isi.", "submitted_by": people[0]},
            )["id"]
        )
        check = str(post(f"/proposals/{proposal}/consensus-checks", {"meeting_id": meeting})["check_id"])
        for person in people:
            post(
                f"/proposals/{proposal}/consensus-checks/{check}/stances", {"participant_id": person, "stance": "agree"}
            )
        post(f"/proposals/{proposal}/consensus-checks/{check}/close")
        post(f"/proposals/{proposal}/decision", {"outcome": "adopted", "method": "consensus", "rationale": "Setuju."})
        decided.append(session.get(f"{base}/api/v1/audit/events", timeout=30).status_code)
        time.sleep(0.8)
    time.sleep(2.5)  # long enough for either worker to have sealed the last decision

    ledger = Mufakat(env=persistence_settings(database_url))
    try:
        checkpoints = [checkpoint for _, checkpoint in list_checkpoints(ledger)]
        last_decision = ledger.recorder.select_notifications(None, 1000, topics=DECISION_TOPICS)[-1].id
    finally:
        ledger.close()
    sizes_sealed = [checkpoint.tree_size or 0 for checkpoint in checkpoints]
    assert checkpoints, "no checkpoint was sealed"
    assert sizes_sealed == sorted(set(sizes_sealed))  # growing, never two of one tree
    assert all(checkpoint.signature_holds() for checkpoint in checkpoints)
    assert checkpoints[-1].position >= last_decision  # the last decision is covered, with no command run
    # One per decision at most, plus the periodic ones (each worker at most one a second while something new was
    # recorded): bounded by how long the run took, which a loaded machine stretches.
    elapsed = time.monotonic() - started
    assert len(checkpoints) <= 3 + 2 * (int(elapsed) + 1)

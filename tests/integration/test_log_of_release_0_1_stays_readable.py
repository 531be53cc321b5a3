"""A log written by release 0.1 (flat `service` modules) reads and verifies after the modules moved into layers.

`samples/release-0.1.0.db` was written by `mufakat demo`, `mufakat token create`, one `POST /processes` with an
Idempotency-Key and `mufakat checkpoint` of release 0.1; its stored topics name `service.access`,
`service.application` and `service.idempotency`, which no longer exist as modules.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.app.access import AccessToken
from service.app.application import Mufakat
from service.app.idempotency import IdempotencyRecord
from service.app.process_directory import ProcessListed
from service.cli.main import main

SAMPLES = Path(__file__).parent / "samples"
MOVED_TOPICS = (
    "service.access:AccessToken.Issued",
    "service.access:AccessToken.Granted",
    "service.application:ProcessListed",
    "service.idempotency:IdempotencyRecord.Recorded",
)


@pytest.fixture
def release_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the release 0.1 log and its signing key, configured as this test's ledger."""
    database = tmp_path / "release-0.1.0.db"
    key_file = tmp_path / "signing.key"
    shutil.copyfile(SAMPLES / "release-0.1.0.db", database)
    shutil.copyfile(SAMPLES / "release-0.1.0-signing.key", key_file)
    key_file.chmod(0o600)
    monkeypatch.setenv("MUFAKAT_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("MUFAKAT_SECRET_KEY_FILE", str(key_file))
    yield database


def test_every_event_the_release_stored_decodes_under_its_old_topic(release_log: Path) -> None:
    mufakat = Mufakat()
    try:
        notifications = mufakat.recorder.select_notifications(start=None, limit=10_000)
        topics = {notification.topic for notification in notifications}
        decoded = [mufakat.mapper.to_domain_event(notification) for notification in notifications]
    finally:
        mufakat.close()

    assert set(MOVED_TOPICS) <= topics
    assert len(decoded) == len(notifications) > 130


def test_tokens_directory_and_idempotency_records_of_the_release_are_the_classes_of_today(release_log: Path) -> None:
    mufakat = Mufakat()
    try:
        notifications = mufakat.recorder.select_notifications(start=None, limit=10_000)
        by_topic = {n.topic: n.originator_id for n in notifications}
        token = mufakat.repository.get(by_topic["service.access:AccessToken.Issued"])
        record = mufakat.repository.get(by_topic["service.idempotency:IdempotencyRecord.Recorded"])
        listed = list(mufakat.process_directory.get())
    finally:
        mufakat.close()

    assert isinstance(token, AccessToken)
    assert isinstance(record, IdempotencyRecord)
    assert record.receipt["kind"] == "process"
    assert len(listed) == 2 and all(isinstance(entry, ProcessListed) for entry in listed)


def test_the_answer_the_release_kept_as_an_event_is_answered_from_the_table_beside_the_log(release_log: Path) -> None:
    mufakat = Mufakat()
    try:
        notifications = mufakat.recorder.select_notifications(start=None, limit=10_000)
        record_id = next(n.originator_id for n in notifications if n.topic == MOVED_TOPICS[-1])
        record = mufakat.repository.get(record_id)
        kept = mufakat.ledger.kept_answer(record_id)
    finally:
        mufakat.close()

    assert kept is not None
    assert (kept.fingerprint, kept.receipt) == (record.fingerprint, record.receipt)
    assert kept.receipt["kind"] == "process"


def test_the_release_log_still_verifies_against_its_signing_key(release_log: Path) -> None:
    result = CliRunner().invoke(main, ["verify"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ok"] is True

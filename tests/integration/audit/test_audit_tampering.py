"""Every kind of tampering with the stored log is detected, at the position where it happened.

The tests edit the tables directly (SQLite file, PostgreSQL table), as someone
with database access would, then run the verifier over the raw records.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from audit_support import (
    RawLog,
    SealedLog,
    SealedLogContract,
    SealedTemplate,
    copied_postgres_template,
    copy_sqlite_template,
)
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from service.app.application import Mufakat
from service.audit.checkpoints import list_checkpoints
from service.audit.merkle import CompactRange, leaf_hash
from service.audit.note import CheckpointBody, sign_checkpoint_note, split_note
from service.audit.signing import public_key_text
from service.audit.verify import VerificationReport, verify_store


class TamperingContract(SealedLogContract):
    """The tests; each subclass names the database."""

    def verify(self, ledger: Mufakat, trusted: str, **kwargs: Any) -> VerificationReport:
        return verify_store(ledger.recorder, trusted_key=trusted, **kwargs)

    def test_an_untouched_log_verifies_every_event_and_its_checkpoint(
        self, ledger: Mufakat, log: SealedLog, trusted: str
    ) -> None:
        report = self.verify(ledger, trusted)

        assert report.as_dict()["first_failure"] is None
        assert (report.ok, report.events_checked, report.checkpoints_checked) == (True, log.last_position, 1)

    def test_a_changed_byte_of_a_state_is_found_at_that_event(
        self, ledger: Mufakat, log: SealedLog, raw: RawLog, trusted: str
    ) -> None:
        raw.flip_state_byte(40)

        report = self.verify(ledger, trusted)

        assert (report.ok, report.events_checked) == (False, 39)
        assert report.first_failure is not None and report.first_failure.position == 40
        assert "state" in report.first_failure.reason

    def test_a_changed_topic_is_found_at_that_event(
        self, ledger: Mufakat, log: SealedLog, raw: RawLog, trusted: str
    ) -> None:
        raw.set_topic(17, "domain.proposal:Proposal.Decided")

        report = self.verify(ledger, trusted)

        assert report.first_failure is not None and report.first_failure.position == 17

    def test_a_changed_stored_hash_is_found_at_that_event(
        self, ledger: Mufakat, log: SealedLog, raw: RawLog, trusted: str
    ) -> None:
        raw.set_hash(55, bytes(32))

        report = self.verify(ledger, trusted)

        assert report.first_failure is not None and report.first_failure.position == 55

    def test_a_removed_event_whose_hash_remains_is_found_where_it_was(
        self, ledger: Mufakat, log: SealedLog, raw: RawLog, trusted: str
    ) -> None:
        raw.delete_event(30, with_hash=False)

        report = self.verify(ledger, trusted)

        assert report.first_failure is not None and report.first_failure.position == 30
        assert "removed" in report.first_failure.reason

    def test_a_removed_event_and_its_hash_are_found_at_the_next_event(
        self, ledger: Mufakat, log: SealedLog, raw: RawLog, trusted: str
    ) -> None:
        raw.delete_event(30, with_hash=True)

        report = self.verify(ledger, trusted)

        assert report.first_failure is not None and report.first_failure.position == 31
        assert report.events_checked == 29

    def test_a_reordered_event_is_found_where_it_was_moved_to(
        self, ledger: Mufakat, log: SealedLog, raw: RawLog, trusted: str
    ) -> None:
        raw.swap(60, 61)

        report = self.verify(ledger, trusted)

        assert report.first_failure is not None and report.first_failure.position == 60
        assert "reordered" in report.first_failure.reason

    def test_a_history_rewritten_with_recomputed_hashes_is_caught_by_the_checkpoint_sealed_over_it(
        self, ledger: Mufakat, log: SealedLog, raw: RawLog, trusted: str
    ) -> None:
        raw.flip_state_byte(40)
        raw.rewrite_chain()

        report = self.verify(ledger, trusted)

        assert report.first_failure is not None
        assert report.first_failure.position == log.checkpoint_event
        assert "rewritten" in report.first_failure.reason

    def test_a_removed_event_with_the_chain_recomputed_is_found_at_the_next_event_of_its_aggregate(
        self, ledger: Mufakat, log: SealedLog, raw: RawLog, trusted: str
    ) -> None:
        aggregate, version = raw._run(
            f"SELECT originator_id, originator_version FROM {raw.events} WHERE {raw.position} = 75"
        )[0]
        (after,) = raw._run(
            f"SELECT {raw.position} FROM {raw.events} WHERE originator_id = ? AND originator_version = ?",
            (aggregate, version + 1),
        )[0]
        raw.delete_event(75, with_hash=True)
        raw.rewrite_chain()

        report = self.verify(ledger, trusted)

        assert report.first_failure is not None and report.first_failure.position == after
        assert f"version {version} of aggregate" in report.first_failure.reason

    def test_a_forged_checkpoint_signature_is_found_at_the_checkpoint(
        self, ledger: Mufakat, log: SealedLog, raw: RawLog, trusted: str
    ) -> None:
        original = raw.edit_checkpoint(log.checkpoint_event, signature="A" * 86 + "==")
        assert original["signature"] != "A" * 86 + "=="
        raw.rewrite_chain()

        report = self.verify(ledger, trusted)

        assert report.first_failure is not None and report.first_failure.position == log.checkpoint_event
        assert "signature" in report.first_failure.reason

    def test_a_checkpoint_resigned_with_another_key_over_a_rewritten_history_is_refused(
        self, ledger: Mufakat, log: SealedLog, raw: RawLog, trusted: str
    ) -> None:
        # The forger rewrites event 40, recomputes everything and seals it again with a key of their own.
        raw.flip_state_byte(40)
        raw.rewrite_chain()
        hashes = raw._run("SELECT hash FROM event_hashes WHERE notification_id <= ?", (log.sealed_position,))
        tree = CompactRange()
        for (hash_,) in hashes:
            tree.append(leaf_hash(bytes(hash_)))
        forger = Ed25519PrivateKey.generate()
        note = sign_checkpoint_note(CheckpointBody("forged.example/log", tree.size, tree.root()), forger)
        raw.edit_checkpoint(
            log.checkpoint_event,
            root_hash=tree.root().hex(),
            tree_size=tree.size,
            note=note,
            signature=base64.b64encode(split_note(note)[1][0].signature).decode("ascii"),
            public_key=public_key_text(forger),
        )
        raw.rewrite_chain()

        report = self.verify(ledger, trusted)

        assert report.first_failure is not None and report.first_failure.position == log.checkpoint_event
        assert "key other than the service's" in report.first_failure.reason

    def test_a_tail_cut_off_after_a_kept_checkpoint_is_found_at_the_sealed_position(
        self, ledger: Mufakat, log: SealedLog, raw: RawLog, trusted: str
    ) -> None:
        # A partner keeps the checkpoint; later the log is cut back to before it (the checkpoint event too).
        kept = [checkpoint for _, checkpoint in list_checkpoints(ledger)]
        raw.cut_after(log.sealed_position - 10)

        report = self.verify(ledger, trusted, kept_checkpoints=kept)

        assert report.first_failure is not None and report.first_failure.position == log.sealed_position
        assert "cut off" in report.first_failure.reason
        assert report.events_checked == log.sealed_position - 10

    def test_a_kept_checkpoint_matches_the_log_it_sealed(self, ledger: Mufakat, log: SealedLog, trusted: str) -> None:
        kept = [checkpoint for _, checkpoint in list_checkpoints(ledger)]

        report = self.verify(ledger, trusted, kept_checkpoints=kept)

        assert (report.ok, report.checkpoints_checked) == (True, 2)

    def test_a_record_that_cannot_be_decoded_is_a_reported_failure_not_a_crash(
        self, ledger: Mufakat, log: SealedLog, raw: RawLog, trusted: str
    ) -> None:
        raw.set_topic(12, None)

        report = self.verify(ledger, trusted)

        assert report.first_failure is not None and report.first_failure.position == 12
        assert "cannot be decoded" in report.first_failure.reason

    def test_a_checkpoint_event_that_cannot_be_decoded_is_a_reported_failure(
        self, ledger: Mufakat, log: SealedLog, raw: RawLog, trusted: str
    ) -> None:
        raw.set_state(log.checkpoint_event, b"\xff not json")
        raw.rewrite_chain()

        report = self.verify(ledger, trusted)

        assert report.first_failure is not None and report.first_failure.position == log.checkpoint_event
        assert "cannot be decoded" in report.first_failure.reason


class TestTamperingOnSQLite(TamperingContract):
    """The tampering tests on an SQLite file."""

    @pytest.fixture
    def template(self, sqlite_sealed_template: SealedTemplate) -> SealedTemplate:
        return sqlite_sealed_template

    @pytest.fixture
    def database_url(self, template: SealedTemplate, tmp_path: Path) -> str:
        return copy_sqlite_template(template, tmp_path)

    def test_an_event_id_that_is_not_a_uuid_is_a_reported_failure(
        self, ledger: Mufakat, log: SealedLog, raw: RawLog, trusted: str
    ) -> None:
        raw._run("UPDATE stored_events SET originator_id = 'not an id' WHERE rowid = 8")

        report = verify_store(ledger.recorder, trusted_key=trusted)

        assert report.first_failure is not None and report.first_failure.position == 8


@pytest.mark.postgres
class TestTamperingOnPostgreSQL(TamperingContract):
    """The same tampering tests on a PostgreSQL table."""

    @pytest.fixture
    def template(self, postgres_sealed_template: SealedTemplate) -> SealedTemplate:
        return postgres_sealed_template

    @pytest.fixture
    def database_url(self, template: SealedTemplate) -> Iterator[str]:
        with copied_postgres_template(template) as url:
            yield url


def test_checkpoint_state_is_json_a_partner_can_read() -> None:
    # The shape an independent verifier parses: plain JSON fields, the time as ISO text.
    state = {
        "position": 3,
        "root_hash": "ab",
        "signature": "s",
        "public_key": "k",
        "sealed_at": {"_type_": "datetime_iso", "_data_": "2026-11-23T11:00:00+00:00"},
    }
    from service.audit.checkpoints import checkpoint_from_state

    checkpoint = checkpoint_from_state(json.dumps(state).encode())

    assert (checkpoint.position, checkpoint.sealed_at) == (3, "2026-11-23T11:00:00.000000Z")

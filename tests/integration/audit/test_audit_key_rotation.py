"""Rotating the signing key: the old key signs the hand-over, and the verifier follows the chain of keys.

Each test builds a small log on its own database: checkpoints under the
original key, `rotate_signing_key` (the code behind `mufakat rotate-key`),
more checkpoints under the new key, and a second rotation. The forgeries edit
the stored tables and recompute every hash and root (`RawLog.rewrite_chain`),
so that only the signatures can give them away.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from audit_support import RawLog
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask.testing import FlaskClient

from service.app.application import Mufakat
from service.audit.canonical import checkpoint_message, rotation_message
from service.audit.checkpoints import (
    CHECKPOINT_LOG_ID,
    ROTATION_TOPIC,
    KeyRotation,
    SigningKeyRetired,
    checkpoint_from_state,
    list_checkpoints,
    rotation_from_state,
    seal_checkpoint,
)
from service.audit.export import verify_export, write_export
from service.audit.records import log_snapshot
from service.audit.rotation import pending_key_file, rotate_signing_key, rotations
from service.audit.signing import load_or_create_signing_key, load_signing_key, public_key_text, sign
from service.audit.verify import VerificationReport, verify_store
from service.cli.main import main
from service.http.app_factory import create_app


class RotatedLog:
    """A log signed by three keys in turn: original, then two rotations, with checkpoints under each."""

    def __init__(self, ledger: Mufakat, key_file: Path, rotations_wanted: int = 2) -> None:
        self.ledger = ledger
        self.key_file = key_file
        self.original = public_key_text(load_or_create_signing_key(key_file))
        self.retired_files: list[Path] = []
        self.keys = [self.original]
        self.write(3)
        self.seal()
        for _ in range(rotations_wanted):
            outcome = rotate_signing_key(ledger, key_file)
            self.retired_files.append(outcome.retired_key_file)
            self.keys.append(outcome.rotation.new_public_key)
            self.write(3)
            self.seal()
        self.rotations = rotations(ledger)
        self.last_position = ledger.recorder.max_notification_id() or 0

    def write(self, count: int) -> None:
        """Records a few ordinary events (partner tokens)."""
        for number in range(count):
            self.ledger.tokens.issue("partner", f"Mitra {number}", [])

    def seal(self) -> None:
        """Seals a checkpoint with the key in the key file."""
        assert seal_checkpoint(self.ledger, load_signing_key(self.key_file)) is not None

    @property
    def current(self) -> str:
        """The key the service signs with now."""
        return self.keys[-1]

    def private_key(self, public_key: str) -> Ed25519PrivateKey:
        """The private half of one of the chain's keys, from the key file or a retired one."""
        for path in [self.key_file, *self.retired_files]:
            key = load_signing_key(path)
            if public_key_text(key) == public_key:
                return key
        raise LookupError(public_key)

    def checkpoint_events(self) -> list[tuple[int, str]]:
        """(event position, signing key) of every checkpoint, in the order they were sealed."""
        found = []
        with log_snapshot(self.ledger.recorder) as snapshot:
            for position, state in snapshot.events_of(CHECKPOINT_LOG_ID):
                if b"root_hash" in state:
                    found.append((position, checkpoint_from_state(state).public_key))
        return found

    def first_checkpoint_event(self) -> int:
        """Where the first checkpoint's event is stored (the chain of keys starts there)."""
        return self.checkpoint_events()[0][0]


def re_sign_rotation(raw: RawLog, position: int, signer: Ed25519PrivateKey, **changes: Any) -> KeyRotation:
    """The forger edits a rotation event (fields `changes`), signs it with `signer` and recomputes the chain."""
    rotation = rotation_from_state(raw.state(position), position)
    fields = {"old_public_key": rotation.old_public_key, "new_public_key": rotation.new_public_key, **changes}
    message = rotation_message(
        fields["old_public_key"], fields["new_public_key"], rotation.position, rotation.rotated_at
    )
    raw.edit_checkpoint(position, signature=sign(signer, message), **changes)
    raw.rewrite_chain()
    return rotation


class KeyRotationContract:
    """The tests; each subclass names the database."""

    @pytest.fixture
    def rotated(self, ledger: Mufakat, key_file: Path) -> RotatedLog:
        return RotatedLog(ledger, key_file)

    def verify(self, ledger: Mufakat, trusted: str | None, **kwargs: Any) -> VerificationReport:
        return verify_store(ledger.recorder, trusted_key=trusted, **kwargs)

    def test_a_log_rotated_twice_verifies_with_the_original_key_along_the_chain(self, rotated: RotatedLog) -> None:
        report = self.verify(rotated.ledger, rotated.original)

        assert report.as_dict()["first_failure"] is None
        assert (report.ok, report.events_checked, report.checkpoints_checked) == (True, rotated.last_position, 7)
        # The chain: the original key from its first checkpoint, each new key from its rotation event.
        first_checkpoint = rotated.first_checkpoint_event()
        assert report.signing_keys == [
            (rotated.keys[0], first_checkpoint),
            (rotated.keys[1], rotated.rotations[0].event_position),
            (rotated.keys[2], rotated.rotations[1].event_position),
        ]

    def test_each_checkpoint_is_signed_by_the_key_the_chain_names_at_its_position(self, rotated: RotatedLog) -> None:
        signers = [key for _, key in rotated.checkpoint_events()]

        # rotate-key seals a last checkpoint with the old key and a first one with the new key.
        assert signers == [rotated.keys[0], rotated.keys[0], rotated.keys[1], rotated.keys[1], rotated.keys[1],
                           rotated.keys[2], rotated.keys[2]]  # fmt: skip

    def test_a_log_rotated_twice_verifies_with_only_the_current_key_or_a_middle_one(self, rotated: RotatedLog) -> None:
        for trusted in (rotated.current, rotated.keys[1]):
            report = self.verify(rotated.ledger, trusted)

            assert report.as_dict()["first_failure"] is None
            assert (report.ok, report.events_checked) == (True, rotated.last_position)

    def test_a_log_rotated_once_verifies_with_the_original_and_the_new_key(
        self, ledger: Mufakat, key_file: Path
    ) -> None:
        once = RotatedLog(ledger, key_file, rotations_wanted=1)

        for trusted in (once.original, once.current):
            report = self.verify(ledger, trusted)
            assert (report.ok, report.events_checked, report.checkpoints_checked) == (True, once.last_position, 4)

    def test_kept_checkpoints_from_before_and_after_the_rotations_match_the_log(self, rotated: RotatedLog) -> None:
        kept = [checkpoint for _, checkpoint in list_checkpoints(rotated.ledger)]

        report = self.verify(rotated.ledger, rotated.original, kept_checkpoints=kept)

        assert (report.ok, report.checkpoints_checked) == (True, 7 + len(kept))

    def test_a_key_nobody_rotated_to_is_not_trusted(self, rotated: RotatedLog) -> None:
        stranger = public_key_text(Ed25519PrivateKey.generate())

        report = self.verify(rotated.ledger, stranger)

        first_checkpoint = rotated.first_checkpoint_event()
        assert report.ok is False
        assert report.first_failure is not None and report.first_failure.position == first_checkpoint
        assert "key other than the service's" in report.first_failure.reason

    def test_an_export_carries_the_rotations_and_verifies_without_a_database(
        self, rotated: RotatedLog, tmp_path: Path
    ) -> None:
        exported = tmp_path / "export.jsonl"
        with exported.open("w", encoding="utf-8") as out:
            write_export(rotated.ledger.recorder, out, rotated.current)
        lines = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]

        rotation_lines = [line for line in lines if line.get("topic") == ROTATION_TOPIC]
        assert [line["position"] for line in rotation_lines] == [r.event_position for r in rotated.rotations]
        assert len([line for line in lines if line["type"] == "checkpoint"]) == 7
        for trusted in (rotated.original, rotated.current):
            report = verify_export(exported, trusted)
            assert report.as_dict()["first_failure"] is None
            assert (report.ok, report.events_checked) == (True, rotated.last_position)

    def test_an_export_with_a_forged_rotation_fails_at_the_rotation(
        self, rotated: RotatedLog, raw: RawLog, tmp_path: Path
    ) -> None:
        first = rotated.rotations[0]
        re_sign_rotation(raw, first.event_position or 0, rotated.private_key(first.new_public_key))
        exported = tmp_path / "export.jsonl"
        with exported.open("w", encoding="utf-8") as out:
            write_export(rotated.ledger.recorder, out)

        report = verify_export(exported, rotated.original)

        assert report.first_failure is not None and report.first_failure.position == first.event_position

    def test_a_rotation_signed_by_the_new_key_instead_of_the_old_is_refused_at_its_position(
        self, rotated: RotatedLog, raw: RawLog
    ) -> None:
        first = rotated.rotations[0]
        re_sign_rotation(raw, first.event_position or 0, rotated.private_key(first.new_public_key))

        for trusted in (rotated.original, rotated.current):
            report = self.verify(rotated.ledger, trusted)

            assert report.first_failure is not None and report.first_failure.position == first.event_position
            assert "rotation's signature does not verify" in report.first_failure.reason

    def test_a_rotation_whose_new_key_was_altered_is_refused_at_its_position(
        self, rotated: RotatedLog, raw: RawLog
    ) -> None:
        # The forger swaps in a key of their own, keeping the old key's signature (over the true new key).
        second = rotated.rotations[1]
        forger = public_key_text(Ed25519PrivateKey.generate())
        raw.edit_checkpoint(second.event_position or 0, new_public_key=forger)
        raw.rewrite_chain()

        for trusted in (rotated.original, rotated.current):
            report = self.verify(rotated.ledger, trusted)

            assert report.first_failure is not None and report.first_failure.position == second.event_position
            assert "rotation's signature does not verify" in report.first_failure.reason

    def test_a_checkpoint_signed_by_a_key_nobody_rotated_to_is_refused_at_its_position(
        self, rotated: RotatedLog, raw: RawLog
    ) -> None:
        # After the first rotation, one checkpoint is re-signed by a forger's key (no rotation names it).
        after_rotation = [p for p, key in rotated.checkpoint_events() if key == rotated.keys[1]][1]
        sealed = checkpoint_from_state(raw.state(after_rotation))
        forger = Ed25519PrivateKey.generate()
        message = checkpoint_message(sealed.position, sealed.root_hash, sealed.sealed_at)
        raw.edit_checkpoint(after_rotation, signature=sign(forger, message), public_key=public_key_text(forger))
        raw.rewrite_chain()

        for trusted in (rotated.original, rotated.current):
            report = self.verify(rotated.ledger, trusted)

            assert report.first_failure is not None and report.first_failure.position == after_rotation
            assert "key other than the service's" in report.first_failure.reason

    def test_the_old_key_is_kept_and_the_new_one_is_in_place_both_readable_by_their_owner_only(
        self, rotated: RotatedLog
    ) -> None:
        retired = [public_key_text(load_signing_key(path)) for path in rotated.retired_files]

        assert retired == rotated.keys[:2]
        assert public_key_text(load_signing_key(rotated.key_file)) == rotated.current
        for path in [rotated.key_file, *rotated.retired_files]:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert sorted(p.name for p in rotated.key_file.parent.iterdir() if "signing" in p.name) == sorted(
            [rotated.key_file.name, *(path.name for path in rotated.retired_files)]
        )

    def test_a_rotation_interrupted_before_the_new_key_is_in_place_is_finished_by_running_it_again(
        self, ledger: Mufakat, key_file: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        original = load_or_create_signing_key(key_file)
        ledger.tokens.issue("partner", "Mitra", [])
        real_replace = os.replace

        def crash_on_install(source: Any, target: Any) -> None:
            if Path(target) == key_file:
                raise OSError("power cut")
            real_replace(source, target)

        monkeypatch.setattr("service.audit.rotation.os.replace", crash_on_install)
        with pytest.raises(OSError, match="power cut"):
            rotate_signing_key(ledger, key_file)
        monkeypatch.setattr("service.audit.rotation.os.replace", real_replace)

        # The rotation is recorded; the old key file is still in place, and the sealer refuses to use it.
        assert public_key_text(load_signing_key(key_file)) == public_key_text(original)
        with pytest.raises(SigningKeyRetired):
            seal_checkpoint(ledger, original)
        assert self.verify(ledger, public_key_text(original)).ok is True
        # The new key alone cannot vouch yet for what the old key signed: nothing signed with it seals it.
        waiting = public_key_text(load_signing_key(pending_key_file(key_file)))
        unsealed = self.verify(ledger, waiting)
        assert unsealed.first_failure is not None
        assert unsealed.first_failure.position == rotations(ledger)[0].event_position - 1  # type: ignore[operator]
        assert "no checkpoint signed with it seals this far" in unsealed.first_failure.reason

        finished = rotate_signing_key(ledger, key_file)

        new = public_key_text(load_signing_key(key_file))
        assert (finished.resumed, finished.rotation.new_public_key) == (True, new)
        assert not pending_key_file(key_file).exists()
        assert len(rotations(ledger)) == 1
        for trusted in (public_key_text(original), new):
            assert self.verify(ledger, trusted).ok is True

    def test_mufakat_rotate_key_then_verify_exits_zero_with_the_service_files(
        self, database_url: str, key_file: Path, ledger: Mufakat
    ) -> None:
        env = {"MUFAKAT_DATABASE_URL": database_url, "MUFAKAT_SECRET_KEY_FILE": str(key_file)}

        def mufakat(*args: str) -> Result:
            return CliRunner().invoke(main, list(args), env=env)

        ledger.tokens.issue("partner", "Mitra", [])
        assert mufakat("checkpoint").exit_code == 0
        original = public_key_text(load_signing_key(key_file))

        rotated = mufakat("rotate-key")

        outcome = json.loads(rotated.stdout)
        assert rotated.exit_code == 0, rotated.output
        assert outcome["rotation"]["old_public_key"] == original
        assert outcome["rotation"]["new_public_key"] == public_key_text(load_signing_key(key_file))
        assert Path(outcome["retired_key_file"]).exists()
        assert mufakat("checkpoint").exit_code == 0
        verified = mufakat("verify")
        assert verified.exit_code == 0, verified.output
        assert json.loads(verified.stdout)["checkpoints_checked"] == 4
        assert mufakat("verify", "--public-key", original).exit_code == 0

    def test_a_host_still_holding_the_old_key_refuses_to_seal_until_the_new_key_file_is_copied_in(
        self, database_url: str, key_file: Path, ledger: Mufakat, tmp_path: Path
    ) -> None:
        other_host_key = tmp_path / "other-host" / "signing.key"
        other_host_key.parent.mkdir()
        load_or_create_signing_key(key_file)
        shutil.copy2(key_file, other_host_key)
        ledger.tokens.issue("partner", "Mitra", [])
        here = {"MUFAKAT_DATABASE_URL": database_url, "MUFAKAT_SECRET_KEY_FILE": str(key_file)}
        there = {**here, "MUFAKAT_SECRET_KEY_FILE": str(other_host_key)}
        assert CliRunner().invoke(main, ["rotate-key"], env=here).exit_code == 0
        ledger.tokens.issue("partner", "Mitra lain", [])

        refused = CliRunner().invoke(main, ["checkpoint"], env=there)
        shutil.copy2(key_file, other_host_key)
        sealed = CliRunner().invoke(main, ["checkpoint"], env=there)

        assert refused.exit_code == 1
        assert "not sealed: the log is now signed by key" in refused.output
        assert sealed.exit_code == 0, sealed.output
        assert self.verify(ledger, public_key_text(load_signing_key(key_file))).ok is True

    def test_after_a_lost_key_an_adopted_new_key_vouches_for_the_log_and_the_lost_one_no_longer_does(
        self, database_url: str, key_file: Path, ledger: Mufakat
    ) -> None:
        env = {"MUFAKAT_DATABASE_URL": database_url, "MUFAKAT_SECRET_KEY_FILE": str(key_file)}
        ledger.tokens.issue("partner", "Mitra", [])
        assert CliRunner().invoke(main, ["checkpoint"], env=env).exit_code == 0
        lost = public_key_text(load_signing_key(key_file))
        key_file.unlink()

        refused = CliRunner().invoke(main, ["checkpoint"], env=env)
        adopted = CliRunner().invoke(main, ["checkpoint", "--adopt-key"], env=env)

        new = public_key_text(load_signing_key(key_file))
        assert refused.exit_code == 1
        assert adopted.exit_code == 0, adopted.output
        assert self.verify(ledger, new).ok is True
        assert self.verify(ledger, lost).ok is False

    def test_the_public_key_endpoint_lists_the_retired_keys_and_where_each_successor_signs_from(
        self, rotated: RotatedLog, env: dict[str, str]
    ) -> None:
        app = create_app({"TESTING": True, "MUFAKAT_LEDGER_ENV": env, "MUFAKAT_SECRET_KEY_FILE": str(rotated.key_file)})
        try:
            client: FlaskClient = app.test_client()
            served = client.get("/api/v1/audit/public-key").json
        finally:
            opened = app.extensions.get("mufakat")
            if opened is not None:
                opened.close()

        assert served is not None
        assert served["public_key"] == rotated.current
        assert served["signs_from_position"] == rotated.rotations[1].event_position
        assert [(k["public_key"], k["replaced_by"], k["from_position"]) for k in served["retired_keys"]] == [
            (rotated.keys[0], rotated.keys[1], rotated.rotations[0].event_position),
            (rotated.keys[1], rotated.keys[2], rotated.rotations[1].event_position),
        ]
        # The hand-over signs the old key's last checkpoint's event, which comes before the rotation's own.
        for served_key, rotation in zip(served["retired_keys"], rotated.rotations, strict=True):
            assert served_key["signed_position"] == rotation.position
            assert served_key["signed_position"] < served_key["from_position"]


class TestKeyRotationOnSQLite(KeyRotationContract):
    """The key rotation tests on an SQLite file."""

    @pytest.fixture
    def database_url(self, sqlite_database_url: str) -> str:
        return sqlite_database_url


@pytest.mark.postgres
class TestKeyRotationOnPostgreSQL(KeyRotationContract):
    """The same tests on PostgreSQL."""

    @pytest.fixture
    def database_url(self, postgres_database_url: str) -> Iterator[str]:
        yield postgres_database_url


def test_the_rotation_message_is_one_documented_line_of_ascii() -> None:
    message = rotation_message("T0xE", "TkVX", 41, "2026-11-23T12:00:00.000000Z")

    assert message == b"mufakat-key-rotation/1 old=T0xE new=TkVX position=41 rotated_at=2026-11-23T12:00:00.000000Z"

"""`mufakat checkpoint`, `mufakat verify` (database or export) and `mufakat export`."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from audit_support import RawLog, SealedTemplate, copy_sqlite_template
from click.testing import CliRunner, Result

from service.audit.signing import load_signing_key, public_key_pem
from service.cli.main import main


class Cli:
    """The `mufakat` command line on one database and one key file."""

    def __init__(self, database_url: str, key_file: Path) -> None:
        self.env = {"MUFAKAT_DATABASE_URL": database_url, "MUFAKAT_SECRET_KEY_FILE": str(key_file)}

    def __call__(self, *args: str) -> Result:
        return CliRunner().invoke(main, list(args), env=self.env)


@pytest.fixture
def database_url(sqlite_sealed_template: SealedTemplate, tmp_path: Path) -> str:
    return copy_sqlite_template(sqlite_sealed_template, tmp_path)


@pytest.fixture
def cli(database_url: str, sqlite_sealed_template: SealedTemplate) -> Cli:
    return Cli(database_url, sqlite_sealed_template.key_file)


def report(result: Result) -> dict[str, object]:
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_verify_exits_zero_on_an_untouched_log(cli: Cli, sqlite_sealed_template: SealedTemplate) -> None:
    result = cli("verify")

    assert result.exit_code == 0, result.output
    assert report(result)["ok"] is True
    assert report(result)["events_checked"] == sqlite_sealed_template.log.last_position


def test_verify_exits_one_and_names_the_position_of_a_changed_event(cli: Cli, database_url: str) -> None:
    RawLog(database_url).flip_state_byte(33)

    result = cli("verify")

    assert result.exit_code == 1
    assert report(result)["first_failure"]["position"] == 33  # type: ignore[index]


def test_checkpoint_seals_the_log_and_verify_counts_it(cli: Cli, sqlite_sealed_template: SealedTemplate) -> None:
    result = cli("checkpoint")

    sealed = json.loads(result.stdout)
    assert result.exit_code == 0, result.output
    assert sealed["position"] == sqlite_sealed_template.log.last_position
    assert report(cli("verify"))["checkpoints_checked"] == 2


def test_the_first_checkpoint_makes_a_key_file_only_its_owner_can_read(tmp_path: Path) -> None:
    key_file = tmp_path / "fresh.key"
    cli = Cli("sqlite:///" + str(tmp_path / "empty.db"), key_file)
    cli("token", "create", "--role", "admin", "--name", "Admin Desa")

    result = cli("checkpoint")

    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_an_export_verifies_elsewhere_against_the_service_public_key(
    cli: Cli, tmp_path: Path, sqlite_sealed_template: SealedTemplate
) -> None:
    export_file = tmp_path / "log.jsonl"
    public_key_file = tmp_path / "mufakat.pub"
    public_key_file.write_text(public_key_pem(load_signing_key(sqlite_sealed_template.key_file)))
    assert cli("export", "--output", str(export_file)).exit_code == 0

    # Elsewhere: no database, no private key, only the export and the published public key.
    elsewhere = Cli("sqlite:///" + str(tmp_path / "absent" / "none.db"), tmp_path / "no.key")
    result = elsewhere("verify", "--from-export", str(export_file), "--public-key", str(public_key_file))

    assert result.exit_code == 0, result.output
    assert report(result)["events_checked"] == sqlite_sealed_template.log.last_position
    assert not (tmp_path / "absent").exists()


def test_verify_with_a_kept_checkpoint_finds_a_cut_tail(cli: Cli, database_url: str, tmp_path: Path) -> None:
    kept = tmp_path / "kept.json"
    assert cli("checkpoint").exit_code == 0
    kept.write_text(cli("checkpoint").stdout)
    sealed = json.loads(kept.read_text())["position"]
    RawLog(database_url).cut_after(sealed - 3)

    result = cli("verify", "--checkpoint", str(kept))

    assert result.exit_code == 1
    assert report(result)["first_failure"]["position"] == sealed  # type: ignore[index]


def test_verify_refuses_a_public_key_that_is_not_one(cli: Cli) -> None:
    result = cli("verify", "--public-key", "not-a-key")

    assert result.exit_code == 2
    assert "not an Ed25519 public key" in result.output

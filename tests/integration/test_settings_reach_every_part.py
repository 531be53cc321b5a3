"""The settings a process starts with are the ones every part of it uses: the ledger, the web app, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.cli.main import main
from service.http.app_factory import create_app
from service.http.current import current_mufakat
from service.settings import SettingInvalid, Settings


def test_a_stray_variable_of_the_process_never_changes_how_the_ledger_is_stored(
    sqlite_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # eventsourcing reads its own settings (ciphers, compressors, the persistence module) from whatever
    # environment it is given; a variable left in a shell must not silently change how events are written.
    monkeypatch.setenv("COMPRESSOR_TOPIC", "eventsourcing.compressor:ZlibCompressor")
    monkeypatch.setenv("PERSISTENCE_MODULE", "eventsourcing.popo")
    ledger = Mufakat(env=persistence_settings(sqlite_database_url))
    try:
        assert "COMPRESSOR_TOPIC" not in ledger.env
        assert ledger.env["PERSISTENCE_MODULE"] == "service.adapters.storage:DurableSQLiteFactory"
        assert ledger.env["SQLITE_DBNAME"] == sqlite_database_url.removeprefix("sqlite:///")
    finally:
        ledger.close()


def test_the_ledger_of_the_web_app_uses_the_settings_the_app_was_created_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUFAKAT_DATABASE_URL", f"sqlite:///{tmp_path / 'desa.db'}")
    monkeypatch.setenv("MUFAKAT_SQLITE_LOCK_TIMEOUT", "7")
    monkeypatch.setenv("MUFAKAT_PUBLIC_URL", "https://mufakat.desa.example.id/")
    app = create_app({"TESTING": True, "MUFAKAT_SECRET_KEY_FILE": str(tmp_path / "kunci.key")})
    # Read once: what the environment says later is not this app's business.
    monkeypatch.setenv("MUFAKAT_SQLITE_LOCK_TIMEOUT", "99")
    with app.app_context():
        ledger = current_mufakat()
    try:
        assert ledger.env["SQLITE_DBNAME"] == str(tmp_path / "desa.db")
        assert ledger.env["SQLITE_LOCK_TIMEOUT"] == "7"
        assert ledger.settings.public_url == "https://mufakat.desa.example.id/"
        assert ledger.settings.secret_key_file == tmp_path / "kunci.key"
    finally:
        ledger.close()


def test_the_web_app_refuses_to_start_on_a_setting_that_does_not_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before, a readiness timeout of "2s" made every /api/v1/ready answer 503 for a reason no log named.
    monkeypatch.setenv("MUFAKAT_PROBE_TIMEOUT", "2s")

    with pytest.raises(SettingInvalid, match="MUFAKAT_PROBE_TIMEOUT"):
        create_app({"TESTING": True, "MUFAKAT_LEDGER_ENV": persistence_settings(f"sqlite:///{tmp_path / 'a.db'}")})


def test_the_command_line_names_a_setting_that_does_not_parse_instead_of_a_traceback(tmp_path: Path) -> None:
    environment = {"MUFAKAT_DATABASE_URL": f"sqlite:///{tmp_path / 'desa.db'}", "MUFAKAT_SQLITE_LOCK_TIMEOUT": "30s"}

    result = CliRunner().invoke(main, ["token", "list"], env=environment)

    assert result.exit_code == 2, result.output
    assert "MUFAKAT_SQLITE_LOCK_TIMEOUT must be a whole number" in result.output
    assert "30s" not in result.output
    assert not (tmp_path / "desa.db").exists()


def test_the_command_line_reads_the_environment_once_and_hands_it_to_the_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Settings] = []
    opened = Mufakat.__init__

    def remember(self: Mufakat, *args: object, **kwargs: object) -> None:
        opened(self, *args, **kwargs)  # type: ignore[arg-type]
        seen.append(self.settings)

    monkeypatch.setattr(Mufakat, "__init__", remember)
    environment = {"MUFAKAT_DATABASE_URL": f"sqlite:///{tmp_path / 'desa.db'}", "MUFAKAT_LOG_ORIGIN": "desa.example.id"}

    result = CliRunner().invoke(main, ["token", "list"], env=environment)

    assert result.exit_code == 0, result.output
    assert [settings.log_origin for settings in seen] == ["desa.example.id"]
    assert seen[0].database_url == environment["MUFAKAT_DATABASE_URL"]

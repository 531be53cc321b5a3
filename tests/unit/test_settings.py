"""Every setting is read in one place, from one environment, and README's configuration table says so truly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.adapters.storage import persistence_settings
from service.settings import SettingInvalid, Settings, settings_fields, shown_default

README = Path(__file__).resolve().parents[2] / "README.md"


def _configuration_table() -> dict[str, str]:
    """README's configuration table: variable → its default column, as written."""
    section = README.read_text(encoding="utf-8").split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        found = re.match(r"^\| `([A-Z_]+)` \| (.+?) \| .+ \|$", line)
        if found:
            rows[found.group(1)] = found.group(2)
    return rows


def test_the_readme_table_lists_every_setting_with_its_default_and_nothing_else() -> None:
    documented = _configuration_table()
    settings = {setting.metadata["environment_name"]: shown_default(setting) for setting in settings_fields()}

    assert documented == settings


def test_every_setting_has_a_one_line_description() -> None:
    for setting in settings_fields():
        about = setting.metadata["about"]
        assert about and "\n" not in about, setting.name


def test_settings_come_from_the_environment_given_and_an_empty_variable_counts_as_unset() -> None:
    settings = Settings.from_environment(
        {
            "MUFAKAT_DATABASE_URL": "postgresql://mufakat@db.desa.example.id/mufakat",
            "MUFAKAT_THREADS": "8",
            "MUFAKAT_PROBE_TIMEOUT": "0.5",
            "MUFAKAT_SECRET_KEY_FILE": "/var/lib/mufakat/signing.key",
            "MUFAKAT_METRICS_TOKEN": "",
            "HOME": "/home/fasilitator",
        }
    )

    assert settings.database_url == "postgresql://mufakat@db.desa.example.id/mufakat"
    assert settings.threads == 8
    assert settings.probe_timeout == 0.5
    assert settings.secret_key_file == Path("/var/lib/mufakat/signing.key")
    assert settings.metrics_token is None
    assert settings.timeout == 30  # not set: its default
    assert settings.is_given("MUFAKAT_DATABASE_URL")
    assert not settings.is_given("MUFAKAT_METRICS_TOKEN")
    assert not settings.is_given("MUFAKAT_TIMEOUT")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of the test's own, and a clone of the source (empty) as the working directory."""
    home = tmp_path / "home" / "fasilitator"
    home.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    clone = tmp_path / "mufakat-clone"
    clone.mkdir()
    monkeypatch.chdir(clone)
    return home


def test_nothing_set_keeps_the_ledger_and_its_signing_key_in_the_data_folder_of_the_home(home: Path) -> None:
    settings = Settings.from_environment({})

    assert settings == Settings()
    assert settings.database_url == f"sqlite:///{home}/.local/state/mufakat/mufakat.db"
    assert settings.secret_key_file == home / ".local/state/mufakat/mufakat-signing.key"
    assert settings.data_folder == home / ".local/state/mufakat"
    assert settings.given == frozenset()
    assert not settings.ledger_left_in_working_directory()
    assert persistence_settings(settings.database_url)["SQLITE_DBNAME"] == f"{home}/.local/state/mufakat/mufakat.db"


def test_the_data_folder_is_in_xdg_state_home_when_it_is_set(home: Path, tmp_path: Path) -> None:
    state = tmp_path / "keadaan"

    settings = Settings.from_environment({"XDG_STATE_HOME": str(state)})

    assert settings.database_url == f"sqlite:///{state}/mufakat/mufakat.db"
    assert settings.secret_key_file == state / "mufakat" / "mufakat-signing.key"
    assert not (home / ".local").exists()


def test_a_data_folder_whose_name_holds_url_characters_is_the_file_the_store_opens(home: Path, tmp_path: Path) -> None:
    state = tmp_path / "data desa #2 100%?"

    settings = Settings.from_environment({"XDG_STATE_HOME": str(state)})

    assert persistence_settings(settings.database_url)["SQLITE_DBNAME"] == str(state / "mufakat" / "mufakat.db")


def test_a_ledger_url_given_wins_and_its_key_stays_in_the_working_directory_as_before(home: Path) -> None:
    settings = Settings.from_environment({"MUFAKAT_DATABASE_URL": "sqlite:///catatan/desa.db"})

    assert settings.database_url == "sqlite:///catatan/desa.db"  # relative to the working directory, as given
    assert settings.secret_key_file == Path("mufakat-signing.key")
    assert not settings.ledger_left_in_working_directory()


def test_a_key_file_given_wins_and_the_ledger_stays_in_the_data_folder(home: Path) -> None:
    settings = Settings.from_environment({"MUFAKAT_SECRET_KEY_FILE": "/etc/mufakat/signing.key"})

    assert settings.secret_key_file == Path("/etc/mufakat/signing.key")
    assert settings.database_url == f"sqlite:///{home}/.local/state/mufakat/mufakat.db"


def test_a_ledger_an_earlier_quick_start_left_in_the_working_directory_is_still_the_ledger_with_its_key(
    home: Path,
) -> None:
    Path("mufakat.db").write_bytes(b"")  # the quick start of before made it here
    (home / ".local/state/mufakat").mkdir(parents=True)
    (home / ".local/state/mufakat/mufakat.db").write_bytes(b"")  # another ledger: never preferred to this one

    settings = Settings.from_environment({})

    assert settings.database_url == "sqlite:///mufakat.db"
    assert settings.secret_key_file == Path("mufakat-signing.key")  # its checkpoints go on with the same key
    assert settings.ledger_left_in_working_directory()


def test_the_data_folder_as_working_directory_is_no_ledger_left_behind(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_folder = home / ".local/state/mufakat"
    data_folder.mkdir(parents=True)
    (data_folder / "mufakat.db").write_bytes(b"")
    monkeypatch.chdir(data_folder)

    settings = Settings.from_environment({})

    assert settings.database_url == f"sqlite:///{data_folder}/mufakat.db"
    assert not settings.ledger_left_in_working_directory()


def test_the_data_folder_is_made_private_only_when_the_ledger_is_kept_there(home: Path) -> None:
    data_folder = home / ".local/state/mufakat"

    Settings.from_environment({"MUFAKAT_DATABASE_URL": "postgresql://mufakat@db/mufakat"}).make_data_folder()
    assert not data_folder.exists()

    Settings.from_environment({}).make_data_folder()
    assert data_folder.stat().st_mode & 0o777 == 0o700
    assert list(Path.cwd().iterdir()) == []


def test_reading_this_processs_environment_makes_the_data_folder_and_reading_a_given_one_only_reads(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "keadaan"))
    monkeypatch.delenv("MUFAKAT_DATABASE_URL", raising=False)

    Settings.from_environment({"XDG_STATE_HOME": str(tmp_path / "lain")})
    assert not (tmp_path / "lain").exists()

    settings = Settings.from_environment()
    assert settings.data_folder == tmp_path / "keadaan" / "mufakat"
    assert settings.data_folder.stat().st_mode & 0o777 == 0o700


def test_a_data_folder_that_cannot_be_made_is_refused_by_the_settings_that_move_it(home: Path, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "berkas"
    not_a_folder.write_text("")

    with pytest.raises(SettingInvalid, match="XDG_STATE_HOME") as refused:
        Settings.from_environment({"XDG_STATE_HOME": str(not_a_folder)}).make_data_folder()

    assert "MUFAKAT_DATABASE_URL" in str(refused.value)


def test_a_ledger_left_in_the_working_directory_needs_no_data_folder(home: Path) -> None:
    Path("mufakat.db").write_bytes(b"")

    Settings.from_environment({}).make_data_folder()

    assert not (home / ".local").exists()


def test_a_config_key_places_again_what_it_moves_and_nothing_it_does_not(home: Path, tmp_path: Path) -> None:
    defaults = Settings.from_environment({})

    elsewhere = defaults.overridden_by({"XDG_STATE_HOME": str(tmp_path / "lain")})
    named = defaults.overridden_by({"MUFAKAT_DATABASE_URL": "sqlite:///desa.db"})
    keyed = Settings.from_environment({"MUFAKAT_SECRET_KEY_FILE": "/k/signing.key"}).overridden_by(
        {"XDG_STATE_HOME": str(tmp_path / "lain")}
    )

    assert elsewhere.database_url == f"sqlite:///{tmp_path}/lain/mufakat/mufakat.db"
    assert elsewhere.secret_key_file == tmp_path / "lain" / "mufakat" / "mufakat-signing.key"
    assert named.secret_key_file == Path("mufakat-signing.key")
    assert keyed.secret_key_file == Path("/k/signing.key")
    assert keyed.database_url == f"sqlite:///{tmp_path}/lain/mufakat/mufakat.db"


@pytest.mark.parametrize(
    ("variable", "value"),
    [("MUFAKAT_THREADS", "four"), ("MUFAKAT_SQLITE_LOCK_TIMEOUT", "30s"), ("MUFAKAT_PROBE_TIMEOUT", "soon")],
)
def test_a_value_that_does_not_parse_is_refused_by_the_name_of_its_variable_without_repeating_it(
    variable: str, value: str
) -> None:
    with pytest.raises(SettingInvalid, match=variable) as refused:
        Settings.from_environment({variable: value})

    assert value not in str(refused.value)


def test_a_config_key_named_like_a_variable_overrides_that_setting_only() -> None:
    from_environment = Settings.from_environment({"MUFAKAT_LOG_LEVEL": "DEBUG", "MUFAKAT_THREADS": "2"})

    overridden = from_environment.overridden_by(
        {"MUFAKAT_SECRET_KEY_FILE": Path("/tmp/kunci.key"), "MUFAKAT_THREADS": "6", "TESTING": True}
    )

    assert overridden.secret_key_file == Path("/tmp/kunci.key")
    assert overridden.threads == 6
    assert overridden.log_level == "DEBUG"
    assert overridden.is_given("MUFAKAT_SECRET_KEY_FILE")
    assert from_environment.threads == 2  # frozen: the original is untouched

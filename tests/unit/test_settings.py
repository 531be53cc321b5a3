"""Every setting is read in one place, from one environment, and README's configuration table says so truly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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


def test_nothing_set_gives_the_defaults_of_the_readme() -> None:
    settings = Settings.from_environment({})

    assert settings == Settings()
    assert settings.database_url == "sqlite:///mufakat.db"
    assert settings.secret_key_file == Path("mufakat-signing.key")
    assert settings.given == frozenset()


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

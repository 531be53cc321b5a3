"""Every setting of Mufakat, read once from the environment: the one module that reads `os.environ`.

`Settings.from_environment()` is called where a process starts (the app
factory, the command line, gunicorn's config); everything else receives the
`Settings` it built. A field's metadata names its environment variable, the
default README's configuration table shows, and what it does in one line; a
test holds the table and this class to each other.

Where the embedded default keeps its files: when no setting names the ledger
nor the signing key, both live in the data folder `$XDG_STATE_HOME/mufakat/`
(by default `~/.local/state/mufakat/`), never in the working directory, which
is often a clone of the source. A `mufakat.db` that an earlier quick start left
in the working directory is still the ledger there (`ledger_left_in_working_directory`):
an existing record is never replaced by an empty one beside it.

This module imports only the standard library, so every layer may read it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

#: The embedded ledger's file name, and its signing key's, in the data folder.
LEDGER_FILE_NAME = "mufakat.db"
SIGNING_KEY_FILE_NAME = "mufakat-signing.key"
#: Where the quick start kept the ledger before the data folder: the working directory.
WORKING_DIRECTORY_LEDGER_URL = f"sqlite:///{LEDGER_FILE_NAME}"
#: Stand for "no setting names it" until `Settings` places the ledger and its key.
_UNPLACED_LEDGER = ""
_UNPLACED_KEY = Path()


class SettingInvalid(ValueError):
    """An environment variable holds a value its setting cannot take (the message names the variable only, or
    the data folder it could not make)."""


def _whole_number(name: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise SettingInvalid(f"{name} must be a whole number") from None


def _positive_whole_number(name: str, text: str) -> int:
    number = _whole_number(name, text)
    if number <= 0:
        raise SettingInvalid(f"{name} must be a whole number above 0")
    return number


def _number(name: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise SettingInvalid(f"{name} must be a number of seconds") from None


def _text(name: str, text: str) -> str:
    return text


def _path(name: str, text: str) -> Path:
    return Path(text)


def _setting(environment_name: str, default: Any, about: str, parse: Callable[[str, str], Any], shown: str = "") -> Any:
    """A field read from `environment_name`; `shown` is README's words for a default that is no value."""
    return field(
        default=default,
        metadata={"environment_name": environment_name, "about": about, "parse": parse, "shown": shown},
    )


@dataclass(frozen=True)
class Settings:
    """The configuration of one process of Mufakat (README, "Configuration"); defaults when nothing is set."""

    database_url: str = _setting(
        "MUFAKAT_DATABASE_URL",
        _UNPLACED_LEDGER,
        "where the ledger lives (SQLite file or PostgreSQL)",
        _text,
        "`mufakat.db` in the data folder `$XDG_STATE_HOME/mufakat/` (by default `~/.local/state/mufakat/`); "
        "a `mufakat.db` already in the working directory stays the ledger there",
    )
    secret_key_file: Path = _setting(
        "MUFAKAT_SECRET_KEY_FILE",
        _UNPLACED_KEY,
        "the service's Ed25519 signing key (PEM)",
        _path,
        "`mufakat-signing.key` beside the default ledger; in the working directory when `MUFAKAT_DATABASE_URL` is set",
    )
    sqlite_lock_timeout: int = _setting(
        "MUFAKAT_SQLITE_LOCK_TIMEOUT", 30, "seconds a write waits for another writer's SQLite lock", _whole_number
    )
    postgres_connect_timeout: int = _setting(
        "MUFAKAT_POSTGRES_CONNECT_TIMEOUT", 5, "seconds to wait for a PostgreSQL connection", _whole_number
    )
    postgres_pool_size: int = _setting(
        "MUFAKAT_POSTGRES_POOL_SIZE", 5, "PostgreSQL connections each worker keeps open", _whole_number
    )
    postgres_max_overflow: int = _setting(
        "MUFAKAT_POSTGRES_MAX_OVERFLOW", 5, "extra PostgreSQL connections a worker may open", _whole_number
    )
    log_origin: str | None = _setting(
        "MUFAKAT_LOG_ORIGIN", None, "the origin line of the log's checkpoints", _text, "derived from the first event"
    )
    witnesses: str = _setting("MUFAKAT_WITNESSES", "", "witness vkeys whose cosignatures count", _text, "none")
    public_url: str = _setting("MUFAKAT_PUBLIC_URL", "http://localhost:8000", "where the public portal answers", _text)
    web_session_key_file: Path | None = _setting(
        "MUFAKAT_WEB_SESSION_KEY_FILE",
        None,
        "the key that signs the console's cookies",
        _path,
        "`mufakat-web-session.key` beside the SQLite ledger; on PostgreSQL beside `MUFAKAT_SECRET_KEY_FILE` "
        "when set, else in `~/.local/state/mufakat/`",
    )
    sign_in_link_seconds: int = _setting(
        "MUFAKAT_SIGN_IN_LINK_SECONDS",
        600,
        "seconds a one-time sign-in link (and its QR code) of the console stays usable",
        _positive_whole_number,
    )
    complaints_per_hour: int = _setting(
        "MUFAKAT_COMPLAINTS_PER_HOUR",
        10,
        "complaints one client address may file without a token in an hour (counted in the ledger's database)",
        _positive_whole_number,
    )
    evidence_store: str | None = _setting(
        "MUFAKAT_EVIDENCE_STORE",
        None,
        "where assessments' evidence files are kept: a folder, or `database` for a table of the ledger",
        _text,
        "`mufakat.evidence/` beside the SQLite ledger; on PostgreSQL a table of the ledger",
    )
    state_home: Path | None = _setting(
        "XDG_STATE_HOME",
        None,
        "this user's state folder: its `mufakat/` is the data folder of the default ledger and keys",
        _path,
        "`~/.local/state`",
    )
    threads: int = _setting("MUFAKAT_THREADS", 4, "threads per gunicorn worker", _whole_number)
    timeout: int = _setting("MUFAKAT_TIMEOUT", 30, "seconds before gunicorn replaces a stuck worker", _whole_number)
    gunicorn_access_log: str | None = _setting(
        "MUFAKAT_GUNICORN_ACCESS_LOG", None, "a file for gunicorn's access line", _text, "off"
    )
    log_level: str = _setting("MUFAKAT_LOG_LEVEL", "INFO", "level of the application's JSON log", _text)
    probe_timeout: float = _setting(
        "MUFAKAT_PROBE_TIMEOUT", 2.0, "seconds /api/v1/ready waits for the database", _number
    )
    metrics_token: str | None = _setting(
        "MUFAKAT_METRICS_TOKEN", None, "the bearer token that reads /metrics", _text, "unset"
    )
    prometheus_multiproc_dir: Path | None = _setting(
        "PROMETHEUS_MULTIPROC_DIR", None, "a folder where /metrics adds up all workers", _path, "unset"
    )
    bind: str = _setting("MUFAKAT_BIND", "127.0.0.1:8000", "where deploy/gunicorn.conf.py listens", _text)
    workers: int | None = _setting(
        "MUFAKAT_WORKERS",
        None,
        "gunicorn workers of deploy/gunicorn.conf.py",
        _whole_number,
        "2 x cores + 1, at most 8",
    )
    graceful_timeout: int = _setting(
        "MUFAKAT_GRACEFUL_TIMEOUT", 30, "seconds a stopping worker finishes its requests in", _whole_number
    )
    max_requests: int = _setting(
        "MUFAKAT_MAX_REQUESTS", 10000, "requests after which a worker is replaced", _whole_number
    )
    forwarded_allow_ips: str = _setting(
        "MUFAKAT_FORWARDED_ALLOW_IPS", "127.0.0.1", "the reverse proxies whose X-Forwarded-* are believed", _text
    )
    checkpoint_every: float = _setting(
        "MUFAKAT_CHECKPOINT_EVERY",
        3600.0,
        "seconds at most between two checkpoints the service seals by itself (`0`: none periodically)",
        _number,
    )
    checkpoint_after_decision: float = _setting(
        "MUFAKAT_CHECKPOINT_AFTER_DECISION",
        10.0,
        "seconds within which the service seals a checkpoint after a decision (`0`: not for decisions)",
        _number,
    )
    #: The environment variables that were set (not left to their default).
    given: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    def __post_init__(self) -> None:
        """Places the ledger and the signing key that no setting names (see the module's docstring)."""
        ledger_named = self.database_url != _UNPLACED_LEDGER
        if not ledger_named:
            object.__setattr__(self, "database_url", self._default_ledger_url())
        if self.secret_key_file == _UNPLACED_KEY:
            # A named ledger, or one left in the working directory, keeps its key where it always was, so that
            # its checkpoints go on being signed by the same key.
            kept_as_before = ledger_named or self.database_url == WORKING_DIRECTORY_LEDGER_URL
            key_folder = Path() if kept_as_before else self.data_folder
            object.__setattr__(self, "secret_key_file", key_folder / SIGNING_KEY_FILE_NAME)

    @property
    def data_folder(self) -> Path:
        """The folder of this user's Mufakat files: `$XDG_STATE_HOME/mufakat`, by default `~/.local/state/mufakat`."""
        return (self.state_home or Path.home() / ".local" / "state") / "mufakat"

    def ledger_left_in_working_directory(self) -> bool:
        """Whether the ledger is the `mufakat.db` a quick start made in the working directory before the data
        folder existed: it is still used, so that its record is never replaced by an empty ledger elsewhere."""
        return not self.is_given("MUFAKAT_DATABASE_URL") and self.database_url == WORKING_DIRECTORY_LEDGER_URL

    def make_data_folder(self) -> None:
        """Makes the data folder (mode 0700: it holds keys) when the ledger is kept there, before anything opens it."""
        if self.database_url != _sqlite_url(self.data_folder / LEDGER_FILE_NAME):
            return
        try:
            self.data_folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            raise SettingInvalid(
                f"the data folder {self.data_folder} cannot be made ({error.strerror}): set XDG_STATE_HOME to a "
                "folder this user may write, or MUFAKAT_DATABASE_URL"
            ) from None

    def _default_ledger_url(self) -> str:
        in_data_folder = self.data_folder / LEDGER_FILE_NAME
        in_working_directory = Path(LEDGER_FILE_NAME)
        if in_working_directory.exists() and in_working_directory.resolve() != in_data_folder.resolve():
            return WORKING_DIRECTORY_LEDGER_URL
        return _sqlite_url(in_data_folder)

    @classmethod
    def from_environment(cls, environment: Mapping[str, str] | None = None) -> Settings:
        """The settings `environment` (by default this process's) gives; an empty variable counts as unset.

        Read from this process's environment, where a process starts, they also make the data folder when the
        ledger is kept there: whatever opens the ledger next (a command, a worker, the application of an
        embedder) finds its folder. An `environment` given is only read.
        Raises `SettingInvalid` naming the variable whose value does not parse.
        """
        source = os.environ if environment is None else environment
        values: dict[str, Any] = {}
        for setting in settings_fields():
            name = setting.metadata["environment_name"]
            text = source.get(name, "")
            if text:
                values[setting.name] = setting.metadata["parse"](name, text)
        given = frozenset(_environment_names(values))
        settings = cls(**values, given=given)
        if environment is None:
            settings.make_data_folder()
        return settings

    def overridden_by(self, config: Mapping[str, Any]) -> Settings:
        """These settings with those a Flask config names by their environment variable (tests, embedders)."""
        values = {
            setting.name: setting.metadata["parse"](setting.metadata["environment_name"], str(value))
            for setting in settings_fields()
            if (value := config.get(setting.metadata["environment_name"])) not in (None, "")
        }
        if not values:
            return self
        given = self.given | _environment_names(values)
        # Placed again from the new values: a state folder or a ledger given here moves the files left to default.
        unplaced = {
            name: default for name, environment_name, default in _PLACED_BY_DEFAULT if environment_name not in given
        }
        return replace(self, **unplaced, **values, given=given)

    def is_given(self, environment_name: str) -> bool:
        """Whether `environment_name` was set, rather than left to its default."""
        return environment_name in self.given


#: The settings whose default is a place `Settings` works out: field, environment variable, "unplaced".
_PLACED_BY_DEFAULT: tuple[tuple[str, str, Any], ...] = (
    ("database_url", "MUFAKAT_DATABASE_URL", _UNPLACED_LEDGER),
    ("secret_key_file", "MUFAKAT_SECRET_KEY_FILE", _UNPLACED_KEY),
)


def _sqlite_url(path: Path) -> str:
    """The URL of an SQLite ledger at the absolute `path` (quoted: a folder's name may hold `%`, `?` or `#`)."""
    return "sqlite:///" + quote(str(path.absolute()))


def settings_fields() -> Iterator[Field[Any]]:
    """The fields of `Settings` that are settings (each read from one environment variable)."""
    return (setting for setting in fields(Settings) if "environment_name" in setting.metadata)


def _environment_names(values: Mapping[str, Any]) -> set[str]:
    return {setting.metadata["environment_name"] for setting in settings_fields() if setting.name in values}


def shown_default(setting: Field[Any]) -> str:
    """The default as README's configuration table shows it: the value in backticks, or words for none."""
    if setting.metadata["shown"]:
        return str(setting.metadata["shown"])
    value = setting.default
    return f"`{value:g}`" if isinstance(value, float) else f"`{value}`"

"""The settings of one run of the CLI, and the configured Mufakat, opened for one command and closed afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from service.adapters.storage import UnsupportedDatabaseUrl
from service.app.application import Mufakat
from service.settings import LEDGER_FILE_NAME, SettingInvalid, Settings


def settings_from_environment() -> Settings:
    """The environment's settings; a value that does not parse is a usage error naming its variable.

    A ledger an earlier quick start left in the working directory is used, and said on stderr.
    """
    try:
        settings = Settings.from_environment()
    except SettingInvalid as error:
        raise click.UsageError(str(error)) from None
    if settings.ledger_left_in_working_directory():
        click.echo(ledger_left_in_working_directory_notice(settings), err=True)
    return settings


def ledger_left_in_working_directory_notice(settings: Settings) -> str:
    """One line: the ledger used is `mufakat.db` of the working directory; new installations use the data folder."""
    return (
        f"mufakat: the ledger is {Path(LEDGER_FILE_NAME).absolute()}, left in this folder by an earlier quick "
        f"start, and is still used; new installations keep it in {settings.data_folder}/ "
        '(to move it there, see docs/operations.md, "Configuration")'
    )


def command_settings() -> Settings:
    """The settings `mufakat` read when it started (`service.cli.main`); read now for a command run on its own."""
    context = click.get_current_context(silent=True)
    found = context.find_object(Settings) if context is not None else None
    return found if found is not None else settings_from_environment()


@contextmanager
def opened_ledger() -> Iterator[Mufakat]:
    """The configured ledger, closed afterwards; a bad database URL is a usage error, not a traceback."""
    try:
        ledger = Mufakat(settings=command_settings())
    except UnsupportedDatabaseUrl as error:
        raise click.UsageError(str(error)) from None
    try:
        yield ledger
    finally:
        ledger.close()

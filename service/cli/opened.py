"""The configured Mufakat, opened for one command of the CLI and closed afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from service.adapters.storage import UnsupportedDatabaseUrl
from service.app.application import Mufakat


@contextmanager
def opened_ledger() -> Iterator[Mufakat]:
    """The configured ledger, closed afterwards; a bad database URL is a usage error, not a traceback."""
    try:
        ledger = Mufakat()
    except UnsupportedDatabaseUrl as error:
        raise click.UsageError(str(error)) from None
    try:
        yield ledger
    finally:
        ledger.close()

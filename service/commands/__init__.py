"""Commands of the `mufakat` CLI; each module lists its click commands in `COMMANDS`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from service.application import Mufakat
from service.storage import UnsupportedDatabaseUrl


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

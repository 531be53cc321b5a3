"""`mufakat projections rebuild` and `mufakat projections run`: the read models from the command line."""

from __future__ import annotations

import signal
import threading
import time
from types import FrameType

import click

from projections.runner import DEFAULT_PAGE_SIZE, ReadModels
from service.app.application import Mufakat
from service.cli.opened import opened_ledger
from service.http.observability import DATABASE_UNAVAILABLE_ERRORS


@click.group("projections")
def projections_group() -> None:
    """The read models: decision history, transparency feed, participation metrics."""


@projections_group.command()
@click.option("--page-size", default=DEFAULT_PAGE_SIZE, show_default=True, type=click.IntRange(min=1))
def rebuild(page_size: int) -> None:
    """Drops every read model and replays the whole event log into it."""
    with opened_ledger() as ledger:
        models = ReadModels(ledger, page_size=page_size)
        started = time.perf_counter()
        applied = models.rebuild()
        seconds = time.perf_counter() - started
        rate = applied / seconds if seconds > 0 else 0.0
        click.echo(f"rebuilt every read model from {applied} events in {seconds:.2f} s ({rate:,.0f} events/s)")
        click.echo(f"position {models.position()}")


@projections_group.command()
@click.option("--page-size", default=DEFAULT_PAGE_SIZE, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--max-sleep",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0.01, max=60),
    help="Longest pause between polls while the log is quiet (seconds).",
)
def run(page_size: int, max_sleep: float) -> None:
    """Follows the event log, keeping every read model caught up, until SIGTERM or SIGINT."""
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        # Finish the page in hand (its transaction commits or rolls back whole), then leave.
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    with opened_ledger() as ledger:
        models = _follow_through_outages(ledger, page_size, max_sleep, stop)
        click.echo(f"stopped at position {models.position()}", err=True)


def _follow_through_outages(ledger: Mufakat, page_size: int, max_sleep: float, stop: threading.Event) -> ReadModels:
    """Follows the log; while the database is unreachable, waits and tries again instead of dying.

    Every page commits whole with its tracking position, so resuming after an outage
    applies each event exactly once.
    """
    pause = 1.0
    models = ReadModels(ledger, page_size=page_size)
    click.echo(f"following the event log from position {models.position()}", err=True)
    while not stop.is_set():
        try:
            models.follow(stop, max_sleep=max_sleep)
        except DATABASE_UNAVAILABLE_ERRORS as error:
            click.echo(f"database unavailable ({type(error).__name__}); retrying in {pause:.0f} s", err=True)
            stop.wait(pause)
            pause = min(pause * 2, 30.0)
        else:
            pause = 1.0
    return models


COMMANDS = [projections_group]

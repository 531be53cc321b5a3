"""Starts the service's own checkpoint maker in each worker process, at the worker's first request.

Lazily, after gunicorn forks (a thread never survives a fork) and only in a
process that serves: the command line, the demo and an app built but never
asked anything start no thread. `MUFAKAT_CHECKPOINT_EVERY=0` and
`MUFAKAT_CHECKPOINT_AFTER_DECISION=0` together turn it off (the test suite
does, unless a test asks).
"""

from __future__ import annotations

import os
import threading

from flask import Flask, current_app

from service.audit.checkpoint_maker import CheckpointMaker, CheckpointSchedule
from service.http.current import current_mufakat, current_settings

#: Where the app keeps its worker's maker, with the id of the process that started it.
MAKER_EXTENSION = "mufakat_checkpoint_maker"


def init_app(app: Flask) -> None:
    """Has every worker of `app` seal checkpoints by itself when its settings ask for it."""
    app.extensions[f"{MAKER_EXTENSION}_lock"] = threading.Lock()
    app.before_request(_ensure_started)


def _ensure_started() -> None:
    started = current_app.extensions.get(MAKER_EXTENSION)
    if started is not None and started[0] == os.getpid():
        return
    settings = current_settings()
    schedule = CheckpointSchedule(settings.checkpoint_every, settings.checkpoint_after_decision)
    with current_app.extensions[f"{MAKER_EXTENSION}_lock"]:
        started = current_app.extensions.get(MAKER_EXTENSION)
        if started is not None and started[0] == os.getpid():
            return
        maker = (
            CheckpointMaker(current_mufakat().ledger, settings.secret_key_file, schedule) if schedule.is_on else None
        )
        if maker is not None:
            maker.start()
        current_app.extensions[MAKER_EXTENSION] = (os.getpid(), maker)


def stop(app: Flask) -> None:
    """Ends this worker's maker, if it runs (before the ledger is closed)."""
    started = app.extensions.get(MAKER_EXTENSION)
    if started is not None and started[1] is not None:
        started[1].stop()

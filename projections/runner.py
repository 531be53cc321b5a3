"""Catching the read models up with the event log: batched, exactly once, resumable.

The log is read in pages with `select_notifications` (SQLite has no
subscriptions in eventsourcing 9.5; the same loop works on PostgreSQL). Each
page is decoded once and handed to every read model in log order, and all
their rows are written together with their tracking positions in ONE
transaction. That transaction first locks the tracking rows and reads them
again, so when two workers (a web worker catching up for read-your-writes and
`mufakat projections run`) race over the same page, the second skips what the
first applied: no event is applied twice, and a worker killed mid-page loses
only its uncommitted transaction.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
import weakref
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from eventsourcing.persistence import Notification, OperationalError

from projections.base import Projection, Store
from projections.directory import Directory
from projections.feed import TransparencyFeed
from projections.feed_queries import RenderedPages
from projections.history import DecisionHistory
from projections.participation import Participation
from projections.registry.service import CHECKPOINT_TOPIC
from projections.sql import Database

logger = logging.getLogger(__name__)

DEFAULT_PAGE_SIZE = 2000
REBUILD_PAGE_SIZE = 5000
#: The shape of the read models' tables; another number makes every worker replay into new tables.
SCHEMA_VERSION = 8
_SCHEMA_ROW = "schema-version"
_LOCK_ATTEMPTS = 5


class ReadModels:
    """Every read model of one ledger, and the machinery that keeps them caught up."""

    def __init__(self, app: Store, page_size: int = DEFAULT_PAGE_SIZE) -> None:
        self.app = app
        self.page_size = page_size
        self.database = Database(app.recorder)
        self.directory = Directory()
        self.history = DecisionHistory(self.directory)
        self.feed = TransparencyFeed(self.directory)
        self.participation = Participation(self.directory)
        # The directory comes first: the others look things up in it as of each event.
        self.projections: tuple[Projection, ...] = (self.directory, self.history, self.feed, self.participation)
        self._handlers: dict[str, list[Projection]] = {}
        for projection in self.projections:
            for topic in projection.topics:
                self._handlers.setdefault(topic, []).append(projection)
        self.topics = sorted(self._handlers)
        self._names = [projection.name for projection in self.projections]
        self._in_process = threading.Lock()
        #: Public feed pages as served, each valid for the log position it was read at.
        self.feed_pages = RenderedPages()
        self.ensure_tables()

    # --- tables ----------------------------------------------------------------------

    def ensure_tables(self) -> None:
        """Creates the tables and tracking rows that are missing (safe to run in every worker)."""
        for attempt in range(_LOCK_ATTEMPTS):
            try:
                with self.database.transaction() as sql:
                    self._create(sql)
                return
            except Exception:
                # Two workers creating the same table at once on PostgreSQL: one loses, then finds it made.
                if attempt == _LOCK_ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))

    def _create(self, sql: Any) -> None:
        sql.execute("CREATE TABLE IF NOT EXISTS projection_tracking (name TEXT PRIMARY KEY, position BIGINT NOT NULL)")
        marks = ", ".join("?" for _ in self._names)
        version = sql.fetch_one("SELECT position FROM projection_tracking WHERE name = ?", (_SCHEMA_ROW,))
        tracked = sql.fetch_one(f"SELECT COUNT(*) FROM projection_tracking WHERE name IN ({marks})", self._names)
        if (version is None and tracked is not None and tracked[0]) or (version and version[0] != SCHEMA_VERSION):
            # Tables of another shape, from another version of Mufakat: replay into new ones.
            logger.warning("the read models' tables changed shape; they are rebuilt from the log")
            self._drop(sql)
        for projection in self.projections:
            for statement in projection.schema(self.database.is_postgres):
                sql.execute(statement)
        sql.executemany(
            "INSERT INTO projection_tracking (name, position) VALUES (?, 0) ON CONFLICT (name) DO NOTHING",
            [(name,) for name in self._names],
        )
        sql.execute(
            "INSERT INTO projection_tracking (name, position) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET position = excluded.position",
            (_SCHEMA_ROW, SCHEMA_VERSION),
        )

    def _drop(self, sql: Any) -> None:
        for projection in self.projections:
            for table in projection.tables:
                sql.execute(f"DROP TABLE IF EXISTS {table}")
        marks = ", ".join("?" for _ in self._names)
        sql.execute(f"DELETE FROM projection_tracking WHERE name IN ({marks})", self._names)

    def positions(self) -> dict[str, int]:
        """How far each read model has applied the log (notification ids)."""
        rows = self.database.fetch_all("SELECT name, position FROM projection_tracking")
        return {str(name): int(position) for name, position in rows if name in self._names}

    def position(self) -> int:
        """The position every read model has reached."""
        positions = self.positions()
        return min(positions.get(name, 0) for name in self._names)

    # --- catching up -------------------------------------------------------------------

    def catch_up(self, up_to: int | None = None, stop: threading.Event | None = None) -> int:
        """Applies the log up to `up_to` (default: everything stored now); returns how many events it applied.

        Cheap when nothing is new: one max-id query and one read of the tracking rows. When `stop`
        is set it returns after the page in hand, committed whole.
        """
        target = (self.app.recorder.max_notification_id() or 0) if up_to is None else up_to
        applied = 0
        with self._in_process:
            while True:
                start = self.position()
                if start >= target or (stop is not None and stop.is_set()):
                    return applied
                notifications = self.app.recorder.select_notifications(
                    start, self.page_size, stop=target, topics=self.topics, inclusive_of_start=False
                )
                # A short page means nothing else up to the target concerns any read model.
                end = notifications[-1].id if len(notifications) == self.page_size else target
                events = [(n, self._decode(n)) for n in notifications]
                applied += self._apply_page(events, end)

    def fresh_position(self) -> int:
        """Catches up with every write acknowledged so far; the log position the read models now reflect
        (at least: a page read after this may reflect later writes too, never fewer)."""
        target = self.app.recorder.max_notification_id() or 0
        self.catch_up(up_to=target)
        return target

    def _decode(self, notification: Notification) -> Any:
        try:
            return self.app.mapper.to_domain_event(notification)
        except Exception:
            if notification.topic != CHECKPOINT_TOPIC:
                raise
            # Checkpoints belong to the audit module; read their fields even without its class.
            fields = self.app.mapper.transcoder.decode(notification.state)
            fields.setdefault("originator_id", notification.originator_id)
            fields.setdefault("originator_version", notification.originator_version)
            return SimpleNamespace(**fields)

    def _apply_page(self, events: Sequence[tuple[Notification, Any]], end: int) -> int:
        for attempt in range(_LOCK_ATTEMPTS):
            try:
                return self._apply_page_once(events, end)
            except OperationalError:
                # A lock timeout while another worker held the tracking rows: read them again and retry.
                if attempt == _LOCK_ATTEMPTS - 1:
                    raise
                logger.info("projection page waited too long for a lock; retrying")
                time.sleep(0.1 * (attempt + 1))
        return 0

    def _apply_page_once(self, events: Sequence[tuple[Notification, Any]], end: int) -> int:
        marks = ", ".join("?" for _ in self._names)
        applied = 0
        with self.database.transaction() as sql:
            # Writing the tracking rows first takes the write lock (SQLite) or the row locks
            # (PostgreSQL) before reading them, so the positions read here stay true until commit.
            sql.execute(f"UPDATE projection_tracking SET position = position WHERE name IN ({marks})", self._names)
            positions = dict(
                sql.fetch_all(f"SELECT name, position FROM projection_tracking WHERE name IN ({marks})", self._names)
            )
            for projection in self.projections:
                projection.begin(sql)
            for notification, event in events:
                taken = False
                for projection in self._handlers.get(notification.topic, ()):
                    if notification.id > positions[projection.name]:
                        projection.apply(notification, event)
                        taken = True
                applied += taken
            for projection in self.projections:
                projection.flush(sql)
            sql.executemany(
                "UPDATE projection_tracking SET position = ? WHERE name = ? AND position < ?",
                [(end, name, end) for name in self._names],
            )
        return applied

    # --- rebuilding and following ---------------------------------------------------------

    def drop(self) -> None:
        """Drops every read model and its tracking row, and makes them anew, empty, in one transaction."""
        with self.database.transaction() as sql:
            sql.execute(
                "CREATE TABLE IF NOT EXISTS projection_tracking (name TEXT PRIMARY KEY, position BIGINT NOT NULL)"
            )
            self._drop(sql)
            self._create(sql)

    def rebuild(self, page_size: int | None = None) -> int:
        """Drops every read model and replays the whole log into it; returns how many events it applied."""
        with self._in_process:
            self.drop()
            self.feed_pages = RenderedPages()  # made from the tables just dropped
        usual = self.page_size
        self.page_size = page_size or max(usual, REBUILD_PAGE_SIZE)
        collecting = gc.isenabled()
        # A replay makes millions of short-lived objects and no cycles worth collecting meanwhile.
        gc.disable()
        try:
            return self.catch_up()
        finally:
            self.page_size = usual
            if collecting:
                gc.enable()

    def follow(self, stop: threading.Event, idle_sleep: float = 0.05, max_sleep: float = 1.0) -> None:
        """Keeps catching up until `stop` is set, sleeping (at most `max_sleep`) while nothing is new."""
        sleep = idle_sleep
        while not stop.is_set():
            if self.catch_up(stop=stop):
                sleep = idle_sleep
            else:
                stop.wait(sleep)
                sleep = min(sleep * 2, max_sleep)

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every read model, sorted: what a rebuild must reproduce exactly."""
        rows: dict[str, list[tuple[Any, ...]]] = {}
        for projection in self.projections:
            for table in projection.tables:
                rows[table] = sorted(
                    self.database.fetch_all(f"SELECT * FROM {table}"), key=lambda row: tuple(map(str, row))
                )
        return rows


#: Keyed by the recorder: the ledger and the application built on it share their read models.
_READ_MODELS: weakref.WeakKeyDictionary[Any, ReadModels] = weakref.WeakKeyDictionary()
_READ_MODELS_LOCK = threading.Lock()


def read_models(app: Store) -> ReadModels:
    """The read models of this ledger, with their tables made, shared by every caller in this process."""
    with _READ_MODELS_LOCK:
        models = _READ_MODELS.get(app.recorder)
        if models is None:
            models = ReadModels(app)
            _READ_MODELS[app.recorder] = models
        return models


def fresh_read_models(app: Store) -> ReadModels:
    """The read models caught up with every write acknowledged so far (read-your-writes)."""
    models = read_models(app)
    models.catch_up()
    return models


def tracked_positions(app: Store) -> dict[str, int]:
    """Each projection's tracked position, read without creating anything: none before a projection first ran.

    The probe of `/api/v1/ready` and `/metrics` asks this; the schema version's row is no projection.
    """
    database = Database(app.recorder)
    if database.is_postgres:
        exists = database.fetch_one("SELECT to_regclass(?) IS NOT NULL", ("projection_tracking",))
    else:
        exists = database.fetch_one(
            "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?", ("projection_tracking",)
        )
    if not exists or not exists[0]:
        return {}
    rows = database.fetch_all("SELECT name, position FROM projection_tracking")
    return {str(name): int(position) for name, position in rows if name != _SCHEMA_ROW}

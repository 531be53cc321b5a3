"""The whole log as JSON Lines, and its verification on a machine with no database.

Line 1 is a header; then one line per stored event in notification order
(position, originator_id, version, topic, state in base64, hash and root in
hex, as stored); then one line per checkpoint. Written and read streaming, in
constant memory. `verify_export` loads the lines into a throw-away SQLite
file shaped like the service's own tables and runs the very same verifier,
so an export verifies exactly as the database it came from.
"""

from __future__ import annotations

import base64
import binascii
import json
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from eventsourcing.persistence import ApplicationRecorder

from service.audit.checkpoints import CHECKPOINT_LOG_ID, Checkpoint, checkpoint_from_state
from service.audit.public_form import PUBLIC_FORMS_TABLE
from service.audit.records import LogSnapshot, RawRecord, log_snapshot, originator_text, sqlite_statements
from service.audit.verify import Failure, VerificationReport, Verifier, checkpoint_sizes

EXPORT_FORMAT = "mufakat-audit-export"
EXPORT_VERSION = 1
_IMPORT_BATCH = 5000


def record_as_json(record: RawRecord) -> dict[str, Any]:
    """One stored event as an export line (and an item of `GET /audit/events`), as stored, undecoded."""
    try:
        originator: str | None = originator_text(record.originator_id)
    except (ValueError, TypeError, AttributeError):
        originator = None if record.originator_id is None else str(record.originator_id)
    state = record.state
    line: dict[str, Any] = {
        "position": record.position,
        "originator_id": originator,
        "version": record.version,
        "topic": record.topic,
        "state": base64.b64encode(bytes(state)).decode("ascii") if isinstance(state, bytes | memoryview) else None,
        "hash": bytes(record.hash).hex() if record.hash is not None else None,
        "root": bytes(record.root).hex() if record.root is not None else None,
    }
    if record.public_form is not None:
        # Hash version 2 (docs/audit-format.md, 3a): the public form as hashed, and the private digest's salt.
        line["public_form"] = base64.b64encode(bytes(record.public_form)).decode("ascii")
        line["salt"] = bytes(record.private_salt).hex()
    return line


def write_export(recorder: ApplicationRecorder, out: IO[str], public_key: str | None = None) -> int:
    """Writes the whole log as JSON Lines to `out`; returns the number of events written."""
    count = 0
    with log_snapshot(recorder) as snapshot:
        header = {
            "type": "header",
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": datetime.now(UTC).isoformat(),
            "last_position": snapshot.last_position(),
            "public_key": public_key,
        }
        out.write(json.dumps(header) + "\n")
        for record in snapshot.records():
            line = {"type": "event", **record_as_json(RawRecord._make(record))}
            out.write(json.dumps(line, separators=(",", ":")) + "\n")
            count += 1
        for position, state in snapshot.events_of(CHECKPOINT_LOG_ID):
            try:
                checkpoint = checkpoint_from_state(state, position)
            except ValueError:
                continue  # the verifier reports it at its position among the events
            out.write(json.dumps({"type": "checkpoint", **checkpoint.as_dict()}) + "\n")
        for position, originator, version, hash_, root in snapshot.orphan_hashes():
            # A hash row whose event was deleted: kept, so the export fails where the database does.
            orphan = {
                "type": "hash",
                "position": position,
                "originator_id": originator_text(originator),
                "version": version,
                "hash": bytes(hash_).hex(),
                "root": bytes(root).hex(),
            }
            out.write(json.dumps(orphan) + "\n")
    return count


class _ExportBroken(Exception):
    def __init__(self, position: int, reason: str) -> None:
        super().__init__(reason)
        self.failure = Failure(position, reason)


def verify_export(
    path: Path,
    trusted_key: str | None = None,
    kept_checkpoints: Sequence[Checkpoint] = (),
    witness_keys: dict[str, str] | None = None,
    witnesses_required: int = 0,
) -> VerificationReport:
    """Verifies an export file with no database: the same checks, the same report as `verify_store`."""
    lines: list[Checkpoint] = []
    with tempfile.TemporaryDirectory(prefix="mufakat-verify-") as directory:
        connection = sqlite3.connect(str(Path(directory) / "export.db"), isolation_level=None)
        try:
            broken: Failure | None = None
            header: dict[str, Any] = {}
            try:
                header = _load(path, connection, lines)
            except _ExportBroken as error:
                broken = error.failure
            try:
                _index(connection)
            except _ExportBroken as error:
                broken = error.failure if broken is None or error.failure.position < broken.position else broken
            connection.execute(_LINK_PREVIOUS)
            # A checkpoint line whose event is in the file is checked as that event, at its position
            # (as the database's verifier does); the others (their events cut off) as kept checkpoints.
            kept = list(kept_checkpoints) + [line for line in lines if not _event_present(connection, line)]
            key = trusted_key
            with _snapshot(connection) as snapshot:
                verifier = Verifier(
                    snapshot.root_at,
                    key,
                    kept if broken is None else (),
                    snapshot.hash_between,
                    checkpoint_sizes(snapshot),
                    witness_keys,
                    witnesses_required,
                )
                report = verifier.run(snapshot.records())
            if trusted_key is None and header.get("public_key"):
                report.notes.append("the export's header names a public key; pass the service's key to trust it")
        finally:
            connection.close()
    if broken is None and report.ok:
        broken = _header_failure(header, report.last_position)
    if broken is not None and (report.first_failure is None or report.first_failure.position >= broken.position):
        report.ok = False
        report.first_failure = broken
    return report


def _header_failure(header: dict[str, Any], last_position: int) -> Failure | None:
    # The header is not signed: this catches a file cut short by accident, a forger needs the checkpoints.
    if header.get("format") != EXPORT_FORMAT:
        return Failure(0, "this is not a Mufakat audit export: its first line is not the export's header")
    expected = header.get("last_position")
    if isinstance(expected, int) and expected > last_position:
        return Failure(
            expected, f"the export ends at position {last_position} but its header says the log ended at {expected}"
        )
    return None


def _load(path: Path, connection: sqlite3.Connection, kept: list[Checkpoint]) -> dict[str, Any]:
    connection.execute("PRAGMA journal_mode=MEMORY")  # not OFF: a batch that repeats an event is rolled back
    connection.execute("PRAGMA synchronous=OFF")
    # No index on the events: a repeated event is caught by event_hashes' unique key (or has no hash row).
    connection.execute(
        "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB)"
    )
    # The unique key of the hash rows comes after the load: sorting once beats inserting at random.
    connection.execute(
        "CREATE TABLE event_hashes (notification_id INTEGER PRIMARY KEY, originator_id TEXT NOT NULL, "
        "originator_version INTEGER NOT NULL, hash BLOB NOT NULL, root BLOB NOT NULL, previous_position INTEGER)"
    )
    connection.execute(
        f"CREATE TABLE {PUBLIC_FORMS_TABLE} "
        "(notification_id INTEGER PRIMARY KEY, public_form BLOB, salt BLOB, private_digest BLOB)"
    )
    header: dict[str, Any] = {}
    last_position = 0
    rows: list[tuple[tuple[Any, ...], tuple[Any, ...] | None]] = []
    orphans: list[tuple[Any, ...] | None] = []
    forms: list[tuple[int, bytes, bytes]] = []
    connection.execute("BEGIN")
    with path.open("r", encoding="utf-8") as lines:
        for number, text in enumerate(lines, start=1):
            try:
                line = json.loads(text)
                kind = line.get("type")
                if kind == "header":
                    header = line
                    continue
                if kind == "checkpoint":
                    kept.append(Checkpoint.from_dict(line))
                    continue
                if kind == "hash":
                    position = int(line["position"])
                    _, link = _rows({**line, "topic": "", "state": ""}, position)
                    orphans.append(link)
                    continue
                if kind != "event":
                    raise ValueError("unknown line type")
                position = int(line["position"])
                event, link = _rows(line, position)
                if line.get("public_form") is not None:
                    forms.append(
                        (position, base64.b64decode(line["public_form"], validate=True), bytes.fromhex(line["salt"]))
                    )
            except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
                _flush(connection, rows)
                connection.executemany(_INSERT_FORM, forms)
                raise _ExportBroken(last_position + 1, f"line {number} of the export cannot be decoded") from None
            rows.append((event, link))
            last_position = position
            if len(rows) >= _IMPORT_BATCH:
                _flush(connection, rows)
    _flush(connection, rows)
    connection.executemany(_INSERT_FORM, forms)
    try:
        connection.executemany(_INSERT_HASH, [link for link in orphans if link is not None])
    except sqlite3.IntegrityError:
        connection.execute("COMMIT")
        raise _ExportBroken(0, "the export's hash lines repeat a position") from None
    connection.execute("COMMIT")
    return header


def _event_present(connection: sqlite3.Connection, checkpoint: Checkpoint) -> bool:
    if checkpoint.event_position is None:
        return False
    row = connection.execute(
        "SELECT 1 FROM stored_events WHERE rowid = ? AND originator_id = ?",
        (checkpoint.event_position, CHECKPOINT_LOG_ID.hex),
    ).fetchone()
    return row is not None


def _index(connection: sqlite3.Connection) -> None:
    try:
        connection.execute(_UNIQUE_EVENTS)
    except sqlite3.IntegrityError:
        repeat = connection.execute(
            "SELECT MIN(later.notification_id) FROM event_hashes earlier JOIN event_hashes later "
            "ON later.originator_id = earlier.originator_id AND later.originator_version = earlier.originator_version "
            "AND later.notification_id > earlier.notification_id"
        ).fetchone()[0]
        connection.execute("DELETE FROM event_hashes WHERE notification_id >= ?", (repeat,))
        connection.execute("DELETE FROM stored_events WHERE rowid >= ?", (repeat,))
        connection.execute(_UNIQUE_EVENTS)
        raise _ExportBroken(repeat, "the export repeats an event") from None


def _rows(line: dict[str, Any], position: int) -> tuple[tuple[Any, ...], tuple[Any, ...] | None]:
    # Not parsed here: the verifier reports an id that is not a UUID at its position.
    originator = str(line["originator_id"]).replace("-", "").lower()
    version = int(line["version"])
    topic = str(line["topic"])
    state = base64.b64decode(line["state"], validate=True)
    event = (position, originator, version, topic, state)
    if line.get("hash") is None or line.get("root") is None:
        return event, None
    return event, (position, originator, version, bytes.fromhex(line["hash"]), bytes.fromhex(line["root"]))


def _flush(connection: sqlite3.Connection, rows: list[tuple[tuple[Any, ...], tuple[Any, ...] | None]]) -> None:
    # A batch at once; if it repeats something, again one by one to name the first repeat.
    connection.execute("SAVEPOINT batch")
    try:
        connection.executemany(_INSERT_EVENT, [event for event, _ in rows])
        connection.executemany(_INSERT_HASH, [link for _, link in rows if link is not None])
        connection.execute("RELEASE batch")
    except sqlite3.IntegrityError:
        connection.execute("ROLLBACK TO batch")
        connection.execute("RELEASE batch")
        for event, link in rows:
            try:
                connection.execute(_INSERT_EVENT, event)
                if link is not None:
                    connection.execute(_INSERT_HASH, link)
            except sqlite3.IntegrityError:
                raise _ExportBroken(event[0], "the export repeats a position or an event") from None
    finally:
        rows.clear()


_INSERT_EVENT = (
    "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?, ?)"
)
_INSERT_HASH = (
    "INSERT INTO event_hashes (notification_id, originator_id, originator_version, hash, root) VALUES (?, ?, ?, ?, ?)"
)
_INSERT_FORM = f"INSERT OR REPLACE INTO {PUBLIC_FORMS_TABLE} (notification_id, public_form, salt) VALUES (?, ?, ?)"
_UNIQUE_EVENTS = "CREATE UNIQUE INDEX event_hashes_event ON event_hashes (originator_id, originator_version)"
# The pointer to the event before in the aggregate is derived here, by the unique index: it is not
# evidence (a forger could set it too), only the way to find that event's hash by primary key.
_LINK_PREVIOUS = (
    "UPDATE event_hashes SET previous_position = (SELECT p.notification_id FROM event_hashes p "
    "WHERE p.originator_id = event_hashes.originator_id AND p.originator_version = event_hashes.originator_version - 1)"
)


@contextmanager
def _snapshot(connection: sqlite3.Connection) -> Iterator[LogSnapshot]:
    @contextmanager
    def cursor(streaming: bool) -> Iterator[Any]:
        opened = connection.cursor()
        try:
            yield opened
        finally:
            opened.close()

    yield LogSnapshot(cursor, sqlite_statements("stored_events"), is_postgres=False)


def read_checkpoints(path: Path) -> list[Checkpoint]:
    """Checkpoints kept in a JSON file: one object, a list, or `{items: [...]}` as `/audit/checkpoints` serves."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and "items" in data:
        data = data["items"]
    items = data if isinstance(data, list) else [data]
    return [Checkpoint.from_dict(item) for item in items]

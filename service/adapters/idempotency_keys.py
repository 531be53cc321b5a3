"""The answers to Idempotency-Keys: a table beside the log, written in the transaction of the events.

A request sent with an Idempotency-Key leaves one row in `idempotency_keys`: the
key's record id (`service.app.idempotency.IdempotencyKey.record_id`, its primary
key), the request's fingerprint (an HMAC, never the body) and the receipt it got.
The recorders of `service.audit.chain` insert the rows of a batch in the same
transaction as its events, so a crash never separates them; a key another worker
committed first fails the whole batch on the primary key with eventsourcing's
`IntegrityError`, and its commands are judged again, finding that answer.

The row is no event: it adds nothing to the hash chain, the Merkle tree or the
exports, and the fingerprint stays out of the log. Logs written before kept the
answers as `IdempotencyRecord` events; when a database first gets this table, the
transaction that creates it copies them in, so a client retrying across the
upgrade is still answered from one indexed lookup.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from psycopg.sql import SQL, Composed, Identifier

IDEMPOTENCY_TABLE = "idempotency_keys"

#: Where logs written before this table kept each answer, as an event (release 0.1's module path, then today's).
RECORD_TOPICS = (
    "service.idempotency:IdempotencyRecord.Recorded",
    "service.app.idempotency:IdempotencyRecord.Recorded",
)


@dataclass(frozen=True)
class KeptAnswer:
    """The first answer to a request sent with an Idempotency-Key, kept for its retries."""

    record_id: UUID
    #: The request's HMAC fingerprint: the same key with another request has another.
    fingerprint: str
    #: The receipt as primitives (`Receipt.as_dict`).
    receipt: dict[str, Any]
    recorded_at: datetime


SQLITE_DDL = (
    f"CREATE TABLE IF NOT EXISTS {IDEMPOTENCY_TABLE} ("
    "record_id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, receipt TEXT NOT NULL, recorded_at TEXT NOT NULL) "
    "WITHOUT ROWID"
)
SQLITE_INSERT = f"INSERT INTO {IDEMPOTENCY_TABLE} VALUES (?, ?, ?, ?)"
SQLITE_SELECT = f"SELECT fingerprint, receipt, recorded_at FROM {IDEMPOTENCY_TABLE} WHERE record_id = ?"


def postgres_ddl(schema: str) -> Composed:
    """The table on PostgreSQL, in the recorder's schema."""
    return SQL(
        "CREATE TABLE IF NOT EXISTS {schema}.{table} ("
        "record_id uuid PRIMARY KEY, fingerprint text NOT NULL, receipt text NOT NULL, "
        "recorded_at timestamptz NOT NULL)"
    ).format(schema=Identifier(schema), table=Identifier(IDEMPOTENCY_TABLE))


def postgres_insert(schema: str) -> Composed:
    """Inserts one answer (PostgreSQL)."""
    return SQL("INSERT INTO {schema}.{table} VALUES (%s, %s, %s, %s)").format(
        schema=Identifier(schema), table=Identifier(IDEMPOTENCY_TABLE)
    )


def postgres_inserted_with(schema: str, insert_events: Composed) -> Composed:
    """`insert_events` (eventsourcing's insert of a batch's events) inserting the batch's answers too, in the
    same statement: its parameters are `postgres_columns(answers)` followed by the events'."""
    return (
        SQL(
            "WITH answers AS (INSERT INTO {schema}.{table} "
            "SELECT * FROM unnest(%s::uuid[], %s::text[], %s::text[], %s::timestamptz[])) "
        ).format(schema=Identifier(schema), table=Identifier(IDEMPOTENCY_TABLE))
        + insert_events
    )


def postgres_select(schema: str) -> Composed:
    """The answer kept for one record id (PostgreSQL)."""
    return SQL("SELECT fingerprint, receipt, recorded_at FROM {schema}.{table} WHERE record_id = %s").format(
        schema=Identifier(schema), table=Identifier(IDEMPOTENCY_TABLE)
    )


def sqlite_rows(answers: Iterable[KeptAnswer]) -> list[tuple[str, str, str, str]]:
    """The answers as SQLite keeps them: the id as 32 hex digits (as the event table), times as ISO text."""
    return [(a.record_id.hex, a.fingerprint, _receipt_text(a), a.recorded_at.isoformat()) for a in answers]


def postgres_rows(answers: Iterable[KeptAnswer]) -> list[tuple[UUID, str, str, datetime]]:
    """The answers as PostgreSQL keeps them."""
    return [(a.record_id, a.fingerprint, _receipt_text(a), a.recorded_at) for a in answers]


def postgres_columns(answers: Iterable[KeptAnswer]) -> tuple[list[UUID], list[str], list[str], list[datetime]]:
    """The answers as four arrays, one per column (`postgres_inserted_with`)."""
    rows = postgres_rows(answers)
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows]


def answer_from_row(record_id: UUID, row: Sequence[Any]) -> KeptAnswer:
    """An answer from its row (fingerprint, receipt, recorded at), on either store."""
    recorded_at = row[2] if isinstance(row[2], datetime) else datetime.fromisoformat(str(row[2]))
    return KeptAnswer(record_id, str(row[0]), json.loads(row[1]), recorded_at)


def answers_of_records(records: Iterable[tuple[Any, bytes]]) -> list[KeptAnswer]:
    """The answers that `IdempotencyRecord` events kept: (originator id, stored state) of each `Recorded` event.

    The state is read as eventsourcing's JSON transcoder wrote it: the fingerprint and
    the receipt are plain JSON (the receipt was kept as primitives), the time is
    `{"_type_": "datetime_iso", "_data_": ...}`.
    """
    answers = []
    for originator_id, state in records:
        fields = json.loads(bytes(state))
        timestamp = fields.get("timestamp")
        recorded_at = datetime.fromisoformat(timestamp["_data_"]) if isinstance(timestamp, dict) else datetime.now(UTC)
        record_id = originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id))
        answers.append(KeptAnswer(record_id, fields["fingerprint"], fields["receipt"], recorded_at))
    return answers


def _receipt_text(answer: KeptAnswer) -> str:
    return json.dumps(answer.receipt, sort_keys=True, separators=(",", ":"))

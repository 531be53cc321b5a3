"""The transparency feed: published decisions of public processes, and every later change to them.

One item per decision, per commitment made on it, per progress report, per
sealed berita acara (minutes) and per sealed audit checkpoint, in log order. An item's sequence number is the
notification id of the event that made it, so the cursor stays valid as the
log grows and even across a rebuild. Items are built when their event is
applied (an item says what was known then), modelled on Open Contracting
releases and Popolo vote events. Participants appear only as their group and
gender; restricted processes never enter the feed at all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from domain.commitment import Commitment
from domain.meeting import Meeting
from domain.proposal import Proposal
from projections.base import Projection
from projections.decision_record import (
    RedactedStatement,
    annulment_item,
    decision_item,
    history_path,
    item_without,
    new_record,
    outsider_item,
    redacted_words,
)
from projections.directory import Directory
from projections.registry import FEED, published_in
from projections.registry.entry import RecordStep
from projections.registry.service import CHECKPOINT_TOPIC, KEY_ROTATION_TOPIC
from projections.sql import Sql, from_json, id_text, keyed_table, plain, timestamp, to_json

_DECIDED = get_topic(Proposal.Decided)
_ANNULLED = get_topic(Proposal.DecisionAnnulled)
_REDACTED = get_topic(Proposal.Redacted)
#: The feed's tables that hold what was said (rewritten when words are redacted).
READ_MODEL_TABLES_WITH_WORDS = ("projection_feed_items", "projection_feed_proposals")
KINDS = ("decision", "commitment", "progress", "checkpoint", "annulment", "minutes", "key_rotation")
#: How the record of a public proposal follows each of its published steps, by stored topic.
STEPS: dict[str, RecordStep] = {item.topic: item.follows for item in published_in(FEED) if item.follows is not None}


class TransparencyFeed(Projection):
    """Feed items, plus the deliberation of public proposals that a decision item sums up."""

    name = "feed"
    topics = tuple(item.topic for item in published_in(FEED))
    tables = ("projection_feed_items", "projection_feed_proposals", "projection_feed_commitments")

    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self._sql: Sql | None = None
        self._proposals: dict[str, dict[str, Any] | None] = {}
        self._commitments: dict[str, dict[str, Any] | None] = {}
        self._dirty_proposals: set[str] = set()
        self._dirty_commitments: set[str] = set()
        self._items: list[tuple[Any, ...]] = []
        self._last_at: str | None = None
        # Dispatch by stored topic: cheaper than a chain of isinstance for every event of a rebuild.
        self._events: dict[str, Callable[[int, Any], None]] = {
            CHECKPOINT_TOPIC: self._checkpoint,
            KEY_ROTATION_TOPIC: self._key_rotation,
            get_topic(Commitment.Made): self._commitment_made,
            get_topic(Commitment.ProgressReported): self._progress_reported,
            get_topic(Proposal.Submitted): self._submitted,
            # A proposal forwarded up the Musrenbang chain starts its record in the parent as a submission does.
            get_topic(Proposal.Arrived): self._submitted,
            get_topic(Meeting.MinutesSealed): self._minutes_sealed,
        }

    def schema(self, is_postgres: bool) -> list[str]:
        """Items keyed by sequence, with an index for each filter; working state by proposal and commitment."""
        return [
            # On SQLite an INTEGER PRIMARY KEY is the rowid itself: items are stored in feed order.
            f"CREATE TABLE IF NOT EXISTS projection_feed_items (seq {'BIGINT' if is_postgres else 'INTEGER'} "
            "PRIMARY KEY, kind TEXT NOT NULL, at TEXT NOT NULL, process_id TEXT, region_code TEXT, outcome TEXT, "
            "proposal_id TEXT, body TEXT NOT NULL, public_body TEXT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS projection_feed_items_process ON projection_feed_items (process_id, seq)",
            "CREATE INDEX IF NOT EXISTS projection_feed_items_region ON projection_feed_items (region_code, seq)",
            "CREATE INDEX IF NOT EXISTS projection_feed_items_outcome ON projection_feed_items (outcome, seq)",
            "CREATE INDEX IF NOT EXISTS projection_feed_items_at ON projection_feed_items (at, seq)",
            "CREATE INDEX IF NOT EXISTS projection_feed_items_kind ON projection_feed_items (kind, seq)",
            # A process's newest decisions (its portal page): without it SQLite walks every decision of every
            # process newest first by `kind` (90 ms at a million events; 0.06 ms with it).
            "CREATE INDEX IF NOT EXISTS projection_feed_items_process_kind "
            "ON projection_feed_items (process_id, kind, seq)",
            # A decision's portal page asks for its proposal's items (90 ms at a million events without it).
            "CREATE INDEX IF NOT EXISTS projection_feed_items_proposal ON projection_feed_items (proposal_id, seq)",
            keyed_table(
                "CREATE TABLE IF NOT EXISTS projection_feed_proposals (proposal_id TEXT PRIMARY KEY, "
                "process_id TEXT NOT NULL, doc TEXT NOT NULL)",
                is_postgres,
            ),
            keyed_table(
                "CREATE TABLE IF NOT EXISTS projection_feed_commitments (commitment_id TEXT PRIMARY KEY, "
                "proposal_id TEXT NOT NULL, made_seq BIGINT NOT NULL, doc TEXT NOT NULL, "
                "open_due TEXT)",
                is_postgres,
            ),
            "CREATE INDEX IF NOT EXISTS projection_feed_commitments_proposal "
            "ON projection_feed_commitments (proposal_id, made_seq)",
            # The promises not yet kept, by due date: the feed's overdue entries read only those already due
            # (it read and decoded every commitment of every public process: 490 ms at a million events).
            "CREATE INDEX IF NOT EXISTS projection_feed_commitments_open_due "
            "ON projection_feed_commitments (open_due) WHERE open_due IS NOT NULL",
        ]

    def begin(self, sql: Sql) -> None:
        """Starts a batch with empty caches and the time of the latest item."""
        self._sql = sql
        self._proposals.clear()
        self._commitments.clear()
        self._dirty_proposals.clear()
        self._dirty_commitments.clear()
        self._items.clear()
        row = sql.fetch_one("SELECT at FROM projection_feed_items ORDER BY seq DESC LIMIT 1")
        self._last_at = None if row is None else str(row[0])

    # --- working state ------------------------------------------------------------------

    def _cursor(self) -> Sql:
        if self._sql is None:
            raise RuntimeError("the feed is written only inside a batch")
        return self._sql

    def _proposal(self, proposal_id: str) -> dict[str, Any] | None:
        if proposal_id not in self._proposals:
            row = self._cursor().fetch_one(
                "SELECT doc FROM projection_feed_proposals WHERE proposal_id = ?", (proposal_id,)
            )
            self._proposals[proposal_id] = None if row is None else from_json(row[0])
        return self._proposals[proposal_id]

    def _commitment(self, commitment_id: str) -> dict[str, Any] | None:
        if commitment_id not in self._commitments:
            row = self._cursor().fetch_one(
                "SELECT doc FROM projection_feed_commitments WHERE commitment_id = ?", (commitment_id,)
            )
            self._commitments[commitment_id] = None if row is None else from_json(row[0])
        return self._commitments[commitment_id]

    def _at(self, event_time: Any) -> str:
        # Item times never go backwards in feed order, so `since`/`until` map onto a range of sequence numbers.
        at = timestamp(event_time)
        if self._last_at is not None and at < self._last_at:
            at = self._last_at
        self._last_at = at
        return at

    # --- applying events ----------------------------------------------------------------

    def apply(self, notification: Notification, event: Any) -> None:
        """Follows the deliberation of public proposals; adds an item for each decision and later change."""
        topic = notification.topic
        step = STEPS.get(topic)
        if step is None:
            self._events[topic](notification.id, event)
            return
        proposal_id = id_text(event.originator_id)
        doc = self._proposal(proposal_id)
        if doc is None:
            return
        redacted = redacted_words(doc, event) if topic == _REDACTED else None
        step(doc, event, self.directory)
        self._dirty_proposals.add(proposal_id)
        if redacted is not None:
            self._scrub(proposal_id, redacted)
        if topic == _DECIDED:
            self._decided(notification.id, proposal_id, doc, event)
        elif topic == _ANNULLED:
            self._annulled(notification.id, proposal_id, doc, event)

    def _submitted(self, position: int, event: Any) -> None:
        process = self.directory.process(id_text(event.process_id))
        if process is None or not process.is_public:
            return
        proposal_id = id_text(event.originator_id)
        self._proposals[proposal_id] = new_record(event, process.process_id)
        self._dirty_proposals.add(proposal_id)

    def _decided(self, position: int, proposal_id: str, record: dict[str, Any], event: Any) -> None:
        process = self.directory.process(record["process_id"])
        if process is None:
            return
        item = decision_item(self.directory, process, proposal_id, record, self._at(event.timestamp))
        self._add_item(
            position, item, process.process_id, process.region_code, item["decision"]["outcome"], proposal_id
        )

    def _annulled(self, position: int, proposal_id: str, record: dict[str, Any], event: Any) -> None:
        process = self.directory.process(record["process_id"])
        if process is None:
            return
        item = annulment_item(process, proposal_id, record, self._at(event.timestamp))
        self._add_item(
            position, item, process.process_id, process.region_code, item["decision"]["outcome"], proposal_id
        )

    def _commitment_made(self, position: int, event: Any) -> None:
        proposal_id = id_text(event.proposal_id)
        doc = self._proposal(proposal_id)
        process = self.directory.process(id_text(event.process_id))
        if doc is None or process is None or not process.is_public:
            return
        commitment_id = id_text(event.originator_id)
        commitment = {
            "commitment_id": commitment_id,
            "owner": event.owner,
            "description": event.description,
            "due": plain(event.due),
            "indicators": list(event.indicators),
            "made_at": timestamp(event.timestamp),
            "percent": 0,
            "completed": False,
            "progress": [],
        }
        self._commitments[commitment_id] = {"proposal_id": proposal_id, "made_seq": position, **commitment}
        self._dirty_commitments.add(commitment_id)
        item = self._follow_up_item(position, "commitment", f"commitment-{commitment_id}", event, doc, proposal_id)
        item["commitment"] = commitment
        self._add_item(position, item, process.process_id, process.region_code, self._outcome(doc), proposal_id)

    def _progress_reported(self, position: int, event: Any) -> None:
        commitment_id = id_text(event.originator_id)
        commitment = self._commitment(commitment_id)
        if commitment is None:
            return
        proposal_id = commitment["proposal_id"]
        doc = self._proposal(proposal_id)
        process = self.directory.process(doc["process_id"]) if doc else None
        if doc is None or process is None:
            return
        report = {
            "percent": event.percent,
            "note": event.note,
            "evidence_url": event.evidence_url,
            "at": timestamp(event.timestamp),
        }
        commitment["progress"].append(report)
        commitment["percent"] = event.percent
        commitment["completed"] = event.percent >= 100
        self._dirty_commitments.add(commitment_id)
        item = self._follow_up_item(
            position, "progress", f"progress-{commitment_id}-{event.originator_version}", event, doc, proposal_id
        )
        item["commitment"] = {
            key: commitment[key] for key in ("commitment_id", "owner", "description", "due", "percent", "completed")
        }
        item["progress"] = report
        self._add_item(position, item, process.process_id, process.region_code, self._outcome(doc), proposal_id)

    def _follow_up_item(
        self, position: int, kind: str, item_id: str, event: Any, doc: dict[str, Any], proposal_id: str
    ) -> dict[str, Any]:
        process = self.directory.process(doc["process_id"])
        decision = doc.get("decision") or {}
        return {
            "id": item_id,
            "kind": kind,
            "at": self._at(event.timestamp),
            "process": process.summary() if process else None,
            "proposal": {"id": proposal_id, "title": doc["title"]},
            "decision": {key: decision.get(key) for key in ("outcome", "method", "decided_at")},
            "history": history_path(proposal_id),
        }

    @staticmethod
    def _outcome(doc: dict[str, Any]) -> str | None:
        decision = doc.get("decision")
        return None if decision is None else str(decision["outcome"])

    def _minutes_sealed(self, position: int, event: Any) -> None:
        meeting_id = id_text(event.originator_id)
        meeting = self.directory.meeting(meeting_id)
        process = self.directory.process(meeting.process_id) if meeting else None
        if process is None or not process.is_public:
            return
        number = event.sealed_version
        # The public version's bytes are the item's subject; the full version's hash lets a reviewer holding it
        # check it too. `covers_log_position` is the last event the document reflects.
        minutes = {
            "sealed_version": number,
            "replaces": event.replaces,
            "sha256": event.public_sha256,
            "size": event.public_size,
            "url": f"/api/v1/meetings/{meeting_id}/minutes.pdf?sealed={number}",
            "full_sha256": event.full_sha256,
            "full_size": event.full_size,
            "language": event.language,
            "covers_log_position": event.log_position,
            "sealed_at": timestamp(event.occurred_at),
        }
        item = {
            "id": f"minutes-{meeting_id}-v{number}",
            "kind": "minutes",
            "at": self._at(event.timestamp),
            "process": process.summary(),
            "meeting": {"id": meeting_id},
            "minutes": minutes,
        }
        self._add_item(position, item, process.process_id, process.region_code, None, None)

    def _checkpoint(self, position: int, event: Any) -> None:
        sealed_at = getattr(event, "sealed_at", None) or getattr(event, "timestamp", None)
        # Everything a partner needs to check the signature from the feed alone, with
        # `sealed_at` written exactly as it was signed.
        checkpoint = {
            "position": plain(getattr(event, "position", None)),
            "root_hash": plain(getattr(event, "root_hash", None)),
            "signature": plain(getattr(event, "signature", None)),
            "public_key": plain(getattr(event, "public_key", None)),
            "sealed_at": _as_signed(sealed_at) if isinstance(sealed_at, datetime) else plain(sealed_at),
            "tree_size": plain(getattr(event, "tree_size", None)),
            "note": plain(getattr(event, "note", None)),
        }
        moment = getattr(event, "timestamp", None) or sealed_at
        item = {
            "id": f"checkpoint-{checkpoint['position']}",
            "kind": "checkpoint",
            "at": self._at(moment) if moment is not None else (self._last_at or ""),
            "process": None,
            "checkpoint": checkpoint,
        }
        self._add_item(position, item, None, None, None, None)

    def _key_rotation(self, position: int, event: Any) -> None:
        # The hand-over exactly as the old key signed it (docs/audit-format.md 6.1): a partner who pinned the old
        # key checks `signature` over the rotation message built from these fields, then trusts `new_public_key`
        # for every checkpoint after `log_position`.
        rotated_at = getattr(event, "rotated_at", None)
        rotation = {
            "old_public_key": plain(getattr(event, "old_public_key", None)),
            "new_public_key": plain(getattr(event, "new_public_key", None)),
            "signed_position": plain(getattr(event, "position", None)),
            "rotated_at": _as_signed(rotated_at) if isinstance(rotated_at, datetime) else plain(rotated_at),
            "signature": plain(getattr(event, "signature", None)),
        }
        moment = getattr(event, "timestamp", None) or rotated_at
        item = {
            "id": f"key-rotation-{position}",
            "kind": "key_rotation",
            "at": self._at(moment) if moment is not None else (self._last_at or ""),
            "process": None,
            "key_rotation": rotation,
        }
        self._add_item(position, item, None, None, None, None)

    def _add_item(
        self,
        position: int,
        item: dict[str, Any],
        process_id: str | None,
        region_code: str | None,
        outcome: str | None,
        proposal_id: str | None,
    ) -> None:
        # Bound to the signed log: a partner proves the item's event is in a checkpoint (docs/audit-format.md).
        row = self._cursor().fetch_one("SELECT hash FROM event_hashes WHERE notification_id = ?", (position,))
        item.update(log_position=position, event_hash=None if row is None else bytes(row[0]).hex())
        self._items.append(
            (position, item["kind"], item["at"], process_id, region_code, outcome, proposal_id, *_renderings(item))
        )

    def _scrub(self, proposal_id: str, statement: RedactedStatement) -> None:
        """Takes a redacted statement's words out of every item of the proposal already written, and of those in
        this batch, both renderings, where each quotes it (`decision_record.item_without`)."""
        sql = self._cursor()
        for seq, body, public_body in sql.fetch_all(
            "SELECT seq, body, public_body FROM projection_feed_items WHERE proposal_id = ?", (proposal_id,)
        ):
            sql.execute(
                "UPDATE projection_feed_items SET body = ?, public_body = ? WHERE seq = ?",
                (_without(body, statement), _without(public_body, statement), seq),
            )
        self._items = [
            (*row[:7], _without(row[7], statement), _without(row[8], statement)) if row[6] == proposal_id else row
            for row in self._items
        ]

    def flush(self, sql: Sql) -> None:
        """Writes the batch's items and the working state it changed."""
        sql.executemany(
            "INSERT INTO projection_feed_items "
            "(seq, kind, at, process_id, region_code, outcome, proposal_id, body, public_body) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (seq) DO NOTHING",
            self._items,
        )
        sql.executemany(
            "INSERT INTO projection_feed_proposals (proposal_id, process_id, doc) VALUES (?, ?, ?) "
            "ON CONFLICT (proposal_id) DO UPDATE SET doc = excluded.doc",
            [
                (pid, doc["process_id"], to_json(doc))
                for pid, doc in ((pid, self._proposals[pid]) for pid in sorted(self._dirty_proposals))
                if doc is not None
            ],
        )
        sql.executemany(
            "INSERT INTO projection_feed_commitments (commitment_id, proposal_id, made_seq, doc, open_due) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (commitment_id) DO UPDATE SET doc = excluded.doc, "
            "open_due = excluded.open_due",
            [
                (cid, doc["proposal_id"], doc["made_seq"], to_json(doc), _open_due(doc))
                for cid, doc in ((cid, self._commitments[cid]) for cid in sorted(self._dirty_commitments))
                if doc is not None
            ],
        )


def _without(rendering: str, statement: RedactedStatement) -> str:
    """A stored rendering with a redacted statement's words taken out where it quotes them."""
    return to_json(item_without(from_json(rendering), statement))


def _renderings(item: dict[str, Any]) -> tuple[str, str]:
    """The item as stored twice: exact (for those who run or review the process) and as outsiders see it.

    What an outsider may see is decided once, here, so that a public page is served from stored text
    without any suppression work per request.
    """
    exact = to_json(item)
    public = outsider_item(item)
    return exact, exact if public is item else to_json(public)


def _as_signed(sealed_at: datetime) -> str:
    """The seal time exactly as the checkpoint's signature covers it (`service.audit.canonical.sealed_at_text`;
    written out here because read models import nothing of the service; a feed test verifies a signature
    from a feed item alone, so the two cannot drift apart)."""
    return sealed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _open_due(commitment: dict[str, Any]) -> str | None:
    """A promise's due date while it is not kept (the overdue entries' index), else None."""
    due = commitment.get("due")
    return None if commitment.get("completed") or due is None else str(due)

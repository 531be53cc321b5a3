"""The public forms a published feed item is made of, served to anyone (docs/audit-format.md, 3a and 10.2).

For the event a published decision item cites (its `log_position`), the
public forms of that event and of every earlier event of its proposal that
has one (the consensus checks and votes it was founded on), each with what
an outsider needs to recompute its event hash: the previous hash of its
aggregate and the private digest. A statement's salt is served while its key
exists, so a reader can check the words the item shows against the
commitment; a redaction destroys the key, and with it the salt.

Only positions the feed published are served: an event of a restricted
process, or one no item cites, is as unknown here as it is in the feed.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any
from uuid import UUID

from service.adapters.sealed_statements import statement_key_id
from service.adapters.storage import SideTables
from service.audit.canonical import GENESIS
from service.audit.public_form import BOUND_KINDS, PUBLIC_FORMS_TABLE, statement_salt
from service.audit.tree_store import HASHES_TABLE

_FEED_ITEMS = "projection_feed_items"


class NotPublished(LookupError):
    """No published item cites this position (or its kind carries no public forms)."""


def published_public_forms(
    tables: SideTables, position: int, statement_key: Callable[[UUID], bytes | None]
) -> dict[str, Any]:
    """The public forms behind the feed item that cites `position`. Raises NotPublished."""
    item = tables.fetch_one(f"SELECT kind FROM {_FEED_ITEMS} WHERE seq = ?", (position,))
    if item is None or item[0] not in BOUND_KINDS:
        raise NotPublished(position)
    cited = tables.fetch_one(
        f"SELECT originator_id, originator_version FROM {HASHES_TABLE} WHERE notification_id = ?", (position,)
    )
    if cited is None:
        raise NotPublished(position)
    originator, version = cited
    rows = tables.fetch_all(
        "SELECT h.notification_id AS position, h.originator_version AS version, h.hash AS event_hash, "
        "p.hash AS previous_hash, f.public_form AS public_form, f.private_digest AS private_digest "
        f"FROM {HASHES_TABLE} h JOIN {PUBLIC_FORMS_TABLE} f ON f.notification_id = h.notification_id "
        f"LEFT JOIN {HASHES_TABLE} p ON p.notification_id = h.previous_position "
        "WHERE h.originator_id = ? AND h.originator_version <= ? ORDER BY h.originator_version",
        (originator, version),
    )
    aggregate = originator if isinstance(originator, UUID) else UUID(hex=str(originator))
    forms = [_served(aggregate, row, statement_key) for row in rows]
    return {"position": position, "kind": item[0], "public_forms": forms}


def _served(aggregate: UUID, row: tuple[Any, ...], statement_key: Callable[[UUID], bytes | None]) -> dict[str, Any]:
    position, version, hash_, previous, form, digest = row
    form_bytes = bytes(form)
    statements = json.loads(form_bytes).get("statements") or {}
    salts: dict[str, str | None] = {}
    for field in statements:
        key = statement_key(statement_key_id(aggregate, int(version), field))
        salts[field] = None if key is None else statement_salt(key).hex()
    return {
        "log_position": int(position),
        "public_form": base64.b64encode(form_bytes).decode("ascii"),
        "private_digest": bytes(digest).hex(),
        "previous_hash": (bytes(previous) if previous is not None else GENESIS).hex(),
        "event_hash": bytes(hash_).hex(),
        "statement_salts": salts,
    }

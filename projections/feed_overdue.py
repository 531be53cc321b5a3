"""The feed's overdue promises (janji yang terlambat): commitments whose due date passed before they reached
100 percent, as feed entries of their own kind (`overdue`).

Nothing happens on a due date, so no event marks a promise overdue and none is invented: the entries are
computed when the feed is read, from the commitments the feed already follows (`projection_feed_commitments`,
public processes only) and the reader's day in each process's own time zone. An entry is dated at the start
of its due date (local time of the process); it names the process, the decision's proposal, the commitment's
title, its percent and due date, never its owner or any person. It carries no cursor: it is not part of the
log's order, and it leaves the feed once the commitment reaches 100 percent.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.time_zones import zone_of_region
from projections.decision_record import history_path
from projections.feed_queries import FeedFilter, region_clause
from projections.sql import Database, from_json, timestamp

#: The kind of an overdue entry, beside the kinds the feed stores (`projections.feed.KINDS`).
OVERDUE = "overdue"


def overdue_items(database: Database, where: FeedFilter, now: datetime, limit: int = 500) -> list[dict[str, Any]]:
    """The commitments of public processes overdue on the reader's day, oldest due date first, filtered as the
    feed is (process, region and every region below it, outcome of the decision, since/until on the due date)."""
    # Only promises not kept and due before the reader's day where it is latest (UTC+14): the exact day of each
    # process's zone is checked below. The partial index on `open_due` finds them without reading the others.
    latest_day = (now.astimezone(UTC) + timedelta(hours=14)).date()
    clauses: list[str] = ["c.open_due IS NOT NULL", "c.open_due < ?", "pr.visibility = ?"]
    params: list[Any] = [latest_day.isoformat(), "public"]
    if where.process_id is not None:
        clauses.append("p.process_id = ?")
        params.append(where.process_id)
    if where.region_code is not None:
        clause, region_params = region_clause(where.region_code)
        clauses.append(clause.replace("region_code", "pr.region_code"))
        params.extend(region_params)
    rows = database.fetch_all(
        # Every column named once: rows may come as mappings by column name.
        "SELECT c.commitment_id, c.proposal_id, c.doc AS commitment_doc, p.doc AS proposal_doc, pr.process_id, "
        "pr.title, pr.region_code, pr.region_name, pr.time_zone FROM projection_feed_commitments c "
        "JOIN projection_feed_proposals p ON p.proposal_id = c.proposal_id "
        "JOIN projection_processes pr ON pr.process_id = p.process_id "
        f"WHERE {' AND '.join(clauses)} ORDER BY c.made_seq",
        params,
    )
    items = []
    for commitment_id, proposal_id, commitment_doc, proposal_doc, process_id, title, code, name, zone in rows:
        commitment = from_json(commitment_doc)
        if commitment.get("completed"):
            continue
        zone = zone or zone_of_region(str(code))
        local_zone = ZoneInfo(zone)
        due = date.fromisoformat(str(commitment["due"]))
        if not due < now.astimezone(local_zone).date():
            continue
        proposal = from_json(proposal_doc)
        outcome = (proposal.get("decision") or {}).get("outcome")
        if outcome != "adopted":
            continue  # a commitment of an annulled decision is kept, but is no late promise (service/app/promises.py)
        if where.outcome is not None and outcome != where.outcome:
            continue
        at = datetime.combine(due, time(), tzinfo=local_zone)
        if (where.since is not None and at < where.since) or (where.until is not None and at > where.until):
            continue
        items.append(
            {
                "id": f"overdue-{commitment_id}",
                "kind": OVERDUE,
                "at": timestamp(at),
                "process": {
                    "id": process_id,
                    "title": title,
                    "region": {"code": code, "name": name},
                    "time_zone": zone,
                },
                "proposal": {"id": proposal_id, "title": proposal.get("title")},
                "decision": {"outcome": outcome},
                "commitment": {
                    "commitment_id": commitment_id,
                    "title": commitment.get("description"),
                    "percent": commitment.get("percent", 0),
                    "due": str(due),
                    "completed": False,
                },
                "history": history_path(proposal_id),
            }
        )
    items.sort(key=lambda item: (item["at"], item["id"]))
    return items[:limit]

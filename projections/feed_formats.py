"""The transparency feed as Atom (RFC 4287, via feedgen) and as CSV, for partners' own tools.

Both formats carry text that someone typed: a spreadsheet would run a cell that
begins with `=`, `+`, `-`, `@`, tab or carriage return as a formula, so such a
cell is neutralised as OWASP recommends (a leading `'`); XML 1.0 cannot hold
most control characters at all, so text stored before they were refused at
the boundary is shown with U+FFFD in their place instead of failing the feed.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from domain.commitment import Commitment
from domain.meeting import Meeting
from domain.proposal import Proposal
from domain.time_zones import local_time_text, zone_of_region
from projections.registry import entry
from projections.registry.service import CHECKPOINT_TOPIC, KEY_ROTATION_TOPIC
from projections.sql import parse_timestamp
from projections.wording import DEFAULT_LANGUAGE, verdict

CSV_COLUMNS = (
    "id",
    "cursor",
    "kind",
    "at",
    "process_id",
    "process_title",
    "region_code",
    "region_name",
    "proposal_id",
    "proposal_title",
    "outcome",
    "method",
    "decided_at",
    "quorum",
    "vote_threshold",
    "legal_basis",
    "invited",
    "present",
    "objections",
    "commitment_id",
    "percent",
    "history",
    "title",
    "item_json",
    # Added after the columns above, so that a tool reading columns by position still finds them.
    "time_zone",
    "at_local",
    "decided_at_local",
)

#: The words before the local times of an Atom summary: the item's time, and when a decision was made in the room.
_TIME_WORDS = {"id": ("Waktu", "Diputuskan"), "en": ("Time", "Decided")}


#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def neutralised_cell(text: str) -> str:
    """The cell as a spreadsheet shows it without running it: a leading `'` before a formula trigger."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def xml_safe(text: str) -> str:
    """The text with every character XML 1.0 cannot hold replaced by U+FFFD."""
    return _NOT_IN_XML.sub("\ufffd", text)


_MADE = entry(Commitment.Made)
_PROGRESS = entry(Commitment.ProgressReported)
_SEALED = entry(CHECKPOINT_TOPIC)
_ANNULLED = entry(Proposal.DecisionAnnulled)
_MINUTES = entry(Meeting.MinutesSealed)
_ROTATED = entry(KEY_ROTATION_TOPIC)


def feed_title(item: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> str:
    """The headline of a feed item (Atom entry title, CSV column): the sentence of the event that made it."""
    kind = item.get("kind")
    proposal = (item.get("proposal") or {}).get("title", "")
    if kind == "decision":
        decision = item.get("decision") or {}
        return f"{proposal}: {verdict(decision.get('outcome', ''), decision.get('method', ''), language)}"
    if kind == "commitment":
        return f"{_MADE.sentence(item.get('commitment') or {}, '', language)} ({proposal})"
    if kind == "progress":
        return f"{_PROGRESS.sentence(item.get('progress') or {}, '', language)}: {proposal}"
    if kind == "annulment":
        return f"{proposal}: {_ANNULLED.sentence(item.get('annulment') or {}, '', language)}"
    if kind == "checkpoint":
        return _SEALED.sentence(item.get("checkpoint") or {}, "", language)
    if kind == "minutes":
        return _MINUTES.sentence(item.get("minutes") or {}, "", language)
    if kind == "key_rotation":
        return _ROTATED.sentence(item.get("key_rotation") or {}, "", language)
    if kind == "overdue":
        return overdue_title(item, language)
    return str(kind)


def overdue_title(item: Mapping[str, Any], language: str = DEFAULT_LANGUAGE) -> str:
    """The headline of an overdue promise: the commitment's title, how far it got and when it was due."""
    commitment = item.get("commitment") or {}
    proposal = (item.get("proposal") or {}).get("title", "")
    title, percent, due = commitment.get("title", ""), commitment.get("percent", 0), commitment.get("due", "")
    if language == "id":
        return f"Tindak lanjut terlambat: \u201c{title}\u201d baru {percent}%, jatuh tempo {due} ({proposal})"
    return f"Overdue promise: \u201c{title}\u201d at {percent}%, due {due} ({proposal})"


def item_time_zone(item: Mapping[str, Any]) -> str:
    """The IANA zone an item's times are read in: its process's, else that of its region's province (WIB for
    items of no process, such as checkpoints)."""
    process = item.get("process") or {}
    return str(process.get("time_zone") or zone_of_region(str((process.get("region") or {}).get("code") or "")))


def local_text(timestamp: Any, zone: str) -> str | None:
    """An RFC 3339 UTC timestamp of an item as people of the process read it (`2027-03-01 14.30 WITA`)."""
    if not timestamp:
        return None
    return local_time_text(parse_timestamp(str(timestamp)), zone)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return str(value)  # a number, never a formula: -1 stays -1
    return neutralised_cell(str(value))


def csv_row(item: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """One feed item as a flat CSV row; `item_json` keeps the whole item for lossless reading."""
    process = item.get("process") or {}
    region = process.get("region") or {}
    proposal = item.get("proposal") or {}
    decision = item.get("decision") or {}
    rules = item.get("rules") or {}
    attendance = item.get("attendance") or {}
    commitment = item.get("commitment") or {}
    percent = (item.get("progress") or {}).get("percent", commitment.get("percent"))
    zone = item_time_zone(item)
    values: dict[str, Any] = {
        "id": item.get("id"),
        "cursor": item.get("cursor"),
        "kind": item.get("kind"),
        "at": item.get("at"),
        "process_id": process.get("id"),
        "process_title": process.get("title"),
        "region_code": region.get("code"),
        "region_name": region.get("name"),
        "proposal_id": proposal.get("id"),
        "proposal_title": proposal.get("title"),
        "outcome": decision.get("outcome"),
        "method": decision.get("method"),
        "decided_at": decision.get("decided_at"),
        "quorum": rules.get("quorum"),
        "vote_threshold": rules.get("vote_threshold"),
        "legal_basis": rules.get("legal_basis"),
        "invited": attendance.get("invited"),
        "present": attendance.get("present"),
        "objections": len(item["objections"]) if "objections" in item else None,
        "commitment_id": commitment.get("commitment_id"),
        "percent": percent if item.get("kind") in ("commitment", "progress", "overdue") else None,
        "history": item.get("history"),
        "title": feed_title(item, language),
        "item_json": json.dumps(item, sort_keys=True, ensure_ascii=False, separators=(",", ":")),
        "time_zone": zone,
        "at_local": local_text(item.get("at"), zone),
        "decided_at_local": local_text(decision.get("decided_at"), zone),
    }
    return {column: _cell(values[column]) for column in CSV_COLUMNS}


def feed_csv(items: Sequence[dict[str, Any]], language: str = DEFAULT_LANGUAGE) -> str:
    """The items as CSV text with a header row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for item in items:
        writer.writerow(csv_row(item, language))
    return out.getvalue()


def _summary(item: dict[str, Any], language: str) -> str:
    decision = item.get("decision") or {}
    process = item.get("process") or {}
    region = process.get("region") or {}
    parts = [feed_title(item, language)]
    zone = item_time_zone(item)
    at_words, decided_words = _TIME_WORDS.get(language, _TIME_WORDS["en"])
    if item.get("at"):
        parts.append(f"{at_words}: {local_text(item['at'], zone)}")
    if item.get("kind") == "decision" and decision.get("decided_at"):
        parts.append(f"{decided_words}: {local_text(decision['decided_at'], zone)}")
    if process:
        parts.append(f"{process.get('title')} \u2014 {region.get('name')} ({region.get('code')})")
    if item.get("kind") == "decision" and decision.get("rationale"):
        parts.append(str(decision["rationale"]))
    if item.get("kind") == "progress":
        parts.append(str((item.get("progress") or {}).get("note") or ""))
    return "\n".join(part for part in parts if part)


#: RFC 5005 (Feed Paging and Archiving): the namespace of `<fh:archive/>`.
HISTORY_NS = "http://purl.org/syndication/history/1.0"


class _ArchiveMark(BaseExtension):  # type: ignore[misc]
    """The feedgen extension that marks an archive document `<fh:archive/>` (RFC 5005 section 4)."""

    def extend_ns(self) -> dict[str, str]:
        """The `fh` prefix."""
        return {"fh": HISTORY_NS}

    def extend_atom(self, atom_feed: Any) -> Any:
        """Adds the mark to the feed element."""
        etree.SubElement(atom_feed, f"{{{HISTORY_NS}}}archive")
        return atom_feed


def entry_updated(item: dict[str, Any]) -> datetime:
    """When an item's content last changed: its own time, or later when the follow-up it carries (a decision's
    commitments and their progress) changed after it."""
    moments = [str(item["at"])] if item.get("at") else []
    for commitment in item.get("commitments") or []:
        moments.append(str(commitment.get("made_at") or ""))
        moments.extend(str(report.get("at") or "") for report in commitment.get("progress") or [])
    moments = [moment for moment in moments if moment]
    return max((parse_timestamp(moment) for moment in moments), default=_EPOCH)


_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def feed_atom(
    items: Sequence[dict[str, Any]],
    self_url: str,
    base_url: str,
    next_url: str | None,
    language: str = DEFAULT_LANGUAGE,
    *,
    feed_id: str = "urn:mufakat:feed",
    links: Mapping[str, str] | None = None,
    is_archive: bool = False,
) -> bytes:
    """The items, in the order given, as an Atom feed; each entry links to its portal page (text/html) and to its
    public history (application/json), summarises the item in HTML for people (`content`), and carries
    `published` when it entered the record and `updated` when its content last changed.

    `links` adds feed links by relation (RFC 5005: `current`, `prev-archive`, `next-archive`); `is_archive`
    marks an archive document whose entries never change place.
    """
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title("Umpan transparansi Mufakat" if language == "id" else "Mufakat transparency feed")
    feed.author({"name": "Mufakat"})
    feed.language(language)
    feed.link(href=self_url, rel="self")
    if next_url:
        feed.link(href=next_url, rel="next")
    for relation, href in (links or {}).items():
        feed.link(href=href, rel=relation)
    if is_archive:
        feed.register_extension("history", _ArchiveMark, atom=True, rss=False)
    feed.updated(max((entry_updated(item) for item in items), default=_EPOCH))
    root = base_url.rstrip("/")
    for item in items:
        entry = feed.add_entry(order="append")
        entry.id(f"urn:mufakat:feed:{item['id']}")
        entry.title(xml_safe(feed_title(item, language)))
        entry.published(parse_timestamp(item["at"]) if item.get("at") else _EPOCH)
        entry.updated(entry_updated(item))
        entry.category(term=str(item["kind"]))
        page = portal_path(item)
        entry.summary(xml_safe(_summary(item, language)))
        entry.content(xml_safe(entry_html(item, language, root + page if page else None)), type="html")
        entry.register_extension("alternates", _EntryLinks, atom=True, rss=False)
        if page:
            entry.alternates.links.append({"href": root + page, "rel": "alternate", "type": "text/html"})
        if item.get("history"):
            # The machine-readable record, beside the page people open.
            link = {"href": root + item["history"], "rel": "alternate", "type": "application/json"}
            entry.alternates.links.append(link)
    return bytes(feed.atom_str(pretty=True))


class _EntryLinks(BaseEntryExtension):  # type: ignore[misc]
    """The feedgen entry extension that writes an entry's links with their `rel` and `type` (feedgen 1.0.0's own
    `link` drops both: it reads them from the element it has just made)."""

    def __init__(self) -> None:
        self.links: list[dict[str, str]] = []

    def extend_atom(self, entry: Any) -> Any:
        """Adds the links to the entry element."""
        for link in self.links:
            etree.SubElement(entry, "link", link)  # as feedgen makes its elements: in the default (Atom) namespace
        return entry


def portal_path(item: Mapping[str, Any]) -> str | None:
    """The public portal's page of an item: its decision's page, else its process's (None for log-wide items)."""
    proposal = (item.get("proposal") or {}).get("id")
    if proposal:
        return f"/keputusan/{proposal}"
    process = (item.get("process") or {}).get("id")
    return f"/proses/{process}" if process else None


#: The words of an Atom entry's HTML, by language.
_ENTRY_WORDS = {
    "id": {"where": "Proses", "why": "Alasan", "note": "Catatan", "open": "Buka halaman keputusan di portal"},
    "en": {"where": "Process", "why": "Rationale", "note": "Note", "open": "Open the decision's page on the portal"},
}


def entry_html(item: dict[str, Any], language: str = DEFAULT_LANGUAGE, page_url: str | None = None) -> str:
    """An item as a short HTML summary people read in a feed reader: what happened, when (local time), where,
    why, and a link to its portal page. It carries only what the item publishes (no participant is in an item);
    every text is escaped."""
    words = _ENTRY_WORDS.get(language, _ENTRY_WORDS["en"])
    decision = item.get("decision") or {}
    process = item.get("process") or {}
    region = process.get("region") or {}
    zone = item_time_zone(item)
    at_words, decided_words = _TIME_WORDS.get(language, _TIME_WORDS["en"])
    parts = [f"<p><strong>{escape(feed_title(item, language))}</strong></p>"]
    times = []
    if item.get("at"):
        times.append(f"{at_words}: {local_text(item['at'], zone)}")
    if item.get("kind") == "decision" and decision.get("decided_at"):
        times.append(f"{decided_words}: {local_text(decision['decided_at'], zone)}")
    if times:
        parts.append(f"<p>{escape(' · '.join(times))}</p>")
    if process:
        where = f"{process.get('title')} \u2014 {region.get('name')} ({region.get('code')})"
        parts.append(f"<p>{words['where']}: {escape(where)}</p>")
    if item.get("kind") == "decision" and decision.get("rationale"):
        parts.append(f"<p>{words['why']}: {escape(str(decision['rationale']))}</p>")
    if item.get("kind") == "progress" and (item.get("progress") or {}).get("note"):
        parts.append(f"<p>{words['note']}: {escape(str(item['progress']['note']))}</p>")
    if page_url:
        parts.append(f'<p><a href="{escape(page_url)}">{words["open"]}</a></p>')
    return "\n".join(parts)

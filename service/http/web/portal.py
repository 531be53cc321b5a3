"""The public portal (`/`, no sign-in): public processes, each decision's story, participation by group and gender.

It reads what the public API serves anonymously: the process directory, the
transparency feed (small counts already suppressed), the participation
report without exact counts, and a proposal's history for the text of what
was said. A page shows no participant id, name or contact, and no actor name:
people are only counted, and nobody is named.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext

from domain.deliberation import OUTCOMES
from domain.process import GENDERS, GROUPS, Process
from domain.proposal import Proposal
from projections.feed_queries import FeedFilter
from projections.history import Step
from service.app import assessments as kajian
from service.app import partners as partner_reads
from service.app import queries
from service.app import rankings as ranking_reads
from service.app.access import ANONYMOUS
from service.app.application import Mufakat
from service.app.chain import Stop, journey
from service.app.disputes import SeenDispute, disputes_of
from service.app.errors import NotFound
from service.app.places import PlaceQuery, by_region, matching
from service.app.promises import is_late_promise
from service.app.report_sealing import report_sealings
from service.http.current import current_mufakat
from service.http.web.decision_cards import decision_cards
from service.http.web.decision_proof import proof
from service.http.web.i18n import current_language
from service.http.web.monitoring_reads import monitoring

blp = Blueprint("portal", __name__, template_folder="templates", static_folder="static", static_url_path="/web-static")


def _register_money_words() -> None:
    """Money and numbers are written the same way on the console's pages (facilitators read them too)."""
    blp.add_app_template_global(rupiah, "rupiah")
    blp.add_app_template_global(digits_of_money, "grouped_digits")
    blp.add_app_template_global(written_number, "written_number")


@blp.context_processor
def _planning_words() -> dict[str, Any]:
    """Money and places as the portal's pages write them."""
    return {
        "rupiah": rupiah,
        "grouped_digits": digits_of_money,
        "written_number": written_number,
        "place": place,
        "dispute_age_days": dispute_age_days,
    }


MAX_DECISIONS_SHOWN = 50
#: How many of the newest feed items a search reads through for the places it found.
SEARCHED_ITEMS_READ = 500
#: The participation sections the portal charts.
CHARTED = ("attendance", "contributions", "objections")
#: The sections charted as people counted once (the others count what was said: contributions, objections).
CHARTED_AS_PEOPLE = frozenset({"attendance"})


@dataclass(frozen=True)
class Filters:
    """What a reader filters the portal by: region code (or its start), outcome, dates."""

    region: str = ""
    outcome: str = ""
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_query(cls) -> Filters:
        """The filters in the query string; anything unreadable is ignored, never an error page."""
        region = "".join(ch for ch in request.args.get("region", "") if ch.isdigit() or ch == ".")[:20]
        outcome = request.args.get("outcome", "")
        return cls(
            region=region,
            outcome=outcome if outcome in OUTCOMES else "",
            since=_day(request.args.get("since")),
            until=_day(request.args.get("until")),
        )

    def feed(self, process_id: str | None = None) -> FeedFilter:
        """The same filters as the feed API takes them (the region is narrowed afterwards by its start)."""
        return FeedFilter(
            process_id=process_id,
            outcome=self.outcome or None,
            since=datetime.combine(self.since, time.min, UTC) if self.since else None,
            until=datetime.combine(self.until, time.max, UTC) if self.until else None,
        )

    def query(self) -> str:
        """The filters as the feed's query string (for Atom and CSV links)."""
        args = {"outcome": self.outcome}
        if self.since:
            args["since"] = f"{self.since.isoformat()}T00:00:00Z"
        if self.until:
            args["until"] = f"{self.until.isoformat()}T23:59:59Z"
        if self.region and self.region.count(".") == 3:
            args["region_code"] = self.region
        return urlencode({k: v for k, v in args.items() if v})


def _day(text: str | None) -> date | None:
    try:
        found = date.fromisoformat(text or "")
    except ValueError:
        return None
    return found if 1900 <= found.year <= 2200 else None


def decisions(where: FeedFilter, region: str = "", proposal_id: str | None = None) -> list[dict[str, Any]]:
    """The newest decisions of the public feed (a region and everything under it), as the feed API serves them."""
    return queries.newest_decisions(current_mufakat(), where, region, proposal_id, MAX_DECISIONS_SHOWN)


@blp.route("/")
def index() -> str:
    """Public processes grouped by place and their decisions, found by village, kecamatan or kabupaten name or
    region code (`q`), filtered by region, outcome and date."""
    filters = Filters.from_query()
    query = PlaceQuery.parse(request.args.get("q", ""))
    found, _ = queries.list_processes(current_mufakat(), ANONYMOUS, None, 500)
    public = [p for p in found if p.region_code.startswith(filters.region) and _opened_within(p, filters)]
    shown = matching(query, public)
    # Decisions and annulments together, so that an annulled and re-made decision is one card; more are read
    # when a search narrows them, so that the cards of older decisions of the village found are not cut off.
    items = queries.newest_decisions(
        current_mufakat(),
        filters.feed(),
        filters.region,
        limit=SEARCHED_ITEMS_READ if not query.is_empty else MAX_DECISIONS_SHOWN * 2,
        kinds=("decision", "annulment"),
    )
    items = [i for i in items if query.matches(i["process"]["region"]["code"], i["process"]["region"]["name"])]
    return render_template(
        "portal/index.html",
        filters=filters,
        query=query,
        regions=by_region(shown),
        cards=decision_cards(items, MAX_DECISIONS_SHOWN),
        outcomes=OUTCOMES,
        feed_query=filters.query(),
    )


@blp.route("/langganan")
def subscribe() -> str:
    """How to follow the decisions in plain words: the Atom address for a feed reader, the CSV for a spreadsheet,
    of everything or of one process (`process_id`)."""
    process = None
    chosen = request.args.get("process_id", "")
    if chosen:
        try:
            process = queries.readable_process(current_mufakat(), UUID(chosen), ANONYMOUS)
        except (ValueError, NotFound):
            abort(404)
    feed_query = urlencode({"process_id": str(process.id)}) if process is not None else ""
    suffix = f"?{feed_query}" if feed_query else ""
    return render_template(
        "portal/subscribe.html",
        process=process,
        atom_url=f"{request.host_url.rstrip('/')}/api/v1/feed.atom{suffix}",
        csv_url=f"/api/v1/feed.csv{suffix}",
        json_url=f"/api/v1/feed{suffix}",
    )


def _opened_within(process: Process, filters: Filters) -> bool:
    opened = process.created_on.date()
    return (filters.since is None or opened >= filters.since) and (filters.until is None or opened <= filters.until)


def _bars(section: dict[str, Any], key: str, order: tuple[str, ...]) -> list[dict[str, Any]]:
    """The bars of one breakdown: a number, or None where a small count is hidden."""
    counts = section.get(key) or {}
    bars = []
    for name in [*order, *sorted(set(counts) - set(order))]:
        if name not in counts:
            continue
        value = counts[name]
        bars.append({"name": name, "count": value if isinstance(value, int) else None, "shown": str(value)})
    return bars


def chart(report: dict[str, Any], section: str) -> dict[str, Any]:
    """One chart: bars by group and by gender of a participation section, scaled to its largest bar.

    Attendance is charted as people, each counted once however many meetings they came to (a village of 4
    residents does not read "warga 8"); its attendances across meetings are given beside, labelled as such.
    """
    data = report.get(section) or {}
    as_people = section in CHARTED_AS_PEOPLE
    prefix = "people_" if as_people else ""
    groups = _bars(data, f"{prefix}by_group", GROUPS)
    genders = _bars(data, f"{prefix}by_gender", GENDERS)
    largest = max([b["count"] or 0 for b in groups + genders] + [1])
    return {
        "section": section,
        "people": as_people,
        "total": data.get("people" if as_people else "total"),
        "attendances": data.get("total") if as_people else None,
        "groups": groups,
        "genders": genders,
        "largest": largest,
    }


#: How many commitments the process page monitors (in order of making).
MONITORED = 200


@blp.route("/proses/<uuid:process_id>")
def process_page(process_id: UUID) -> str:
    """A public process: its decisions, participation by group and gender, links to the feed."""
    mufakat = current_mufakat()
    try:
        process = queries.readable_process(mufakat, process_id, ANONYMOUS)
    except NotFound:
        abort(404)
    report = queries.participation(mufakat, ANONYMOUS, process_id)
    commitments, _ = queries.commitments_of(mufakat, process, None, MONITORED, None)
    today = mufakat.clock().date()
    return render_template(
        "portal/process.html",
        priorities=_priorities(process_id),
        monitored=[{"commitment": c, "overdue": is_late_promise(mufakat.uow, c, today)} for c in commitments],
        process=process,
        decisions=decisions(FeedFilter(process_id=str(process_id))),
        meetings=queries.meetings_with_minutes(mufakat, ANONYMOUS, list(process.meeting_ids)),
        charts=[chart(report, section) for section in CHARTED],
        feed_query=urlencode({"process_id": str(process_id)}),
        disputes=public_disputes(mufakat, process_id),
        now=mufakat.clock(),
        **monitoring(mufakat, process, commitments),
        report=next(reversed(report_sealings(mufakat.uow, process_id)), None),
    )


def dispute_age_days(dispute: SeenDispute, now: datetime) -> int:
    """How many whole days a dispute has been worked on: until now while open or in mediation, until it ended
    (its last step) once agreed, escalated or dropped."""
    end = now if dispute.status in ("open", "in_mediation") else dispute.updated_at
    return max(0, (end - dispute.opened_at).days)


def public_disputes(mufakat: Mufakat, process_id: UUID) -> list[SeenDispute]:
    """The process's public disputes as anyone reads them: title, status, parties and dates, never words."""
    return disputes_of(mufakat, ANONYMOUS, process_id, 0, 500)[0]


def _story(history: list[Step], item: dict[str, Any]) -> list[dict[str, Any]]:
    """The steps of a decision, oldest first, as the timeline shows them: what was said, never who said it."""
    story: list[dict[str, Any]] = []
    text = None
    for found in history:
        data = found.data
        entry: dict[str, Any] | None = None
        if found.type in ("Submitted", "ProposalSubmitted"):
            text = data.get("body")
            entry = {"kind": "submitted", "title": data.get("title"), "text": text}
        elif found.type == "Contributed":
            entry = {"kind": "contribution", "what": data.get("kind"), "text": data.get("text")}
        elif found.type == "Amended":
            entry = {"kind": "amendment", "before": text, "text": data.get("body"), "reason": data.get("reason")}
            text = data.get("body")
        elif found.type == "ObjectionRaised":
            entry = {"kind": "objection", "blocking": data.get("blocking"), "text": data.get("grounds")}
        elif found.type == "ObjectionResolved":
            entry = {"kind": "resolution", "outcome": data.get("outcome"), "text": data.get("note")}
        elif found.type == "ConsensusCheckOpened":
            entry = {"kind": "check_opened"}
        elif found.type == "ConsensusCheckClosed":
            entry = {"kind": "check_closed", "result": data.get("result"), "tally": _tally(data.get("tally"))}
        elif found.type == "VoteOpened":
            entry = {"kind": "vote_opened"}
        elif found.type == "VoteClosed":
            entry = {"kind": "vote_closed", "result": data.get("result"), "tally": _tally(data.get("tally"))}
        elif found.type == "Decided":
            entry = {
                "kind": "decision",
                "outcome": data.get("outcome"),
                "method": data.get("method"),
                "text": data.get("rationale"),
                "rules": item.get("rules") or {},
            }
        elif found.type == "Withdrawn":
            entry = {"kind": "withdrawal", "text": data.get("reason")}
        elif found.type == "DecisionAnnulled":
            entry = {"kind": "annulment", "text": data.get("reason"), "legal_basis": data.get("legal_basis")}
        elif found.type == "Corrected":
            entry = {"kind": "correction", "field": data.get("field"), "text": data.get("text")}
            entry.update(reason=data.get("reason"), step=data.get("version"))
        elif found.type.startswith("Dispute"):
            # A dispute about the proposal, worded so that no one is named (never a summary's words).
            entry = {"kind": "dispute", "text": found.summary}
        if entry is not None:
            entry["at"] = found.at
            story.append(entry)
    for commitment in item.get("commitments", []):
        story.append({"kind": "commitment", "at": commitment["made_at"], "commitment": commitment})
        for report in commitment.get("progress", []):
            story.append({"kind": "progress", "at": report["at"], "commitment": commitment, "report": report})
    story.sort(key=lambda entry: str(entry["at"]))
    return story


def _tally(tally: Any) -> dict[str, Any]:
    """The counts of a check or vote (the official tallies, public by the rules), without anything else."""
    if not isinstance(tally, dict):
        return {}
    shown_keys = ("agree", "abstain", "disagree", "block", "yes", "no", "present", "invited")
    return {key: tally[key] for key in shown_keys if key in tally}


@blp.route("/keputusan/<uuid:proposal_id>")
def decision_page(proposal_id: UUID) -> str:
    """How one decision was reached, step by step, on a timeline; its berita acara and its proof in the log."""
    mufakat = current_mufakat()
    try:
        history = queries.decision_history(mufakat, ANONYMOUS, proposal_id, current_language())
    except NotFound:
        abort(404)
    found = queries.newest_decisions(mufakat, FeedFilter(), "", str(proposal_id), 2, ("decision", "annulment"))
    # The decision in force, or (while the latest stands annulled) the annulled one, marked so.
    annulled = bool(found) and found[0]["kind"] == "annulment"
    item = next((i for i in found if i["kind"] == "decision"), None)
    if item is None:
        abort(404)
    process = queries.readable_process(mufakat, UUID(item["process"]["id"]), ANONYMOUS)
    return render_template(
        "portal/decision.html",
        item=item,
        annulled=annulled,
        story=_story(history.items, item),
        process=process,
        meetings=[m for m in queries.deciding_meetings(mufakat, ANONYMOUS, proposal_id) if m.sealed],
        proof=proof(item, queries.latest_checkpoint(mufakat)),
        journey=_journey(proposal_id),
        title=item["proposal"]["title"],
        no_title=gettext("(untitled)"),
    )


#: The most findings (and assessments) the needs page reads of one process.
MAX_FINDINGS_SHOWN = 1000
#: The width, in pixels, of the longest bar of the needs page's table.
BAR_WIDTH = 40


def _counted(items: list[dict[str, Any]], keys: Any) -> list[dict[str, Any]]:
    """Rows of needs and potentials counted by a key of each finding (`keys(item)` gives its keys)."""
    rows: dict[str, dict[str, Any]] = {}
    for item in items:
        for key in keys(item):
            row = rows.setdefault(key, {"key": key, "need": 0, "potential": 0})
            row[item["kind"]] += 1
    largest = max([max(row["need"], row["potential"]) for row in rows.values()] + [1])
    for row in rows.values():
        row["need_bar"] = round(row["need"] / largest * BAR_WIDTH, 1)
        row["potential_bar"] = round(row["potential"] / largest * BAR_WIDTH, 1)
    return list(rows.values())


def _decided(process_id: UUID) -> dict[str, dict[str, Any]]:
    """The public decisions of the process by proposal id: title and outcome, as the feed publishes them."""
    found: dict[str, dict[str, Any]] = {}
    for item in decisions(FeedFilter(process_id=str(process_id))):
        if item.get("kind", "decision") == "decision":
            found.setdefault(str(item["proposal"]["id"]), item)
    return found


@blp.route("/proses/<uuid:process_id>/kebutuhan")
def needs_page(process_id: UUID) -> str:
    """A village's needs and potentials found with the community: by sector and by group (a table with bars),
    each with the decisions that answer it, and the needs no adopted decision answers yet, by the groups who
    raised them. Groups only, never a person; respondents' small counts hidden as the read functions hide them."""
    mufakat = current_mufakat()
    language = current_language()
    try:
        process = queries.readable_process(mufakat, process_id, ANONYMOUS)
    except NotFound:
        abort(404)
    found = kajian.findings_of(mufakat, ANONYMOUS, process_id, 0, MAX_FINDINGS_SHOWN, language=language)
    standing = [item for item in found["items"] if item["status"] == "standing"]
    gap = kajian.findings_of(mufakat, ANONYMOUS, process_id, 0, MAX_FINDINGS_SHOWN, True, language)
    assessments, _ = kajian.assessments_of(mufakat, ANONYMOUS, process_id, 0, MAX_FINDINGS_SHOWN, language)
    unanswered_by_group = {group: [item for item in gap["items"] if group in item["groups"]] for group in GROUPS}
    unanswered_by_group = {group: items for group, items in unanswered_by_group.items() if items}
    ungrouped = [item for item in gap["items"] if not item["groups"]]
    return render_template(
        "portal/needs.html",
        offers=_offers_of(process_id),
        without_resource=[item for item in standing if item["kind"] == "need" and not item["answered_by_offers"]],
        process=process,
        findings=standing,
        by_sector=_counted(standing, lambda item: [item["sector"] or ""]),
        by_group=_counted(standing, lambda item: item["groups"] or [""]),
        sector_names={item["sector"] or "": item["sector_name"] for item in standing},
        unanswered=gap["items"],
        unanswered_by_group=unanswered_by_group,
        ungrouped=ungrouped,
        decided=_decided(process_id),
        assessments=assessments,
        bar_width=BAR_WIDTH,
    )


def _offers_of(process_id: UUID) -> dict[str, dict[str, Any]]:
    """The partners' offers of a process (the resources they open access to), by offer id, with the partner's
    name: partners are organisations, public by design."""
    listed = partner_reads.partners_of(current_mufakat(), ANONYMOUS, process_id, 0, MAX_FINDINGS_SHOWN)
    return {
        offer["offer_id"]: {**offer, "partner_name": partner["name"]}
        for partner in listed["items"]
        for offer in partner["offers"]
    }


def rupiah(amount: str | None) -> str:
    """A decimal string of money as a reader writes it: "Rp 185.000.000" (Indonesian) or "Rp 185,000,000"."""
    if amount is None:
        return "\u2013"
    return f"Rp {digits_of_money(amount)}"


def digits_of_money(amount: str | None) -> str:
    """A decimal string of money's digits grouped as a reader writes them: "185.000.000" (Indonesian) or
    "185,000,000", for a sentence that says "Rp" itself."""
    if amount is None:
        return "\u2013"
    try:
        value = Decimal(amount)
    except InvalidOperation:
        return str(amount)
    text = f"{value:,.2f}".removesuffix(".00")
    if current_language() == "id":
        text = text.translate(str.maketrans(",.", ".,"))
    return text


def written_number(value: float | Decimal | None) -> str:
    """A number as a reader writes it, without trailing zeros: "0,5" and "1.234,5" in Bahasa Indonesia, "0.5" and
    "1,234.5" in English."""
    if value is None:
        return "\u2013"
    number = Decimal(str(value)).normalize()
    text = f"{number:,f}"
    if current_language() == "id":
        text = text.translate(str.maketrans(",.", ".,"))
    return text


def place(location: dict[str, Any] | None) -> str:
    """A proposal's location (dusun, RW, RT) in words."""
    if not location:
        return "\u2013"
    parts = [f"Dusun {location['dusun']}" if location.get("dusun") else ""]
    parts += [f"{part.upper()} {location[part]}" for part in ("rw", "rt") if location.get(part)]
    return ", ".join(p for p in parts if p) or "\u2013"


def _priorities(process_id: UUID) -> dict[str, Any] | None:
    """The daftar prioritas as the priorities API serves it anonymously, or None before any ranking closed."""
    try:
        return ranking_reads.priorities(current_mufakat(), ANONYMOUS, process_id, current_language())
    except NotFound:
        return None


def _journey_line(stops: list[Stop], here: UUID) -> list[dict[str, Any]]:
    """The journey's steps as the line shows them: the level, the place, the proposal's title there, what became
    of it in plain words (forwarded up, merged with which proposal, decided how) and whether it is this page's."""
    uow = current_mufakat().uow
    titles = {s.proposal_id: uow.get(Proposal, s.proposal_id, "proposal", copy=False).title for s in stops}
    line = []
    for stop in stops:
        next_level = next((s.level for s in stops if s.process_id == stop.forwarded_to), None)
        if stop.merged_into is not None:
            fate = gettext("merged with the proposal “%(title)s”", title=titles.get(stop.merged_into, "…"))
        elif stop.forwarded_to is not None and stop.outcome == "adopted":
            fate = gettext("adopted, then forwarded to the Musrenbang %(level)s", level=words_level(next_level))
        elif stop.forwarded_to is not None:
            fate = gettext("forwarded to the Musrenbang %(level)s", level=words_level(next_level))
        elif stop.outcome is not None:
            fate = OUTCOME_WORDS[stop.outcome]() if stop.outcome in OUTCOME_WORDS else stop.outcome
        elif stop.status == "withdrawn":
            fate = gettext("withdrawn")
        else:
            fate = gettext("still being discussed")
        line.append(
            {
                "stop": stop,
                "level": words_level(stop.level),
                "title": titles[stop.proposal_id],
                "fate": fate,
                "here": stop.proposal_id == here,
                "decided": stop.outcome is not None,
            }
        )
    return line


def words_level(level: str | None) -> str:
    """A level of the Musrenbang chain as a reader names it ("Kecamatan")."""
    names = {
        "dusun": gettext("Dusun"),
        "desa": gettext("Desa"),
        "kecamatan": gettext("Kecamatan"),
        "kabupaten": gettext("Kabupaten"),
    }
    return names.get(level or "", gettext("of the next level"))


#: A decision's outcome as the journey line says it (called in the page's language).
OUTCOME_WORDS = {
    "adopted": lambda: gettext("adopted"),
    "rejected": lambda: gettext("rejected"),
    "deferred": lambda: gettext("deferred"),
}


def _journey(proposal_id: UUID) -> list[dict[str, Any]]:
    """The journey of a proposal the public may read, as the journey API serves it anonymously."""
    return _journey_line(journey(current_mufakat().uow, ANONYMOUS, proposal_id), proposal_id)


@blp.route("/usulan/<uuid:proposal_id>/perjalanan")
def journey_page(proposal_id: UUID) -> str:
    """A proposal's way up the Musrenbang chain, from dusun or desa to kecamatan and kabupaten: the same line
    from either end, for a proposal decided or not (one merged into another has no decision of its own)."""
    try:
        line = _journey(proposal_id)
    except NotFound:
        abort(404)
    here = next((step for step in line if step["here"]), None)
    if here is None:
        abort(404)
    return render_template("portal/journey.html", line=line, here=here)


@blp.errorhandler(404)
def _not_found(error: Exception) -> tuple[str, int]:
    """A page in the reader's language (the API keeps answering problem details)."""
    return render_template("not_found.html"), 404


_register_money_words()

"""The deliberation of one public proposal as the feed follows it, and the decision item made from it.

The feed keeps, per public proposal, a small record (text, objections, checks
with stances, votes with ballots, the decision) built from its events; when
the decision comes, that record becomes a feed item modelled on an Open
Contracting release and a Popolo vote event. Participants are only their group
and gender; no name ever enters the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.proposal import REDACTED_TEXT
from projections.directory import Directory, ProcessEntry, breakdown
from projections.sql import id_text, plain, timestamp
from projections.suppression import groups_that_may_be_named, protect_beside_total


def history_path(proposal_id: str) -> str:
    """Where the public history of a proposal is read."""
    return f"/api/v1/proposals/{proposal_id}/history"


def new_record(event: Any, process_id: str) -> dict[str, Any]:
    """The record of a proposal just submitted."""
    return {
        "process_id": process_id,
        "title": event.title,
        "body": event.body,
        "text_version": 1,
        "submitted_at": timestamp(event.timestamp),
        "meeting_id": None if event.meeting_id is None else id_text(event.meeting_id),
        "objections": [],
        "checks": [],
        "votes": [],
        "decision": None,
    }


# --- following the deliberation, one function per kind of step (the registry names which) ---


def amended(doc: dict[str, Any], event: Any, directory: Directory) -> None:
    """The text changed: the record keeps the newest and counts its versions."""
    doc["body"] = event.body
    doc["text_version"] += 1


def objection_raised(doc: dict[str, Any], event: Any, directory: Directory) -> None:
    """An objection joins the record, its raiser shown only as group and gender."""
    group, gender = directory.participant(id_text(event.raised_by))
    doc["objections"].append(
        {
            "objection_id": id_text(event.objection_id),
            "group": group,
            "gender": gender,
            "blocking": bool(event.blocking),
            "grounds": event.grounds,
            "outcome": "unresolved",
            "note": None,
            # The step that raised it: a redaction names the step (never shown in an item).
            "version": event.originator_version,
        }
    )


def objection_resolved(doc: dict[str, Any], event: Any, directory: Directory) -> None:
    """An objection ends: how, and the note."""
    objection_id = id_text(event.objection_id)
    for objection in doc["objections"]:
        if objection["objection_id"] == objection_id:
            objection["outcome"] = event.outcome
            objection["note"] = event.note
            objection["note_version"] = event.originator_version


def check_opened(doc: dict[str, Any], event: Any, directory: Directory) -> None:
    """A consensus check opens."""
    doc["checks"].append(
        {
            "check_id": id_text(event.check_id),
            "meeting_id": id_text(event.meeting_id),
            "stances": {},
            "result": None,
            "tally": None,
        }
    )


def stance_taken(doc: dict[str, Any], event: Any, directory: Directory) -> None:
    """A participant's stance: the latest one counts."""
    check_id = id_text(event.check_id)
    for check in doc["checks"]:
        if check["check_id"] == check_id:
            # [stance, reason, the version of its step] (a redaction names the step; never shown in an item)
            check["stances"][id_text(event.participant_id)] = [event.stance, event.reason, event.originator_version]


def check_closed(doc: dict[str, Any], event: Any, directory: Directory) -> None:
    """A consensus check closes with its result and tally."""
    check_id = id_text(event.check_id)
    for check in doc["checks"]:
        if check["check_id"] == check_id:
            check["result"] = event.result
            check["tally"] = plain(event.tally)


def vote_opened(doc: dict[str, Any], event: Any, directory: Directory) -> None:
    """A vote opens."""
    doc["votes"].append(
        {
            "vote_id": id_text(event.vote_id),
            "meeting_id": id_text(event.meeting_id),
            "ballots": {},
            "result": None,
            "tally": None,
        }
    )


def ballot_cast(doc: dict[str, Any], event: Any, directory: Directory) -> None:
    """A participant's ballot."""
    vote_id = id_text(event.vote_id)
    for vote in doc["votes"]:
        if vote["vote_id"] == vote_id:
            vote["ballots"][id_text(event.participant_id)] = event.choice


def vote_closed(doc: dict[str, Any], event: Any, directory: Directory) -> None:
    """A vote closes with its result and tally."""
    vote_id = id_text(event.vote_id)
    for vote in doc["votes"]:
        if vote["vote_id"] == vote_id:
            vote["result"] = event.result
            vote["tally"] = plain(event.tally)


_ADDRESS_FIELDS = ("finding_id", "assessment_id", "kind", "title")


def findings_linked(doc: dict[str, Any], event: Any, directory: Directory) -> None:
    """The findings of an assessment (needs, potentials) the proposal answers, as they read when linked."""
    doc["addresses"] = [
        *(doc.get("addresses") or []),
        *({key: str(found[key]) for key in _ADDRESS_FIELDS} for found in event.addresses),
    ]


def decision_recorded(doc: dict[str, Any], event: Any, directory: Directory) -> None:
    """The decision and the rules it was made under."""
    doc["decision"] = {
        "outcome": event.outcome,
        "method": event.method,
        "rationale": event.rationale,
        "decided_at": timestamp(event.occurred_at),
        "rules": plain(event.rules),
        "version": event.originator_version,
    }


@dataclass(frozen=True)
class RedactedStatement:
    """Where a redacted statement stands in the items that quote it, and its words (to find them there)."""

    field: str
    words: str
    objection_id: str | None = None
    #: For grounds: the objection's place among the non-blocking ones (the order of dissent on record).
    dissent_index: int | None = None
    check_id: str | None = None


def redacted_words(doc: dict[str, Any], event: Any) -> RedactedStatement | None:
    """The statement a redaction takes out of the record, and where items quote it (None: no item does)."""
    found = _statement(doc, event.version, event.field)
    if found is None or found[0][found[1]] is None:
        return None
    holder, key = found
    words = str(holder[key])
    if event.field in ("grounds", "note"):
        standing = [o["objection_id"] for o in doc["objections"] if not o["blocking"]]
        index = standing.index(holder["objection_id"]) if holder["objection_id"] in standing else None
        in_dissent = index if event.field == "grounds" else None
        return RedactedStatement(event.field, words, holder["objection_id"], in_dissent)
    if event.field == "reason":
        check_id = next(c["check_id"] for c in doc["checks"] if any(s is holder for s in c["stances"].values()))
        return RedactedStatement(event.field, words, check_id=check_id)
    return RedactedStatement(event.field, words)


def item_without(item: dict[str, Any], statement: RedactedStatement) -> dict[str, Any]:
    """The item (exact or as outsiders see it) with the statement's words replaced where it quotes them, and
    nowhere else (the same words elsewhere, another objection's or the title, stay)."""
    if statement.field == "rationale":
        decision = item.get("decision") or {}
        if decision.get("rationale") == statement.words:
            decision["rationale"] = REDACTED_TEXT
        return item
    for objection in item.get("objections") or []:
        if objection.get("objection_id") == statement.objection_id and objection.get(statement.field) is not None:
            objection[statement.field] = REDACTED_TEXT
    dissent = item.get("dissent") or []
    if statement.field == "grounds" and statement.dissent_index is not None:
        said = [entry for entry in dissent if entry.get("kind") == "objection"]
        if statement.dissent_index < len(said) and said[statement.dissent_index].get("text") == statement.words:
            said[statement.dissent_index]["text"] = REDACTED_TEXT
    if statement.field == "reason":
        for entry in dissent:
            if entry.get("check_id") == statement.check_id and entry.get("text") == statement.words:
                entry["text"] = REDACTED_TEXT
    return item


def statement_redacted(doc: dict[str, Any], event: Any, directory: Directory) -> None:
    """A statement's words were redacted: the record keeps REDACTED_TEXT in their place."""
    found = _statement(doc, event.version, event.field)
    if found is not None:
        holder, key = found
        holder[key] = REDACTED_TEXT


def _statement(doc: dict[str, Any], version: int, field: str) -> tuple[Any, Any] | None:
    """Where the record keeps the statement made at `version` (its holder and key), if it does."""
    if field in ("grounds", "note"):
        marker = "version" if field == "grounds" else "note_version"
        for objection in doc["objections"]:
            if objection.get(marker) == version:
                return objection, field
    elif field == "rationale":
        decisions = [annulment["decision"] for annulment in doc.get("annulled_decisions") or []]
        for decision in [*decisions, doc.get("decision")]:
            if decision and decision.get("version") == version:
                return decision, field
    elif field == "reason":
        for check in doc["checks"]:
            for stance in check["stances"].values():
                if len(stance) > 2 and stance[2] == version:
                    return stance, 1
    return None


def decision_annulled(doc: dict[str, Any], event: Any, directory: Directory) -> None:
    """A later musyawarah annulled the decision: it moves to the annulled ones, and the proposal is open again."""
    annulled = doc.get("annulled_decisions") or []
    annulled.append(
        {
            "decision": doc["decision"],
            "reason": event.reason,
            "legal_basis": event.legal_basis,
            "meeting_id": None if event.meeting_id is None else id_text(event.meeting_id),
            "annulled_at": timestamp(event.occurred_at),
        }
    )
    doc["annulled_decisions"] = annulled
    doc["decision"] = None


# --- the decision item ----------------------------------------------------------------------


def decision_item(
    directory: Directory, process: ProcessEntry, proposal_id: str, record: dict[str, Any], at: str
) -> dict[str, Any]:
    """The feed item of a decision: the rules, counts by group and gender, objections, dissent."""
    decision = record["decision"]
    # A proposal decided again after an annulment makes a second decision item, with an id of its own.
    annulled = len(record.get("annulled_decisions") or [])
    return {
        "id": f"decision-{proposal_id}" if not annulled else f"decision-{proposal_id}-{annulled + 1}",
        "kind": "decision",
        "at": at,
        "process": process.summary(),
        "proposal": {
            "id": proposal_id,
            "title": record["title"],
            "text": record["body"],
            "text_version": record["text_version"],
            "submitted_at": record["submitted_at"],
        },
        "decision": {key: decision[key] for key in ("outcome", "method", "rationale", "decided_at")},
        "rules": decision["rules"],
        "attendance": _attendance(directory, record, decision["method"]),
        "consensus_checks": [_check_summary(directory, check) for check in record["checks"]],
        "votes": [_vote_summary(directory, vote) for vote in record["votes"]],
        "objections": [
            {key: objection[key] for key in ("objection_id", "group", "blocking", "grounds", "outcome", "note")}
            for objection in record["objections"]
        ],
        "dissent": _dissent(directory, record),
        # The needs it answers and the potentials it builds on (findings of the process's assessments).
        "addresses": list(record.get("addresses") or []),
        "history": history_path(proposal_id),
    }


def annulment_item(process: ProcessEntry, proposal_id: str, record: dict[str, Any], at: str) -> dict[str, Any]:
    """The feed item of an annulment: which decision a later musyawarah annulled, why and on what basis."""
    annulled = record["annulled_decisions"]
    annulment = annulled[-1]
    decision = annulment["decision"] or {}
    return {
        "id": f"annulment-{proposal_id}-{len(annulled)}",
        "kind": "annulment",
        "at": at,
        "process": process.summary(),
        "proposal": {"id": proposal_id, "title": record["title"]},
        "decision": {key: decision.get(key) for key in ("outcome", "method", "decided_at")},
        "annulment": {key: annulment[key] for key in ("reason", "legal_basis", "meeting_id", "annulled_at")},
        "history": history_path(proposal_id),
    }


def _attendance(directory: Directory, doc: dict[str, Any], method: str) -> dict[str, Any] | None:
    """Who attended the meeting where the decision was founded (its latest check or vote)."""
    closed_checks = [c for c in doc["checks"] if c["result"] is not None]
    closed_votes = [v for v in doc["votes"] if v["result"] is not None]
    if method == "vote" and closed_votes:
        meeting_id = closed_votes[-1]["meeting_id"]
    elif closed_checks:
        meeting_id = closed_checks[-1]["meeting_id"]
    elif closed_votes:
        meeting_id = closed_votes[-1]["meeting_id"]
    else:
        meeting_id = doc.get("meeting_id")
    meeting = directory.meeting(meeting_id) if meeting_id else None
    if meeting is None:
        return None
    invited = set(meeting.invited or [])
    return {
        "meeting_id": meeting.meeting_id,
        "invited": len(invited),
        "present": len(meeting.attendees),
        "present_of_invited": sum(1 for p in meeting.attendees if p in invited),
        **breakdown(directory, meeting.attendees),
    }


def _cross(directory: Directory, choices: dict[str, str]) -> dict[str, dict[str, dict[str, int]]]:
    by_group: dict[str, dict[str, int]] = {}
    by_gender: dict[str, dict[str, int]] = {}
    for participant_id, choice in sorted(choices.items()):
        group, gender = directory.participant(participant_id)
        by_group.setdefault(group, {}).setdefault(choice, 0)
        by_group[group][choice] += 1
        by_gender.setdefault(gender, {}).setdefault(choice, 0)
        by_gender[gender][choice] += 1
    return {"by_group": by_group, "by_gender": by_gender}


def _check_summary(directory: Directory, check: dict[str, Any]) -> dict[str, Any]:
    latest = {pid: stance_reason[0] for pid, stance_reason in check["stances"].items()}
    return {
        "check_id": check["check_id"],
        "meeting_id": check["meeting_id"],
        "result": check["result"],
        "tally": check["tally"],
        "stances": _cross(directory, latest),
    }


def _vote_summary(directory: Directory, vote: dict[str, Any]) -> dict[str, Any]:
    return {
        "vote_id": vote["vote_id"],
        "meeting_id": vote["meeting_id"],
        "result": vote["result"],
        "tally": vote["tally"],
        "ballots": _cross(directory, vote["ballots"]),
    }


def _dissent(directory: Directory, doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Dissent kept on record: non-blocking objections and disagree stances, by group, never by name."""
    dissent: list[dict[str, Any]] = [
        {"kind": "objection", "group": o["group"], "text": o["grounds"], "outcome": o["outcome"]}
        for o in doc["objections"]
        if not o["blocking"]
    ]
    for check in doc["checks"]:
        for participant_id, (stance, reason, *_) in sorted(check["stances"].items()):
            if stance == "disagree":
                group = directory.participant(participant_id)[0]
                dissent.append({"kind": "stance", "check_id": check["check_id"], "group": group, "text": reason})
    return dissent


# --- what outsiders see of an item (computed once, when the item is written) -----------------


def groups_of_three(attendance: dict[str, Any] | None) -> set[str]:
    """The groups at least 3 attendees of the deciding meeting share: the only ones a speaker may be named by."""
    if not attendance:
        return set()
    return groups_that_may_be_named(attendance.get("by_group") or {})


def outsider_item(item: dict[str, Any]) -> dict[str, Any]:
    """The item as the public, partners and facilitators of other processes see it.

    Stances and ballots only as tallies (a breakdown of choices by group or gender names the choice of
    anyone alone in their group); an objector's or dissenter's group only where at least 3 attendees of
    the deciding meeting share it; attendance by group and gender with small counts hidden beside
    `present` (also against subtraction). Other kinds of item name nobody and are returned unchanged.
    """
    if item.get("kind") != "decision":
        return item
    shown = dict(item)
    attendance = item.get("attendance")
    named = groups_of_three(attendance)
    if attendance:
        present = int(attendance["present"])
        shown["attendance"] = {
            **attendance,
            "by_group": protect_beside_total(attendance["by_group"], present, exact=False),
            "by_gender": protect_beside_total(attendance["by_gender"], present, exact=False),
        }
    shown["consensus_checks"] = [
        {key: value for key, value in check.items() if key != "stances"} for check in item.get("consensus_checks", [])
    ]
    shown["votes"] = [{key: value for key, value in vote.items() if key != "ballots"} for vote in item.get("votes", [])]
    shown["objections"] = [
        {**objection, "group": objection["group"] if objection.get("group") in named else None}
        for objection in item.get("objections", [])
    ]
    shown["dissent"] = [
        {**dissent, "group": dissent["group"] if dissent.get("group") in named else None}
        for dissent in item.get("dissent", [])
    ]
    return shown

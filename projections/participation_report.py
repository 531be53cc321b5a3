"""The participation report of one process, read from the participation read model."""

from __future__ import annotations

import statistics
from typing import Any

from projections.sql import Database, parse_timestamp
from projections.suppression import THRESHOLD, protect_beside_total, shown

_SECTIONS = {
    "registered": "registered",
    "attendance": "attendance",
    "contribution": "contributions",
    "amendment": "amendments",
    "objection": "objections",
    "stance": "stances",
    "ballot": "ballots",
}
_VALUE_NAMES = {"contribution": "by_kind", "objection": "by_kind", "stance": "by_stance", "ballot": "by_choice"}
#: What `total`, `by_group` and `by_gender` of each section count: a person attends many meetings, takes a stance
#: at each closed check. `people`, `people_by_group` and `people_by_gender` count each participant once.
COUNTED = {
    "registered": "people",
    "attendance": "attendances",
    "contribution": "contributions",
    "amendment": "amendments",
    "objection": "objections",
    "stance": "stances",
    "ballot": "ballots",
}

Rows = list[tuple[str, str, str, int]]


def _sums(rows: Rows) -> tuple[int, dict[str, int], dict[str, int], dict[str, int]]:
    """The total, and the counts by group, by gender and by value (zeros left out)."""
    by_group: dict[str, int] = {}
    by_gender: dict[str, int] = {}
    by_value: dict[str, int] = {}
    total = 0
    for group, gender, value, n in rows:
        if n == 0:
            continue
        total += n
        by_group[group] = by_group.get(group, 0) + n
        by_gender[gender] = by_gender.get(gender, 0) + n
        by_value[value] = by_value.get(value, 0) + n
    return total, by_group, by_gender, by_value


def _beside(counts: dict[str, int], total: int, exact: bool, people: dict[str, int] | None = None) -> dict[str, Any]:
    """A breakdown published beside its total: small counts hidden, and with them (secondary suppression) the
    next smallest until no hidden count has a single value the total and the cells shown leave possible.

    With `people` (how many people each cell's steps are of), a breakdown with a cell of the steps of one or
    two people is left out, however many steps that cell counts: the number of meetings or rounds held, which
    is public, divides it back (3 stances of the one elderly attendee at 3 checks)."""
    if not exact and any(0 < n < THRESHOLD and counts.get(key, 0) >= THRESHOLD for key, n in (people or {}).items()):
        return {}
    return protect_beside_total(dict(sorted(counts.items())), total, exact)


def _section(measure: str, rows: Rows, people_rows: Rows, exact: bool) -> dict[str, Any]:
    total, by_group, by_gender, by_value = _sums(rows)
    people, people_by_group, people_by_gender, _ = _sums(people_rows)
    # Every breakdown sums to its total, which is published exactly: so each is protected beside it (a
    # breakdown shown whole would give the total away even if it were withheld).
    section: dict[str, Any] = {
        "counted": COUNTED[measure],
        "total": shown(total, exact),
        "by_group": _beside(by_group, total, exact, people_by_group),
        "by_gender": _beside(by_gender, total, exact, people_by_gender),
        "people": shown(people, exact),
        "people_by_group": _beside(people_by_group, people, exact),
        "people_by_gender": _beside(people_by_gender, people, exact),
    }
    value_name = _VALUE_NAMES.get(measure)
    if value_name:
        section[value_name] = _beside(by_value, total, exact)
    return section


def _speakers(database: Database, process_id: str, exact: bool) -> dict[str, Any]:
    rows = database.fetch_all(
        "SELECT grp, gender, COUNT(*) FROM projection_participation_speakers WHERE process_id = ? GROUP BY grp, gender",
        (process_id,),
    )
    total = sum(int(r[2]) for r in rows)
    # A woman speaking is one who gave her gender as female, or who speaks for a women's group.
    women = sum(int(r[2]) for r in rows if r[1] == "female" or (r[0] == "women" and r[1] == "undisclosed"))
    hidden = not exact and (0 < women < 3 or 0 < total - women < 3)
    return {
        "total": shown(total, exact),
        "women": shown(women, exact),
        "share_of_women": None if hidden or total == 0 else round(women / total, 3),
    }


def _time_to_decision(database: Database, process_id: str) -> dict[str, Any]:
    rows = database.fetch_all(
        "SELECT proposal_id, submitted_at, decided_at, outcome, method FROM projection_participation_proposals "
        "WHERE process_id = ? ORDER BY submitted_at, proposal_id",
        (process_id,),
    )
    proposals = []
    durations = []
    for proposal_id, submitted_at, decided_at, outcome, method in rows:
        seconds = None
        if decided_at is not None:
            seconds = round((parse_timestamp(decided_at) - parse_timestamp(submitted_at)).total_seconds(), 3)
            durations.append(seconds)
        proposals.append(
            {
                "proposal_id": proposal_id,
                "submitted_at": submitted_at,
                "decided_at": decided_at,
                "outcome": outcome,
                "method": method,
                "seconds": seconds,
            }
        )
    median = statistics.median(durations) if durations else None
    return {
        "decided": len(durations),
        "open": len(proposals) - len(durations),
        "median_seconds": median,
        "median_days": None if median is None else round(median / 86400, 2),
        "proposals": proposals,
    }


def participation_report(database: Database, process_id: str, exact: bool) -> dict[str, Any]:
    """Attendance, contributions, objections, stances and ballots by group and gender, counted as they
    happened and as people; time to decision. Stances and ballots count only closed checks and votes.

    With `exact` False (the public, partners) counts of 1 or 2 show as "<3", and the cells beside them that
    would give them away by subtraction from the total as "≥3".
    """
    rows = database.fetch_all(
        "SELECT measure, grp, gender, value, n FROM projection_participation_counts WHERE process_id = ?",
        (process_id,),
    )
    by_measure: dict[str, Rows] = {}
    for measure, group, gender, value, n in rows:
        by_measure.setdefault(str(measure), []).append((str(group), str(gender), str(value), int(n)))
    people_by_measure: dict[str, Rows] = {}
    for measure, group, gender, n in database.fetch_all(
        "SELECT measure, grp, gender, COUNT(*) FROM projection_participation_people WHERE process_id = ? "
        "GROUP BY measure, grp, gender",
        (process_id,),
    ):
        people_by_measure.setdefault(str(measure), []).append((str(group), str(gender), "", int(n)))
    report: dict[str, Any] = {"process_id": process_id, "exact": exact}
    for measure, section in _SECTIONS.items():
        report[section] = _section(measure, by_measure.get(measure, []), people_by_measure.get(measure, []), exact)
    report["speakers"] = _speakers(database, process_id, exact)
    report["time_to_decision"] = _time_to_decision(database, process_id)
    return report

"""The participation report of one process, read from the participation read model."""

from __future__ import annotations

import statistics
from typing import Any

from projections.sql import Database, parse_timestamp
from projections.suppression import shown, total_gives_away_a_small_count

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


def _section(rows: list[tuple[str, str, str, int]], value_name: str | None, exact: bool) -> dict[str, Any]:
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
    breakdowns = [by_group, by_gender, *([by_value] if value_name else [])]
    # A total beside a breakdown whose hidden cells it pins down (one hidden cell, or all 1s or all 2s)
    # would give them away by subtraction: then the total is withheld.
    gives_away = not exact and any(total_gives_away_a_small_count(b, total) for b in breakdowns)
    section: dict[str, Any] = {
        "total": None if gives_away and total >= 3 else shown(total, exact),
        "by_group": {key: shown(n, exact) for key, n in sorted(by_group.items())},
        "by_gender": {key: shown(n, exact) for key, n in sorted(by_gender.items())},
    }
    if value_name:
        section[value_name] = {key: shown(n, exact) for key, n in sorted(by_value.items())}
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
    """Attendance, contributions, objections, stances and ballots by group and gender; time to decision.

    With `exact` False (the public, partners) counts of 1 or 2 show as "<3".
    """
    rows = database.fetch_all(
        "SELECT measure, grp, gender, value, n FROM projection_participation_counts WHERE process_id = ?",
        (process_id,),
    )
    by_measure: dict[str, list[tuple[str, str, str, int]]] = {}
    for measure, group, gender, value, n in rows:
        by_measure.setdefault(str(measure), []).append((str(group), str(gender), str(value), int(n)))
    report: dict[str, Any] = {"process_id": process_id, "exact": exact}
    for measure, section in _SECTIONS.items():
        report[section] = _section(by_measure.get(measure, []), _VALUE_NAMES.get(measure), exact)
    report["speakers"] = _speakers(database, process_id, exact)
    report["time_to_decision"] = _time_to_decision(database, process_id)
    return report

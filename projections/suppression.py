"""Small-count suppression: in public output a count of 1 or 2 people is shown as "<3".

A count that small, beside a group and a gender, can point at one person in
a village. Zero reveals nobody and stays 0. Those who run or review a process
see exact counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

THRESHOLD = 3
SUPPRESSED = "<3"

Count = int | str


def shown(count: int, exact: bool) -> Count:
    """The count as shown: exact, or "<3" when it is 1 or 2 and the reader is the public."""
    if exact or count == 0 or count >= THRESHOLD:
        return count
    return SUPPRESSED


def groups_that_may_be_named(attendees_by_group: Mapping[str, object]) -> set[str]:
    """The groups at least 3 attendees of a meeting share: the only ones an outsider may read a speaker's group as.

    The one rule every public rendering (feed, Atom, CSV, portal, history, berita acara) words a speaker by:
    the group of one or two attendees names them. A count already shown as "<3" or "≥3" names no group.
    """
    return {group for group, n in attendees_by_group.items() if isinstance(n, int) and n >= THRESHOLD}


def groups_that_may_be_named_at_every(meetings: Iterable[Iterable[str]]) -> set[str]:
    """The groups that may be named at every one of these meetings (each given as its attendees' groups): a
    speaker whose meeting the reader cannot tell may be named only by a group that is large at each."""
    shared: set[str] | None = None
    for groups in meetings:
        counts: dict[str, int] = {}
        for group in groups:
            counts[group] = counts.get(group, 0) + 1
        if not counts:
            continue
        large = groups_that_may_be_named(counts)
        shared = large if shared is None else shared & large
    return shared or set()


#: A count of 3 or more withheld only so that a hidden small count cannot be found by subtraction.
WITHHELD = "≥3"
_MAX_HIDDEN_SMALL = 14  # more groups than any breakdown has: beyond it a breakdown is left out


def _some_cell_is_revealed(small: int, big: int, residual: int) -> bool:
    """Whether hidden cells (`small` of 1 or 2, `big` of 3 or more) summing to `residual` pin any cell down.

    Which cells are 2 does not matter, only how many: with k of the small cells at 2 the big cells share
    `residual - small - k`. So a small cell is pinned when every feasible k makes it the same (all 1, or
    all 2), the one big cell when only one k is feasible, and several big cells when none can exceed 3
    each. (The same as enumerating every combination of 1s and 2s, which a test keeps as its reference.)
    """
    feasible = [k for k in range(small + 1) if _big_cells_fit(residual - small - k, big)]
    can_be_one = any(k < small for k in feasible)
    can_be_two = any(k > 0 for k in feasible)
    small_pinned = small > 0 and can_be_one != can_be_two
    if big == 1:
        return small_pinned or len(feasible) == 1
    if big > 1:
        return small_pinned or not any(residual - small - k > 3 * big for k in feasible)
    return small_pinned


def _big_cells_fit(rest: int, big: int) -> bool:
    """Whether `big` cells of 3 or more can hold `rest` people (none: `rest` must be 0)."""
    return rest == 0 if big == 0 else rest >= THRESHOLD * big


def protect_beside_total(counts: dict[str, int], total: int, exact: bool) -> dict[str, Count]:
    """A breakdown published beside its exact total, hidden so that subtraction reveals no small count.

    Counts of 1 or 2 show as "<3"; when the total and the cells still shown would give a hidden
    one away, the smallest shown cells are withheld too ("≥3"). If even that cannot protect
    them (a total of 1 or 2 names its group), the breakdown is left out.
    """
    if exact:
        return dict(counts)
    small = [key for key, n in counts.items() if 0 < n < THRESHOLD]
    if not small:
        return dict(counts)
    if len(small) > _MAX_HIDDEN_SMALL:
        return {}
    withheld: list[str] = []
    visible = sorted((n, key) for key, n in counts.items() if n >= THRESHOLD)
    while True:
        residual = total - sum(n for n, key in visible)
        if not _some_cell_is_revealed(len(small), len(withheld), residual):
            break
        if not visible:
            return {}
        withheld.append(visible.pop(0)[1])
    return {key: SUPPRESSED if key in small else WITHHELD if key in withheld else n for key, n in counts.items()}


def protect_crosstab(table: dict[str, dict[str, int]], totals: dict[str, int], exact: bool) -> dict[str, Any]:
    """Counts by group (or gender) and by choice, each choice's column protected beside its exact total.

    A choice made by only one or two people in all keeps its total in the tally and loses its breakdown.
    """
    if exact:
        return table
    shown_table: dict[str, dict[str, Count]] = {row: {} for row in table}
    columns = {column for cells in table.values() for column in cells}
    for column in sorted(columns):
        column_counts = {row: cells[column] for row, cells in table.items() if column in cells}
        protected = protect_beside_total(column_counts, int(totals.get(column, sum(column_counts.values()))), exact)
        if not protected:
            continue  # too few chose this (1 or 2 in all): who they were is left out
        for row, value in protected.items():
            shown_table[row][column] = value
    return shown_table

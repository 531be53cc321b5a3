"""Small counts stay hidden in public output, also from subtraction against the exact totals beside them."""

from __future__ import annotations

import itertools

import pytest

from projections.suppression import (
    SUPPRESSED,
    WITHHELD,
    _some_cell_is_revealed,
    groups_that_may_be_named,
    groups_that_may_be_named_at_every,
    protect_beside_total,
    protect_crosstab,
)


def _candidates(shown: dict[str, object], total: int) -> list[dict[str, int]]:
    """Every breakdown a reader could reconstruct from what is shown and the total."""
    hidden = [key for key, value in shown.items() if not isinstance(value, int)]
    ranges = [range(1, 3) if shown[key] == SUPPRESSED else range(3, total + 1) for key in hidden]
    visible = sum(value for value in shown.values() if isinstance(value, int))
    found = []
    for values in itertools.product(*ranges):
        if visible + sum(values) == total:
            found.append(dict(zip(hidden, values, strict=True)))
    return found


@pytest.mark.parametrize(
    ("counts", "total"),
    [
        ({"female": 4, "male": 7, "undisclosed": 1}, 12),  # the demo's attendance by gender
        ({"women": 4, "youth": 2, "resident": 5}, 11),
        ({"a": 1, "b": 2, "c": 5}, 8),
        ({"a": 1, "b": 1, "c": 3, "d": 9}, 14),
        ({"a": 2, "b": 2, "c": 3}, 7),
        ({"a": 1, "b": 3, "c": 3, "d": 3}, 10),
    ],
)
def test_no_hidden_count_can_be_worked_out_from_the_total(counts: dict[str, int], total: int) -> None:
    shown = protect_beside_total(counts, total, exact=False)

    candidates = _candidates(shown, total) if shown else []
    for key, value in shown.items():
        if not isinstance(value, int):
            assert len({candidate[key] for candidate in candidates}) > 1, (key, shown)
    assert all(shown[key] == n for key, n in counts.items() if isinstance(shown.get(key), int))


def test_a_breakdown_without_small_counts_is_shown_whole() -> None:
    assert protect_beside_total({"female": 6, "male": 8}, 14, exact=False) == {"female": 6, "male": 8}


def test_one_or_two_people_in_all_cannot_be_broken_down_at_all() -> None:
    assert protect_beside_total({"ngo": 1}, 1, exact=False) == {}
    assert protect_beside_total({"ngo": 1, "youth": 1}, 2, exact=False) == {}


def test_the_smallest_visible_count_is_withheld_when_one_small_count_stands_alone() -> None:
    shown = protect_beside_total({"female": 4, "male": 7, "undisclosed": 1}, 12, exact=False)
    assert shown == {"female": WITHHELD, "male": 7, "undisclosed": SUPPRESSED}


def test_those_who_review_see_exact_counts() -> None:
    assert protect_beside_total({"female": 4, "undisclosed": 1}, 5, exact=True) == {"female": 4, "undisclosed": 1}


def test_a_stance_taken_by_a_single_person_keeps_its_tally_but_not_their_group() -> None:
    table = {"ngo": {"abstain": 1}, "women": {"agree": 4}, "youth": {"agree": 2}, "resident": {"agree": 5}}

    shown = protect_crosstab(table, {"abstain": 1, "agree": 11}, exact=False)

    assert shown["ngo"] == {}
    assert shown["youth"] == {"agree": SUPPRESSED}
    assert shown["resident"] == {"agree": 5}


def _revealed_by_enumeration(small: int, big: int, residual: int) -> bool:
    """The definition: try every way the small cells can be 1 or 2; is any cell the same in every way that fits?"""
    small_values: list[set[int]] = [set() for _ in range(small)]
    big_values: set[int] = set()
    big_varies = False
    for combination in range(2**small):
        values = [1 + ((combination >> index) & 1) for index in range(small)]
        rest = residual - sum(values)
        if not (rest == 0 if big == 0 else rest >= 3 * big):
            continue
        for index, value in enumerate(values):
            small_values[index].add(value)
        if big == 1:
            big_values.add(rest)
        elif big > 1 and rest > 3 * big:
            big_varies = True
    small_pinned = any(len(values) == 1 for values in small_values)
    return small_pinned or (big == 1 and len(big_values) == 1) or (big > 1 and not big_varies)


def test_the_counting_shortcut_says_exactly_what_enumerating_every_combination_says() -> None:
    for small in range(0, 11):
        for big in range(0, 5):
            for residual in range(0, 2 * small + 3 * big + 12):
                expected = _revealed_by_enumeration(small, big, residual)
                assert _some_cell_is_revealed(small, big, residual) == expected, (small, big, residual)


def test_a_speakers_group_may_be_named_only_where_three_attendees_share_it() -> None:
    attendees = {"resident": 5, "women": 3, "youth": 2, "disability": 1, "elderly": SUPPRESSED, "ngo": WITHHELD}

    assert groups_that_may_be_named(attendees) == {"resident", "women"}


def test_a_speaker_of_any_meeting_may_be_named_only_by_a_group_large_at_every_meeting_that_had_attendees() -> None:
    first = ["resident"] * 4 + ["women"] * 3 + ["youth"] * 3
    second = ["resident"] * 3 + ["women"] * 2 + ["youth"] * 5

    assert groups_that_may_be_named_at_every([first, second, []]) == {"resident", "youth"}
    assert groups_that_may_be_named_at_every([]) == set()

"""Small-count suppression: in public output a count of 1 or 2 people is shown as "<3".

A count that small, beside a group and a gender, can point at one person in
a village. Zero reveals nobody and stays 0. Those who run or review a process
see exact counts.
"""

from __future__ import annotations

from typing import Any

THRESHOLD = 3
SUPPRESSED = "<3"

Count = int | str


def shown(count: int, exact: bool) -> Count:
    """The count as shown: exact, or "<3" when it is 1 or 2 and the reader is the public."""
    if exact or count == 0 or count >= THRESHOLD:
        return count
    return SUPPRESSED


def suppress_counts(value: Any, exact: bool) -> Any:
    """Every integer count inside nested dicts, as `shown` shows it."""
    if isinstance(value, dict):
        return {key: suppress_counts(item, exact) for key, item in value.items()}
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return shown(value, exact)
    return value

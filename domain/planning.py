"""The planning fields of a proposal: where, which sector, what it costs and who pays, how much, for whom, how.

A village's list of proposals for its RKP Desa (Daftar Usulan RKP Desa) asks each proposal for its location
(dusun, RW, RT), its bidang and sub-bidang (Permendagri 20/2018), volume and unit, the households and people who
benefit, the estimated cost and the source of the funds, and the pattern of implementation. Money is a
`decimal.Decimal`, kept and published as a decimal string: never a float.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.errors import ValueNotAllowed, ensure_one_of
from domain.sectors import SECTOR_CODES

LOCATION_PARTS = ("dusun", "rw", "rt")
FUNDING_SOURCES = ("dana_desa", "add", "pades", "bantuan_provinsi", "bantuan_kabupaten", "swadaya", "csr", "other")
IMPLEMENTATION_PATTERNS = ("swakelola", "kerja_sama", "pihak_ketiga")
BENEFICIARY_COUNTS = ("households", "people")
#: Every planning field, in the order of the village's list.
PLANNING_FIELDS = (
    "location",
    "sector",
    "volume",
    "unit",
    "beneficiaries",
    "estimated_cost",
    "funding_source",
    "implementation_pattern",
)
#: At most two decimal places (sen); a cost past a trillion rupiah is a typing error.
_MAX_COST = Decimal("1e15")

Planning = dict[str, Any]


def decimal_text(value: object, what: str, places: int = 2) -> str:
    """A decimal amount as its canonical string ("1500000.00" stays "1500000.00"); refuses floats, negatives,
    NaN and more than `places` decimal places."""
    if isinstance(value, float | bool):
        raise ValueNotAllowed(f"{what} must be a decimal string, not a floating point number")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValueNotAllowed(f"{what} must be a decimal number") from None
    if not amount.is_finite() or amount < 0 or amount >= _MAX_COST:
        raise ValueNotAllowed(f"{what} must be a decimal number, at least 0")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise ValueNotAllowed(f"{what} has at most {places} decimal places")
    return format(amount, "f")


def planning_fields(given: Mapping[str, Any] | None, current: Planning | None = None) -> Planning:
    """The planning fields after `given` (a field given replaces the current one; null clears it), checked."""
    planning: Planning = dict(current or {})
    for name, value in (given or {}).items():
        ensure_one_of("planning field", name, PLANNING_FIELDS)
        planning[name] = _checked(name, value)
    return {name: planning[name] for name in PLANNING_FIELDS if planning.get(name) is not None}


def _checked(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "location":
        return _parts(value, LOCATION_PARTS, "location", str)
    if name == "beneficiaries":
        counts = _parts(value, BENEFICIARY_COUNTS, "beneficiaries", int)
        if any(count < 0 for count in counts.values()):
            raise ValueNotAllowed("beneficiaries are counted in whole numbers, at least 0")
        return counts
    if name == "sector":
        ensure_one_of("sector", value, SECTOR_CODES)
        return value
    if name == "funding_source":
        ensure_one_of("funding source", value, FUNDING_SOURCES)
        return value
    if name == "implementation_pattern":
        ensure_one_of("implementation pattern", value, IMPLEMENTATION_PATTERNS)
        return value
    if name == "estimated_cost":
        return decimal_text(value, "estimated cost")
    if name == "volume":
        return decimal_text(value, "volume", places=3)
    if not isinstance(value, str) or not value.strip():
        raise ValueNotAllowed(f"{name} must be a word")
    return value.strip()


def _parts(value: Any, parts: tuple[str, ...], what: str, kind: type) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueNotAllowed(f"{what} must name {', '.join(parts)}")
    for part, given in value.items():
        ensure_one_of(f"{what} part", part, parts)
        if not isinstance(given, kind) or isinstance(given, bool):
            raise ValueNotAllowed(f"{what} {part} has the wrong kind of value")
    return {part: value[part] for part in parts if value.get(part) is not None}


def estimated_cost(planning: Planning | None) -> Decimal | None:
    """The estimated cost as a Decimal (None when not estimated)."""
    cost = (planning or {}).get("estimated_cost")
    return None if cost is None else Decimal(cost)

"""Schemas of commitments (tindak lanjut) and their progress."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import ValidationError, fields, validate

from domain.commitment import RISK_LEVELS, RISK_STATUSES
from service.app.promises import is_late_promise
from service.http.current import current_mufakat
from service.http.schemas.common import (
    NAME_LENGTH,
    TEXT_LENGTH,
    BoundedDate,
    Resource,
    StatementStep,
    Strict,
    _server_now,
    created_at,
    ids,
    no_control_characters,
    updated_at,
)


class DecimalText(fields.Field):
    """A decimal: read from a JSON string or number (never kept as a float), written as a decimal string.

    With `text_only=True` a JSON number is refused (a contribution's amount is a string, as it always was).
    Money (`money=True`) is rupiah written plainly: ASCII digits, an optional dot and at most two decimals, below
    10^18, never negative. Any other decimal may be negative or carry an exponent, but its digits are ASCII, it
    has no underscores, it is finite and its size is below 10^18 (compared by its exponent, never computed)."""

    default_error_messages = {"invalid": 'a decimal number, such as "1500000.50"'}

    def __init__(self, *, money: bool = False, text_only: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.money = money
        self.text_only = text_only

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (str,) if self.text_only else (str, int, float)):
            raise self.make_error("invalid")
        text = str(value).strip()
        if self.money and text.startswith("-") and _PLAIN_DECIMAL.fullmatch(text[1:]):
            raise ValidationError("must not be negative")
        if not (_PLAIN_MONEY if self.money else _DECIMAL).fullmatch(text):
            raise self.make_error("invalid")
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            raise self.make_error("invalid") from None
        if not is_bounded(number):
            raise self.make_error("invalid")
        return number

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(value)


#: No amount of a village programme comes near it; beyond it a decimal is refused rather than stored.
LARGEST_AMOUNT = Decimal(10) ** 18
#: Money as text: ASCII digits, an optional dot and at most two decimals (sen).
_PLAIN_MONEY = re.compile(r"[0-9]+(?:\.[0-9]{1,2})?", re.ASCII)
_PLAIN_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?", re.ASCII)
#: Any other decimal: ASCII digits, a sign, a dot and an exponent (a float sent as a JSON number reads "1e-05").
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,6})?", re.ASCII)
#: The most decimal places a decimal keeps; a longer tail is no measurement.
_SMALLEST_EXPONENT = -18


def is_bounded(number: Decimal) -> bool:
    """Whether a decimal is finite, below 10^18 in size and has at most 18 decimal places, told from its exponent
    (`abs()` of "1e6000000" overflows the context)."""
    if not number.is_finite():
        return False
    exponent = number.as_tuple().exponent
    if not isinstance(exponent, int) or not _SMALLEST_EXPONENT <= exponent < LARGEST_AMOUNT.adjusted():
        return False
    return number.is_zero() or number.adjusted() < LARGEST_AMOUNT.adjusted()


class IndicatorSchema(Strict):
    """An indicator agreed with the community: what is measured, in what unit, from where to where, and how."""

    name = fields.String(required=True, validate=[validate.Length(min=1, max=500), no_control_characters])
    unit = fields.String(load_default=None, allow_none=True, validate=[validate.Length(max=100), no_control_characters])
    baseline = DecimalText(load_default=None, allow_none=True, metadata={"example": "10"})
    target = DecimalText(load_default=None, allow_none=True, metadata={"example": "60"})
    means_of_verification = fields.String(
        load_default=None, allow_none=True, validate=[validate.Length(max=500), no_control_characters]
    )


class IndicatorField(fields.Field):
    """An indicator: its name alone (as before), or an object with unit, baseline, target, means of verification."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | dict[str, Any]:
        if isinstance(value, str):
            if not 1 <= len(value) <= 500:
                raise ValidationError("an indicator's name has 1 to 500 characters")
            no_control_characters(value)
            return value
        if isinstance(value, dict):
            loaded: dict[str, Any] = IndicatorSchema().load(value)
            return loaded
        raise ValidationError("an indicator is a name or an object {name, unit, baseline, target}")


class PartnerOwnerSchema(Strict):
    """A partner of the process as the owner of a commitment or a risk."""

    partner_id = fields.UUID(required=True)


class OwnerField(fields.Field):
    """Who owns a commitment or a risk: a role (a name of 1 to 200 characters) or `{partner_id}` of the process."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {
            "oneOf": [
                {"type": "string", "minLength": 1, "maxLength": 200},
                {
                    "type": "object",
                    "properties": {"partner_id": {"type": "string", "format": "uuid"}},
                    "required": ["partner_id"],
                    "additionalProperties": False,
                },
            ],
            "example": "Kaur Pembangunan Desa Sukamaju",
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | dict[str, Any]:
        if isinstance(value, str):
            NAME_LENGTH(value)
            no_control_characters(value)
            return value
        if isinstance(value, dict):
            loaded: dict[str, Any] = PartnerOwnerSchema().load(value)
            return loaded
        raise ValidationError("an owner is a role (text) or an object {partner_id}")


class CommitmentMakingSchema(StatementStep):
    """The follow-up promised on an adopted proposal."""

    owner = OwnerField(required=True)
    description = fields.String(
        required=True, validate=TEXT_LENGTH, metadata={"example": "Membangun posyandu 6 x 8 meter di tengah desa."}
    )
    due = BoundedDate(required=True, metadata={"example": "2027-09-30"})
    indicators = fields.List(
        IndicatorField(),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={
            "example": [
                "Bangunan selesai",
                {"name": "Balita dilayani per bulan", "unit": "balita", "baseline": "0", "target": "40"},
            ]
        },
    )
    objectives = fields.List(
        fields.String(validate=validate.Length(min=1, max=1000)),
        load_default=list,
        validate=validate.Length(max=20),
        metadata={"example": ["Ibu dan balita dusun 2 terlayani posyandu"]},
    )
    budget = DecimalText(money=True, load_default=None, allow_none=True, metadata={"example": "150000000.00"})


class ProgressSchema(StatementStep):
    """A progress report."""

    percent = fields.Integer(required=True, validate=validate.Range(min=0, max=100), metadata={"example": 60})
    note = fields.String(required=True, validate=TEXT_LENGTH, metadata={"example": "Fondasi dan dinding selesai."})
    evidence_url = fields.URL(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={"example": "https://sukamaju.desa.id/laporan/posyandu-60.pdf"},
    )
    indicator_values = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=500)),
        values=DecimalText(),
        load_default=dict,
        validate=validate.Length(max=50),
        metadata={"example": {"Balita dilayani per bulan": "24"}},
    )
    spent = DecimalText(
        money=True,
        load_default=None,
        allow_none=True,
        metadata={"example": "25000000.00", "description": "money spent since the previous report"},
    )
    evidence = fields.List(
        fields.String(validate=validate.Regexp(r"\A[0-9a-f]{64}\Z")),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "SHA-256 of evidence files attached to the commitment first"},
    )


RISK_LEVEL = validate.OneOf(RISK_LEVELS)


class RiskSchema(StatementStep):
    """A risk to a commitment (its description and mitigation are statements: sealed, held to the names rule)."""

    description = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=2000), no_control_characters],
        metadata={"example": "Musim hujan datang sebelum pengecoran selesai."},
    )
    likelihood = fields.String(required=True, validate=RISK_LEVEL, metadata={"example": "medium"})
    impact = fields.String(required=True, validate=RISK_LEVEL, metadata={"example": "high"})
    mitigation = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=2000), no_control_characters],
        metadata={"example": "Pengecoran dijadwalkan sebelum November; terpal disiapkan."},
    )
    owner = OwnerField(load_default=None, allow_none=True)
    status = fields.String(load_default="open", validate=validate.OneOf(RISK_STATUSES[:-1]))


class RiskReviewSchema(StatementStep):
    """A review of a risk held at a meeting of the commitment's process (a monitoring meeting, usually)."""

    meeting_id = ids(required=True)
    status = fields.String(required=True, validate=validate.OneOf(RISK_STATUSES), metadata={"example": "mitigated"})
    note = fields.String(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(max=2000), no_control_characters],
        metadata={"example": "Terpal sudah dibeli; pengecoran 70 persen."},
    )


class CommitmentSchema(Resource):
    """A commitment and how far it got."""

    proposal_id = ids()
    process_id = ids()
    owner = fields.String(
        metadata={"example": "Kaur Pembangunan Desa Sukamaju", "description": "a role, or the owning partner's name"}
    )
    owner_partner_id = fields.UUID(allow_none=True, metadata={"description": "the partner that owns it, if one does"})
    risks = fields.Method("_risks", metadata={"description": "each risk with where it stands and its latest review"})
    description = fields.String()
    due = fields.Date(metadata={"example": "2027-09-30"})
    indicators = fields.List(fields.String())
    percent = fields.Integer(metadata={"example": 60})
    reports = fields.Integer(metadata={"example": 2})
    completed = fields.Boolean(metadata={"example": False})
    objectives = fields.List(fields.String())
    indicators_against_targets = fields.Method("_indicators", metadata={"description": "each indicator's latest value"})
    spending = fields.Method("_spending", metadata={"description": "budget, spent and remaining as decimal strings"})
    evidence = fields.Method("_evidence")
    overdue = fields.Method("_overdue", metadata={"description": "the due date passed before 100 percent"})
    created_at = created_at()
    updated_at = updated_at()

    def _indicators(self, commitment: Any) -> list[dict[str, Any]]:
        return [
            {**item, "reported_at": None if item["reported_at"] is None else item["reported_at"].isoformat()}
            for item in commitment.indicators_against_targets()
        ]

    def _risks(self, commitment: Any) -> list[dict[str, Any]]:
        return [
            {
                **{
                    key: str(value) if key in ("risk_id", "owner_partner_id") and value else value
                    for key, value in risk.items()
                },
                "identified_at": risk["identified_at"].isoformat(),
                "latest_review": None
                if risk["latest_review"] is None
                else {
                    **risk["latest_review"],
                    "meeting_id": str(risk["latest_review"]["meeting_id"]),
                    "reviewed_at": risk["latest_review"]["reviewed_at"].isoformat(),
                },
            }
            for risk in commitment.risks_with_latest_review()
        ]

    def _spending(self, commitment: Any) -> dict[str, str | None]:
        spending: dict[str, str | None] = commitment.spending()
        return spending

    def _evidence(self, commitment: Any) -> list[dict[str, Any]]:
        return [{"sha256": sha256, **details} for sha256, details in commitment.evidence.items()]

    def _overdue(self, commitment: Any) -> bool:
        overdue: bool = is_late_promise(current_mufakat().uow, commitment, today())
        return overdue


def today() -> date:
    """Today's date by the ledger's clock (which tests may set), in UTC."""
    return _server_now().date()


class CommitmentRiskSchema(CommitmentSchema):
    """A commitment and the id of the risk just identified or reviewed."""

    risk_id = fields.UUID()


class CommitmentEvidenceSchema(CommitmentSchema):
    """A commitment and the SHA-256 of the evidence file just attached."""

    sha256 = fields.String(metadata={"example": "9f2c" + "0" * 60})

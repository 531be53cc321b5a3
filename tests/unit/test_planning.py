"""The planning fields of a proposal: checked on submission, replaced by an amendment, a new cost a new text."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from domain.errors import ValueNotAllowed
from domain.planning import estimated_cost, planning_fields
from domain.proposal import Proposal

from .builders import FACILITATOR, assert_refused, moment, replayed, submit_proposal

ROAD: dict[str, Any] = {
    "location": {"dusun": "Krajan", "rw": "03", "rt": "07"},
    "sector": "2.3",
    "estimated_cost": "150000000.00",
    "funding_source": "dana_desa",
    "volume": "250",
    "unit": "meter",
    "beneficiaries": {"households": 120, "people": 430},
    "implementation_pattern": "swakelola",
}


def submitted(planning: dict[str, Any] | None = ROAD, collected: bool = True) -> Proposal:
    proposal = Proposal.submit(
        id=uuid4(),
        process_id=uuid4(),
        title="Rabat beton jalan dusun",
        body="Rabat beton 250 m",
        submitted_by=uuid4(),
        meeting_id=None,
        occurred_at=moment(),
        actor=FACILITATOR,
        planning=planning,
    )
    if collected:
        proposal.collect_events()
    return proposal


def test_a_proposal_keeps_its_planning_fields_and_its_cost_as_an_exact_decimal() -> None:
    proposal = submitted()

    assert proposal.planning == ROAD
    assert estimated_cost(proposal.planning) == Decimal("150000000.00")
    assert isinstance(proposal.planning["estimated_cost"], str)


def test_an_amendment_replaces_the_fields_it_gives_clears_a_null_and_is_a_new_text_version() -> None:
    proposal = submitted()
    proposal.amend(
        "Rabat beton 300 m",
        "Panjang jalan diukur ulang",
        uuid4(),
        FACILITATOR,
        occurred_at=moment(),
        planning={"estimated_cost": "180000000", "volume": "300", "implementation_pattern": None},
    )

    assert proposal.text_version == 2
    assert proposal.planning["estimated_cost"] == "180000000"
    assert proposal.planning["volume"] == "300"
    assert "implementation_pattern" not in proposal.planning
    assert proposal.planning["sector"] == "2.3"


def test_an_amendment_without_planning_fields_leaves_them_as_they_were() -> None:
    proposal = submitted()
    proposal.amend("Teks baru", "Perbaikan", uuid4(), FACILITATOR, occurred_at=moment())

    assert proposal.planning == ROAD


def test_the_planning_fields_replay_from_the_events_alone() -> None:
    proposal = submitted(collected=False)
    proposal.amend("Teks baru", "Biaya baru", uuid4(), FACILITATOR, occurred_at=moment(), planning={"unit": "m"})

    assert replayed(proposal.collect_events()).planning == {**ROAD, "unit": "m"}


@pytest.mark.parametrize(
    "planning",
    [
        {"sector": "9.9"},
        {"estimated_cost": 1500.5},
        {"estimated_cost": "-1"},
        {"estimated_cost": "NaN"},
        {"estimated_cost": "12.345"},
        {"estimated_cost": "lima juta"},
        {"funding_source": "apbn"},
        {"implementation_pattern": "tender"},
        {"location": {"desa": "Sukamaju"}},
        {"location": {"rt": 7}},
        {"beneficiaries": {"households": -1}},
        {"beneficiaries": {"households": True}},
        {"unit": "  "},
        {"colour": "red"},
    ],
)
def test_a_planning_field_outside_its_vocabulary_is_refused(planning: dict[str, Any]) -> None:
    with pytest.raises(ValueNotAllowed):
        planning_fields(planning)


def test_an_amendment_with_an_unknown_sector_is_refused_and_changes_nothing() -> None:
    proposal = submit_proposal()

    assert_refused(
        proposal,
        "value_not_allowed",
        lambda: proposal.amend(
            "Teks", "Alasan", uuid4(), FACILITATOR, occurred_at=moment(), planning={"sector": "7.1"}
        ),
    )

"""The portal's list of decisions: one card per proposal, so an annulled and re-made decision reads as one story.

The feed publishes a decision, its annulment by a later musyawarah and the new
decision as three items; a resident looking for what their village decided
reads one card: the decision in force, the earlier decisions that were
annulled, or that the latest one was annulled and a new one is awaited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DecisionCard:
    """One proposal's decisions, newest first: what is in force now and what was annulled before."""

    latest: dict[str, Any]
    #: The decision in force (None while the latest decision stands annulled).
    current: dict[str, Any] | None
    #: Earlier decisions of the same proposal, each annulled by a later musyawarah (newest first).
    annulled: list[dict[str, Any]] = field(default_factory=list)

    @property
    def proposal(self) -> dict[str, Any]:
        """The proposal the card is about (id and title)."""
        return self.latest["proposal"]  # type: ignore[no-any-return]

    @property
    def process(self) -> dict[str, Any]:
        """The process it was decided in (id, title, region)."""
        return self.latest["process"]  # type: ignore[no-any-return]

    @property
    def remade(self) -> bool:
        """Whether the decision in force replaced an annulled one."""
        return self.current is not None and bool(self.annulled)


def decision_cards(items: Sequence[dict[str, Any]], limit: int) -> list[DecisionCard]:
    """Decision and annulment items (newest first) as at most `limit` cards, one per proposal, newest first."""
    cards: dict[str, DecisionCard] = {}
    for item in items:
        proposal_id = item["proposal"]["id"]
        card = cards.get(proposal_id)
        if card is None:
            # The newest item of a proposal: a decision in force, or an annulment that left none.
            cards[proposal_id] = DecisionCard(latest=item, current=item if item["kind"] == "decision" else None)
        elif item["kind"] == "decision":
            card.annulled.append(item)  # an older decision of a proposal decided or annulled since
    return list(cards.values())[:limit]

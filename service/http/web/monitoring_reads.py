"""What the portal's process page shows of monitoring beyond the commitments: score cards, complaint counts and
partners, as anyone reads them (small counts suppressed, never a complaint's words nor who scored what)."""

from __future__ import annotations

from typing import Any

from domain.process import Process
from service.app import complaints as complaint_reads
from service.app import evaluations as evaluation_reads
from service.app import partners as partner_reads
from service.app.access import ANONYMOUS
from service.app.application import Mufakat

#: How many partners the process page lists.
MONITORED = 200


def score_cards(mufakat: Mufakat, commitments: list[Any]) -> list[dict[str, Any]]:
    """The closed score cards of these commitments as anyone reads them: tally with small counts suppressed."""
    cards = []
    for commitment in commitments:
        for evaluation in evaluation_reads.evaluations_of(mufakat, commitment.id):
            seen = evaluation_reads.seen(evaluation, ANONYMOUS)
            if seen["tally"] is None:
                continue
            tally = seen["tally"]
            largest = max([int(n) for n in tally["distribution"].values()] + [1])
            cards.append({"commitment": commitment, "evaluation": seen, "tally": tally, "largest": largest})
    return cards


def monitoring(mufakat: Mufakat, process: Process, commitments: list[Any]) -> dict[str, Any]:
    """What the process page shows of monitoring beyond the commitments: score cards, complaints, partners."""
    partners = partner_reads.partners_of(mufakat, ANONYMOUS, process.id, 0, MONITORED)["items"]
    return {
        "score_cards": score_cards(mufakat, commitments),
        "complaints": complaint_reads.public_counts(mufakat, process.id),
        "partners": partners,
        "commitment_titles": {str(c.id): c.description for c in commitments},
    }

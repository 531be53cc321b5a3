"""When a commitment is a late promise ("janji yang terlambat"): read the same way by the API, the console, the
portal, the programme report and the feed.

A commitment carries out a decision. It is late when its due date passed before it reached 100 percent *and*
the decision it carries out still stands (adopted): a commitment of a decision that was annulled (the proposal
open again) or of a proposal withdrawn is kept on record, but the village is not told that a promise of a
decision that no longer exists is late. Once the proposal is adopted again, the commitment is late again.
"""

from __future__ import annotations

from datetime import date

from domain.commitment import Commitment
from domain.proposal import Proposal
from service.app.unit_of_work import UnitOfWork


def decision_stands(uow: UnitOfWork, commitment: Commitment) -> bool:
    """Whether the decision a commitment carries out is adopted now."""
    proposal = uow.get(Proposal, commitment.proposal_id, "proposal", copy=False)
    return proposal.status == "decided" and proposal.decision is not None and proposal.decision.outcome == "adopted"


def is_late_promise(uow: UnitOfWork, commitment: Commitment, today: date) -> bool:
    """Whether a commitment is a late promise on `today`: overdue, and its decision still adopted."""
    return commitment.is_overdue(today) and decision_stands(uow, commitment)

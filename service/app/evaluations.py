"""The use cases of community evaluations (community score cards), and their reads.

An evaluation of a commitment is opened at an open meeting of the commitment's process; scores (1-5, with an
optional comment) come from the meeting's attendees; closing counts them. A commitment finds its evaluations
through its evaluation log (`service.app.evaluation_index`), which leaves the `Commitment` aggregate unchanged.

Outsiders read the question, the status and, once closed, the count, mean and distribution, and the breakdown by
group and by gender with small counts suppressed as participation's are (`projections.suppression`): never who
scored what nor any comment, and while it is open not even how many scores are in.
"""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID, uuid4

from eventsourcing.application import EventSourcedLog

from domain.commitment import Commitment
from domain.evaluation import Evaluation
from domain.meeting import Meeting
from domain.participant import Participant
from domain.process import Process
from projections.suppression import protect_beside_total, protect_crosstab
from service.app.access import Principal
from service.app.errors import NotFound
from service.app.evaluation_index import EvaluationListed, evaluation_listed, evaluation_log_id
from service.app.readable import (
    ensure_expected,
    in_writable_process,
    meeting_of_process,
    readable_process,
    writable_process,
)
from service.app.receipts import CommandContext, Receipt
from service.app.statement_names import StatementNames
from service.app.unit_of_work import UnitOfWork, command


class Evaluations:
    """Opening community evaluations, recording their scores and closing them with their tally."""

    def __init__(self, uow: UnitOfWork, names: StatementNames) -> None:
        self.uow = uow
        self.names = names

    def _open_evaluation(self, evaluation_id: UUID, context: CommandContext) -> tuple[Evaluation, Process]:
        """An evaluation to change (a copy) and its open process, at the version expected."""
        evaluation: Evaluation = self.uow.get(Evaluation, evaluation_id, "evaluation")
        try:
            process = writable_process(self.uow, evaluation.process_id, context, copy=False)
        except NotFound:
            raise NotFound("evaluation", evaluation_id) from None
        process.ensure_open()
        ensure_expected(evaluation, context)
        return evaluation, process

    @command
    def open(
        self, context: CommandContext, commitment_id: UUID, meeting_id: UUID, question: str | None = None
    ) -> Receipt:
        """Opens a community evaluation of a commitment at an open meeting of the commitment's process."""
        commitment, process = in_writable_process(self.uow, Commitment, commitment_id, context, copy=False)
        ensure_expected(commitment, context)
        process.ensure_open()
        meeting = meeting_of_process(self.uow, meeting_id, process)
        meeting.ensure_open()
        opened_at = context.when(self.uow.clock)
        meeting.ensure_during(opened_at, "an evaluation")
        self.names.ensure_unnamed(process, context.names_are_public, question=question)
        evaluation_id = uuid4()
        evaluation = Evaluation.open(
            evaluation_id, process.id, commitment.id, meeting_id, question, context.actor, occurred_at=opened_at
        )
        self.uow.stage(evaluation, evaluation_listed(commitment.id, evaluation_id))
        return Receipt("evaluation", evaluation_id, evaluation.version, created=True)

    @command
    def open_about_training(self, context: CommandContext, meeting_id: UUID, question: str | None = None) -> Receipt:
        """Opens an evaluation of a training (attendance and satisfaction) at that training while it is open; its
        attendees score it as a commitment's score card is scored. A meeting of another kind is refused."""
        meeting, process = in_writable_process(self.uow, Meeting, meeting_id, context, copy=False)
        ensure_expected(meeting, context)
        process.ensure_open()
        meeting.ensure_training()
        meeting.ensure_open()
        opened_at = context.when(self.uow.clock)
        meeting.ensure_during(opened_at, "an evaluation")
        self.names.ensure_unnamed(process, context.names_are_public, question=question)
        evaluation_id = uuid4()
        evaluation = Evaluation.open_about_training(
            evaluation_id, process.id, meeting_id, question, context.actor, occurred_at=opened_at
        )
        # A training's evaluations are listed in a log of the meeting, as a commitment's are in one of its own.
        self.uow.stage(evaluation, evaluation_listed(meeting_id, evaluation_id))
        return Receipt("evaluation", evaluation_id, evaluation.version, created=True)

    @command
    def score(
        self,
        context: CommandContext,
        evaluation_id: UUID,
        participant_id: UUID,
        score: int,
        comment: str | None = None,
    ) -> Receipt:
        """Records the score (1-5) of an attendee of the evaluation's meeting; a later one replaces the earlier."""
        evaluation, process = self._open_evaluation(evaluation_id, context)
        evaluation.ensure_open()
        process.ensure_may_act(participant_id)
        meeting = self.uow.get(Meeting, evaluation.meeting_id, "meeting", copy=False)
        meeting.ensure_attending(participant_id)
        meeting.ensure_open()
        self.names.ensure_unnamed(process, context.names_are_public, comment=comment)
        participant = self.uow.get(Participant, participant_id, "participant", copy=False)
        evaluation.score(
            participant_id,
            score,
            comment,
            participant.group,
            participant.gender,
            context.actor,
            occurred_at=context.when(self.uow.clock),
        )
        self.uow.stage(evaluation)
        return Receipt("evaluation", evaluation_id, evaluation.version)

    @command
    def close(self, context: CommandContext, evaluation_id: UUID) -> Receipt:
        """Closes the evaluation with its tally: count, mean and distribution, by group and by gender."""
        evaluation, _ = self._open_evaluation(evaluation_id, context)
        evaluation.close(context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(evaluation)
        return Receipt("evaluation", evaluation_id, evaluation.version)


# --- reads ------------------------------------------------------------------------------------------------


class Ledger(Protocol):
    """What the reads need of the application: its unit of work and its event store."""

    @property
    def uow(self) -> UnitOfWork:
        """The unit of work (its `get`)."""

    @property
    def events(self) -> Any:
        """The event store the evaluation logs are read from."""


def shown_tally(tally: dict[str, Any] | None, exact: bool) -> dict[str, Any] | None:
    """The tally as the reader may see it: the breakdowns by group and by gender with counts of 1-2 shown as
    "<3" and no hidden count derivable from the distribution, unless the reader sees personal data."""
    if tally is None:
        return None
    totals = tally["distribution"]
    return {
        "count": tally["count"],
        "mean": tally["mean"],
        "distribution": dict(totals),
        "by_group": protect_crosstab(tally["by_group"], totals, exact),
        "by_gender": protect_crosstab(tally["by_gender"], totals, exact),
    }


def seen(evaluation: Evaluation, caller: Principal) -> dict[str, Any]:
    """An evaluation as the caller may read it: its scores and comments only for those who see personal data."""
    exact = caller.may_see_personal_data(evaluation.process_id)
    closed = evaluation.tally is not None
    shown: dict[str, Any] = {
        "id": evaluation.id,
        "evaluation_id": evaluation.id,
        "version": evaluation.version,
        "process_id": evaluation.process_id,
        "subject": evaluation.subject,
        "commitment_id": evaluation.commitment_id,
        "meeting_id": evaluation.meeting_id,
        "question": evaluation.question,
        "status": evaluation.status,
        "opened_at": evaluation.opened_at,
        "closed_at": evaluation.closed_at,
        "score_count": len(evaluation.scores) if closed or exact else None,
        "tally": shown_tally(evaluation.tally, exact),
    }
    if exact:
        shown["scores"] = [{"participant_id": who, **given} for who, given in evaluation.scores.items()]
    return shown


def evaluation(ledger: Ledger, caller: Principal, evaluation_id: UUID) -> dict[str, Any]:
    """One evaluation, if the caller may read its process."""
    found: Evaluation = ledger.uow.get(Evaluation, evaluation_id, "evaluation", copy=False)
    try:
        readable_process(ledger.uow, found.process_id, caller, copy=False)
    except NotFound:
        raise NotFound("evaluation", evaluation_id) from None
    return seen(found, caller)


def evaluations_of(ledger: Ledger, commitment_id: UUID) -> list[Evaluation]:
    """A commitment's (or a training's, given the meeting's id) evaluations in the order they were opened."""
    log = EventSourcedLog(ledger.events, evaluation_log_id(commitment_id), EvaluationListed)
    return [ledger.uow.get(Evaluation, entry.evaluation_id, "evaluation", copy=False) for entry in log.get()]


def training_summary(ledger: Ledger, meeting: Meeting, caller: Principal) -> dict[str, Any]:
    """What a training shows beside the meeting: how many attend, by group and by gender (small counts suppressed
    for outsiders as participation's are), and each of its evaluations as the caller may read it."""
    exact = caller.may_see_personal_data(meeting.process_id)
    # The process's register holds each attendee's group and gender: one aggregate read, not one per attendee.
    process: Process = ledger.uow.get(Process, meeting.process_id, "process", copy=False)
    by_group: dict[str, int] = {}
    by_gender: dict[str, int] = {}
    for participant_id in meeting.attendees:
        group = process.group_of(participant_id) or "other"
        by_group[group] = by_group.get(group, 0) + 1
        gender = process.gender_of(participant_id) or "undisclosed"
        by_gender[gender] = by_gender.get(gender, 0) + 1
    total = len(meeting.attendees)
    return {
        "attendance": {
            "count": total,
            "by_group": protect_beside_total(by_group, total, exact),
            "by_gender": protect_beside_total(by_gender, total, exact),
        },
        "evaluations": [seen(found, caller) for found in evaluations_of(ledger, meeting.id)],
    }

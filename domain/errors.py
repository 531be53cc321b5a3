"""Broken rules of the domain, each with a stable machine-readable code.

Every error carries a sentence a facilitator can read and the ids it concerns;
the HTTP layer maps every subclass of `RuleBroken` to 409 with its `code`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any


class RuleBroken(Exception):
    """A step that the rules of the process do not allow."""

    code = "rule_broken"
    #: The HTTP status it answers: 409 (the record's state forbids it) unless the request itself names what can
    #: never be (422).
    status = 409

    def __init__(self, detail: str, **ids: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.ids = {name: str(value) for name, value in ids.items()}


class ProposalAlreadyDecided(RuleBroken):
    code = "proposal_already_decided"


class NotRegistered(RuleBroken):
    code = "not_registered"


class NotAttending(RuleBroken):
    code = "not_attending"


class BlockingObjectionUnresolved(RuleBroken):
    code = "unresolved_blocking_objection"


class ConsensusNotReached(RuleBroken):
    code = "consensus_not_reached"


class VoteNotPassed(RuleBroken):
    code = "vote_not_passed"


class VoteFallbackNotAllowed(RuleBroken):
    code = "vote_fallback_not_allowed"


class QuorumNotMet(RuleBroken):
    code = "quorum_not_met"


class CheckNotOpen(RuleBroken):
    code = "check_not_open"


class VoteNotOpen(RuleBroken):
    code = "vote_not_open"


class MeetingNotOpen(RuleBroken):
    code = "meeting_not_open"


class MeetingAlreadyOpened(RuleBroken):
    code = "meeting_already_opened"


class ObjectionAlreadyResolved(RuleBroken):
    code = "already_resolved"


class ProcessClosed(RuleBroken):
    code = "process_closed"


class ParticipantForgotten(RuleBroken):
    code = "participant_forgotten"


class BallotAlreadyCast(RuleBroken):
    code = "ballot_already_cast"


class AdoptionNeedsConsensusOrVote(RuleBroken):
    code = "adoption_needs_consensus_or_vote"


class ProposalNotAdopted(RuleBroken):
    code = "proposal_not_adopted"


class CommitmentAlreadyCompleted(RuleBroken):
    code = "commitment_already_completed"


class OccurredOutOfOrder(RuleBroken):
    """A step said to have happened before the step it depends on (a stance before its check opened, ...).

    `not_before` is the time it depends on when the step fell before it (None when it fell after the end of what
    it belongs to): the earliest time the record allows, to which a step whose time nobody gave is lifted.
    """

    code = "occurred_out_of_order"

    def __init__(self, detail: str, *, not_before: datetime | None = None, **ids: Any) -> None:
        super().__init__(detail, **ids)
        self.not_before = not_before


class ConsensusNotAttempted(RuleBroken):
    """A vote opened before a consensus check on the current text closed without consensus (musyawarah first)."""

    code = "consensus_not_attempted"


class TextChangedSinceCheck(RuleBroken):
    """A decision founded on a check or vote held on an older text of the proposal."""

    code = "text_changed_since_check"


class CheckOrVoteOpen(RuleBroken):
    """A decision while a consensus check or vote of the proposal is still open."""

    code = "check_or_vote_open"


class ProposalWithdrawn(RuleBroken):
    """A step on a proposal that was withdrawn: nothing more is recorded on it."""

    code = "proposal_withdrawn"


class ProposalNotDecided(RuleBroken):
    """An annulment of a decision that the proposal does not have."""

    code = "proposal_not_decided"


class NothingToCorrect(RuleBroken):
    """An erratum of a step or field that holds no free text of this proposal."""

    code = "nothing_to_correct"


class NothingToForget(RuleBroken):
    """Forgetting a complainant's contact where none was given, or one already forgotten."""

    code = "nothing_to_forget"


class NothingToRedact(RuleBroken):
    """A redaction of a step or field that holds no redactable statement, or one already redacted."""

    code = "nothing_to_redact"


class MeetingNotClosed(RuleBroken):
    """Minutes sealed before the meeting closed: a berita acara records a meeting that has ended."""

    code = "meeting_not_closed"


class MinutesNotLatest(RuleBroken):
    """A correction of sealed minutes that does not replace the latest sealed version (another was sealed since)."""

    code = "minutes_not_latest"


class NoCheckOnThisText(RuleBroken):
    """A decision by consensus when no consensus check has been held on the proposal since its last annulment."""

    code = "no_check_on_this_text"


class NoVoteOnThisText(RuleBroken):
    """A decision by vote when no vote has been held on the proposal since its last annulment."""

    code = "no_vote_on_this_text"


class NoConsensusToReject(RuleBroken):
    """A rejection by consensus that the stances of the check it stands on do not carry: the room was not agreed
    against the text (someone agreed, or, under consent, as many agreed as stood against it)."""

    code = "no_consensus_to_reject"


class VotePassed(RuleBroken):
    """A rejection by vote while the vote it stands on passed: the vote carried the proposal."""

    code = "vote_passed"


class AssessmentClosed(RuleBroken):
    """A finding or an evidence file added to an assessment already closed, or closing it twice."""

    code = "assessment_closed"


class EvidenceNotAttached(RuleBroken):
    """A finding citing an evidence file (by its SHA-256) that was not attached to its assessment."""

    code = "evidence_not_attached"


class FindingWithdrawn(RuleBroken):
    """A step on a finding that was withdrawn: corrected again, withdrawn again, or addressed by a proposal."""

    code = "finding_withdrawn"


class FindingAlreadyAddressed(RuleBroken):
    """A proposal linked again to a finding it already addresses."""

    code = "finding_already_addressed"


class FindingAlreadyAnswered(RuleBroken):
    """A partner's offer linked again to a finding it already answers."""

    code = "finding_already_answered"


class RespondentsCountedTwice(RuleBroken):
    """Respondents of one group and gender counted in two rows of one assessment."""

    code = "respondents_counted_twice"


class PartOfAssessmentNotFound(Exception):
    """A finding id that the assessment does not have."""

    code = "not_found"

    def __init__(self, kind: str, part_id: Any) -> None:
        super().__init__(f"{kind} {part_id} is not part of this assessment")
        self.kind = kind
        self.part_id = str(part_id)


class PartOfProposalNotFound(Exception):
    """An objection, consensus check or vote id that the proposal does not have."""

    code = "not_found"

    def __init__(self, kind: str, part_id: Any) -> None:
        super().__init__(f"{kind} {part_id} is not part of this proposal")
        self.kind = kind
        self.part_id = str(part_id)


class NotAdopted(RuleBroken):
    """Only a proposal adopted where it was decided goes up the Musrenbang chain."""

    code = "not_adopted"


class AlreadyForwarded(RuleBroken):
    code = "already_forwarded"


class NotTheParent(RuleBroken):
    """A proposal goes up only to the process its own process belongs to."""

    code = "not_the_parent"
    status = 422


class ParentNotHigher(RuleBroken):
    """A process belongs only to a process of a higher level (dusun < desa < kecamatan < kabupaten)."""

    code = "parent_not_higher"
    status = 422


class RegionNotUnderParent(RuleBroken):
    """A process's region lies within its parent's region."""

    code = "region_not_under_parent"
    status = 422


class ProposalMerged(RuleBroken):
    """A proposal merged into another takes no more steps: it goes on as the one it was merged into."""

    code = "proposal_merged"


class MergeTargetNotAllowed(RuleBroken):
    """A proposal is merged only into another proposal of the same process that is neither merged nor withdrawn."""

    code = "merge_target_not_allowed"
    status = 422


class ValueNotAllowed(RuleBroken):
    """A value outside the domain's vocabulary (a stance, choice, outcome, group, ...).

    The HTTP schemas refuse such values first; this guard keeps any other
    caller (CLI, scripts) from storing an event that could never be tallied.
    """

    code = "value_not_allowed"


def ensure_one_of(what: str, value: object, allowed: tuple[object, ...]) -> None:
    """Refuses a value that is not one of `allowed`."""
    if value not in allowed:
        raise ValueNotAllowed(f"{what} must be one of {', '.join(map(str, allowed))}")


def ensure_aware(occurred_at: datetime) -> None:
    """Refuses a time without its offset: when it happened must say in which time zone."""
    if not isinstance(occurred_at, datetime) or occurred_at.utcoffset() is None:
        raise ValueNotAllowed("occurred_at must be a date and time with its time zone offset")


def ensure_not_after(occurred_at: datetime, later: datetime | None, what: str, **ids: Any) -> None:
    """Refuses a step said to have happened after `later`, the end of what it belongs to (when that is known).

    A step whose time nobody gave is refused here too, and its refusal carries no time to move it to. Its time is
    only ever lifted, to the step it depends on, never lowered: a step recorded now with no time, after a meeting
    closed, was not seen in that meeting, and recording it as if it had been would make the record say what nobody
    said. The facilitator who typed it in afterwards says when it happened in the room, and that time is checked.
    """
    ensure_aware(occurred_at)
    if later is not None and occurred_at > later:
        raise OccurredOutOfOrder(
            f"this step is said to have happened at {occurred_at.isoformat()}, after {what} ({later.isoformat()})",
            **ids,
        )


def ensure_not_before(occurred_at: datetime, earlier: datetime | None, what: str, **ids: Any) -> None:
    """Refuses a step said to have happened before `earlier`, the step it depends on (when that is known).

    The refusal names `earlier`, so that a step whose time nobody gave (the server's clock, which may have jumped
    back) is recorded at `earlier` instead: `service.app.receipts.at_default_time` runs the command again with
    its default time lifted there. Every guard of order lifts that way, with nothing to remember at its call.
    """
    ensure_aware(occurred_at)
    if earlier is not None and occurred_at < earlier:
        raise OccurredOutOfOrder(
            f"this step is said to have happened at {occurred_at.isoformat()}, before {what} ({earlier.isoformat()})",
            not_before=earlier,
            **ids,
        )


class RankingClosed(RuleBroken):
    """A ballot for, or the closing of, a ranking already closed."""

    code = "ranking_closed"


class RankingNeedsTwoProposals(RuleBroken):
    """A ranking opened over fewer than two different proposals."""

    code = "ranking_needs_two_proposals"


class RankedTextChanged(RuleBroken):
    """Closing a ranking after one of its proposals was amended (its text and cost are no longer those ranked)."""

    code = "ranked_text_changed"


class BallotNotValid(Exception):
    """A ranking ballot that does not order or score exactly the ranking's proposals (422, naming no person)."""

    code = "validation_failed"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class IndicatorUnknown(RuleBroken):
    """A progress report giving a value for an indicator the commitment does not have, or a commitment naming one
    indicator twice."""

    code = "indicator_unknown"


class AmountNotAllowed(RuleBroken):
    """A budget, an amount spent or an indicator value that is not a finite decimal (money never negative)."""

    code = "amount_not_allowed"


def ensure_decimal(what: str, value: Any, *, money: bool = False) -> str:
    """The value as a canonical decimal string; refuses a float, a non-finite number, a number of 10^18 or more
    (or more than 18 decimals) and negative money."""
    if isinstance(value, (float, bool)):
        raise AmountNotAllowed(f"{what} must be a decimal number written as text, never a float")
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise AmountNotAllowed(f"{what} must be a decimal number") from None
    if not number.is_finite():
        raise AmountNotAllowed(f"{what} must be a decimal number")
    exponent = number.as_tuple().exponent
    # Told from the exponent: `abs()` of "1e6000000" overflows the context, and its digits fill megabytes.
    if (
        not isinstance(exponent, int)
        or not SMALLEST_DECIMAL_EXPONENT <= exponent < LARGEST_DECIMAL_DIGITS
        or (not number.is_zero() and number.adjusted() >= LARGEST_DECIMAL_DIGITS)
    ):
        raise AmountNotAllowed(f"{what} must be below 10^{LARGEST_DECIMAL_DIGITS}, with at most 18 decimals")
    if money and (number < 0 or number.is_signed()):
        raise AmountNotAllowed(f"{what} must not be negative")
    return str(number)


#: A decimal's size is below 10^18 (no village programme comes near it), its digits after the dot 18 at most.
LARGEST_DECIMAL_DIGITS = 18
SMALLEST_DECIMAL_EXPONENT = -18


class DisputeSettled(RuleBroken):
    """A step on a dispute that was agreed, escalated or dropped: only a correction may follow."""

    code = "dispute_settled"


class NoAgreementToSeal(RuleBroken):
    """A sealing of a dispute's agreement before any agreement was recorded."""

    code = "no_agreement_to_seal"


class PartyNotAllowed(RuleBroken):
    """A party of a dispute that is not a group, a partner or a named organisation (a person never is one)."""

    code = "party_not_allowed"


class AgreementNeedsASession(RuleBroken):
    """An agreement recorded before any mediation session was held."""

    code = "agreement_needs_a_session"


class PartOfDisputeNotFound(Exception):
    """A session, issue or option id that the dispute does not have."""

    code = "not_found"

    def __init__(self, kind: str, part_id: Any) -> None:
        super().__init__(f"{kind} {part_id} is not part of this dispute")
        self.kind = kind
        self.part_id = str(part_id)


class ComplaintClosed(RuleBroken):
    """A response to a complaint that was resolved or rejected already."""

    code = "complaint_closed"


class EvaluationClosed(RuleBroken):
    """A score for, or the closing of, a community evaluation already closed."""

    code = "evaluation_closed"


class ScoreNotValid(RuleBroken):
    """A community evaluation's score that is not a whole number from 1 to 5."""

    code = "score_not_valid"


class MeetingNotATraining(RuleBroken):
    """An evaluation of a training opened about a meeting that is not a training."""

    code = "meeting_not_a_training"


class RiskNotFound(Exception):
    """A risk id that the commitment does not have."""

    code = "not_found"

    def __init__(self, risk_id: Any) -> None:
        super().__init__(f"risk {risk_id} is not a risk of this commitment")
        self.risk_id = str(risk_id)


class RiskClosed(RuleBroken):
    """A review of a commitment's risk that was closed at an earlier review."""

    code = "risk_closed"

"""The console's steps: a posted form becomes one call of a use case of the ledger, exactly as the API makes it.

Each step names the API's own request schema (so a form is validated like a
JSON body), the use case it calls and the ids it takes from the form. The
form's idempotency key becomes the command's Idempotency-Key, so a double tap,
or a step sent again after a lost connection, is recorded once. The moment a
step happened ("terjadi pada") is passed on where the use case accepts it; a
time typed without an offset (a datetime-local field) is read in the
process's own zone, the one its label names ("waktu WITA"), never the phone's.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from operator import attrgetter
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from marshmallow import Schema, ValidationError
from werkzeug.datastructures import MultiDict

from domain.assessment import Assessment
from domain.commitment import Commitment
from domain.complaint import Complaint
from domain.dispute import Dispute
from domain.errors import PartOfDisputeNotFound, RuleBroken, ValueNotAllowed
from domain.evaluation import Evaluation
from domain.meeting import Meeting
from domain.participant import Participant
from domain.partner import Partner
from domain.process import Process
from domain.proposal import Proposal
from domain.ranking import Ranking
from domain.time_zones import WIB, process_time_zone
from service.app.access import Principal
from service.app.application import CommandContext, Mufakat, Receipt
from service.app.assessments import FindingsOfAnotherProcess
from service.app.disputes import RecordOfAnotherProcess
from service.app.errors import Forbidden, IdempotencyKeyReused, NotFound, TooMuchContention, VersionMismatch
from service.app.idempotency import IdempotencyKey
from service.app.rankings import ProposalsOfAnotherProcess
from service.app.statement_names import StatementNamesAParticipant
from service.http.api.audit import signing_key, signing_key_file
from service.http.schemas.assessments import (
    AssessmentRequestSchema,
    FindingCorrectionSchema,
    FindingRequestSchema,
    FindingWithdrawalSchema,
    LinksSchema,
)
from service.http.schemas.commitments import CommitmentMakingSchema, ProgressSchema, RiskReviewSchema, RiskSchema
from service.http.schemas.complaints import (
    ContributionRequestSchema,
    OfferLinksRequestSchema,
    OfferRequestSchema,
    PartnerRequestSchema,
    ResponseRequestSchema,
)
from service.http.schemas.disputes import (
    AgreementRequestSchema,
    AgreementSealingSchema,
    DisputeCorrectionSchema,
    DisputeRequestSchema,
    DropRequestSchema,
    EscalationRequestSchema,
    IssueRequestSchema,
    OptionRequestSchema,
    SessionRequestSchema,
    SummaryRedactionSchema,
)
from service.http.schemas.evaluations import (
    EvaluationRequestSchema,
    EvaluationScoreSchema,
    TrainingEvaluationRequestSchema,
)
from service.http.schemas.meetings import AttendanceSchema, MeetingClosingSchema, MeetingSchedulingSchema
from service.http.schemas.minutes import MinutesSealingSchema
from service.http.schemas.planning import RankingBallotSchema, RankingRequestSchema
from service.http.schemas.processes import ProcessOpeningSchema, RegistrationSchema
from service.http.schemas.proposals import (
    AmendmentSchema,
    AnnulmentRequestSchema,
    AtMeetingSchema,
    BallotSchema,
    ContributionSchema,
    CorrectionRequestSchema,
    DecisionRequestSchema,
    ObjectionSchema,
    RedactionRequestSchema,
    ResolutionSchema,
    StanceSchema,
    SubmissionSchema,
    WithdrawalSchema,
)
from service.http.schemas.reports import ReportSealingSchema

MAX_KEY_LENGTH = 200
CLOCK_SKEW = timedelta(minutes=5)
#: Fields of the form that are never part of the request body (`tz_offset`, the phone's zone, sent by older
#: pages and queued steps, is ignored: a typed time is the process's).
_FORM_ONLY = ("csrf_token", "idempotency_key", "occurred_at", "tz_offset", "next", "form_id")
#: Where the process of a step is found: the aggregate a target id names (of this kind), read for its `process_id`.
_HOLDERS_OF_PROCESS = {
    "meeting_id": Meeting,
    "proposal_id": Proposal,
    "commitment_id": Commitment,
    "participant_id": Participant,
    "assessment_id": Assessment,
    "ranking_id": Ranking,
    "evaluation_id": Evaluation,
    "complaint_id": Complaint,
    "partner_id": Partner,
    "dispute_id": Dispute,
}
#: The refusal of a time earlier than the step it depends on (domain.errors.OccurredOutOfOrder).
OUT_OF_ORDER = "occurred_out_of_order"
#: The checkbox of a step whose statement may name someone in public ("nama ini boleh tampil di publik").
NAMES_ARE_PUBLIC = "names_are_public"


@dataclass(frozen=True)
class Step:
    """One kind of step: the request schema, the use case, the ids it is addressed to."""

    #: Its path on the application: `"proposals.submit"` is `mufakat.proposals.submit`.
    use_case: str
    schema: type[Schema] | None
    targets: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    moments: tuple[str, ...] = ()
    #: Turns the flat form into the request body's shape, where the body nests (after the generic reading).
    shape: Callable[[dict[str, Any]], dict[str, Any]] | None = None


def ascii_digits(text: str) -> bool:
    """Whether a text is a whole number in ASCII digits (`str.isdigit` also says yes to superscripts, which `int`
    refuses, and to Arabic-Indic digits, which it reads as a number the form never offered)."""
    return text.isascii() and text.isdigit()


def minutes_body(flat: dict[str, Any]) -> dict[str, Any]:
    """The berita acara form as the API's body: chair and secretary as name and role, one signatory a line
    ("name; role"), one agenda item a line."""
    body: dict[str, Any] = {}
    for who in ("chair", "secretary"):
        body[who] = {"name": flat.pop(f"{who}_name", ""), "role": flat.pop(f"{who}_role", "")}
    signatories = []
    for line in flat.pop("signatories", []):
        name, _, role = line.partition(";")
        signatories.append({"name": name.strip(), "role": role.strip()})
    body["signatories"] = signatories
    return {**flat, **body}


#: The fields of the process-opening form that are the API's `rules` (prefixed `rules_` in the form).
RULE_FIELDS = ("consensus", "quorum", "vote_fallback", "vote_threshold", "vote_without_check", "legal_basis")


def process_body(flat: dict[str, Any]) -> dict[str, Any]:
    """The process-opening form as the API's body: its `rules_*` fields become the nested `rules` (none chosen:
    the API's defaults)."""
    rules = {name: flat.pop(f"rules_{name}") for name in RULE_FIELDS if f"rules_{name}" in flat}
    return {**flat, "rules": rules} if rules else flat


def correction_body(flat: dict[str, Any]) -> dict[str, Any]:
    """The correction (or redaction) form as the API's body: its one choice "version:field" (a step and which of
    its texts) becomes `version` and `field`."""
    version, _, name = str(flat.pop("target", "")).partition(":")
    return {**flat, "version": int(version) if ascii_digits(version) else version, "field": name}


#: How many rows of respondents (group, gender, count) the assessment form offers.
RESPONDENT_ROWS = 6
#: The parts of a finding's location, as the form names them.
LOCATION_FIELDS = ("dusun", "rw", "rt")


def assessment_body(flat: dict[str, Any]) -> dict[str, Any]:
    """The assessment form as the API's body: its rows `respondents_<n>_group|gender|count` become `respondents`
    (a row left empty is no row; a row half filled is sent as it is, for the schema to refuse)."""
    rows = []
    for row in range(RESPONDENT_ROWS):
        found = {part: flat.pop(f"respondents_{row}_{part}", None) for part in ("group", "gender", "count")}
        if found["group"] is None and found["count"] is None:
            continue
        rows.append({part: value for part, value in found.items() if value is not None})
    return {**flat, "respondents": rows} if rows else flat


def finding_body(flat: dict[str, Any]) -> dict[str, Any]:
    """The finding form as the API's body: `location_dusun|rw|rt` become `location`, the evidence ticked (by SHA-256)
    becomes the list of files cited."""
    location = {part: flat.pop(f"location_{part}") for part in LOCATION_FIELDS if f"location_{part}" in flat}
    if location:
        flat["location"] = location
    if "evidence" in flat:
        flat["evidence"] = [{"sha256": sha256} for sha256 in flat["evidence"]]
    return flat


def ranking_ballot_body(flat: dict[str, Any]) -> dict[str, Any]:
    """The ranking ballot form as the API's body: a borda ballot's places `place_<proposal id>` (1 = best) become
    the `order`, best first; a scores ballot's `score_<proposal id>` (1-5) become `scores`. Places that are no
    permutation (two proposals on one place) are refused naming those fields, so nothing is guessed."""
    places = {name.removeprefix("place_"): flat.pop(name) for name in list(flat) if name.startswith("place_")}
    scores = {name.removeprefix("score_"): flat.pop(name) for name in list(flat) if name.startswith("score_")}
    if places:
        numbers = {key: int(value) if ascii_digits(str(value)) else 0 for key, value in places.items()}
        if sorted(numbers.values()) != list(range(1, len(numbers) + 1)):
            taken = list(numbers.values())
            repeated = [key for key, number in numbers.items() if taken.count(number) != 1 or not number]
            raise Refused("validation_failed", sorted(f"place_{key}" for key in repeated or numbers))
        flat["order"] = sorted(numbers, key=numbers.__getitem__)
    if scores:
        flat["scores"] = {key: int(value) if ascii_digits(str(value)) else value for key, value in scores.items()}
    return flat


#: How many party rows the form opening a dispute offers (two at least are filled).
PARTY_ROWS = 4


def dispute_body(flat: dict[str, Any]) -> dict[str, Any]:
    """The form opening a dispute as the API's body: each row's choice `party_<n>` ("group:women",
    "partner_id:<id>") or its typed organisation `party_<n>_organisation` becomes one party (a row with both is
    sent with both, for the schema to refuse); the choice `about` ("proposal_id:<id>") becomes `about`."""
    parties = []
    for row in range(PARTY_ROWS):
        chosen = str(flat.pop(f"party_{row}", ""))
        typed = flat.pop(f"party_{row}_organisation", None)
        party: dict[str, Any] = {}
        kind, _, value = chosen.partition(":")
        if kind and value:
            party[kind] = value
        if typed:
            party["organisation"] = typed
        if party:
            parties.append(party)
    flat["parties"] = parties
    kind, _, value = str(flat.pop("about", "")).partition(":")
    if kind and value:
        flat["about"] = {kind: value}
    return flat


def issue_body(flat: dict[str, Any]) -> dict[str, Any]:
    """The issue form as the API's body: each party's `needs_<n>` and `demands_<n>` become one interest (a party
    whose needs are left empty and who demands nothing is no row)."""
    interests = []
    for name in sorted((n for n in list(flat) if n.startswith("needs_")), key=lambda n: n.removeprefix("needs_")):
        row = name.removeprefix("needs_")
        needs, demands = flat.pop(name), flat.pop(f"demands_{row}", None)
        interests.append({"party": int(row) if ascii_digits(row) else row, "needs": needs, "demands": demands})
    for name in [n for n in flat if n.startswith("demands_")]:
        row = name.removeprefix("demands_")
        interests.append({"party": int(row) if ascii_digits(row) else row, "needs": "", "demands": flat.pop(name)})
    return {**flat, "interests": interests}


def agreement_body(flat: dict[str, Any]) -> dict[str, Any]:
    """The agreement form as the API's body: one promise a line ("what; who; due date" with the date optional)."""
    promises = []
    for line in flat.pop("promises", []):
        description, owner, due = ([*(part.strip() for part in line.split(";")), "", ""])[:3]
        promises.append({"description": description, "owner": owner, **({"due": due} if due else {})})
    return {**flat, "promises": promises} if promises else flat


def dispute_correction_body(flat: dict[str, Any]) -> dict[str, Any]:
    """The dispute's correction form as the API's body: the choice "summary:<session id>" names a summary."""
    name, _, session_id = str(flat.pop("target", "")).partition(":")
    return {**flat, "field": name, **({"session_id": session_id} if session_id else {})}


def risk_body(flat: dict[str, Any]) -> dict[str, Any]:
    """The risk form as the API's body: a partner chosen as owner (`owner_partner_id`) becomes `{partner_id}`,
    otherwise the role typed is the owner (none typed: no owner)."""
    partner_id = flat.pop("owner_partner_id", None)
    if partner_id:
        flat["owner"] = {"partner_id": partner_id}
    elif not flat.get("owner"):
        flat.pop("owner", None)
    return flat


#: How many indicators the progress form offers a value for (the API takes at most 50).
MEASURE_ROWS = 50


def progress_body(flat: dict[str, Any]) -> dict[str, Any]:
    """The progress form as the API's body: each indicator's `measure_<n>_name` (hidden) and `measure_<n>_value`
    become `indicator_values` (an indicator left empty is not reported)."""
    values: dict[str, Any] = {}
    for row in range(MEASURE_ROWS):
        name = flat.pop(f"measure_{row}_name", None)
        value = flat.pop(f"measure_{row}_value", None)
        if name is not None and value is not None:
            values[name] = value
    if values:
        flat["indicator_values"] = values
    return flat


def score_body(flat: dict[str, Any]) -> dict[str, Any]:
    """The score form as the API's body: the score tapped (1-5) as the whole number the schema asks for."""
    if "score" not in flat:
        return flat
    score = str(flat["score"])
    # ASCII digits only: a superscript two passes `isdigit` yet `int` fails on it; Arabic-Indic or fullwidth
    # digits are no tap of the form's buttons.
    if score not in SCORES:
        raise Refused("validation_failed", ["score"])
    flat["score"] = int(score)
    return flat


#: The scores a score card's form offers, as the form sends them.
SCORES = ("1", "2", "3", "4", "5")


STEPS: dict[str, Step] = {
    "open_process": Step("processes.open", ProcessOpeningSchema, shape=process_body),
    "close_process": Step("processes.close", None, ("process_id",)),
    "register": Step("participants.register", RegistrationSchema, ("process_id",)),
    "schedule_meeting": Step(
        "meetings.schedule",
        MeetingSchedulingSchema,
        ("process_id",),
        lists=("invited",),
        flags=(NAMES_ARE_PUBLIC,),
        moments=("scheduled_for",),
    ),
    "open_meeting": Step("meetings.open", AttendanceSchema, ("meeting_id",), lists=("attendees",)),
    "attendance": Step("meetings.record_attendance", AttendanceSchema, ("meeting_id",), lists=("attendees",)),
    "close_meeting": Step("meetings.close", MeetingClosingSchema, ("meeting_id",), flags=(NAMES_ARE_PUBLIC,)),
    "seal_minutes": Step(
        "sealing.seal",
        MinutesSealingSchema,
        ("meeting_id",),
        lists=("agenda", "signatories"),
        flags=(NAMES_ARE_PUBLIC,),
        shape=minutes_body,
    ),
    "submit": Step(
        "proposals.submit", SubmissionSchema, ("process_id",), lists=("addresses",), flags=(NAMES_ARE_PUBLIC,)
    ),
    "contribute": Step("proposals.contribute", ContributionSchema, ("proposal_id",), flags=(NAMES_ARE_PUBLIC,)),
    "amend": Step("proposals.amend", AmendmentSchema, ("proposal_id",), flags=(NAMES_ARE_PUBLIC,)),
    "object": Step(
        "proposals.raise_objection", ObjectionSchema, ("proposal_id",), flags=("blocking", NAMES_ARE_PUBLIC)
    ),
    "resolve": Step(
        "proposals.resolve_objection", ResolutionSchema, ("proposal_id", "objection_id"), flags=(NAMES_ARE_PUBLIC,)
    ),
    "open_check": Step("proposals.open_consensus_check", AtMeetingSchema, ("proposal_id",)),
    "stance": Step("proposals.take_stance", StanceSchema, ("proposal_id", "check_id"), flags=(NAMES_ARE_PUBLIC,)),
    "close_check": Step("proposals.close_consensus_check", None, ("proposal_id", "check_id")),
    "open_vote": Step("proposals.open_vote", AtMeetingSchema, ("proposal_id",)),
    "ballot": Step("proposals.cast_ballot", BallotSchema, ("proposal_id", "vote_id")),
    "close_vote": Step("proposals.close_vote", None, ("proposal_id", "vote_id")),
    "decide": Step("proposals.decide", DecisionRequestSchema, ("proposal_id",), flags=(NAMES_ARE_PUBLIC,)),
    "withdraw": Step("proposals.withdraw", WithdrawalSchema, ("proposal_id",), flags=(NAMES_ARE_PUBLIC,)),
    "annul": Step("proposals.annul_decision", AnnulmentRequestSchema, ("proposal_id",), flags=(NAMES_ARE_PUBLIC,)),
    "correct": Step(
        "proposals.correct", CorrectionRequestSchema, ("proposal_id",), flags=(NAMES_ARE_PUBLIC,), shape=correction_body
    ),
    "commit": Step(
        "commitments.make", CommitmentMakingSchema, ("proposal_id",), lists=("indicators",), flags=(NAMES_ARE_PUBLIC,)
    ),
    "progress": Step(
        "commitments.report_progress",
        ProgressSchema,
        ("commitment_id",),
        lists=("evidence",),
        flags=(NAMES_ARE_PUBLIC,),
        shape=progress_body,
    ),
    # A commitment's risks (/console/janji/<id>/risiko): identified, then reviewed at a meeting of the process.
    "identify_risk": Step(
        "commitment_risks.identify", RiskSchema, ("commitment_id",), flags=(NAMES_ARE_PUBLIC,), shape=risk_body
    ),
    "review_risk": Step(
        "commitment_risks.review", RiskReviewSchema, ("commitment_id", "risk_id"), flags=(NAMES_ARE_PUBLIC,)
    ),
    # The evaluation of a training by its attendees, opened on the training's meeting page.
    "open_training_evaluation": Step(
        "evaluations.open_about_training", TrainingEvaluationRequestSchema, ("meeting_id",), flags=(NAMES_ARE_PUBLIC,)
    ),
    # The admin's steps (pages under /console/admin): the use cases refuse anyone else.
    "forget": Step("forgetting.forget", None, ("participant_id",)),
    "redact": Step(
        "redaction.redact", RedactionRequestSchema, ("proposal_id",), flags=(NAMES_ARE_PUBLIC,), shape=correction_body
    ),
    "revoke_token": Step("tokens.revoke", None, ("token_id",)),
    # The needs and potential assessment (kajian) and what proposals address of it.
    "start_assessment": Step(
        "assessments.start", AssessmentRequestSchema, ("process_id",), flags=(NAMES_ARE_PUBLIC,), shape=assessment_body
    ),
    "record_finding": Step(
        "assessments.record_finding",
        FindingRequestSchema,
        ("assessment_id",),
        lists=("groups", "evidence"),
        flags=(NAMES_ARE_PUBLIC,),
        shape=finding_body,
    ),
    "correct_finding": Step(
        "assessments.correct_finding",
        FindingCorrectionSchema,
        ("assessment_id", "finding_id"),
        flags=(NAMES_ARE_PUBLIC,),
    ),
    "withdraw_finding": Step(
        "assessments.withdraw_finding",
        FindingWithdrawalSchema,
        ("assessment_id", "finding_id"),
        flags=(NAMES_ARE_PUBLIC,),
    ),
    "close_assessment": Step("assessments.close", None, ("assessment_id",)),
    "link_findings": Step("assessments.link", LinksSchema, ("proposal_id",), lists=("addresses",)),
    # A ranking round (pemeringkatan) at an open meeting: opened, one ballot per attendee, closed with its result.
    "open_ranking": Step("rankings.open", RankingRequestSchema, ("process_id",), lists=("proposals",)),
    "rank_ballot": Step("rankings.cast_ballot", RankingBallotSchema, ("ranking_id",), shape=ranking_ballot_body),
    "close_ranking": Step("rankings.close", None, ("ranking_id",)),
    # A dispute (pengelolaan konflik): opened, mediated in meetings, ended by an agreement, an escalation or a drop.
    "open_dispute": Step(
        "disputes.open", DisputeRequestSchema, ("process_id",), flags=(NAMES_ARE_PUBLIC,), shape=dispute_body
    ),
    "hold_session": Step("disputes.hold_session", SessionRequestSchema, ("dispute_id",), flags=(NAMES_ARE_PUBLIC,)),
    "record_issue": Step("disputes.record_issue", IssueRequestSchema, ("dispute_id",), shape=issue_body),
    "consider_option": Step("disputes.consider_option", OptionRequestSchema, ("dispute_id",)),
    "agree": Step(
        "disputes.agree",
        AgreementRequestSchema,
        ("dispute_id",),
        lists=("signatory_roles", "commitment_ids", "promises"),
        flags=("text_public", NAMES_ARE_PUBLIC),
        shape=agreement_body,
    ),
    "escalate": Step("disputes.escalate", EscalationRequestSchema, ("dispute_id",), flags=(NAMES_ARE_PUBLIC,)),
    "drop_dispute": Step("disputes.drop", DropRequestSchema, ("dispute_id",), flags=(NAMES_ARE_PUBLIC,)),
    "correct_dispute": Step(
        "disputes.correct",
        DisputeCorrectionSchema,
        ("dispute_id",),
        flags=(NAMES_ARE_PUBLIC,),
        shape=dispute_correction_body,
    ),
    "redact_summary": Step(
        "dispute_redaction.redact", SummaryRedactionSchema, ("dispute_id",), flags=(NAMES_ARE_PUBLIC,)
    ),
    "seal_agreement": Step("agreement_sealing.seal", AgreementSealingSchema, ("dispute_id",)),
    # Monitoring: a community score card of a commitment at an open meeting, one score per attendee, closed.
    "open_evaluation": Step("evaluations.open", EvaluationRequestSchema, ("commitment_id",), flags=(NAMES_ARE_PUBLIC,)),
    "score": Step(
        "evaluations.score", EvaluationScoreSchema, ("evaluation_id",), flags=(NAMES_ARE_PUBLIC,), shape=score_body
    ),
    "close_evaluation": Step("evaluations.close", None, ("evaluation_id",)),
    # Complaints (pengaduan) are answered from the inbox; partners (mitra) and what they bring.
    "respond_complaint": Step("complaints.respond", ResponseRequestSchema, ("complaint_id",)),
    "register_partner": Step("partners.register", PartnerRequestSchema, ("process_id",)),
    "partner_contribution": Step(
        "partners.contribute", ContributionRequestSchema, ("partner_id",), flags=(NAMES_ARE_PUBLIC,)
    ),
    # A partner opens access to a resource (credit, a market, a programme, ...) answering needs of the process.
    "make_offer": Step(
        "partners.offer", OfferRequestSchema, ("partner_id",), lists=("answers",), flags=(NAMES_ARE_PUBLIC,)
    ),
    "link_offer": Step("partners.link_offer", OfferLinksRequestSchema, ("partner_id", "offer_id"), lists=("answers",)),
    # The programme report (laporan hasil dan dampak): sealed from the ledger, nothing typed but its language.
    "seal_report": Step("programme_reports.seal", ReportSealingSchema, ("process_id",)),
}
#: The API's POST routes (by endpoint) that have no console form, each with why. Every other step the API offers
#: has its form above (tests/integration/test_guards_derived_from_the_code.py walks the routes to check).
_CHAIN_FORMS_LATER = (
    "forwarding and merging are done after the musyawarah, by the village secretary or the kecamatan planner at "
    "a desk; their console forms come with the portal's journey (issue 21 item 6)"
)

API_ONLY: dict[str, str] = {
    "complaints.Complaints": "a resident files a complaint on the portal's own form (/proses/<id>/pengaduan, "
    "without an account, rate-limited, answering the tracking code once), never from the facilitator's console",
    "complaints.ComplaintRedactions": "an admin redacts a complaint's words at a desk, after reading the inbox, as "
    "a dispute's summaries are redacted; the console's complaint page (/console/pengaduan/<id>) may offer it later",
    "complaints.ContactForgetting": "forgetting a complainant's contact is asked of the facilitator or an admin "
    "by the complainant, and answered at a desk; the console's complaint page (/console/pengaduan/<id>) may "
    "offer it later",
    "audit.WitnessCosignatures": "a witness's server posts its cosignature of a checkpoint; no person types it in",
    "tokens.Tokens": "a token is issued on the admin's token page (/console/admin/token), not as a queued step: "
    "its secret is shown once, in the answer, and a step sent again offline could not show it",
    "commitments.Evidence": "a photo or receipt is sent by its own form on the commitment's console page "
    "(/console/janji/<id>/bukti, multipart), not as a queued step: the offline queue carries text, so a file waits "
    "for a connection (the page says so); the progress form then cites it",
    "chain.Forward": _CHAIN_FORMS_LATER,
    "chain.Merge": _CHAIN_FORMS_LATER,
    "assessments.Evidence": "a photo is sent by its own form on the assessment's console page "
    "(/console/kajian/<id>/foto, multipart), not as a queued step: the offline queue carries text, so a photo "
    "waits for a connection (the page says so)",
}
#: The steps whose statements outsiders may read: their forms offer the NAMES_ARE_PUBLIC checkbox.
STATEMENT_STEPS = frozenset(action for action, step in STEPS.items() if NAMES_ARE_PUBLIC in step.flags)


@dataclass
class Outcome:
    """What became of a step: recorded (with its receipt), or refused with a stable code."""

    receipt: Receipt | None = None
    code: str | None = None
    invalid_fields: list[str] = field(default_factory=list)

    @property
    def recorded(self) -> bool:
        """Whether the step is in the ledger (now, or already from the first time it was sent)."""
        return self.receipt is not None


class Refused(Exception):
    """A step refused before it reached the ledger."""

    def __init__(self, code: str, invalid_fields: list[str] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.invalid_fields = invalid_fields or []


def request_body(step: Step, form: MultiDict[str, str], zone: str) -> dict[str, Any]:
    """The form as the JSON body the API would have received: empty optional fields left out, typed times read
    in `zone`."""
    body: dict[str, Any] = {}
    for name in form:
        if name in _FORM_ONLY or name in step.targets:
            continue
        if name in step.lists:
            # Checkboxes send one value each; a textarea sends one line per item.
            lines = (line.strip() for value in form.getlist(name) for line in value.splitlines())
            body[name] = [line for line in lines if line]
        elif name in step.flags:
            continue
        elif form[name].strip():
            body[name] = form[name]
    if "attendees" in step.lists:
        body.setdefault("attendees", [])
    for name in step.flags:
        body[name] = form.get(name) in ("on", "true", "1", "yes")
    for name in step.moments:
        if name in body:
            body[name] = moment(body[name], zone, name).isoformat()
    return step.shape(body) if step.shape is not None else body


def invalid_fields(messages: dict[Any, Any]) -> list[str]:
    """The form's names of the fields a schema refused: a nested body's field by its form name (`rules_quorum`)."""
    names: list[str] = []
    for name, said in messages.items():
        if isinstance(said, dict) and all(isinstance(inner, str) for inner in said):
            names.extend(f"{name}_{inner}" for inner in said)
        else:
            names.append(str(name))
    return sorted(names)


def moment(typed: str, zone: str, name: str) -> datetime:
    """A moment typed into a form: ISO with an offset, or a local time of the process's zone (an IANA name)."""
    try:
        found = datetime.fromisoformat(typed.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Refused("occurred_at_invalid" if name == "occurred_at" else "validation_failed", [name]) from None
    if found.tzinfo is None:
        found = found.replace(tzinfo=ZoneInfo(zone))
    if not 1900 <= found.year <= 2200:
        raise Refused("occurred_at_invalid" if name == "occurred_at" else "validation_failed", [name])
    return found.astimezone(UTC)


def process_zone(ledger: Mufakat, step: Step, form: MultiDict[str, str]) -> str:
    """The zone the step's typed times are read in: its process's (for a process being opened, the zone chosen
    in the form, else that of its region's province). An id that names nothing falls back to WIB: the use case
    answers not found before any time is recorded."""
    if step.use_case == "processes.open":
        chosen = (form.get("time_zone") or "").strip()
        try:
            return process_time_zone(chosen, (form.get("region_code") or "").strip())
        except ValueNotAllowed:
            raise Refused("validation_failed", ["time_zone"]) from None
    name = step.targets[0] if step.targets else ""
    try:
        process_id = UUID(form.get(name) or "")
        if name in _HOLDERS_OF_PROCESS:
            holder: Aggregate = ledger.repository.get(process_id)
            if not isinstance(holder, _HOLDERS_OF_PROCESS[name]):
                return WIB
            process_id = holder.process_id
        process: Aggregate = ledger.repository.get(process_id)
    except (ValueError, AggregateNotFoundError):
        return WIB
    return process.time_zone if isinstance(process, Process) else WIB


def _typed_times(step: Step, form: MultiDict[str, str]) -> bool:
    return any((form.get(name) or "").strip() for name in ("occurred_at", *step.moments))


def occurred_at(form: MultiDict[str, str], zone: str) -> datetime | None:
    """When the step happened, from "terjadi pada" read in the process's zone (None: now, as the ledger's clock
    says)."""
    typed = (form.get("occurred_at") or "").strip()
    if not typed:
        return None
    found = moment(typed, zone, "occurred_at")
    if found > datetime.now(UTC) + CLOCK_SKEW:
        # As the API: a step typed in from paper happened before now (clocks may drift by minutes). Said as such:
        # "not valid" would send the facilitator looking for a typing error.
        raise Refused("occurred_in_future", ["occurred_at"])
    return found


def _accepts(function: Callable[..., Any], name: str) -> bool:
    return name in inspect.signature(function).parameters


def _context(
    mufakat: Mufakat,
    principal: Principal,
    action: str,
    form: MultiDict[str, str],
    body: dict[str, Any],
    when: datetime | None,
) -> CommandContext:
    key = (form.get("idempotency_key") or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise Refused("validation_failed", ["idempotency_key"])
    targets = {name: form.get(name) for name in STEPS[action].targets}
    idempotency = IdempotencyKey.for_request(
        caller=principal.actor.id,
        key=f"web:{key}",
        method="POST",
        path=f"/console/{action}",
        body=[targets, body],
        secret=mufakat.vault.fingerprint_secret(),
    )
    return CommandContext(
        principal=principal,
        idempotency=idempotency,
        occurred_at=when,
        names_are_public=bool(body.get(NAMES_ARE_PUBLIC)),
    )


def run_step(ledger: Mufakat, principal: Principal, action: str, form: MultiDict[str, str]) -> Outcome:
    """Records one step from a posted form; a broken rule or a bad field comes back as a refusal code."""
    step = STEPS.get(action)
    if step is None:
        return Outcome(code="not_found")
    try:
        zone = process_zone(ledger, step, form) if _typed_times(step, form) else WIB
        when = occurred_at(form, zone)
        body = request_body(step, form, zone)
        loaded: dict[str, Any] = {}
        if step.schema is not None:
            try:
                loaded = step.schema().load(body)
            except ValidationError as error:
                messages = error.messages if isinstance(error.messages, dict) else {}
                raise Refused("validation_failed", invalid_fields(messages)) from None
            loaded.pop(NAMES_ARE_PUBLIC, None)  # said by the context, not an argument of the use case
        targets: list[UUID] = []
        for name in step.targets:
            try:
                targets.append(UUID(form.get(name) or ""))
            except ValueError:
                raise Refused("not_found", [name]) from None
        use_case = attrgetter(step.use_case)(ledger)  # "proposals.submit": mufakat.proposals.submit
        if when is not None and _accepts(use_case, "occurred_at"):
            loaded["occurred_at"] = when
        if _accepts(use_case, "signing_key"):
            # Sealed with the key the API seals with (the one checkpoints are signed with), and the PDF's
            # certificate key beside that key's file, never beside the working directory's default.
            loaded["signing_key"] = signing_key()
            if _accepts(use_case, "key_file"):
                loaded["key_file"] = signing_key_file()
        receipt = use_case(_context(ledger, principal, action, form, body, when), *targets, **loaded)
    except Refused as refused:
        return Outcome(code=refused.code, invalid_fields=refused.invalid_fields)
    except StatementNamesAParticipant as naming:
        return Outcome(code=naming.code, invalid_fields=naming.fields)
    except ProposalsOfAnotherProcess:
        return Outcome(code="validation_failed", invalid_fields=["proposals"])
    except PartOfDisputeNotFound as missing:
        # A session or issue the dispute does not have (a page older than the dispute): named by its field.
        return Outcome(code=missing.code, invalid_fields=[f"{missing.kind}_id"])
    except RecordOfAnotherProcess as foreign:
        # A proposal, complaint or partner of another process (or none): the one field to mend.
        return Outcome(code="validation_failed", invalid_fields=[foreign.field])
    except FindingsOfAnotherProcess:
        # A finding ticked that is no finding of this process (or no longer stands): the one field to mend.
        return Outcome(code="validation_failed", invalid_fields=["addresses"])
    except (RuleBroken, NotFound, Forbidden, VersionMismatch, IdempotencyKeyReused, TooMuchContention) as error:
        code = str(getattr(error, "code", "rule_broken"))
        # A step placed before the one it depends on is mended in its one field: the time it happened.
        return Outcome(code=code, invalid_fields=["occurred_at"] if code == OUT_OF_ORDER else [])
    return Outcome(receipt=receipt)

"""Assessments (kajian kebutuhan dan potensi): record one, its evidence files and findings; read what was found.

Writes need a token of the process; reads follow what outsiders see: on a public process anyone reads the
findings, the groups who raised them and the respondents' counts (small ones hidden), never a person.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from domain.assessment import Assessment
from service.adapters.evidence_files import MAX_EVIDENCE_BYTES
from service.app import assessments as reads
from service.app import queries
from service.app.receipts import Receipt
from service.http.api.answers import Answer, Beside, shown, step_command, written
from service.http.auth import optional_principal, principal
from service.http.current import current_mufakat
from service.http.i18n import language
from service.http.problems import UPLOADS
from service.http.schemas.assessments import (
    AssessmentPageSchema,
    AssessmentRequestSchema,
    AssessmentSchema,
    AssessmentStepSchema,
    EvidenceUploadSchema,
    FindingCorrectionSchema,
    FindingPageSchema,
    FindingRequestSchema,
    FindingsArgs,
    FindingWithdrawalSchema,
    LinksSchema,
)
from service.http.schemas.common import PageArgs, WhenSchema
from service.http.schemas.proposals import ProposalSchema

blp = Blueprint("assessments", __name__, description="Needs and potential assessments (kajian) and their findings")

#: Multipart overhead allowed beyond the file itself.
_FORM_OVERHEAD = 64 * 1024
UPLOADS["assessments.Evidence"] = MAX_EVIDENCE_BYTES + _FORM_OVERHEAD


def _written(receipt: Receipt, **beside: Any) -> Answer:
    """The answer to a write on an assessment: as its writer reads it, with the part the step made."""
    ledger = current_mufakat()
    found = queries.at_version(ledger, Assessment, receipt.id, receipt.version)
    process = queries.readable_process(ledger, found.process_id, principal(), copy=False)
    body: Any = reads.seen(found, process, principal(), language())
    if receipt.part_id is not None:
        beside["finding_id"] = receipt.part_id
    body, headers = shown(Beside(body, **beside) if beside else body)
    if receipt.created:
        headers["Location"] = f"/api/v1/assessments/{receipt.id}"
    return body, headers


@blp.route("/processes/<uuid:process_id>/assessments")
class Assessments(MethodView):
    """The assessments of a process."""

    @blp.arguments(PageArgs(), location="query")
    @blp.response(200, AssessmentPageSchema)
    def get(self, page: dict[str, Any], process_id: UUID) -> dict[str, Any]:
        """Lists a process's assessments in the order they were recorded (outsiders: small counts hidden)."""
        found, position = reads.assessments_of(
            current_mufakat(), optional_principal(), process_id, page["after"] or 0, page["limit"], language()
        )
        return {"items": found, "next": None if position is None else str(position)}

    @blp.arguments(AssessmentRequestSchema())
    @blp.response(201, AssessmentSchema)
    def post(self, assessment: dict[str, Any], process_id: UUID) -> Answer:
        """Records an assessment held with the community (survey, interview, FGD, observation, social mapping,
        transect walk, seasonal calendar), its meeting and its respondents counted by group and gender."""
        context = step_command(assessment)
        return _written(current_mufakat().assessments.start(context, process_id, **assessment))


@blp.route("/assessments/<uuid:assessment_id>")
class OneAssessment(MethodView):
    """One assessment."""

    @blp.response(200, AssessmentSchema)
    def get(self, assessment_id: UUID) -> Answer:
        """The assessment, its respondents, evidence files and findings, as the caller may read them."""
        return shown(reads.assessment(current_mufakat(), optional_principal(), assessment_id, language()))


@blp.route("/assessments/<uuid:assessment_id>/findings")
class Findings(MethodView):
    """The findings of an assessment."""

    @blp.arguments(FindingRequestSchema())
    @blp.response(201, AssessmentStepSchema)
    def post(self, finding: dict[str, Any], assessment_id: UUID) -> Answer:
        """Records a need or a potential, the groups who raised it and its evidence files (attached first)."""
        context = step_command(finding)
        return _written(current_mufakat().assessments.record_finding(context, assessment_id, **finding))


@blp.route("/assessments/<uuid:assessment_id>/findings/<uuid:finding_id>/corrections")
class FindingCorrections(MethodView):
    """Errata of a finding."""

    @blp.arguments(FindingCorrectionSchema())
    @blp.response(200, AssessmentStepSchema)
    def post(self, correction: dict[str, Any], assessment_id: UUID, finding_id: UUID) -> Answer:
        """Records an erratum of a finding's title or description; the original stays in the record."""
        context = step_command(correction)
        return _written(current_mufakat().assessments.correct_finding(context, assessment_id, finding_id, **correction))


@blp.route("/assessments/<uuid:assessment_id>/findings/<uuid:finding_id>/withdraw")
class FindingWithdrawal(MethodView):
    """Withdrawing a finding."""

    @blp.arguments(FindingWithdrawalSchema())
    @blp.response(200, AssessmentStepSchema)
    def post(self, withdrawal: dict[str, Any], assessment_id: UUID, finding_id: UUID) -> Answer:
        """Withdraws a finding recorded in error, with the reason; it stays on record, marked withdrawn."""
        context = step_command(withdrawal)
        return _written(
            current_mufakat().assessments.withdraw_finding(context, assessment_id, finding_id, **withdrawal)
        )


@blp.route("/assessments/<uuid:assessment_id>/close")
class Closing(MethodView):
    """Closing an assessment."""

    @blp.arguments(WhenSchema(), required=False)
    @blp.response(200, AssessmentSchema)
    def post(self, when: dict[str, Any], assessment_id: UUID) -> Answer:
        """Closes the assessment: nothing more is added (errata and withdrawals still are)."""
        return _written(current_mufakat().assessments.close(step_command(when or {}), assessment_id))


@blp.route("/assessments/<uuid:assessment_id>/evidence")
class Evidence(MethodView):
    """Evidence files of an assessment."""

    @blp.arguments(EvidenceUploadSchema(), location="files")
    @blp.arguments(WhenSchema(), location="form")
    @blp.response(201, AssessmentStepSchema)
    def post(self, upload: dict[str, Any], when: dict[str, Any], assessment_id: UUID) -> Answer:
        """Keeps an evidence file (JPEG, PNG or PDF, at most 10 MB, as multipart/form-data field `file`) by its
        SHA-256; photos lose their EXIF and GPS metadata before they are hashed. Answers the `sha256` to cite.
        The form field `occurred_at` says when it was attached (a photo typed in afterwards), like every step."""
        file = upload["file"]
        content = file.read(MAX_EVIDENCE_BYTES + 1)
        name = (file.filename or "bukti").strip()[:200] or "bukti"
        context = step_command(when or {})
        receipt, sha256 = current_mufakat().assessments.attach_evidence(context, assessment_id, content, name)
        return _written(receipt, sha256=sha256)


@blp.route("/assessments/<uuid:assessment_id>/evidence/<string:sha256>")
class OneEvidence(MethodView):
    """One evidence file."""

    @blp.response(200, content_type="application/octet-stream")
    def get(self, assessment_id: UUID, sha256: str) -> Response:
        """The file's bytes as kept (photos without EXIF/GPS): public only on a public process and only when a
        standing finding cites it; the process's facilitators, auditors and admins read every file attached."""
        content, media_type = reads.evidence_file(current_mufakat(), optional_principal(), assessment_id, sha256)
        response = Response(content, mimetype=media_type)
        response.headers["ETag"] = f'"{sha256}"'
        response.headers["Cache-Control"] = "private, max-age=0"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


@blp.route("/processes/<uuid:process_id>/findings")
class FindingsOfProcess(MethodView):
    """The needs and potentials a process's assessments found, and what answers them."""

    @blp.arguments(FindingsArgs(), location="query")
    @blp.response(200, FindingPageSchema)
    def get(self, args: dict[str, Any], process_id: UUID) -> dict[str, Any]:
        """Lists the findings with the proposals that address them; `unanswered=true`: the needs no adopted
        proposal answers yet (kebutuhan yang belum terjawab), counted by the groups who raised them."""
        return reads.findings_of(
            current_mufakat(),
            optional_principal(),
            process_id,
            args["after"] or 0,
            args["limit"],
            unanswered=args["unanswered"],
            language=language(),
        )


@blp.route("/proposals/<uuid:proposal_id>/links")
class Links(MethodView):
    """What a proposal addresses."""

    @blp.arguments(LinksSchema())
    @blp.response(200, ProposalSchema)
    def post(self, links: dict[str, Any], proposal_id: UUID) -> Answer:
        """Records the findings an undecided proposal addresses (needs it answers, potentials it builds on);
        a finding of another process is 422."""
        context = step_command(links)
        return written(current_mufakat().assessments.link(context, proposal_id, **links))

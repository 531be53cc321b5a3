"""Commitments (tindak lanjut): the follow-up of adopted proposals, and its progress."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from domain.commitment import Commitment
from service.adapters.evidence_files import MAX_EVIDENCE_BYTES
from service.app import queries
from service.app.promises import is_late_promise
from service.app.receipts import Receipt
from service.http.api.answers import Answer, Beside, location, shown, step_command, written
from service.http.auth import command, principal, require_token
from service.http.current import current_mufakat
from service.http.problems import UPLOADS
from service.http.schemas.assessments import EvidenceUploadSchema
from service.http.schemas.commitments import (
    CommitmentEvidenceSchema,
    CommitmentMakingSchema,
    CommitmentRiskSchema,
    CommitmentSchema,
    ProgressSchema,
    RiskReviewSchema,
    RiskSchema,
)
from service.http.schemas.common import SummaryPageSchema, listing_args

blp = Blueprint("commitments", __name__, description="Follow-up of adopted decisions")
blp.before_request(require_token)

UPLOADS["commitments.Evidence"] = MAX_EVIDENCE_BYTES + 64 * 1024


@blp.route("/proposals/<uuid:proposal_id>/commitments")
class Commitments(MethodView):
    """The commitments made on a proposal."""

    @blp.arguments(CommitmentMakingSchema())
    @blp.response(201, CommitmentSchema)
    def post(self, commitment: dict[str, Any], proposal_id: UUID) -> Answer:
        """Records who will do what by when, on an adopted proposal."""
        return written(current_mufakat().commitments.make(step_command(commitment), proposal_id, **commitment))


@blp.route("/processes/<uuid:process_id>/commitments")
class CommitmentsOfProcess(MethodView):
    """The commitments of a process."""

    @blp.arguments(listing_args(("open", "completed", "overdue"))(), location="query")
    @blp.response(200, SummaryPageSchema)
    def get(self, listing: dict[str, Any], process_id: UUID) -> dict[str, Any]:
        """Lists the commitments of a process in order of making; the title is what was promised."""
        ledger = current_mufakat()
        process = queries.readable_process(ledger, process_id, principal(), copy=False)
        found, position = queries.commitments_of(ledger, process, listing["after"], listing["limit"], listing["status"])
        items = [
            {
                "id": c.id,
                "version": c.version,
                "title": c.description,
                "status": "completed" if c.completed else "open",
                "overdue": is_late_promise(ledger.uow, c, ledger.clock().date()),
                "due": c.due.isoformat(),
            }
            for c in found
        ]
        return {"items": items, "next": str(position) if position is not None else None}


@blp.route("/commitments/<uuid:commitment_id>")
class OneCommitment(MethodView):
    """One commitment."""

    @blp.response(200, CommitmentSchema)
    def get(self, commitment_id: UUID) -> Answer:
        """The commitment and how far it got."""
        return shown(queries.readable(current_mufakat(), Commitment, commitment_id, principal()))


@blp.route("/commitments/<uuid:commitment_id>/progress")
class Progress(MethodView):
    """Progress reports."""

    @blp.arguments(ProgressSchema())
    @blp.response(200, CommitmentSchema)
    def post(self, progress: dict[str, Any], commitment_id: UUID) -> Answer:
        """Records a progress report; 100 percent completes the commitment."""
        return written(current_mufakat().commitments.report_progress(step_command(progress), commitment_id, **progress))


@blp.route("/commitments/<uuid:commitment_id>/evidence")
class Evidence(MethodView):
    """Evidence files of a commitment's progress."""

    @blp.arguments(EvidenceUploadSchema(), location="files")
    @blp.response(201, CommitmentEvidenceSchema)
    def post(self, upload: dict[str, Any], commitment_id: UUID) -> Answer:
        """Keeps an evidence file (JPEG, PNG or PDF, at most 10 MB, as multipart/form-data field `file`) by its
        SHA-256; photos lose their EXIF and GPS metadata. Answers the `sha256` a progress report cites."""
        file = upload["file"]
        content = file.read(MAX_EVIDENCE_BYTES + 1)
        name = (file.filename or "bukti").strip()[:200] or "bukti"
        receipt, sha256 = current_mufakat().commitment_evidence.attach(command(), commitment_id, content, name)
        body, headers = written(receipt)
        return Beside(body, sha256=sha256), headers


@blp.route("/commitments/<uuid:commitment_id>/evidence/<string:sha256>")
class OneEvidence(MethodView):
    """One evidence file of a commitment."""

    @blp.response(200, content_type="application/octet-stream")
    def get(self, commitment_id: UUID, sha256: str) -> Response:
        """The file's bytes as kept (photos without EXIF/GPS), to whoever may read the commitment."""
        content, media_type = current_mufakat().commitment_evidence.file(principal(), commitment_id, sha256)
        response = Response(content, mimetype=media_type)
        response.headers["ETag"] = f'"{sha256}"'
        response.headers["Cache-Control"] = "private, max-age=0"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def _with_risk(receipt: Receipt) -> Answer:
    """The commitment as the risk step left it, with the id of the risk beside it; the risk or review it made is
    part of the commitment, so `Location` is the commitment's."""
    body, headers = written(receipt)
    headers["Location"] = location("commitment", receipt.id)
    return Beside(body, risk_id=receipt.part_id), headers


@blp.route("/commitments/<uuid:commitment_id>/risks")
class Risks(MethodView):
    """The risks of a commitment."""

    @blp.arguments(RiskSchema())
    @blp.response(201, CommitmentRiskSchema)
    def post(self, risk: dict[str, Any], commitment_id: UUID) -> Answer:
        """Records a risk to the commitment: description, likelihood and impact (low, medium, high), mitigation and
        its owner (a role, or `{partner_id}` of the process). Outsiders read risks: they are about the programme."""
        return _with_risk(current_mufakat().commitment_risks.identify(step_command(risk), commitment_id, **risk))


@blp.route("/commitments/<uuid:commitment_id>/risks/<uuid:risk_id>/reviews")
class RiskReviews(MethodView):
    """The reviews of a commitment's risk."""

    @blp.arguments(RiskReviewSchema())
    @blp.response(201, CommitmentRiskSchema)
    def post(self, review: dict[str, Any], commitment_id: UUID, risk_id: UUID) -> Answer:
        """Records a review of the risk held at a meeting of the process that opened (while it was open): where the
        risk stands now (open, mitigated, occurred, closed) with an optional note. A closed risk is reviewed no more."""
        context = step_command(review)
        return _with_risk(current_mufakat().commitment_risks.review(context, commitment_id, risk_id, **review))

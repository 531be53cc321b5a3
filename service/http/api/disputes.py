"""Disputes (pengelolaan konflik): open one, mediate it in meetings, record how it ends; read what may be read.

Writes need a token of the process. A restricted dispute (the default) is not found to outsiders; a public one
shows its title, status, parties (groups and organisations, never a person) and dates, never the summaries' words.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from domain.dispute import Dispute
from service.app import disputes as reads
from service.app import queries
from service.app.agreement_sealing import sealed_agreement
from service.app.receipts import Receipt
from service.http.api.answers import Answer, Beside, shown, step_command
from service.http.api.audit import signing_key, signing_key_file
from service.http.auth import optional_principal, principal
from service.http.current import current_mufakat
from service.http.schemas.common import PageArgs
from service.http.schemas.disputes import (
    AgreementRequestSchema,
    AgreementSealingSchema,
    AgreementSealQuerySchema,
    DisputeCorrectionSchema,
    DisputePageSchema,
    DisputeRequestSchema,
    DisputeSchema,
    DisputeStepSchema,
    DropRequestSchema,
    EscalationRequestSchema,
    IssueRequestSchema,
    OptionRequestSchema,
    SessionRequestSchema,
    SummaryRedactionSchema,
)

blp = Blueprint("disputes", __name__, description="Disputes (pengelolaan konflik), mediated with the community")


def _written(receipt: Receipt, part: str | None = None) -> Answer:
    """The answer to a write on a dispute: as its writer reads it, with the id of the part the step made."""
    ledger = current_mufakat()
    found = receipt.aggregate if isinstance(receipt.aggregate, Dispute) else None
    if found is None or found.version != receipt.version:
        found = queries.at_version(ledger, Dispute, receipt.id, receipt.version)
    body: Any = reads.seen(found, principal())
    if part is not None and receipt.part_id is not None:
        body = Beside(body, **{part: receipt.part_id})
    body, headers = shown(body)
    if receipt.created or part is not None:
        # A part made by the step (a session, an issue, an option) is read in the dispute that holds it.
        headers["Location"] = f"/api/v1/disputes/{receipt.id}"
    return body, headers


@blp.route("/processes/<uuid:process_id>/disputes")
class Disputes(MethodView):
    """The disputes of a process."""

    @blp.arguments(PageArgs(), location="query")
    @blp.response(200, DisputePageSchema)
    def get(self, page: dict[str, Any], process_id: UUID) -> dict[str, Any]:
        """Lists the disputes the caller may read, oldest first (outsiders: public ones, without words)."""
        found, position = reads.disputes_of(
            current_mufakat(), optional_principal(), process_id, page["after"] or 0, page["limit"]
        )
        return {"items": found, "next": None if position is None else str(position)}

    @blp.arguments(DisputeRequestSchema())
    @blp.response(201, DisputeSchema)
    def post(self, dispute: dict[str, Any], process_id: UUID) -> Answer:
        """Opens a dispute between groups, partners or named organisations, about a proposal, a commitment, a
        complaint or nothing; restricted unless said public."""
        return _written(current_mufakat().disputes.open(step_command(dispute), process_id, **dispute))


@blp.route("/disputes/<uuid:dispute_id>")
class OneDispute(MethodView):
    """One dispute."""

    @blp.response(200, DisputeSchema)
    def get(self, dispute_id: UUID) -> Answer:
        """The dispute as the caller may read it; a restricted one is not found to outsiders."""
        return shown(reads.dispute(current_mufakat(), optional_principal(), dispute_id))


@blp.route("/disputes/<uuid:dispute_id>/sessions")
class Sessions(MethodView):
    """Mediation sessions of a dispute."""

    @blp.arguments(SessionRequestSchema())
    @blp.response(201, DisputeStepSchema)
    def post(self, session: dict[str, Any], dispute_id: UUID) -> Answer:
        """Records a mediation session held in a meeting of the process, with its summary (sealed)."""
        receipt = current_mufakat().disputes.hold_session(step_command(session), dispute_id, **session)
        return _written(receipt, "session_id")


@blp.route("/disputes/<uuid:dispute_id>/issues")
class Issues(MethodView):
    """Issues at stake in a dispute."""

    @blp.arguments(IssueRequestSchema())
    @blp.response(201, DisputeStepSchema)
    def post(self, issue: dict[str, Any], dispute_id: UUID) -> Answer:
        """Records an issue at stake and what each side needs, not only what it demands."""
        return _written(current_mufakat().disputes.record_issue(step_command(issue), dispute_id, **issue), "issue_id")


@blp.route("/disputes/<uuid:dispute_id>/options")
class Options(MethodView):
    """Options considered in a dispute."""

    @blp.arguments(OptionRequestSchema())
    @blp.response(201, DisputeStepSchema)
    def post(self, option: dict[str, Any], dispute_id: UUID) -> Answer:
        """Records an option considered, for one issue or the whole dispute."""
        receipt = current_mufakat().disputes.consider_option(step_command(option), dispute_id, **option)
        return _written(receipt, "option_id")


@blp.route("/disputes/<uuid:dispute_id>/agreement")
class Agreement(MethodView):
    """The agreement (kesepakatan) that ends a dispute."""

    @blp.arguments(AgreementRequestSchema())
    @blp.response(200, DisputeSchema)
    def post(self, agreement: dict[str, Any], dispute_id: UUID) -> Answer:
        """Records the agreement after mediation: its text, the roles that signed, the commitments it creates."""
        return _written(current_mufakat().disputes.agree(step_command(agreement), dispute_id, **agreement))


@blp.route("/disputes/<uuid:dispute_id>/escalate")
class Escalation(MethodView):
    """A dispute taken beyond the village."""

    @blp.arguments(EscalationRequestSchema())
    @blp.response(200, DisputeSchema)
    def post(self, escalation: dict[str, Any], dispute_id: UUID) -> Answer:
        """Takes the dispute to the BPD, the camat, the police or a court, saying why."""
        return _written(current_mufakat().disputes.escalate(step_command(escalation), dispute_id, **escalation))


@blp.route("/disputes/<uuid:dispute_id>/drop")
class Drop(MethodView):
    """A dispute dropped."""

    @blp.arguments(DropRequestSchema())
    @blp.response(200, DisputeSchema)
    def post(self, drop: dict[str, Any], dispute_id: UUID) -> Answer:
        """Drops the dispute, saying why."""
        return _written(current_mufakat().disputes.drop(step_command(drop), dispute_id, **drop))


@blp.route("/disputes/<uuid:dispute_id>/corrections")
class Corrections(MethodView):
    """Errata of a dispute."""

    @blp.arguments(DisputeCorrectionSchema())
    @blp.response(200, DisputeSchema)
    def post(self, correction: dict[str, Any], dispute_id: UUID) -> Answer:
        """Records an erratum of the title, a summary, the agreement or a reason; the original stays."""
        return _written(current_mufakat().disputes.correct(step_command(correction), dispute_id, **correction))


@blp.route("/disputes/<uuid:dispute_id>/redactions")
class Redactions(MethodView):
    """(admin) Redactions of a dispute's summaries."""

    @blp.arguments(SummaryRedactionSchema())
    @blp.response(200, DisputeSchema)
    def post(self, redaction: dict[str, Any], dispute_id: UUID) -> Answer:
        """(admin) Redacts a session's summary and its errata for good; every hash still verifies."""
        receipt = current_mufakat().dispute_redaction.redact(step_command(redaction), dispute_id, **redaction)
        return _written(receipt)


@blp.route("/disputes/<uuid:dispute_id>/agreement/seal")
class AgreementSeal(MethodView):
    """The agreement sealed as a signed document."""

    @blp.arguments(AgreementSealingSchema())
    @blp.response(201, DisputeSchema)
    def post(self, sealing: dict[str, Any], dispute_id: UUID) -> Answer:
        """Seals the agreement like a berita acara: rendered once, signed with the service's PDF key, its SHA-256
        and the log position it covers recorded in the log (sealing again after an erratum: a new version)."""
        receipt = current_mufakat().agreement_sealing.seal(
            step_command(sealing), dispute_id, **sealing, signing_key=signing_key(), key_file=signing_key_file()
        )
        body, headers = _written(receipt)
        # A replayed sealing answers where its PDF is too: the dispute as that sealing left it says which version.
        sealed = receipt.aggregate
        if not isinstance(sealed, Dispute):
            sealed = current_mufakat().uow.get(Dispute, dispute_id, "dispute", receipt.version, copy=False)
        latest = sealed.agreement_sealings[-1] if sealed.agreement_sealings else None
        if latest is not None:
            headers["Location"] = f"/api/v1/disputes/{dispute_id}/agreement.pdf?sealed={latest['sealed_version']}"
        return body, headers


@blp.route("/disputes/<uuid:dispute_id>/agreement.pdf")
class AgreementPdf(MethodView):
    """The sealed agreement, byte for byte."""

    @blp.arguments(AgreementSealQuerySchema(), location="query")
    @blp.doc(
        responses={
            "200": {
                "description": "the sealed PDF, byte for byte; ETag is its SHA-256",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    )
    def get(self, query: dict[str, Any], dispute_id: UUID) -> Response:
        """Exactly the sealed bytes (the latest sealing unless `?sealed=N`): to those who run or review the
        process, and to anyone for a public dispute whose agreement's text is public; otherwise not found."""
        ledger = current_mufakat()
        pdf = sealed_agreement(ledger, ledger.sealed_documents, optional_principal(), dispute_id, query["sealed"])
        response = Response(pdf.content, mimetype="application/pdf")
        response.headers["ETag"] = f'"{pdf.sha256}"'
        response.headers["Content-Disposition"] = (
            f'inline; filename="kesepakatan-{dispute_id}-v{pdf.sealed_version}.pdf"'
        )
        response.headers["X-Mufakat-Sealed-Version"] = str(pdf.sealed_version)
        return response

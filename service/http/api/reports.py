"""A process's programme report (laporan hasil dan dampak): sealed by its facilitator, served as the sealed bytes.

Reading needs no token on a public process; a restricted process's report is
404 to those who may not read the process.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from domain.programme_report import ProgrammeReport
from service.app.report_sealing import readable_report, report_path, report_summary, sealed_report
from service.http.api.answers import Answer, step_command
from service.http.api.audit import signing_key, signing_key_file
from service.http.auth import optional_principal
from service.http.current import current_mufakat, current_settings
from service.http.schemas.reports import ReportSealingSchema, SealedReportSchema, SealedReportsSchema

blp = Blueprint("reports", __name__, description="Laporan hasil dan dampak: the sealed programme report of a process")

_API = "/api/v1"
_PDF = {
    "200": {
        "description": "the sealed PDF, byte for byte; ETag is its SHA-256",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def sealing_shown(report: ProgrammeReport, record: dict[str, Any]) -> dict[str, Any]:
    """One sealing as the API shows it, with the address of its PDF."""
    return {
        "process_id": report.process_id,
        "version": record["report_version"],
        "sha256": record["sha256"],
        "size": record["size"],
        "position": record["log_position"],
        "language": record["language"],
        "sealed_at": record["sealed_at"],
        "url": _API + report_path(report.process_id, record["report_version"]),
    }


def _pdf(process_id: UUID, report_version: int | None) -> Response:
    mufakat = current_mufakat()
    found = sealed_report(mufakat.uow, mufakat.sealed_documents, optional_principal(), process_id, report_version)
    response = Response(found.content, mimetype="application/pdf")
    response.headers["ETag"] = f'"{found.sha256}"'
    response.headers["Content-Disposition"] = (
        f'inline; filename="laporan-hasil-dan-dampak-{process_id}-v{found.report_version}.pdf"'
    )
    response.headers["X-Mufakat-Report-Version"] = str(found.report_version)
    response.headers["X-Mufakat-Latest"] = "true" if found.latest else "false"
    return response


@blp.route("/processes/<uuid:process_id>/report")
class Report(MethodView):
    """The programme report of a process."""

    @blp.arguments(ReportSealingSchema())
    @blp.response(201, SealedReportSchema)
    def post(self, sealing: dict[str, Any], process_id: UUID) -> Answer:
        """Seals a new programme report: renders the public PDF once from the ledger, signs it, keeps it and records
        its SHA-256 and the ledger position it covers (the process's facilitator or an admin)."""
        context = step_command(sealing)
        mufakat = current_mufakat()
        receipt = mufakat.programme_reports.seal(
            context, process_id, **sealing, signing_key=signing_key(), key_file=signing_key_file()
        )
        report, _ = readable_report(mufakat.uow, context.principal, process_id)
        record = report.sealed(receipt.version)
        assert record is not None
        body = sealing_shown(report, record)
        return body, {"ETag": f'"{receipt.version}"', "Location": body["url"]}

    @blp.doc(responses=_PDF)
    def get(self, process_id: UUID) -> Response:
        """The latest sealed programme report, byte for byte (no token needed on a public process)."""
        return _pdf(process_id, None)


@blp.route("/processes/<uuid:process_id>/report/<int:report_version>.pdf")
class ReportVersion(MethodView):
    """One sealed version of a programme report."""

    @blp.doc(responses=_PDF)
    def get(self, process_id: UUID, report_version: int) -> Response:
        """That version of the programme report, byte for byte, as sealed."""
        return _pdf(process_id, report_version)


@blp.route("/processes/<uuid:process_id>/report/versions")
class ReportVersions(MethodView):
    """What the log recorded of each sealing of a programme report."""

    @blp.response(200, SealedReportsSchema)
    def get(self, process_id: UUID) -> Answer:
        """Every sealed version, oldest first: SHA-256, size, the ledger position it covers and its address."""
        report, _ = readable_report(current_mufakat().uow, optional_principal(), process_id)
        items = [sealing_shown(report, record) for record in report.sealings]
        return {"items": items}, {"ETag": f'"{report.latest_version}"'}


@blp.route("/processes/<uuid:process_id>/report.txt")
class ReportText(MethodView):
    """The programme report in a few lines, for sharing by message."""

    @blp.response(200, content_type="text/plain")
    def get(self, process_id: UUID) -> Response:
        """The latest sealed report's figures, its link and its SHA-256 in a WhatsApp-length text (Bahasa
        Indonesia; English when the browser prefers it)."""
        preferred = request.accept_languages.best_match(["id", "en"])
        public_url = current_settings().public_url.rstrip("/")
        text = report_summary(
            current_mufakat().uow, optional_principal(), process_id, public_url, "en" if preferred == "en" else "id"
        )
        return Response(text + "\n", mimetype="text/plain")

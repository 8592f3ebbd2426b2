"""The documents over HTTP: the session sheet for the lead, the attendance and incident report
and the results for the console, the certificate for anyone holding its code.

Included by the app like the other routers (server_stub/app.py). Renders run in the thread pool,
whatever thread the server itself runs in.
"""

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field

from engine.canonical import utc_text
from server_stub.api.auth import admin, console_session, server_context
from server_stub.api.errors import ERROR_RESPONSES
from server_stub.api.models import ExportRow
from server_stub.certificate_page import lookup_address
from server_stub.context import ServerContext
from server_stub.documents.data import AttendanceReportData
from server_stub.documents.downloads import (
    attendance_report_pdf,
    certificate_pdf,
    session_sheet_pdf,
)
from server_stub.documents.loading import load_attendance_report
from server_stub.exports import session_results

PDF = {200: {"content": {"application/pdf": {}}, "description": "A PDF document"}}
Language = Literal["fr", "en"]


router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)


class ReportCandidate(BaseModel):
    last_name: str
    first_names: str
    birth_date: str
    outcome: str
    answers: int
    started_at: str | None
    ended_at: str | None
    abort_reason: str | None
    device: str
    certification_status: str


class ReportIncident(BaseModel):
    at: str
    candidate_name: str
    kind: str
    subcategory: str
    description: str
    resolution: str


class SessionReport(BaseModel):
    session_number: str
    finalised_at: str | None
    remarks: str | None = Field(description="The invigilators' remarks given at finalisation")
    candidates: list[ReportCandidate]
    incidents: list[ReportIncident]


def _pdf(content: bytes, name: str) -> Response:
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


def _report_body(report: AttendanceReportData) -> dict:
    def instant(moment):
        return utc_text(moment) if moment is not None else None

    return {
        "session_number": report.session.number,
        "finalised_at": instant(report.finalised_at),
        "remarks": report.comment or None,
        "candidates": [
            {
                "last_name": row.candidate.last_name,
                "first_names": row.candidate.first_names,
                "birth_date": row.candidate.birth_date.isoformat(),
                "outcome": row.outcome,
                "answers": row.answers,
                "started_at": instant(row.started_at),
                "ended_at": instant(row.ended_at),
                "abort_reason": row.abort_reason,
                "device": row.device,
                "certification_status": row.certification_status,
            }
            for row in sorted(report.rows, key=lambda row: row.candidate.sort_key)
        ],
        "incidents": [
            {
                "at": utc_text(incident.at),
                "candidate_name": incident.candidate_name,
                "kind": incident.kind,
                "subcategory": incident.subcategory,
                "description": incident.description,
                "resolution": incident.resolution,
            }
            for incident in sorted(report.incidents, key=lambda incident: incident.at)
        ],
    }


@router.get(
    "/admin/sessions/{session_id}/sheet.pdf",
    tags=["planning"],
    responses=PDF,
    dependencies=[Depends(admin)],
)
async def session_sheet(
    session_id: str, lang: Language = "fr", ctx: ServerContext = Depends(server_context)
):
    """The session sheet to print: codes, room, checklist and the sign-in list."""
    content = await run_in_threadpool(session_sheet_pdf, ctx.db, session_id, lang)
    return _pdf(content, f"session-{session_id}.pdf")


@router.get("/console/sessions/{session_id}/report.pdf", tags=["console"], responses=PDF)
async def attendance_report(
    session_id: str = Depends(console_session),
    lang: Language = Query("fr"),
    ctx: ServerContext = Depends(server_context),
):
    """The attendance and incident report (provisional until the session is finalised)."""
    content = await run_in_threadpool(attendance_report_pdf, ctx.db, session_id, lang)
    return _pdf(content, f"proces-verbal-{session_id}.pdf")


@router.get("/console/sessions/{session_id}/report", tags=["console"], response_model=SessionReport)
async def report_summary(
    session_id: str = Depends(console_session), ctx: ServerContext = Depends(server_context)
):
    """What the report holds, for the console's end-of-session screen."""
    report = await run_in_threadpool(load_attendance_report, ctx.db, session_id)
    return _report_body(report)


@router.get(
    "/console/sessions/{session_id}/results", tags=["console"], response_model=list[ExportRow]
)
async def results(
    session_id: str = Depends(console_session), ctx: ServerContext = Depends(server_context)
):
    """The session's results, one row per candidate (as the export)."""
    return await run_in_threadpool(session_results, ctx.db, session_id)


@router.get("/certificates/{verification_code}/certificate.pdf", tags=["public"], responses=PDF)
async def certificate(
    verification_code: str,
    request: Request,
    lang: Language = "fr",
    ctx: ServerContext = Depends(server_context),
):
    """The certificate to print; its QR code and address open the certificate's page at the
    server's public address (`init --public-url`), else at the address this request used."""
    lookup = lookup_address(ctx.data_dir.public_url() or str(request.base_url))
    content = await run_in_threadpool(certificate_pdf, ctx.db, verification_code, lookup, lang)
    return _pdf(content, f"certificat-{verification_code}.pdf")

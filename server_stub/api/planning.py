"""Routes for the certification lead and IT (admin token): sessions, candidates, enrolment
tokens, exports. The `pix-server` commands do the same on the data directory."""

from typing import Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from server_stub import planning
from server_stub.api.auth import admin, server_context
from server_stub.api.errors import ERROR_RESPONSES
from server_stub.api.models import (
    CandidatesImported,
    CandidatesImportRequest,
    DeviceTokenRequest,
    DeviceTokenResponse,
    ExportRow,
    SessionCreated,
    SessionCreateRequest,
    SessionSummary,
)
from server_stub.candidate_import import CandidateImportError, import_warnings
from server_stub.context import ServerContext
from server_stub.enrolment import create_enrolment_token
from server_stub.errors import ApiError
from server_stub.exports import export_csv, session_results
from server_stub.timeline import instant_text

router = APIRouter(
    prefix="/api/v1/admin",
    tags=["planning"],
    responses=ERROR_RESPONSES,
    dependencies=[Depends(admin)],
)


@router.post("/sessions", response_model=SessionCreated, status_code=201)
def create_session(body: SessionCreateRequest, ctx: ServerContext = Depends(server_context)):
    """Plan a session; the answer holds the codes to hand out (access and invigilator)."""
    created = planning.create_session(
        ctx.db,
        centre=body.centre,
        room=body.room,
        exam_date=body.date.isoformat(),
        start_time=body.time,
        invigilator=body.invigilator,
        mode=body.mode,
        now=ctx.now(),
        rehearsal=body.rehearsal,
        minutes=body.minutes,
    )
    return created.__dict__


@router.get("/sessions/{session_id}", response_model=SessionSummary)
def session_summary(session_id: str, ctx: ServerContext = Depends(server_context)):
    with ctx.db.read() as connection:
        row = planning.session_row(connection, ctx.db, session_id)
        count = planning.candidate_count(connection, ctx.db, session_id)
    return {
        "session_id": row.session_id,
        "session_number": row.session_number,
        "access_code": row.access_code,
        "invigilator_code": row.invigilator_code,
        "centre": row.centre,
        "room": row.room,
        "date": row.exam_date,
        "time": row.start_time,
        "invigilator": row.invigilator,
        "mode": row.mode,
        "bank_id": row.bank_id,
        "state": row.state,
        "candidate_count": count,
    }


@router.post(
    "/sessions/{session_id}/candidates", response_model=CandidatesImported, status_code=201
)
def import_candidates(
    session_id: str, body: CandidatesImportRequest, ctx: ServerContext = Depends(server_context)
):
    """Import a candidates CSV (docs/server.md); any bad line refuses the whole file, every
    bad line being listed in `error.details`."""
    try:
        data = body.csv.encode("utf-8")
        ids = planning.import_candidates(ctx.db, session_id, data)
    except CandidateImportError as error:
        raise ApiError(
            "candidates_rejected", details=planning.import_error_details(error)
        ) from None
    warnings = [{"message_fr": fr, "message_en": en} for fr, en in import_warnings(data)]
    return {"imported": len(ids), "candidate_ids": ids, "warnings": warnings}


@router.get(
    "/sessions/{session_id}/export",
    response_model=list[ExportRow],
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def export(
    session_id: str,
    format: Literal["json", "csv"] = Query("json"),
    ctx: ServerContext = Depends(server_context),
):
    """The session's results, one row per candidate (JSON array, or CSV with one column per
    competence)."""
    rows = session_results(ctx.db, session_id)
    if format == "csv":
        return Response(export_csv(rows), media_type="text/csv; charset=utf-8")
    return rows


@router.post("/device-tokens", response_model=DeviceTokenResponse, status_code=201)
def device_token(body: DeviceTokenRequest, ctx: ServerContext = Depends(server_context)):
    """An enrolment token for IT: enrols at most `devices` PCs within `valid_hours`."""
    now = ctx.now()
    token = create_enrolment_token(
        ctx.db, max_devices=body.devices, valid_hours=body.valid_hours, now=now
    )
    return {
        "token": token,
        "max_devices": body.devices,
        "expires_at": instant_text(now + body.valid_hours * 3600),
    }

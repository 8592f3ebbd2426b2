"""The kiosk's intake routes: journal entries as they are written, heads committed while online,
and the final record. Thin: the work is in streaming.py, heads.py and records.py.

Kiosks make most of the server's requests through these three routes, so each answers a
`JSONResponse` of the dictionary it built: the `response_model` documents it (OpenAPI, and the
tests that compare answers with it), and FastAPI does not validate and encode it a second time
(docs/server.md, "Capacity")."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from server_stub.api.dependencies import ContextDep, DeviceDep
from server_stub.api.errors import ERROR_RESPONSES
from server_stub.api.models import (
    EntriesRequest,
    HeadCommitmentRequest,
    HeadCommitmentResponse,
    Receipt,
    RecordResponse,
    RecordUpload,
)
from server_stub.intake.heads import receive_head
from server_stub.intake.records import receive_record
from server_stub.intake.streaming import parse_entries, stream_entries

router = APIRouter(prefix="/api/v1/kiosk", tags=["kiosk"], responses=ERROR_RESPONSES)


@router.post("/exams/{exam_id}/entries", response_model=Receipt)
async def entries(exam_id: str, body: EntriesRequest, device: DeviceDep, ctx: ContextDep):
    """Stream journal entries (idempotent per device, exam and seq); answers the signed receipt
    of the head the server now holds."""
    return JSONResponse(await stream_entries(ctx, device, exam_id, parse_entries(body.entries)))


@router.post("/exams/{exam_id}/record", response_model=RecordResponse)
async def record(exam_id: str, body: RecordUpload, device: DeviceDep, ctx: ContextDep):
    """Upload the sealed record (idempotent per device and exam): verified and scored, or
    quarantined with its reason. Either way the receipt acknowledges the journal head."""
    upload = {"record": body.record, "signature": body.signature}
    if body.entries is not None:
        upload["entries"] = body.entries
    return JSONResponse(await receive_record(ctx, device, exam_id, upload))


@router.post("/exams/{exam_id}/head", response_model=HeadCommitmentResponse)
async def head(exam_id: str, body: HeadCommitmentRequest, device: DeviceDep, ctx: ContextDep):
    """The kiosk's heartbeat: its journal's signed head, every few seconds while online, even
    when entries lag behind. A journal that arrives later must pass through every head kept."""
    commitment = {"commitment": body.commitment, "signature": body.signature}
    return JSONResponse(await receive_head(ctx, device, exam_id, commitment))

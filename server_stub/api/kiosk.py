"""Routes for enrolled kiosks (device token): banks, check-in, ticket, commands, live events
(journal streaming and the final record: server_stub/intake/routes.py)."""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse

from server_stub.api.auth import current_device
from server_stub.api.dependencies import ContextDep, DbDep, DeviceDep
from server_stub.api.errors import ERROR_RESPONSES
from server_stub.api.long_poll import changed
from server_stub.api.models import (
    AlertRequest,
    AlertResponse,
    BankInfo,
    CandidateStatus,
    CheckinRequest,
    CheckinResponse,
    CommandList,
    IncidentRequest,
    IncidentResponse,
    KioskQuitRequest,
    KioskQuitResponse,
    KioskUnlockRequest,
    KioskUnlockResponse,
    SignedTicket,
)
from server_stub.banks import list_banks
from server_stub.checkin import candidate_status, check_in, fetch_ticket
from server_stub.kiosk_commands import commands_after, device_key
from server_stub.kiosk_quit import quit_with_code
from server_stub.live_events import raise_alert, report_incident, unlock_with_code
from server_stub.notifier import candidate_key
from server_stub.timeline import instant_text

router = APIRouter(prefix="/api/v1/kiosk", tags=["kiosk"], responses=ERROR_RESPONSES)


@router.get("/banks", response_model=list[BankInfo], dependencies=[Depends(current_device)])
def banks(db: DbDep):
    """Published sealed banks, newest first."""
    return [{**bank, "published_at": instant_text(bank["published_at"])} for bank in list_banks(db)]


@router.get(
    "/banks/{bank_id}",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "Sealed bank"}},
    dependencies=[Depends(current_device)],
)
def download_bank(bank_id: str, ctx: ContextDep):
    """The sealed bank file (engine/sealed_bank.py); its id is the SHA-256 of these bytes."""
    return FileResponse(ctx.banks.file_path(bank_id), media_type="application/octet-stream")


@router.post("/checkin", response_model=CheckinResponse)
def checkin(
    body: CheckinRequest,
    device: DeviceDep,
    ctx: ContextDep,
):
    """The candidate types session number, access code, name and birth date on this kiosk; the
    kiosk adds its configuration key, refused (`unknown_configuration`) when the server keeps an
    allow-list that lacks it, and the bank edition it holds, refused (`edition_not_held`) when
    the session is planned on another."""
    return check_in(
        ctx,
        device,
        session_number=body.session_number,
        access_code=body.access_code,
        last_name=body.last_name,
        first_names=body.first_names,
        birth_date=body.birth_date.isoformat(),
        config_key=body.config_key,
        app_version=body.app_version,
        bank_id=body.bank_id,
    )


@router.get("/candidates/{candidate_id}", response_model=CandidateStatus)
async def status(
    request: Request,
    candidate_id: str,
    device: DeviceDep,
    ctx: ContextDep,
    wait: Annotated[
        float,
        Query(ge=0, le=60, description="Seconds to wait for the ticket or a change of status"),
    ] = 0,
):
    """The waiting kiosk's long-poll: answers at once when the ticket is ready, else as soon as
    the invigilator authorises or the status changes, at the latest after `wait` seconds."""
    key = candidate_key(candidate_id)
    loop = asyncio.get_running_loop()
    give_up = loop.time() + wait
    first_status = None
    while True:
        version = ctx.notifier.version(key)
        answer = await run_in_threadpool(candidate_status, ctx, device, candidate_id)
        first_status = first_status or answer["status"]
        if (
            answer["ticket_ready"]
            or answer["status"] != first_status
            or not await changed(ctx, request, key, version, give_up)
        ):
            return answer


@router.get("/candidates/{candidate_id}/ticket", response_model=SignedTicket)
def ticket(candidate_id: str, device: DeviceDep, ctx: ContextDep):
    """The signed authorisation ticket with the bank key wrapped for this device."""
    return fetch_ticket(ctx, device, candidate_id)


@router.get("/commands", response_model=CommandList)
async def commands(
    request: Request,
    device: DeviceDep,
    ctx: ContextDep,
    after: Annotated[int, Query(ge=0, le=2**31 - 1, description="Last command number handled")] = 0,
    wait: Annotated[float, Query(ge=0, le=60, description="Seconds to wait for a command")] = 25,
):
    """Long-poll for the invigilator's instructions to this kiosk (numbered, oldest first)."""
    key = device_key(device.device_id)
    loop = asyncio.get_running_loop()
    give_up = loop.time() + wait
    while True:
        version = ctx.notifier.version(key)
        found = await run_in_threadpool(commands_after, ctx.db, device.device_id, after)
        if found or not await changed(ctx, request, key, version, give_up):
            break
    for command in found:
        command["issued_at"] = instant_text(command["issued_at"])
    return {"commands": found, "last_seq": found[-1]["seq"] if found else after}


@router.post("/exams/{exam_id}/alerts", response_model=AlertResponse)
def alert(
    exam_id: str,
    body: AlertRequest,
    device: DeviceDep,
    ctx: ContextDep,
):
    """The candidate raises a live alert on the question on screen."""
    return raise_alert(ctx, device, exam_id, body.item_id)


@router.post("/exams/{exam_id}/incidents", response_model=IncidentResponse)
def incident(
    exam_id: str,
    body: IncidentRequest,
    device: DeviceDep,
    ctx: ContextDep,
):
    """The kiosk left its locked-down state and locked itself (the invigilator must unlock), or
    refused to start its lockdown (`locked` false: the invigilator must fix the PC)."""
    return report_incident(ctx, device, exam_id, body.kind, body.detail, locked=body.locked)


@router.post("/exams/{exam_id}/unlock", response_model=KioskUnlockResponse)
def unlock(
    exam_id: str,
    body: KioskUnlockRequest,
    device: DeviceDep,
    ctx: ContextDep,
):
    """The invigilator unlocks the kiosk on the spot with the invigilator code (same lockout as
    the console sign-in)."""
    return unlock_with_code(ctx, device, exam_id, body.invigilator_code)


@router.post("/quit", response_model=KioskQuitResponse)
def quit_kiosk(
    body: KioskQuitRequest,
    device: DeviceDep,
    ctx: ContextDep,
):
    """The invigilator quits this kiosk in secure mode with the invigilator code (same lockout
    as the console sign-in; every quit is in the security log)."""
    return quit_with_code(
        ctx,
        device,
        session_number=body.session_number,
        code=body.invigilator_code,
        exam_id=body.exam_id,
    )

"""Routes for the invigilator console: sign in with the invigilator code, then act on one session
(console token)."""

import asyncio

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool

from server_stub import closing, console
from server_stub.api.auth import console_session, server_context
from server_stub.api.errors import ERROR_RESPONSES
from server_stub.api.long_poll import changed
from server_stub.api.models import (
    AlertDecision,
    AlertValidation,
    AuthoriseResponse,
    CandidateIds,
    CandidateStatusChange,
    EndRequest,
    EndResponse,
    ExtraTimeRequest,
    FinaliseRequest,
    IssueReportRequest,
    IssueReportResponse,
    RoomStatus,
    SessionState,
    SignInRequest,
    SignInResponse,
    TimingResponse,
    UnlockResponse,
)
from server_stub.context import ServerContext
from server_stub.errors import ApiError
from server_stub.notifier import room_key
from server_stub.room import room_status

router = APIRouter(prefix="/api/v1/console", tags=["console"], responses=ERROR_RESPONSES)
SESSION = "/sessions/{session_id}"
CANDIDATE = SESSION + "/candidates/{candidate_id}"


@router.post("/sign-in", response_model=SignInResponse)
def sign_in(request: Request, body: SignInRequest, ctx: ServerContext = Depends(server_context)):
    """Session number + invigilator code; 5 failures from one address lock that address out
    for 15 min (an unknown session number counts as a wrong code)."""
    return console.sign_in(
        ctx,
        session_number=body.session_number,
        invigilator_code=body.invigilator_code,
        address=request.client.host if request.client else None,
    )


@router.get(SESSION + "/room", response_model=RoomStatus)
async def room(
    request: Request,
    session_id: str = Depends(console_session),
    since: str | None = Query(None, max_length=100, description="`version` last received"),
    wait: float = Query(0, ge=0, le=60, description="Seconds to wait for a change"),
    ctx: ServerContext = Depends(server_context),
):
    """The room, one line per candidate; with `since` and `wait`, a long-poll for the next
    change."""
    key = room_key(session_id)
    if since is not None and not ctx.notifier.changed_since(key, since):
        await changed(ctx, request, key, since, asyncio.get_running_loop().time() + wait)
    return await run_in_threadpool(room_status, ctx, session_id)


@router.post(CANDIDATE + "/authorise", response_model=AuthoriseResponse)
def authorise(
    candidate_id: str,
    session_id: str = Depends(console_session),
    ctx: ServerContext = Depends(server_context),
):
    """Let a waiting candidate start, or resume after a crash."""
    return console.authorise(ctx, session_id, candidate_id)


@router.post(CANDIDATE + "/pause", response_model=TimingResponse)
def pause(
    candidate_id: str,
    session_id: str = Depends(console_session),
    ctx: ServerContext = Depends(server_context),
):
    return console.pause(ctx, session_id, candidate_id)


@router.post(CANDIDATE + "/resume", response_model=TimingResponse)
def resume(
    candidate_id: str,
    session_id: str = Depends(console_session),
    ctx: ServerContext = Depends(server_context),
):
    return console.resume(ctx, session_id, candidate_id)


@router.post(SESSION + "/pause-all", response_model=CandidateIds)
def pause_all(
    session_id: str = Depends(console_session), ctx: ServerContext = Depends(server_context)
):
    """Pause every candidate whose test is in progress."""
    ids = console.running_candidates(ctx, session_id)
    for candidate_id in ids:
        console.pause(ctx, session_id, candidate_id)
    return {"candidate_ids": ids}


@router.post(SESSION + "/resume-all", response_model=CandidateIds)
def resume_all(
    session_id: str = Depends(console_session), ctx: ServerContext = Depends(server_context)
):
    ids = console.running_candidates(ctx, session_id)
    for candidate_id in ids:
        console.resume(ctx, session_id, candidate_id)
    return {"candidate_ids": ids}


@router.post(CANDIDATE + "/extra-time", response_model=TimingResponse)
def extra_time(
    candidate_id: str,
    body: ExtraTimeRequest,
    session_id: str = Depends(console_session),
    ctx: ServerContext = Depends(server_context),
):
    """Add minutes to a candidate's time; the kiosk receives the new deadline."""
    return console.add_extra_time(ctx, session_id, candidate_id, body.minutes)


@router.post(CANDIDATE + "/end", response_model=EndResponse)
def end(
    candidate_id: str,
    body: EndRequest,
    session_id: str = Depends(console_session),
    ctx: ServerContext = Depends(server_context),
):
    """End a candidate's test with an abort reason (candidate or technical)."""
    return console.end_exam(ctx, session_id, candidate_id, body.abort_reason)


@router.post(CANDIDATE + "/absent", response_model=CandidateStatusChange)
def absent(
    candidate_id: str,
    session_id: str = Depends(console_session),
    ctx: ServerContext = Depends(server_context),
):
    return console.mark_absent(ctx, session_id, candidate_id)


@router.post(CANDIDATE + "/release", response_model=CandidateStatusChange)
def release(
    candidate_id: str,
    session_id: str = Depends(console_session),
    ctx: ServerContext = Depends(server_context),
):
    """Move a candidate checked in but not started to another PC: their check-in is undone
    (journaled), so that they check in again on the PC the invigilator chose."""
    return console.release_candidate(ctx, session_id, candidate_id)


@router.post(CANDIDATE + "/issue-reports", response_model=IssueReportResponse)
def issue_report(
    candidate_id: str,
    body: IssueReportRequest,
    session_id: str = Depends(console_session),
    ctx: ServerContext = Depends(server_context),
):
    """An issue report (DESIGN §4 categories); IN_CHALLENGE ones may neutralise a question."""
    return console.report_issue(
        ctx,
        session_id,
        candidate_id,
        category=body.category,
        subcategory=body.subcategory,
        item_id=body.item_id,
        question_number=body.question_number,
        description=body.description,
    )


@router.post(SESSION + "/alerts/{alert_id}/validate", response_model=AlertDecision)
def validate_alert(
    alert_id: str,
    body: AlertValidation,
    session_id: str = Depends(console_session),
    ctx: ServerContext = Depends(server_context),
):
    """Validate a live alert with an IN_CHALLENGE subcategory: the question is replaced."""
    return console.resolve_alert(ctx, session_id, alert_id, body.subcategory)


@router.post(SESSION + "/alerts/{alert_id}/dismiss", response_model=AlertDecision)
def dismiss_alert(
    alert_id: str,
    session_id: str = Depends(console_session),
    ctx: ServerContext = Depends(server_context),
):
    return console.resolve_alert(ctx, session_id, alert_id, None)


@router.post(SESSION + "/incidents/{incident_id}/unlock", response_model=UnlockResponse)
def unlock(
    incident_id: str,
    session_id: str = Depends(console_session),
    ctx: ServerContext = Depends(server_context),
):
    """Unlock a kiosk that locked itself after a security incident."""
    return console.unlock(ctx, session_id, incident_id)


@router.post(SESSION + "/finalise", response_model=SessionState)
def finalise(
    body: FinaliseRequest | None = None,
    session_id: str = Depends(console_session),
    ctx: ServerContext = Depends(server_context),
):
    """Close the session: absentees marked, every result re-scored with the issue reports; the
    invigilators' remarks (optional) go on the attendance report."""
    return closing.finalise(ctx, session_id, body.remarks if body is not None else None)


@router.post(SESSION + "/publish", response_model=SessionState)
def publish(session_id: str = Depends(console_session)):
    """Refused (403 `publication_by_lead`): the invigilator finalises, reviewers decide, and the
    school's certification lead publishes (POST /api/v1/review/sessions/{id}/publish)."""
    raise ApiError("publication_by_lead")

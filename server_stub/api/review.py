"""Routes for review before publication, authenticated by member account (review_auth.py):
sign in, read the queue and a certification's evidence (reviewer), decide (reviewer), publish a
session (lead)."""

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sqlalchemy import select

from server_stub.api.auth import server_context
from server_stub.api.errors import ERROR_RESPONSES
from server_stub.api.models import Textual
from server_stub.api.practice import source_address
from server_stub.api.review_auth import current_account, require_role
from server_stub.context import ServerContext
from server_stub.errors import ApiError
from server_stub.review.decisions import decide
from server_stub.review.publication import publish_session
from server_stub.review.queue import certification_evidence, pending_certifications
from server_stub.schools.accounts import Account, AccountError, authenticate
from server_stub.schools.feed_tokens import ACCOUNT_AUDIENCE, ACCOUNT_LIFETIME_S, issue_token
from server_stub.schools.orgs import default_uai

router = APIRouter(prefix="/api/v1", tags=["review"], responses=ERROR_RESPONSES)


class AccountSignIn(Textual):
    login: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class AccountToken(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    account: dict[str, Any]


class DecisionRequest(Textual):
    decision: Literal["validate", "cancel", "reject", "neutralise"]
    reason: str = Field(max_length=2000)
    item_id: str | None = Field(default=None, max_length=200)


@router.post("/accounts/sign-in", response_model=AccountToken)
def account_sign_in(
    body: AccountSignIn, request: Request, ctx: ServerContext = Depends(server_context)
):
    """A member account's login and password for a bearer token (15 minutes). Wrong attempts
    slow down the address that makes them (sign_in_throttle.py), never lock the account;
    every checked attempt is in the audit log (attempts refused during a wait are not)."""
    now = ctx.now()
    try:
        account = authenticate(
            ctx.db, body.login, body.password, source=source_address(request), now=now
        )
    except AccountError as error:
        raise ApiError("account_sign_in_refused", detail_fr=error.fr, detail_en=error.en) from None
    token = issue_token(
        ctx.server_key,
        client_id=account.login,
        scope="account",
        now=now,
        audience=ACCOUNT_AUDIENCE,
        lifetime_s=ACCOUNT_LIFETIME_S,
    )
    return {"access_token": token, "expires_in": ACCOUNT_LIFETIME_S, "account": account.to_dict()}


@router.get("/review/queue")
def review_queue(
    session: str | None = Query(None, max_length=100),
    uai: str | None = Query(None, max_length=20),
    account: Account = Depends(current_account),
    ctx: ServerContext = Depends(server_context),
) -> list[dict[str, Any]]:
    """The pending certifications of the schools this account reviews."""
    return [
        item
        for item in pending_certifications(ctx.db, session_id=session, uai=uai)
        if account.has_role("reviewer", item["uai"])
    ]


@router.get("/review/certifications/{candidate_id}")
def review_certification(
    candidate_id: str,
    account: Account = Depends(current_account),
    ctx: ServerContext = Depends(server_context),
) -> dict[str, Any]:
    """One certification with its evidence: timeline, incidents, reports, replay, decisions."""
    evidence = certification_evidence(ctx.db, candidate_id, ctx.banks)
    require_role(account, "reviewer", evidence["uai"])
    return evidence


@router.post("/review/certifications/{candidate_id}/decisions")
async def review_decide(
    candidate_id: str,
    body: DecisionRequest,
    account: Account = Depends(current_account),
    ctx: ServerContext = Depends(server_context),
) -> dict[str, Any]:
    """A reviewer's decision with its reason, recorded with its author in the audit log."""
    return await run_in_threadpool(
        decide,
        ctx.db,
        ctx.banks,
        candidate_id=candidate_id,
        decision=body.decision,
        reason=body.reason,
        reviewer=account,
        item_id=body.item_id,
        now=ctx.now(),
    )


@router.post("/review/sessions/{session_id}/publish")
def review_publish(
    session_id: str,
    account: Account = Depends(current_account),
    ctx: ServerContext = Depends(server_context),
) -> dict[str, Any]:
    """The lead publishes a finalised session; 409 with the pending list while any remains."""
    sessions = ctx.db.tables["sessions"]
    with ctx.db.read() as connection:
        uai = connection.scalar(
            select(sessions.c.uai).where(sessions.c.session_id == session_id)
        ) or default_uai(connection, ctx.db)
    require_role(account, "lead", uai)
    return publish_session(ctx.db, session_id, actor=f"account:{account.login}", now=ctx.now())

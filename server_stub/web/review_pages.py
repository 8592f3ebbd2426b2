"""Review before publication in the web space: a reviewer's queue, a certification's evidence
and the reviewer's decisions; the lead's publication of a session.

The same service functions as `pix-server review` and `pix-server session publish`
(server_stub/review/): the queue and evidence (queue.py), `decide` (decisions.py, which also
checks the reviewer's role and records the decision with its author in the audit log) and
`publish_session` (publication.py, refused while anything is pending). The account is read
again at every request (web_sessions.py), so a withdrawn role stops at once; every POST is
CSRF-checked and answers with a redirect (Post/Redirect/Get).
"""

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from server_stub.context import ServerContext
from server_stub.documents.wording import code_label
from server_stub.errors import ApiError
from server_stub.results import NEUTRALISABLE_STATUSES
from server_stub.review.decisions import DECISIONS, MAX_REASON, decide
from server_stub.review.publication import publish_session
from server_stub.review.queue import certification_evidence, pending_certifications
from server_stub.schools.accounts import Account
from server_stub.schools.orgs import list_organisations
from server_stub.schools.sessions import session_sheet
from server_stub.web.routes import (
    FieldError,
    _both,
    _ctx,
    _forbidden,
    _guarded,
    _not_found,
    _redirect,
    _render,
    _school,
    templates,
)
from server_stub.web.web_sessions import WebSession

router = APIRouter(prefix="/web", include_in_schema=False)


def _when(instant: float | None) -> str:
    """A server instant as the reviewer reads it (the server's local time)."""
    if instant is None:
        return "—"
    return datetime.fromtimestamp(instant).strftime("%Y-%m-%d %H:%M:%S")


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


def reviews_somewhere(account: Account | None) -> bool:
    """Whether the account reviews some school (the navigation shows the queue to it)."""
    return account is not None and (
        account.is_admin or any(grant["role"] == "reviewer" for grant in account.roles)
    )


templates.filters["when"] = _when
templates.filters["duration"] = _duration
templates.globals["reviews_somewhere"] = reviews_somewhere
# Issue-report categories, incident kinds and abort reasons by their labels, as the printed
# attendance report words them.
templates.globals["code_label"] = code_label


async def _signed_in(request: Request, post: bool = False):
    """(session, account, form), or a ready response (sign-in page, CSRF refusal). The
    session reads the account again at every request (web_sessions.py)."""
    session, _, form = await _guarded(request, post=post)
    if not isinstance(session, WebSession):
        return session, None, None
    return session, session.account, form


@router.get("/review")
async def review_queue(request: Request) -> Response:
    session, account, _ = await _signed_in(request)
    if account is None:
        return session
    if not reviews_somewhere(account):
        return _forbidden(request, session, "reviewer")
    db = _ctx(request).db
    queue = [
        item
        for item in await run_in_threadpool(pending_certifications, db)
        if account.has_role("reviewer", item["uai"])
    ]
    names = {o.uai: o.name for o in await run_in_threadpool(list_organisations, db)}
    return _render(request, session, "review_queue.html", page="review", queue=queue, names=names)


@router.get("/review/{candidate_id}")
async def review_certification(request: Request, candidate_id: str) -> Response:
    session, account, _ = await _signed_in(request)
    if account is None:
        return session
    return await _evidence_page(request, session, account, candidate_id)


async def _evidence_page(
    request: Request,
    session: WebSession,
    account: Account,
    candidate_id: str,
    status: int = 200,
    **context: Any,
) -> Response:
    ctx: ServerContext = _ctx(request)
    try:
        evidence = await run_in_threadpool(certification_evidence, ctx.db, candidate_id, ctx.banks)
    except ApiError as error:
        if error.code != "review_candidate_not_found":
            raise
        return _not_found(request, session)
    if not account.has_role("reviewer", evidence["uai"]):
        return _forbidden(request, session, "reviewer")
    sheet = await run_in_threadpool(session_sheet, ctx.db, evidence["uai"], evidence["session_id"])
    answers = evidence["replay"].get("answers", [])
    neutralised = {d["item_id"] for d in evidence["decisions"] if d["decision"] == "neutralise"}
    return _render(
        request,
        session,
        "review_certification.html",
        status=status,
        page="review",
        evidence=evidence,
        sheet=sheet,
        answers=answers,
        neutralised=neutralised,
        neutralisable=[
            a
            for a in answers
            if a["status"] in NEUTRALISABLE_STATUSES and a["item_id"] not in neutralised
        ],
        decisions=DECISIONS,
        max_reason=MAX_REASON,
        values=context.pop("values", {}),
        **context,
    )


@router.post("/review/{candidate_id}/decisions")
async def review_decide(request: Request, candidate_id: str) -> Response:
    session, account, form = await _signed_in(request, post=True)
    if account is None:
        return session
    values = {name: str(form.get(name, "")).strip() for name in ("decision", "item_id", "reason")}
    errors = []
    if values["decision"] not in DECISIONS:
        errors.append(FieldError("decision-validate", *_both("error.decision_missing")))
    if values["decision"] == "neutralise" and not values["item_id"]:
        errors.append(FieldError("item-id", *_both("error.item_missing")))
    if not values["reason"]:
        errors.append(FieldError("reason", *_both("error.reason_missing")))
    status = 422
    if not errors:
        ctx = _ctx(request)
        try:
            await run_in_threadpool(
                lambda: decide(
                    ctx.db,
                    ctx.banks,
                    candidate_id=candidate_id,
                    decision=values["decision"],
                    reason=values["reason"],
                    reviewer=account,
                    item_id=values["item_id"] if values["decision"] == "neutralise" else None,
                    now=ctx.now(),
                )
            )
        except ApiError as refused:
            if refused.code == "review_candidate_not_found":
                return _not_found(request, session)
            if refused.code == "review_role_required":
                return _forbidden(request, session, "reviewer")
            field = "item-id" if values["decision"] == "neutralise" else "decision-validate"
            errors.append(FieldError(field, refused.fr, refused.en))
            status = refused.status
        else:
            session.flash.append(("flash.decided", {"decision": values["decision"]}))
            return _redirect(request, session, f"/web/review/{candidate_id}")
    return await _evidence_page(
        request, session, account, candidate_id, status=status, errors=errors, values=values
    )


@router.get("/schools/{uai}/sessions/{session_id}/publication")
async def publication_page(request: Request, uai: str, session_id: str) -> Response:
    session, account, _ = await _signed_in(request)
    if account is None:
        return session
    return await _publication(request, session, account, uai, session_id)


async def _publication(
    request: Request,
    session: WebSession,
    account: Account,
    uai: str,
    session_id: str,
    status: int = 200,
    **context: Any,
) -> Response:
    db = _ctx(request).db
    school = await run_in_threadpool(_school, _ctx(request), account, uai)
    if school is None:
        return _forbidden(request, session, "role")
    sheet = await run_in_threadpool(session_sheet, db, school.uai, session_id)
    if sheet is None:
        return _not_found(request, session)
    pending = []
    if sheet["state"] == "finalised":
        pending = await run_in_threadpool(lambda: pending_certifications(db, session_id=session_id))
    return _render(
        request,
        session,
        "publication.html",
        status=status,
        page="sessions",
        school=school,
        sheet=sheet,
        pending=pending,
        **context,
    )


@router.post("/schools/{uai}/sessions/{session_id}/publication")
async def publish(request: Request, uai: str, session_id: str) -> Response:
    session, account, _ = await _signed_in(request, post=True)
    if account is None:
        return session
    ctx = _ctx(request)
    school = await run_in_threadpool(_school, ctx, account, uai)
    if school is None:
        return _forbidden(request, session, "role")
    sheet = await run_in_threadpool(session_sheet, ctx.db, school.uai, session_id)
    if sheet is None:
        return _not_found(request, session)
    try:
        await run_in_threadpool(
            lambda: publish_session(
                ctx.db, session_id, actor=f"account:{account.login}", now=ctx.now()
            )
        )
    except ApiError as refused:
        errors = [FieldError("pending-title", refused.fr, refused.en)]
        return await _publication(
            request, session, account, uai, session_id, status=refused.status, errors=errors
        )
    session.flash.append(("flash.published", {"number": sheet["session_number"]}))
    return _redirect(
        request, session, f"/web/schools/{school.uai}/sessions/{session_id}/publication"
    )

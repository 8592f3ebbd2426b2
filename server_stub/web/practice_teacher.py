"""A school's practice campaigns for its teachers (and leads) under /web/schools/{uai}/campaigns:
create one for classes (and print the class sheet of logins and first-login codes), follow
participation as it happens (the page updates its table every few seconds through a small
script; without it, a refresh link), give a student who forgot their password a new code (one
reprinted sheet line), close and archive; the results as a class × competence heat map, per student
with certifiability and the evolution between sendings, and per grade across the school.

The same functions as `pix-server campaign` do the work, with the account as the audit log's
actor; every POST carries the session's CSRF token.
"""

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from engine.canonical import BilingualError
from engine.referential import AREAS, COMPETENCES
from server_stub.practice import content
from server_stub.practice.campaigns import (
    KINDS,
    Campaign,
    change_status,
    create_campaign,
    get_campaign,
    school_campaigns,
)
from server_stub.practice.results import heat_map, school_latest_profiles
from server_stub.practice.sendings import (
    campaign_csv,
    campaign_rows,
    french_time,
    student_sendings,
)
from server_stub.practice.student_accounts import class_sheet, code_key, reset_code
from server_stub.schools.orgs import Organisation, list_organisations
from server_stub.schools.roster import list_students
from server_stub.web.i18n import translator
from server_stub.web.routes import (
    FieldError,
    _both,
    _ctx,
    _forbidden,
    _or_refused,
    _redirect,
    _render,
    _session,
    _with_cookie,
)
from server_stub.web.web_sessions import WebSession, csrf_ok

FOLLOW_SCRIPT = (Path(__file__).parent / "static" / "follow.js").read_bytes()
router = APIRouter(prefix="/web/schools/{uai}", include_in_schema=False)
static = APIRouter(prefix="/web/static", include_in_schema=False)


@static.get("/follow.js")
def follow_script() -> Response:
    """The campaign page's live follow (the only script of the web space; the page works
    without it)."""
    return Response(
        FOLLOW_SCRIPT,
        media_type="text/javascript",
        headers={"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


def _teaching_school(request: Request, account, uai: str) -> Organisation | None:
    return next(
        (
            o
            for o in list_organisations(_ctx(request).db)
            if o.uai == uai.upper()
            and (account.has_role("teacher", o.uai) or account.has_role("lead", o.uai))
        ),
        None,
    )


async def _guarded(request: Request, uai: str, post: bool = False, code: str | None = None):
    """(session, school, form, campaign) of a teacher or lead of the school, or a ready
    response in the first place (sign-in, 403 without the role or the CSRF token, 404 for a
    campaign of another school)."""
    session = _session(request)
    form = await request.form() if post else None
    if post and not csrf_ok(session, form.get("csrf_token")):
        return _forbidden(request, session, "csrf"), None, None, None
    if session.account is None:
        return _redirect(request, session, "/web/"), None, None, None
    school = await run_in_threadpool(_teaching_school, request, session.account, uai)
    if school is None:
        return _forbidden(request, session, "role"), None, None, None
    found = None
    if code is not None:
        try:
            found = await run_in_threadpool(get_campaign, _ctx(request).db, code)
        except BilingualError:
            found = None
        if found is None or found.uai != school.uai:
            page = _render(request, session, "practice/not_found.html", status=404, school=school)
            return page, None, None, None
    return session, school, form, found


async def _with_rows(request: Request, uai: str, code: str):
    """(session, school, campaign, its export rows) for a teacher or lead of the school, or a
    ready response in the first place (as `_guarded`)."""
    session, school, _, found = await _guarded(request, uai, code=code)
    if not isinstance(session, WebSession):
        return session, None, None, None
    rows = await run_in_threadpool(campaign_rows, _ctx(request).db, found.code)
    return session, school, found, rows


def _actor(session: WebSession) -> str:
    return f"account:{session.account.login}"


@router.get("/campaigns")
async def campaigns_page(request: Request, uai: str) -> Response:
    session, school, _, _ = await _guarded(request, uai)
    if not isinstance(session, WebSession):
        return session
    return await _campaigns(request, session, school, values={"kind": "profiles-collection"})


async def _campaigns(
    request: Request, session: WebSession, school: Organisation, **context: Any
) -> Response:
    db = _ctx(request).db
    found = await run_in_threadpool(
        lambda: school_campaigns(
            db, school.uai, archived=request.query_params.get("archived") == "1"
        )
    )
    students = await run_in_threadpool(list_students, db, school.uai)
    return _render(
        request,
        session,
        "practice/campaigns.html",
        status=422 if context.get("errors") else 200,
        page="campaigns",
        school=school,
        campaigns=found,
        classes=sorted({s["division"] for s in students}),
        catalogue=[content.parcours_dict(p) for p in content.catalogue()],
        kinds=KINDS,
        **context,
    )


@router.post("/campaigns")
async def campaign_create(request: Request, uai: str) -> Response:
    session, school, form, _ = await _guarded(request, uai, post=True)
    if not isinstance(session, WebSession):
        return session
    values = {
        "divisions": [str(d) for d in form.getlist("divisions")],
        "kind": str(form.get("kind", "")),
        "parcours": str(form.get("parcours", "")).strip(),
        "multiple_sendings": form.get("multiple_sendings") == "on",
        "title": str(form.get("title", "")).strip(),
        "rehearsal": form.get("rehearsal") == "on",
    }
    errors = []
    if not values["divisions"]:
        errors.append(FieldError("divisions", *_both("practice.error.classes_missing")))
    if values["kind"] not in KINDS:
        errors.append(FieldError("kind", *_both("practice.error.kind_missing")))
    if errors:
        return await _campaigns(request, session, school, values=values, errors=errors)
    ctx = _ctx(request)

    def create_and_print():
        created = create_campaign(
            ctx.db,
            uai=school.uai,
            divisions=values["divisions"],
            kind=values["kind"],
            parcours_id=values["parcours"] or None,
            multiple_sendings=values["multiple_sendings"] and values["kind"] != "assessment",
            title=values["title"],
            now=ctx.clock(),
            actor=_actor(session),
            rehearsal=values["rehearsal"],
        )
        return created, _sheet(ctx, created, session)

    try:
        created, sheet = await run_in_threadpool(create_and_print)
    except BilingualError as refused:
        field = "parcours" if "parcours" in refused.en else "divisions"
        errors = [FieldError(field, refused.fr, refused.en)]
        return await _campaigns(request, session, school, values=values, errors=errors)
    return _render_sheet(request, session, school, created, sheet, created_now=True)


def _sheet(ctx, found: Campaign, session: WebSession) -> list[dict[str, Any]]:
    return class_sheet(
        ctx.db,
        code_key(ctx.server_key),
        uai=found.uai,
        divisions=found.divisions,
        now=ctx.clock(),
        actor=_actor(session),
    )


def _render_sheet(
    request, session, school, found, sheet, created_now=False, reset=False
) -> Response:
    return _render(
        request,
        session,
        "practice/sheet.html",
        page="campaigns",
        school=school,
        campaign=found,
        sheet=sheet,
        created_now=created_now,
        reset=reset,
        address=str(request.base_url).rstrip("/") + "/web/practice/",
    )


@router.post("/campaigns/{code}/sheet")
async def campaign_sheet(request: Request, uai: str, code: str) -> Response:
    session, school, _, found = await _guarded(request, uai, post=True, code=code)
    if not isinstance(session, WebSession):
        return session
    ctx = _ctx(request)
    sheet = await run_in_threadpool(_sheet, ctx, found, session)
    return _render_sheet(request, session, school, found, sheet)


@router.get("/campaigns/{code}")
async def campaign_page(request: Request, uai: str, code: str) -> Response:
    session, school, found, rows = await _with_rows(request, uai, code)
    if not isinstance(session, WebSession):
        return session
    return _render(
        request,
        session,
        "practice/campaign.html",
        page="campaigns",
        school=school,
        campaign=found,
        rows=rows,
        started=sum(r["started"] for r in rows),
        sent=sum(r["sent"] for r in rows),
    )


@router.get("/campaigns/{code}/participation.json")
async def campaign_participation(request: Request, uai: str, code: str) -> Response:
    """What the campaign page's script writes into its table: the summary sentence and, per
    student, the participation cells as the page shows them (in the session's language)."""
    session, _school, _found, rows = await _with_rows(request, uai, code)
    if not isinstance(session, WebSession):
        return session
    t = translator(session.lang)
    body = {
        "summary": t(
            "practice.campaign.counts",
            students=len(rows),
            started=sum(r["started"] for r in rows),
            sent=sum(r["sent"] for r in rows),
        ),
        "rows": {
            r["student_id"]: {
                "started": t("yes") if r["started"] else t("no"),
                "answers": str(r["answers"]),
                "finished": t("yes") if r["finished"] else t("no"),
                "sendings": str(r["sendings"]),
                "last_seen": french_time(r["last_seen_at"]) or "—",
            }
            for r in rows
        },
    }
    return _with_cookie(request, JSONResponse(body), session)


@router.post("/campaigns/{code}/students/{student_id}/reset")
async def student_reset(request: Request, uai: str, code: str, student_id: str) -> Response:
    """A new first-login code for one student of the campaign (forgotten password): the sheet,
    reprinted for that one line."""
    session, school, _, found = await _guarded(request, uai, post=True, code=code)
    if not isinstance(session, WebSession):
        return session
    ctx = _ctx(request)
    line = await _or_refused(
        request,
        session,
        lambda: reset_code(
            ctx.db,
            code_key(ctx.server_key),
            uai=school.uai,
            student_id=student_id,
            now=ctx.clock(),
            actor=_actor(session),
            divisions=found.divisions,
        ),
        back_to=f"/web/schools/{school.uai}/campaigns/{found.code}",
    )
    if isinstance(line, Response):
        return line
    return _render_sheet(request, session, school, found, [line], reset=True)


@router.post("/campaigns/{code}/{step}")
async def campaign_step(request: Request, uai: str, code: str, step: str) -> Response:
    session, school, _, found = await _guarded(request, uai, post=True, code=code)
    if not isinstance(session, WebSession):
        return session
    target = {"close": "closed", "archive": "archived"}.get(step)
    if target is None:
        return _forbidden(request, session, "role")
    ctx = _ctx(request)
    try:
        await run_in_threadpool(
            lambda: change_status(
                ctx.db, found.code, target, now=ctx.clock(), actor=_actor(session)
            )
        )
    except BilingualError as refused:
        session.flash.append(("practice.flash.refused", {"fr": refused.fr, "en": refused.en}))
    else:
        session.flash.append((f"practice.flash.{target}", {"code": found.code}))
    return _redirect(request, session, f"/web/schools/{school.uai}/campaigns/{found.code}")


@router.get("/campaigns/{code}/results")
async def campaign_results(request: Request, uai: str, code: str) -> Response:
    session, school, found, rows = await _with_rows(request, uai, code)
    if not isinstance(session, WebSession):
        return session
    return _render(
        request,
        session,
        "practice/results.html",
        page="campaigns",
        school=school,
        campaign=found,
        rows=rows,
        heat=heat_map(rows),
        competences=COMPETENCES,
        areas=AREAS,
    )


@router.get("/campaigns/{code}/students/{student_id}")
async def campaign_student(request: Request, uai: str, code: str, student_id: str) -> Response:
    session, school, found, rows = await _with_rows(request, uai, code)
    if not isinstance(session, WebSession):
        return session
    row = next((r for r in rows if r["student_id"] == student_id), None)
    if row is None:
        return _render(request, session, "practice/not_found.html", status=404, school=school)
    sendings = await run_in_threadpool(student_sendings, _ctx(request).db, found.code, student_id)
    return _render(
        request,
        session,
        "practice/student.html",
        page="campaigns",
        school=school,
        campaign=found,
        row=row,
        sendings=sendings,
        competences=COMPETENCES,
    )


@router.get("/campaigns/{code}/export.csv")
async def campaign_export(request: Request, uai: str, code: str) -> Response:
    session, _school, found, rows = await _with_rows(request, uai, code)
    if not isinstance(session, WebSession):
        return session
    filename = f"campagne-{found.code}.csv"
    response = Response(
        campaign_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )
    return _with_cookie(request, response, session)


@router.get("/grades")
async def grades_page(request: Request, uai: str) -> Response:
    session, school, _, _ = await _guarded(request, uai)
    if not isinstance(session, WebSession):
        return session
    rows = await run_in_threadpool(school_latest_profiles, _ctx(request).db, school.uai)
    return _render(
        request,
        session,
        "practice/grades.html",
        page="campaigns",
        school=school,
        heat=heat_map(rows, key="grade"),
        competences=COMPETENCES,
    )

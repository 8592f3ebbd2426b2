"""The pages of the web space under /web: sign-in and sign-out, and for a school's lead the
roster (import), the sessions (create from a class, each one's page) and the class results
(CSV and the attestations PDF too). Review and publication: review_pages.py.

Every page is rendered on the server (Jinja2) and works without JavaScript; every POST carries
the session's CSRF synchronizer token and answers with a redirect once it changed something
(Post/Redirect/Get: a reload never does it twice); every action calls the same functions as the
`pix-server` commands, with the account as the audit log's actor.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from engine.canonical import BilingualError
from engine.referential import COMPETENCES
from server_stub.api.practice import source_address
from server_stub.certificate_page import lookup_address
from server_stub.context import ServerContext
from server_stub.documents.class_attestations import NoAttestationError, class_attestations_pdf
from server_stub.planning import create_session
from server_stub.practice.results import enrolled_certifiability
from server_stub.schools.accounts import Account, authenticate
from server_stub.schools.class_results import class_results, class_results_csv
from server_stub.schools.orgs import Organisation, list_organisations
from server_stub.schools.roster import import_roster, list_students
from server_stub.schools.roster_rows import RosterImportError
from server_stub.schools.sessions import (
    enrol,
    list_sessions,
    note_created,
    pick_students,
    session_sheet,
)
from server_stub.web.i18n import LANGUAGES, translator
from server_stub.web.web_sessions import COOKIE, IDLE_S, RequestSessions, WebSession, csrf_ok

HERE = Path(__file__).parent
STYLESHEET = (HERE / "static" / "web.css").read_bytes()
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
# Which form field an error of create_session is about (its message names the field).
SESSION_FIELDS = {"date": "exam-date", "time": "start-time", "room": "room", "centre": "room"}

router = APIRouter(prefix="/web", include_in_schema=False)
Result = TypeVar("Result")
templates = Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True)
)


class FieldError:
    """One problem shown in the error summary, linked to its field (`field`: the input's id)."""

    def __init__(self, field: str, fr: str, en: str) -> None:
        self.field, self.fr, self.en = field, fr, en


def _ctx(request: Request) -> ServerContext:
    return request.app.state.ctx


def _session(request: Request) -> WebSession:
    """The visitor's session (opened by web_sessions.WebSessionDoor), an anonymous one if the
    cookie names none that stands."""
    return _sessions_of(request).current


def _restart(request: Request) -> WebSession:
    """A new session for the visitor, in the same language (signing in or out: no session
    fixation); the old one ends."""
    return _sessions_of(request).restart()


def _sessions_of(request: Request) -> RequestSessions:
    return request.state.web_sessions


def _with_cookie(request: Request, response: Response, session: WebSession) -> Response:
    response.set_cookie(
        COOKIE,
        session.session_id,
        max_age=IDLE_S,
        path="/web",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    response.headers.update(SECURITY_HEADERS)
    return response


def _render(
    request: Request, session: WebSession, name: str, status: int = 200, **context: Any
) -> Response:
    other = "en" if session.lang == "fr" else "fr"
    flash, session.flash = session.flash, []
    html = templates.get_template(name).render(
        t=translator(session.lang),
        lang=session.lang,
        other_lang=other,
        here=quote(request.url.path + (f"?{request.url.query}" if request.url.query else "")),
        csrf_token=session.csrf_token,
        account=session.account,
        flash=flash,
        errors=context.pop("errors", []),
        **context,
    )
    return _with_cookie(request, HTMLResponse(html, status_code=status), session)


def _redirect(request: Request, session: WebSession, to: str) -> Response:
    return _with_cookie(request, RedirectResponse(to, status_code=303), session)


def _lead_schools(ctx: ServerContext, account: Account) -> list[Organisation]:
    return [o for o in list_organisations(ctx.db) if account.has_role("lead", o.uai)]


def _member_schools(ctx: ServerContext, account: Account) -> list[Organisation]:
    """The schools the account leads or teaches in (the home page's list)."""
    return [
        o
        for o in list_organisations(ctx.db)
        if account.has_role("lead", o.uai) or account.has_role("teacher", o.uai)
    ]


def _school(ctx: ServerContext, account: Account, uai: str) -> Organisation | None:
    return next((o for o in _lead_schools(ctx, account) if o.uai == uai.upper()), None)


async def _guarded(request: Request, uai: str | None = None, post: bool = False):
    """(session, school, form) for a page of a lead, or a ready response: the sign-in page for
    a visitor, 403 for a POST without the right CSRF token or an account without the role."""
    session = _session(request)
    form = await request.form() if post else None
    if post and not csrf_ok(session, form.get("csrf_token")):
        return _forbidden(request, session, "csrf"), None, None
    if session.account is None:
        return _redirect(request, session, "/web/"), None, None
    school = None
    if uai is not None:
        school = await run_in_threadpool(_school, _ctx(request), session.account, uai)
        if school is None:
            return _forbidden(request, session, "role"), None, None
    return session, school, form


def _forbidden(request: Request, session: WebSession, why: str) -> Response:
    return _render(request, session, "forbidden.html", status=403, why=why)


@router.get("/static/web.css")
def stylesheet() -> Response:
    return Response(STYLESHEET, media_type="text/css", headers={"Cache-Control": "max-age=3600"})


@router.get("/")
def sign_in_page(request: Request) -> Response:
    session = _session(request)
    if session.account is not None:
        return _redirect(request, session, "/web/home")
    return _render(request, session, "sign_in.html", login="")


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    session = _session(request)
    form = await request.form()
    if not csrf_ok(session, form.get("csrf_token")):
        return _forbidden(request, session, "csrf")
    login, password = str(form.get("login", "")).strip(), str(form.get("password", ""))
    errors, status = [], 422
    if not login:
        errors.append(FieldError("login", *_both("error.login_missing")))
    if not password:
        errors.append(FieldError("password", *_both("error.password_missing")))
    if not errors:
        ctx = _ctx(request)
        try:
            account = await run_in_threadpool(
                authenticate,
                ctx.db,
                login,
                password,
                source=source_address(request),
                now=ctx.clock(),
            )
        except BilingualError as refused:
            errors.append(FieldError("login", refused.fr, refused.en))
            if refused.code == "account_locked":
                status = 429  # the wait is in the message, in both languages
        else:
            fresh = _restart(request)
            fresh.account = account
            return _redirect(request, fresh, "/web/home")
    return _render(request, session, "sign_in.html", status=status, login=login, errors=errors)


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    session = _session(request)
    form = await request.form()
    if not csrf_ok(session, form.get("csrf_token")):
        return _forbidden(request, session, "csrf")
    fresh = _restart(request)
    fresh.flash.append(("flash.signed_out", {}))
    return _redirect(request, fresh, "/web/")


@router.get("/lang/{lang}")
def switch_language(request: Request, lang: str, next: str = "/web/") -> Response:
    session = _session(request)
    if lang in LANGUAGES:
        session.lang = lang
    safe = next.startswith("/web/") and not next.startswith("//") and "\\" not in next
    return _redirect(request, session, next if safe else "/web/")


@router.get("/home")
async def home(request: Request) -> Response:
    session, *_ = await _guarded(request)
    if not isinstance(session, WebSession):
        return session
    schools = await run_in_threadpool(_member_schools, _ctx(request), session.account)
    return _render(request, session, "home.html", page="home", schools=schools)


@router.get("/schools/{uai}/roster")
async def roster_page(request: Request, uai: str) -> Response:
    session, school, _ = await _guarded(request, uai)
    if not isinstance(session, WebSession):
        return session
    return await _roster(request, session, school)


async def _roster(
    request: Request, session: WebSession, school: Organisation, **context: Any
) -> Response:
    students = await run_in_threadpool(list_students, _ctx(request).db, school.uai)
    status = 422 if context.get("errors") else 200
    return _render(
        request,
        session,
        "roster.html",
        status=status,
        page="roster",
        school=school,
        students=students,
        **context,
    )


@router.post("/schools/{uai}/roster")
async def roster_import(request: Request, uai: str) -> Response:
    session, school, form = await _guarded(request, uai, post=True)
    if not isinstance(session, WebSession):
        return session
    upload = form.get("roster")
    data = await upload.read() if hasattr(upload, "read") else b""
    if not data:
        missing = FieldError("roster", *_both("error.file_missing"))
        return await _roster(request, session, school, errors=[missing])
    ctx = _ctx(request)
    try:
        summary = await run_in_threadpool(
            lambda: import_roster(
                ctx.db,
                uai=school.uai,
                data=data,
                full=form.get("partial") != "on",
                now=ctx.clock(),
                actor=f"account:{session.account.login}",
            )
        )
    except RosterImportError as refused:
        lines = [
            FieldError(
                "roster",
                f"ligne {e.line}, colonne « {e.column} » : {e.fr}",
                f"line {e.line}, column “{e.column}”: {e.en}",
            )
            for e in refused.errors
        ]
        return await _roster(request, session, school, errors=lines)
    except BilingualError as refused:
        return await _roster(
            request, session, school, errors=[FieldError("roster", refused.fr, refused.en)]
        )
    session.flash.append(("flash.imported", summary.to_dict()))
    return _redirect(request, session, f"/web/schools/{school.uai}/roster")


@router.get("/schools/{uai}/sessions")
async def sessions_page(request: Request, uai: str) -> Response:
    session, school, _ = await _guarded(request, uai)
    if not isinstance(session, WebSession):
        return session
    return await _sessions(request, session, school, values={})


async def _sessions(
    request: Request, session: WebSession, school: Organisation, **context: Any
) -> Response:
    db = _ctx(request).db
    planned = await run_in_threadpool(list_sessions, db, school.uai)
    students = await run_in_threadpool(list_students, db, school.uai)
    classes = sorted({s["division"] for s in students})
    status = 422 if context.get("errors") else 200
    return _render(
        request,
        session,
        "sessions.html",
        status=status,
        page="sessions",
        school=school,
        sessions=planned,
        classes=classes,
        **context,
    )


@router.post("/schools/{uai}/sessions")
async def session_create(request: Request, uai: str) -> Response:
    session, school, form = await _guarded(request, uai, post=True)
    if not isinstance(session, WebSession):
        return session
    values = {
        name: str(form.get(name, "")).strip()
        for name in ("division", "exam_date", "start_time", "room", "invigilator")
    }
    required = {"division": "division", "exam_date": "exam-date", "start_time": "start-time"}
    required["room"] = "room"
    errors = [
        FieldError(field_id, *_both(f"error.{name}_missing"))
        for name, field_id in required.items()
        if not values[name]
    ]
    if errors:
        return await _sessions(request, session, school, values=values, errors=errors)
    ctx = _ctx(request)
    actor = f"account:{session.account.login}"

    def plan():
        pick = pick_students(ctx.db, school.uai, values["division"])
        created = create_session(
            ctx.db,
            centre=school.name,
            room=values["room"],
            exam_date=values["exam_date"],
            start_time=values["start_time"],
            invigilator=values["invigilator"],
            mode="default",
            now=ctx.clock(),
        )
        enrolled = enrol(ctx.db, created.session_id, pick, now=ctx.clock(), actor=actor)
        note_created(ctx.db, created.session_id, now=ctx.clock(), actor=actor)
        return created, len(enrolled)

    try:
        created, enrolled = await run_in_threadpool(plan)
    except BilingualError as refused:
        field = next(
            (fid for word, fid in SESSION_FIELDS.items() if f"field: {word} " in refused.en),
            "division",
        )
        errors = [FieldError(field, refused.fr, refused.en)]
        return await _sessions(request, session, school, values=values, errors=errors)
    # Post/Redirect/Get: reloading the page the browser lands on creates nothing.
    session.flash.append(
        ("flash.session_created", {"division": values["division"], "enrolled": enrolled})
    )
    return _redirect(request, session, f"/web/schools/{school.uai}/sessions/{created.session_id}")


@router.get("/schools/{uai}/sessions/{session_id}")
async def session_page(request: Request, uai: str, session_id: str) -> Response:
    """One session of the school: its number and codes (what the lead hands the invigilator and
    the candidates), its state, and the way to its publication."""
    session, school, _ = await _guarded(request, uai)
    if not isinstance(session, WebSession):
        return session
    db = _ctx(request).db
    sheet = await run_in_threadpool(session_sheet, db, school.uai, session_id)
    if sheet is None:
        return _not_found(request, session)
    # issue 25: each candidate with their certifiability (latest practice profile sent)
    candidates = await run_in_threadpool(enrolled_certifiability, db, school.uai, session_id)
    return _render(
        request,
        session,
        "session.html",
        page="sessions",
        school=school,
        sheet=sheet,
        candidates=candidates,
    )


@router.get("/schools/{uai}/results")
async def results_page(request: Request, uai: str) -> Response:
    session, school, _ = await _guarded(request, uai)
    if not isinstance(session, WebSession):
        return session
    db = _ctx(request).db
    division = request.query_params.get("class", "")
    students = await run_in_threadpool(list_students, db, school.uai)
    classes = sorted({s["division"] for s in students})
    rows = await run_in_threadpool(class_results, db, school.uai, division) if division else []
    return _render(
        request,
        session,
        "results.html",
        page="results",
        school=school,
        classes=classes,
        division=division,
        rows=rows,
        competences=COMPETENCES,
    )


@router.get("/schools/{uai}/results.csv")
async def results_csv(request: Request, uai: str) -> Response:
    session, school, _ = await _guarded(request, uai)
    if not isinstance(session, WebSession):
        return session
    division = request.query_params.get("class", "")
    rows = await run_in_threadpool(class_results, _ctx(request).db, school.uai, division)
    filename = f"resultats-{school.uai}-{division}.csv".replace('"', "")
    response = Response(
        class_results_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )
    return _with_cookie(request, response, session)


@router.get("/schools/{uai}/results/attestations.pdf")
async def class_attestations(request: Request, uai: str) -> Response:
    """The class's published certificates in one PDF, in the page's language."""
    session, school, _ = await _guarded(request, uai)
    if not isinstance(session, WebSession):
        return session
    division = request.query_params.get("class", "")
    lookup = lookup_address(_ctx(request).data_dir.public_url() or str(request.base_url))
    try:
        content = await run_in_threadpool(
            class_attestations_pdf, _ctx(request).db, school.uai, division, lookup, session.lang
        )
    except NoAttestationError:
        return _not_found(request, session)
    filename = f"attestations-{school.uai}-{division}.pdf"
    response = Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )
    return _with_cookie(request, response, session)


async def _or_refused(
    request: Request,
    session: WebSession,
    work: Callable[[], Result],
    back_to: str,
) -> Result | Response:
    """`work()` in a thread; its BilingualError becomes the practice.flash.refused flash (its
    reason in both languages) and a redirect to `back_to` (a Response: the caller returns it
    as it is)."""
    try:
        return await run_in_threadpool(work)
    except BilingualError as refused:
        session.flash.append(("practice.flash.refused", {"fr": refused.fr, "en": refused.en}))
        return _redirect(request, session, back_to)


def _not_found(request: Request, session: WebSession) -> Response:
    return _render(request, session, "forbidden.html", status=404, why="not_found")


def _both(key: str) -> tuple[str, str]:
    """(French, English) of a catalogue string: errors are shown in both languages."""
    return translator("fr")(key), translator("en")(key)

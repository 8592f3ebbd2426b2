"""The students' practice pages under /web/practice: sign in (the first time with the login and
first-login code of the class sheet, then choosing a password; afterwards with that password),
enter a campaign code, train one question at a time with the correction at once, look at the
Pix profile, send it to a campaign.

No lockdown (practice is not an exam) and no script: plain forms, so every page works with the
keyboard alone. The same functions as the JSON API (server_stub/practice/) do the work; the
student is held in the web session (`WebSession.student`), never with a member account.
"""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from engine.canonical import BilingualError
from engine.referential import AREAS, COMPETENCES
from server_stub.api.practice import source_address
from server_stub.practice import content
from server_stub.practice.sendings import french_time, send_profile, student_sendings
from server_stub.practice.student_accounts import code_key, get_student, sign_in
from server_stub.practice.training import (
    current_item,
    join,
    joined_campaigns,
    student_profile,
    submit_answer,
)
from server_stub.web.profile_picture import profile_picture
from server_stub.web.routes import (
    FieldError,
    _both,
    _ctx,
    _forbidden,
    _or_refused,
    _redirect,
    _render,
    _restart,
    _session,
    templates,
)
from server_stub.web.web_sessions import WebSession, csrf_ok

router = APIRouter(prefix="/web/practice", include_in_schema=False)
HOME = "/web/practice/home"
templates.filters["french_time"] = french_time  # the practice pages' dates, as the CSV's


async def _student_session(request: Request, post: bool = False):
    """(session, form) of a signed-in student, or (a ready response, None): the sign-in page
    for a visitor, 403 for a POST without the session's CSRF token."""
    session = _session(request)
    form = await request.form() if post else None
    if post and not csrf_ok(session, form.get("csrf_token")):
        return _forbidden(request, session, "csrf"), None
    if session.student is None:
        return _redirect(request, session, "/web/practice/"), None
    try:  # an archived student stops at once, a reset student too
        fresh = await run_in_threadpool(
            get_student, _ctx(request).db, session.student["student_id"]
        )
    except BilingualError:
        fresh = None
    if fresh is None or fresh["credentials_at"] != session.student["credentials_at"]:
        return _redirect(request, _restart(request), "/web/practice/"), None
    session.student = fresh
    return session, form


def _page(request: Request, session: WebSession, name: str, **context: Any) -> Response:
    return _render(request, session, f"practice/{name}", student=session.student, **context)


async def _sign_in(
    request: Request, login: str, secret: str, new_password: str | None = None
) -> dict[str, Any]:
    """student_accounts.sign_in in a thread, for the caller's address (its BilingualError
    passes through: each form says it its own way)."""
    ctx = _ctx(request)
    return await run_in_threadpool(
        lambda: sign_in(
            ctx.db,
            code_key(ctx.server_key),
            login,
            secret,
            source=source_address(request),
            now=ctx.clock(),
            new_password=new_password,
        )
    )


def _signed_in(request: Request, session: WebSession, student: dict[str, Any]) -> Response:
    """A fresh session for the student (no session fixation), and their home page."""
    fresh = _restart(request)
    fresh.student = student
    return _redirect(request, fresh, "/web/practice/home")


@router.get("/")
def practice_sign_in_page(request: Request) -> Response:
    session = _session(request)
    if session.student is not None:
        return _redirect(request, session, "/web/practice/home")
    return _page(request, session, "sign_in.html", login="")


@router.post("/sign-in")
async def practice_sign_in(request: Request) -> Response:
    session = _session(request)
    form = await request.form()
    if not csrf_ok(session, form.get("csrf_token")):
        return _forbidden(request, session, "csrf")
    login, secret = str(form.get("login", "")).strip(), str(form.get("code", "")).strip()
    errors = []
    if not login:
        errors.append(FieldError("login", *_both("practice.error.login_missing")))
    if not secret:
        errors.append(FieldError("code", *_both("practice.error.code_missing")))
    if not errors:
        try:
            student = await _sign_in(request, login, secret)
        except BilingualError as refused:
            if refused.code != "practice_password_required":
                errors.append(FieldError("login", refused.fr, refused.en))
            else:  # a new id for the step (no session fixation), the code sealed under it
                fresh = _restart(request)
                fresh.choosing_password = {"login": login, "code": secret}
                return _redirect(request, fresh, "/web/practice/password")
        else:
            return _signed_in(request, session, student)
    return _render(
        request, session, "practice/sign_in.html", status=422, login=login, errors=errors
    )


@router.get("/password")
def practice_password_page(request: Request) -> Response:
    """The first sign-in's second step: the student chooses their password."""
    session = _session(request)
    if session.choosing_password is None:
        return _redirect(request, session, "/web/practice/")
    return _page(request, session, "password.html", login=session.choosing_password["login"])


@router.post("/password")
async def practice_password(request: Request) -> Response:
    session = _session(request)
    form = await request.form()
    if not csrf_ok(session, form.get("csrf_token")):
        return _forbidden(request, session, "csrf")
    pending = session.choosing_password
    if pending is None:
        return _redirect(request, session, "/web/practice/")
    password = str(form.get("password", ""))
    errors = []
    if not password:
        errors.append(FieldError("password", *_both("practice.error.password_missing")))
    elif password != str(form.get("confirmation", "")):
        errors.append(FieldError("confirmation", *_both("practice.error.password_mismatch")))
    if not errors:
        try:
            student = await _sign_in(request, pending["login"], pending["code"], password)
        except BilingualError as refused:
            if refused.code != "practice_password_invalid":  # the code no longer stands
                session.choosing_password = None
                errors.append(FieldError("login", refused.fr, refused.en))
                return _render(
                    request,
                    session,
                    "practice/sign_in.html",
                    status=422,
                    login=pending["login"],
                    errors=errors,
                )
            errors.append(FieldError("password", refused.fr, refused.en))
        else:
            return _signed_in(request, session, student)
    return _page(
        request, session, "password.html", status=422, login=pending["login"], errors=errors
    )


@router.post("/sign-out")
async def practice_sign_out(request: Request) -> Response:
    session, _ = await _student_session(request, post=True)
    if not isinstance(session, WebSession):
        return session
    fresh = _restart(request)
    fresh.flash.append(("flash.signed_out", {}))
    return _redirect(request, fresh, "/web/practice/")


@router.get("/home")
async def practice_home(request: Request) -> Response:
    session, _ = await _student_session(request)
    if not isinstance(session, WebSession):
        return session
    joined = await run_in_threadpool(
        joined_campaigns, _ctx(request).db, session.student["student_id"]
    )
    return _page(request, session, "home.html", page="practice_home", joined=joined, value="")


@router.post("/join")
async def practice_join(request: Request) -> Response:
    session, form = await _student_session(request, post=True)
    if not isinstance(session, WebSession):
        return session
    code = str(form.get("code", "")).strip()
    ctx = _ctx(request)
    error = None
    if not code:
        error = FieldError("campaign-code", *_both("practice.error.campaign_missing"))
    else:
        try:
            found = await run_in_threadpool(
                lambda: join(ctx.db, session.student, code, now=ctx.clock())
            )
        except BilingualError as refused:
            error = FieldError("campaign-code", refused.fr, refused.en)
        else:
            return _redirect(request, session, f"/web/practice/campaigns/{found.code}")
    joined = await run_in_threadpool(
        joined_campaigns, _ctx(request).db, session.student["student_id"]
    )
    return _render(
        request,
        session,
        "practice/home.html",
        status=422,
        student=session.student,
        page="practice_home",
        joined=joined,
        value=code,
        errors=[error],
    )


async def _current_screen(request: Request, session: WebSession, code: str) -> Any:
    """The campaign's current question for the student, or the refusal's redirect home."""
    ctx = _ctx(request)
    return await _or_refused(
        request,
        session,
        lambda: current_item(ctx.db, session.student, code, now=ctx.clock()),
        back_to=HOME,
    )


@router.get("/campaigns/{code}")
async def practice_question(request: Request, code: str) -> Response:
    session, _ = await _student_session(request)
    if not isinstance(session, WebSession):
        return session
    screen = await _current_screen(request, session, code)
    if isinstance(screen, Response):
        return screen
    return _page(request, session, "question.html", page="practice_home", screen=screen)


def _response_from(item: dict[str, Any], form) -> Any:
    """The response in the engine's shape from the question's form (None: nothing chosen)."""
    kind = item["type"]
    if kind == "QCU":
        chosen = form.get("choice")
        return int(chosen) if chosen is not None and str(chosen).isdigit() else None
    if kind == "QCM":
        return sorted(int(v) for v in form.getlist("choices") if str(v).isdigit()) or None
    typed = {f["name"]: str(form.get(f"field-{f['name']}", "")).strip() for f in item["fields"]}
    if not any(typed.values()):
        return None
    if kind == "QROC":
        return next(iter(typed.values()))
    return typed


@router.post("/campaigns/{code}/answer")
async def practice_answer(request: Request, code: str) -> Response:
    session, form = await _student_session(request, post=True)
    if not isinstance(session, WebSession):
        return session
    screen = await _current_screen(request, session, code)
    if isinstance(screen, Response):
        return screen
    item = screen["item"]
    if item is None or item["id"] != form.get("item_id"):
        return _redirect(request, session, f"/web/practice/campaigns/{screen['campaign']['code']}")
    response = _response_from(item, form)
    if response is None:
        errors = [FieldError("answer", *_both("practice.error.answer_missing"))]
        return _render(
            request,
            session,
            "practice/question.html",
            status=422,
            student=session.student,
            page="practice_home",
            screen=screen,
            errors=errors,
        )
    ctx = _ctx(request)
    try:
        feedback = await run_in_threadpool(
            lambda: submit_answer(
                ctx.db,
                session.student,
                code,
                item_id=item["id"],
                response=response,
                now=ctx.clock(),
            )
        )
    except BilingualError as refused:
        errors = [FieldError("answer", refused.fr, refused.en)]
        return _render(
            request,
            session,
            "practice/question.html",
            status=422,
            student=session.student,
            page="practice_home",
            screen=screen,
            errors=errors,
        )
    campaign_code = screen["campaign"]["code"]
    session.feedback[campaign_code] = {"item": item, "given": response, **feedback}
    return _redirect(request, session, f"/web/practice/campaigns/{campaign_code}/feedback")


@router.get("/campaigns/{code}/feedback")
async def practice_feedback(request: Request, code: str) -> Response:
    session, _ = await _student_session(request)
    if not isinstance(session, WebSession):
        return session
    feedback = session.feedback.get(code.upper())
    if feedback is None:
        return _redirect(request, session, f"/web/practice/campaigns/{code}")
    return _page(
        request,
        session,
        "feedback.html",
        page="practice_home",
        feedback=feedback,
        given_text=_given_text(feedback["item"], feedback["given"]),
        code=code.upper(),
    )


def _given_text(item: dict[str, Any], given: Any) -> list[str]:
    """What the student answered, as readable lines (the choices' texts, or what they typed)."""
    if item["type"] in ("QCU", "QCM"):
        chosen = [given] if isinstance(given, int) else list(given)
        return [item["choices"][i] for i in chosen if 0 <= i < len(item["choices"])]
    if isinstance(given, dict):
        labels = {f["name"]: f["label"] for f in item["fields"]}
        return [f"{labels.get(name, name)} : {text}" for name, text in given.items()]
    return [str(given)]


@router.get("/items/{item_id}/illustration")
async def practice_illustration(request: Request, item_id: str) -> Response:
    """An item's picture, for signed-in students (the page's CSP allows no data: image)."""
    session, _ = await _student_session(request)
    if not isinstance(session, WebSession):
        return session
    bank = content.practice_bank()
    picture = bank.items[item_id].illustration if item_id in bank.items else None
    if picture is None:
        return _render(request, session, "practice/not_found.html", status=404, school=None)
    return Response(picture.data, media_type=picture.media_type)


@router.get("/profile")
async def practice_profile_page(request: Request) -> Response:
    session, _ = await _student_session(request)
    if not isinstance(session, WebSession):
        return session
    ctx = _ctx(request)
    student_id = session.student["student_id"]
    profile = await run_in_threadpool(student_profile, ctx.db, student_id)
    joined = await run_in_threadpool(joined_campaigns, _ctx(request).db, student_id)
    for found in joined:
        found["sendings"] = await run_in_threadpool(
            student_sendings, ctx.db, found["code"], student_id
        )
    slices, arcs = profile_picture(profile["competence_levels"])
    return _page(
        request,
        session,
        "profile.html",
        page="practice_profile",
        profile=profile,
        slices=slices,
        arcs=arcs,
        areas=AREAS,
        competences=COMPETENCES,
        joined=joined,
    )


@router.post("/campaigns/{code}/send")
async def practice_send(request: Request, code: str) -> Response:
    session, _ = await _student_session(request, post=True)
    if not isinstance(session, WebSession):
        return session
    ctx = _ctx(request)
    sent = await _or_refused(
        request,
        session,
        lambda: send_profile(ctx.db, session.student, code, now=ctx.clock()),
        back_to="/web/practice/profile",
    )
    if isinstance(sent, Response):
        return sent
    session.flash.append(("practice.flash.sent", {"pix_score": sent["pix_score"]}))
    return _redirect(request, session, "/web/practice/profile")

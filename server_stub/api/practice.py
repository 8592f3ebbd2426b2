"""Routes of the students' practice (docs/campaigns.md), authenticated by student token.

A student signs in with their login and password for a bearer token (a JWT of the practice
audience, `sub` the student, two hours); the first time, with the first-login code of the class
sheet and the password they choose (`new_password`). The student is read again at every
request, so an archived student stops at once. `pix-kiosk practice-robot` speaks these routes
and signs in the same way, with a class sheet: the teacher's (`--sheet`), or for a campaign the
teacher marked as a rehearsal, one drawn by the rehearsal door, which answers only a caller on
the server's own machine (loopback, no proxy header).
"""

import ipaddress
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AliasChoices, BaseModel, Field

from server_stub.api.auth import server_context
from server_stub.api.errors import ERROR_RESPONSES
from server_stub.context import ServerContext
from server_stub.errors import ApiError
from server_stub.practice.errors import PracticeError
from server_stub.practice.sendings import send_profile
from server_stub.practice.student_accounts import code_key, get_student, rehearsal_sheet, sign_in
from server_stub.practice.training import current_item, join, student_profile, submit_answer
from server_stub.schools.feed_tokens import issue_token, token_claims

PRACTICE_AUDIENCE = "pix-server-practice"
PRACTICE_LIFETIME_S = 2 * 60 * 60
PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")
MAX_ROBOTS = 1000

router = APIRouter(prefix="/api/v1/practice", tags=["practice"], responses=ERROR_RESPONSES)
student_bearer = HTTPBearer(
    scheme_name="StudentToken",
    description="The token returned by POST /api/v1/practice/sign-in (two hours)",
    auto_error=False,
)


class StudentSignIn(BaseModel):
    login: str = Field(max_length=200)
    # The password; before the student chose one, the first-login code (also accepted as `code`).
    password: str = Field(max_length=200, validation_alias=AliasChoices("password", "code"))
    new_password: str | None = Field(default=None, max_length=200)


class StudentToken(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    student: dict[str, Any]


class RehearsalRequest(BaseModel):
    code: str = Field(max_length=50)
    students: int = Field(ge=1, le=MAX_ROBOTS)


class AnswerRequest(BaseModel):
    item_id: str = Field(max_length=200)
    response: Any = None


def student_token(ctx: ServerContext, student: dict[str, Any]) -> dict[str, Any]:
    token = issue_token(
        ctx.server_key,
        client_id=student["student_id"],
        scope="practice",
        now=ctx.now(),
        audience=PRACTICE_AUDIENCE,
        lifetime_s=PRACTICE_LIFETIME_S,
        bound_to={"cred": student["credentials_at"]},
    )
    return {"access_token": token, "expires_in": PRACTICE_LIFETIME_S, "student": student}


def current_student(
    credentials: HTTPAuthorizationCredentials | None = Depends(student_bearer),
    ctx: ServerContext = Depends(server_context),
) -> dict[str, Any]:
    """The signed-in student, or 401 (also for a token issued before the student's reset)."""
    claims = None
    if credentials is not None:
        claims = token_claims(
            ctx.server_public_key,
            credentials.credentials,
            now=ctx.now(),
            audience=PRACTICE_AUDIENCE,
        )
    if claims is None or claims.get("scope") != "practice":
        raise ApiError("unauthenticated")
    try:
        student = get_student(ctx.db, claims["sub"])
    except PracticeError:
        raise ApiError("unauthenticated") from None
    if claims.get("cred") != student["credentials_at"]:
        # Issued under earlier credentials (before the teacher's reset), even in the same second.
        raise ApiError("unauthenticated")
    return student


def source_address(request: Request) -> str:
    """Who is trying, for the sign-in throttle: the caller's address (the client's, behind a
    proxy that uvicorn trusts)."""
    return request.client.host if request.client else "unknown"


@router.post("/sign-in", response_model=StudentToken)
def practice_sign_in(
    body: StudentSignIn, request: Request, ctx: ServerContext = Depends(server_context)
):
    """A student's login and password for a bearer token. The first time: the first-login code
    as `password` and the chosen `new_password` (without it: 409 practice_password_required).
    Wrong attempts slow down their source address for that login (429), never the account."""
    student = sign_in(
        ctx.db,
        code_key(ctx.server_key),
        body.login,
        body.password,
        source=source_address(request),
        now=ctx.now(),
        new_password=body.new_password,
    )
    return student_token(ctx, student)


def is_local_caller(request: Request) -> bool:
    """A request from this machine itself, not relayed by a proxy."""
    if any(name in request.headers for name in PROXY_HEADERS) or request.client is None:
        return False
    try:
        return ipaddress.ip_address(request.client.host).is_loopback
    except ValueError:
        return False


@router.post("/rehearsal/students")
def rehearsal_students(
    body: RehearsalRequest, request: Request, ctx: ServerContext = Depends(server_context)
) -> dict[str, Any]:
    """A class sheet of N students of the campaign (logins and new first-login codes:
    `rehearsal_sheet` says which students), for `pix-kiosk practice-robot`, which then signs
    them in as students do. Only from the server's own machine: 403 otherwise."""
    if not is_local_caller(request):
        raise PracticeError("rehearsal_local_only")
    return rehearsal_sheet(
        ctx.db, code_key(ctx.server_key), body.code, students=body.students, now=ctx.now()
    )


@router.get("/me")
def practice_me(student: dict[str, Any] = Depends(current_student)) -> dict[str, Any]:
    return student


@router.post("/campaigns/{code}/join")
def practice_join(
    code: str,
    student: dict[str, Any] = Depends(current_student),
    ctx: ServerContext = Depends(server_context),
) -> dict[str, Any]:
    """The student enters a campaign code (their class must be one of the campaign's)."""
    return join(ctx.db, student, code, now=ctx.now()).to_dict()


@router.get("/campaigns/{code}/item")
async def practice_item(
    code: str,
    student: dict[str, Any] = Depends(current_student),
    ctx: ServerContext = Depends(server_context),
) -> dict[str, Any]:
    """The item on the student's screen (the same one until answered), without its solution;
    `done` once the parcours is over."""
    return await run_in_threadpool(current_item, ctx.db, student, code, now=ctx.now())


@router.post("/campaigns/{code}/answers")
async def practice_answer(
    code: str,
    body: AnswerRequest,
    student: dict[str, Any] = Depends(current_student),
    ctx: ServerContext = Depends(server_context),
) -> dict[str, Any]:
    """The answer to the item on screen, and at once: right or wrong, the correct answer, the
    explanation and tutorials."""
    return await run_in_threadpool(
        lambda: submit_answer(
            ctx.db, student, code, item_id=body.item_id, response=body.response, now=ctx.now()
        )
    )


@router.get("/profile")
async def practice_profile_route(
    student: dict[str, Any] = Depends(current_student),
    ctx: ServerContext = Depends(server_context),
) -> dict[str, Any]:
    """The student's Pix profile: 16 levels, Pix score, certifiability."""
    return await run_in_threadpool(student_profile, ctx.db, student["student_id"])


@router.post("/campaigns/{code}/sendings")
def practice_send(
    code: str,
    student: dict[str, Any] = Depends(current_student),
    ctx: ServerContext = Depends(server_context),
) -> dict[str, Any]:
    """Send the profile to the campaign (once, or as often as it allows)."""
    return send_profile(ctx.db, student, code, now=ctx.now())

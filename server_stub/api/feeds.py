"""The national feeds (docs/feeds.md): an OAuth2 token endpoint for client-credentials clients,
the livret scolaire's pull by school and Parcoursup's search, each behind a bearer JWT whose
scope must be the route's. Every access, granted or refused, is in the audit log.

A stranger must not fill that log: refusals of callers who proved no identity (an unknown
client or a wrong secret at the token endpoint, a missing or invalid token on a feed) are
counted per client address (lookup_throttle.py's throttle): each is logged until the address
reaches the limit, that moment is logged once, and from then on the address is answered 429
(`feed_throttled`, `Retry-After`) before any secret is checked, without a row. A 401 names the
bearer scheme (RFC 6750 §3): `error="invalid_token"` when a token was presented, and a 403
for the wrong scope says `error="insufficient_scope"` with the scope wanted.

The token endpoint answers as RFC 6749 §5 says (`access_token`, `token_type`, `expires_in`;
errors `{"error": "invalid_client", "error_description"}`), with the French and English
messages beside; the two resources answer errors as the rest of the API.
"""

import base64
import binascii
from typing import Literal
from urllib.parse import parse_qs, unquote

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict

from server_stub.api.auth import server_context
from server_stub.api.errors import BEARER_CHALLENGE, ERROR_RESPONSES, api_error_response
from server_stub.api.models import Textual
from server_stub.context import ServerContext
from server_stub.errors import ApiError
from server_stub.lookup_throttle import WINDOW_S, LookupThrottle
from server_stub.schools import audit
from server_stub.schools.clients import client_scope
from server_stub.schools.feed_tokens import LIFETIME_S, issue_token, token_claims
from server_stub.schools.feeds import livret_scolaire, parcoursup_search

MAX_TOKEN_REQUEST_BYTES = 4096
# The longest client id written to the audit log from an unauthenticated request.
MAX_LOGGED_CLIENT_ID = 64
LIVRET_SCOLAIRE, PARCOURSUP = "livret-scolaire", "parcoursup"

feed_bearer = HTTPBearer(
    scheme_name="FeedToken",
    description="The access token returned by POST /api/v1/oauth/token (client credentials)",
    auto_error=False,
)
router = APIRouter(tags=["feeds"])


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int
    scope: str


class OAuthError(BaseModel):
    error: Literal["invalid_request", "invalid_client", "unsupported_grant_type", "invalid_scope"]
    error_description: str
    message_fr: str
    message_en: str


class CompetenceResult(BaseModel):
    competenceId: str
    level: int | None


class LivretCertification(BaseModel):
    id: str
    firstName: str
    middleName: str | None
    thirdName: str | None
    lastName: str
    birthdate: str
    nationalStudentId: str | None
    status: Literal["validated", "rejected", "pending"]
    pixScore: int
    verificationCode: str | None
    date: str | None
    deliveredAt: str | None
    certificationCenter: str
    competenceResults: list[CompetenceResult]


class LivretArea(BaseModel):
    id: str
    name: str


class LivretCompetence(BaseModel):
    id: str
    name: str
    area: LivretArea


class CertificationsResults(BaseModel):
    certifications: list[LivretCertification]
    competences: list[LivretCompetence]


class ParcoursupSearch(Textual):
    """One of: `ine`; `organizationUai`, `lastName`, `firstName`, `birthdate` (YYYY-MM-DD);
    `verificationCode`."""

    model_config = ConfigDict(extra="forbid")
    ine: str | None = None
    organizationUai: str | None = None
    lastName: str | None = None
    firstName: str | None = None
    birthdate: str | None = None
    verificationCode: str | None = None


class ParcoursupCompetence(BaseModel):
    code: str
    name: str
    areaName: str
    level: int | None


class ParcoursupCertification(BaseModel):
    organizationUai: str
    ine: str | None
    lastName: str
    firstName: str
    birthdate: str
    status: Literal["validated", "rejected", "pending"]
    pixScore: int
    globalLevel: str | None
    certificationDate: str | None
    competences: list[ParcoursupCompetence]


OAUTH_MESSAGES = {
    "invalid_request": (
        "Requête de jeton invalide : formulaire application/x-www-form-urlencoded attendu.",
        "Invalid token request: an application/x-www-form-urlencoded form is expected.",
    ),
    "unsupported_grant_type": (
        "Seul grant_type=client_credentials est accepté.",
        "Only grant_type=client_credentials is supported.",
    ),
    "invalid_client": (
        "Client inconnu, révoqué, ou secret incorrect.",
        "Unknown or revoked client, or wrong secret.",
    ),
    "invalid_scope": (
        "Portée demandée non accordée à ce client.",
        "The requested scope is not granted to this client.",
    ),
}
TOKEN_FORM = {
    "type": "object",
    "required": ["grant_type"],
    "properties": {
        "grant_type": {"type": "string", "enum": ["client_credentials"]},
        "client_id": {"type": "string"},
        "client_secret": {"type": "string"},
        "scope": {"type": "string", "enum": [LIVRET_SCOLAIRE, PARCOURSUP]},
    },
}


def _oauth_error(code: str) -> JSONResponse:
    fr, en = OAUTH_MESSAGES[code]
    status = 401 if code == "invalid_client" else 400
    headers = {"Cache-Control": "no-store"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="pix-server"'
    body = {"error": code, "error_description": en, "message_fr": fr, "message_en": en}
    return JSONResponse(body, status_code=status, headers=headers)


@router.post(
    "/api/v1/oauth/token",
    response_model=TokenResponse,
    responses={
        400: {"model": OAuthError},
        401: {"model": OAuthError},
        429: ERROR_RESPONSES[429],
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/x-www-form-urlencoded": {"schema": TOKEN_FORM}},
        }
    },
)
async def token(request: Request, ctx: ServerContext = Depends(server_context)):
    """Client credentials (RFC 6749 §4.4): the client authenticates with HTTP Basic or with
    `client_id` and `client_secret` in the form, and gets a bearer token for its scope."""
    now = ctx.now()
    if _refusals(request).is_throttled(_address(request), now):
        return api_error_response(_throttled())
    form = await _token_form(request)
    if form is None:
        return _oauth_error("invalid_request")
    if form.get("grant_type") != "client_credentials":
        return _oauth_error("unsupported_grant_type")
    client_id, secret = _client_credentials(request, form)
    if not client_id or not secret:
        return _oauth_error("invalid_client")
    scope = await run_in_threadpool(client_scope, ctx.db, client_id, secret)
    if scope is None:
        await run_in_threadpool(
            _log_stranger, request, ctx, f"client:{client_id}", "oauth", reason="invalid_client"
        )
        return _oauth_error("invalid_client")
    refusal = None
    if form.get("scope") and set(form["scope"].split()) != {scope}:
        refusal = "invalid_scope"
    await run_in_threadpool(
        _log,
        ctx,
        f"client:{client_id}",
        "oauth.token" if refusal is None else "oauth.refused",
        None,
        None,
        reason=refusal,
    )
    if refusal is not None:
        return _oauth_error(refusal)
    access_token = issue_token(ctx.server_key, client_id=client_id, scope=scope, now=now)
    return JSONResponse(
        {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": LIFETIME_S,
            "scope": scope,
        },
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


def feed_client(scope: str):
    """A dependency: the client id of a valid token carrying `scope` (401/403 otherwise)."""

    def check(
        request: Request,
        credentials: HTTPAuthorizationCredentials | None = Depends(feed_bearer),
        ctx: ServerContext = Depends(server_context),
    ) -> str:
        now = ctx.now()
        if _refusals(request).is_throttled(_address(request), now):
            raise _throttled()
        claims = (
            None
            if credentials is None
            else token_claims(ctx.server_public_key, credentials.credentials, now=now)
        )
        if claims is None or client_scope(ctx.db, claims["sub"]) is None:
            _log_stranger(
                request,
                ctx,
                "anonymous" if claims is None else f"client:{claims['sub']}",
                "feed",
                reason="invalid_token",
            )
            refused = ApiError("invalid_token")
            if credentials is not None:
                refused.headers = {"WWW-Authenticate": f'{BEARER_CHALLENGE}, error="invalid_token"'}
            raise refused
        if claims["scope"] != scope:
            _log(
                ctx,
                f"client:{claims['sub']}",
                "feed.refused",
                None,
                request.url.path,
                reason="insufficient_scope",
                scope=claims["scope"],
            )
            refused = ApiError("insufficient_scope", scope=scope)
            challenge = f'{BEARER_CHALLENGE}, error="insufficient_scope", scope="{scope}"'
            refused.headers = {"WWW-Authenticate": challenge}
            raise refused
        return claims["sub"]

    return check


@router.get(
    "/api/v1/livret-scolaire/organizations/{uai}/certifications",
    response_model=CertificationsResults,
    responses=ERROR_RESPONSES,
)
def livret_scolaire_certifications(
    uai: str,
    client_id: str = Depends(feed_client(LIVRET_SCOLAIRE)),
    ctx: ServerContext = Depends(server_context),
):
    """A school's published certifications and the competence referential (livret scolaire)."""
    try:
        found = livret_scolaire(ctx.db, uai)
    except ApiError as error:
        _log(ctx, f"client:{client_id}", "feed.livret_scolaire", uai, None, outcome=error.code)
        raise
    _log(
        ctx,
        f"client:{client_id}",
        "feed.livret_scolaire",
        uai,
        None,
        outcome="ok",
        certifications=len(found["certifications"]),
    )
    return found


@router.post(
    "/api/v1/parcoursup/certification/search",
    response_model=ParcoursupCertification,
    responses=ERROR_RESPONSES,
)
def parcoursup_certification_search(
    body: ParcoursupSearch,
    client_id: str = Depends(feed_client(PARCOURSUP)),
    ctx: ServerContext = Depends(server_context),
):
    """A student's latest published certification, by INE, by school + name + birth date, or
    by verification code (Parcoursup)."""
    query = body.model_dump(exclude_none=True)
    searched = sorted(query)
    try:
        found = parcoursup_search(ctx.db, query)
    except ApiError as error:
        _log(
            ctx,
            f"client:{client_id}",
            "feed.parcoursup",
            query.get("organizationUai"),
            None,
            outcome=error.code,
            searched=searched,
        )
        raise
    _log(
        ctx,
        f"client:{client_id}",
        "feed.parcoursup",
        found["organizationUai"],
        found["ine"],
        outcome="ok",
        searched=searched,
    )
    return found


def _refusals(request: Request) -> LookupThrottle:
    """This server's count of refusals per client address (in memory: a restart forgives)."""
    state = request.app.state
    if not hasattr(state, "feed_refusals"):
        state.feed_refusals = LookupThrottle()
    return state.feed_refusals


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _log_stranger(request: Request, ctx: ServerContext, actor: str, kind: str, **detail) -> None:
    """Log the refusal of a caller who proved no identity, counted against its address: once it
    reaches the limit, that is logged (`<kind>.throttled`) and the address is answered 429."""
    address, now = _address(request), ctx.now()
    throttled = _refusals(request).count_miss(address, now)
    _log(
        ctx,
        actor[: len("client:") + MAX_LOGGED_CLIENT_ID],
        f"{kind}.throttled" if throttled else f"{kind}.refused",
        None,
        request.url.path,
        address=address,
        **detail,
    )


def _throttled() -> ApiError:
    refused = ApiError("feed_throttled")
    refused.headers = {"Retry-After": str(int(WINDOW_S))}
    return refused


def _log(ctx: ServerContext, actor: str, action: str, uai, target, **detail) -> None:
    with ctx.db.write() as connection:
        audit.record(
            connection,
            ctx.db,
            at=ctx.now(),
            actor=actor,
            action=action,
            uai=uai,
            target=target,
            **detail,
        )


async def _token_form(request: Request) -> dict[str, str] | None:
    """The form's fields (each once), or None: not a form, too long, or a field repeated."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/x-www-form-urlencoded":
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_TOKEN_REQUEST_BYTES:
            return None
    try:
        fields = parse_qs(body.decode("ascii"), keep_blank_values=True, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        return None
    if any(len(values) != 1 for values in fields.values()):
        return None
    return {name: values[0] for name, values in fields.items()}


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str]:
    """From HTTP Basic (each part form-url-decoded, RFC 6749 §2.3.1), else from the form."""
    header = request.headers.get("authorization", "")
    if header[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        client_id, _, secret = decoded.partition(":")
        return unquote(client_id.replace("+", " ")), unquote(secret.replace("+", " "))
    return form.get("client_id", ""), form.get("client_secret", "")

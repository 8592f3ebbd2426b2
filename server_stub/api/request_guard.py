"""The door every request passes first: who is calling, then how much they may send.

FastAPI reads and parses a request's body before it solves the route's dependencies, the
bearer token among them; a stranger could make the server read and parse any amount of JSON
before being told 401. This middleware, outermost, settles both before a byte of the body is
read:

- a request with a body to a protected route (`/kiosk`, `/console/sessions/...`, `/admin`,
  `/review`)
  must carry a valid token of that route's kind, else 401 at once;
- every body is capped (`body_cap`: 1 MiB, more only where a route needs it), refused with
  413 from its announced length or as soon as it streams past the cap;
- JSON nested too deep to parse or check (Python's recursion limit) is a 400 with a clear
  message, never a 500.

The routes authenticate again as they always did (a dictionary look-up for a kiosk).
"""

import secrets
from typing import Any

from fastapi.concurrency import run_in_threadpool
from fastapi.security.utils import get_authorization_scheme_param
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server_stub.api.errors import api_error_response
from server_stub.api.review_auth import account_claims
from server_stub.console import session_for_console_token
from server_stub.errors import ApiError

MIB = 1024 * 1024
DEFAULT_CAP = 1 * MIB
# Path prefix -> cap, first match wins. A whole record (entries, tickets, every response
# typed) and a batch of up to 500 streamed entries: docs/server.md, "Request sizes". The
# candidates' CSV file is taken as JSON text of up to 5,000,000 characters.
ROUTE_CAPS = (
    ("/api/v1/kiosk/exams/", {"record": 4 * MIB, "entries": 2 * MIB}),
    ("/api/v1/admin/sessions/", {"candidates": 12 * MIB}),
    ("/web/schools/", {"roster": 16 * MIB}),  # a big lycée's SIECLE export, as a form upload
)
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def body_cap(path: str) -> int:
    """The most bytes a request to `path` may send."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    for prefix, caps in ROUTE_CAPS:
        if path.startswith(prefix) and last in caps:
            return caps[last]
    return DEFAULT_CAP


class RequestGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        cap = body_cap(path)
        refusal = _announced_too_large(scope, cap) or await _unauthenticated(scope, path)
        if refusal is not None:
            await api_error_response(refusal)(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, _capped(receive, cap), sending)
        except (HTTPException, RecursionError) as error:
            if started:
                raise
            if isinstance(error, RecursionError):
                failure = ApiError("json_too_deep")
            elif error.status_code == 413:
                failure = ApiError("request_too_large")
            else:
                raise
            await api_error_response(failure)(scope, receive, send)


def _announced_too_large(scope: Scope, cap: int) -> ApiError | None:
    length = _header(scope, b"content-length")
    if length.isdigit() and int(length) > cap:
        return ApiError("request_too_large")
    return None


async def _unauthenticated(scope: Scope, path: str) -> ApiError | None:
    """The refusal of a request to a protected route without a valid token of its kind."""
    if not path.startswith(
        ("/api/v1/kiosk/", "/api/v1/console/sessions/", "/api/v1/admin/", "/api/v1/review/")
    ):
        return None
    scheme, token = get_authorization_scheme_param(_header(scope, b"authorization"))
    if not token or scheme.lower() != "bearer":
        return ApiError("unauthenticated")
    ctx = scope["app"].state.ctx
    try:
        if path.startswith("/api/v1/kiosk/"):
            await ctx.device_credentials.device(token)
        elif path.startswith("/api/v1/review/"):
            if account_claims(ctx, token) is None:
                raise ApiError("unauthenticated")
        elif path.startswith("/api/v1/admin/"):
            if not secrets.compare_digest(token.encode(), ctx.admin_token.encode()):
                raise ApiError("unauthenticated")
        else:
            await run_in_threadpool(session_for_console_token, ctx, token)
    except ApiError as error:
        return error
    return None


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _capped(receive: Receive, cap: int) -> Receive:
    """`receive` that raises 413 once the body streams past `cap` bytes."""
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message: dict[str, Any] = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > cap:
                raise HTTPException(413)
        return message

    return counted

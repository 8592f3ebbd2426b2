"""Who is calling: an enrolled kiosk, an invigilator console of one session, or the planner.

Three bearer tokens, three OpenAPI security schemes: the device token (from enrolment), the
console token (from signing in with the invigilator code, valid for one session) and the admin
token (DIR/admin.token, written by `pix-server init`).
"""

import secrets

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from server_stub.console import session_for_console_token
from server_stub.context import ServerContext
from server_stub.errors import ApiError

device_bearer = HTTPBearer(
    scheme_name="DeviceToken",
    description="The device token returned by POST /api/v1/devices/enrol",
    auto_error=False,
)
console_bearer = HTTPBearer(
    scheme_name="ConsoleToken",
    description="The token returned by POST /api/v1/console/sign-in (one session)",
    auto_error=False,
)
admin_bearer = HTTPBearer(
    scheme_name="AdminToken",
    description="The planner's token, in DIR/admin.token on the server",
    auto_error=False,
)


async def server_context(request: Request) -> ServerContext:
    """Asynchronous, as every dependency that needs no database: FastAPI runs a plain function
    in a worker thread, a hop per request for nothing."""
    return request.app.state.ctx


async def current_device(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(device_bearer),
):
    """The calling kiosk's device row; notes the contact for the console.

    Asynchronous so that the usual case (a device already seen) costs no worker thread; the
    context is read from the request, not through `server_context`: every kiosk request solves
    this dependency, and each dependency solved costs FastAPI a little (docs/server.md).
    """
    if credentials is None:
        raise ApiError("unauthenticated")
    ctx: ServerContext = request.app.state.ctx
    device = await ctx.device_credentials.device(credentials.credentials)
    ctx.last_contact[device.device_id] = ctx.now()
    return device


def console_session(
    session_id: str,
    credentials: HTTPAuthorizationCredentials | None = Depends(console_bearer),
    ctx: ServerContext = Depends(server_context),
) -> str:
    """The session in the path, once the console token is known to be for it."""
    if credentials is None:
        raise ApiError("unauthenticated")
    if session_for_console_token(ctx, credentials.credentials) != session_id:
        raise ApiError("forbidden")
    return session_id


async def admin(
    credentials: HTTPAuthorizationCredentials | None = Depends(admin_bearer),
    ctx: ServerContext = Depends(server_context),
) -> None:
    if credentials is None or not secrets.compare_digest(
        credentials.credentials.encode(), ctx.admin_token.encode()
    ):
        raise ApiError("unauthenticated")

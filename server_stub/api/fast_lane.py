"""The two requests every kiosk sends all exam long, dispatched straight to their endpoints.

A room of 300 kiosks streams an entry every few seconds each, then uploads its records all
together. FastAPI's own dispatch of a request — trying the routes, solving the dependencies,
validating the body and the response — cost about 0.4 ms of the event loop, a fifth of a
streamed answer's cost and a tenth of a record's (docs/server.md). This middleware serves
`POST /api/v1/kiosk/exams/{exam_id}/entries` and `.../record` by calling the very endpoint
functions of api/kiosk.py, with the same authentication (`current_device`), the same request
and response models and the same error bodies; FastAPI still describes both routes in the
OpenAPI document. Anything out of the ordinary (another content type, a body the model
refuses) is handed to FastAPI untouched, which answers it as it answers any request.
"""

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi.security import HTTPAuthorizationCredentials
from fastapi.security.utils import get_authorization_scheme_param
from pydantic import BaseModel, ValidationError
from starlette._utils import get_route_path
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server_stub.api import kiosk
from server_stub.api.auth import current_device
from server_stub.api.errors import api_error_response
from server_stub.api.models import (
    EntriesRequest,
    Receipt,
    RecordResponse,
    RecordUpload,
)
from server_stub.errors import ApiError

Endpoint = Callable[..., Awaitable[dict[str, Any]]]

# last path segment -> (request model, endpoint, response model); api/kiosk.py declares them
ROUTES: dict[str, tuple[type[BaseModel], Endpoint, type[BaseModel]]] = {
    "entries": (EntriesRequest, kiosk.entries, Receipt),
    "record": (RecordUpload, kiosk.record, RecordResponse),
}
PATH = re.compile(r"/api/v1/kiosk/exams/([^/]+)/(entries|record)")


class KioskFastLane:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = _route(scope)
        if route is None:
            await self.app(scope, receive, send)
            return
        exam_id, (request_model, endpoint, response_model) = route
        body = await _read_body(receive)
        parsed = _parsed(request_model, body)
        if parsed is None:  # FastAPI says what is wrong, as for any request
            await self.app(scope, _replaying(body, receive), send)
            return
        ctx = scope["app"].state.ctx
        try:
            device = await current_device(_bearer(scope), ctx)
            result = await endpoint(exam_id, parsed, device, ctx)
            response = Response(
                response_model.model_validate(result).model_dump_json(by_alias=True),
                media_type="application/json",
            )
        except ApiError as error:
            response = api_error_response(error)
        await response(scope, receive, send)


def _route(scope: Scope) -> tuple[str, tuple] | None:
    """(exam id, the route) when this is a JSON POST to one of the two routes."""
    if scope["type"] != "http" or scope["method"] != "POST":
        return None
    match = PATH.fullmatch(get_route_path(scope))
    if match is None or _header(scope, b"content-type").split(";")[0].strip() != (
        "application/json"
    ):
        return None
    return match.group(1), ROUTES[match.group(2)]


def _header(scope: Scope, name: bytes) -> str:
    """The first value of a header (as Starlette reads it), "" when absent."""
    for key, value in scope["headers"]:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _bearer(scope: Scope) -> HTTPAuthorizationCredentials | None:
    """As fastapi.security.HTTPBearer(auto_error=False) reads the Authorization header."""
    scheme, credentials = get_authorization_scheme_param(_header(scope, b"authorization"))
    if not (scheme and credentials) or scheme.lower() != "bearer":
        return None
    return HTTPAuthorizationCredentials(scheme=scheme, credentials=credentials)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _parsed(model: type[BaseModel], body: bytes) -> BaseModel | None:
    """The body validated as FastAPI does (json.loads, then the model); None if refused."""
    try:
        return model.model_validate(json.loads(body))
    except (ValueError, ValidationError):  # JSONDecodeError and UnicodeDecodeError too
        return None


def _replaying(body: bytes, receive: Receive) -> Receive:
    """`receive` for the app behind, which reads the body already read here."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay

"""Every error answered as `{"error": {"code", "message_fr", "message_en"}}`, whatever raised it.

`ERROR_RESPONSES` documents those bodies on every route, so the OpenAPI document lists each
status a client can meet.
"""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from server_stub.api.models import ErrorResponse
from server_stub.errors import ApiError

ERROR_RESPONSES = {
    status: {"model": ErrorResponse, "description": description}
    for status, description in (
        (400, "JSON body nested too deep to be read"),
        (401, "Missing or invalid bearer token"),
        (403, "Refused (wrong code, wrong token, token not valid for this resource)"),
        (404, "Not found"),
        (409, "Not possible in the current state"),
        (413, "Body larger than the route's cap"),
        (422, "Invalid request or refused content"),
        (429, "Locked out after repeated failures"),
    )
}

# Body fields with a stable code of their own: a request refused for them alone answers with it.
FIELD_CODES = {"remarks": "invalid_remarks"}


def _field_code(locations: list[tuple]) -> str:
    fields = {location[1] if len(location) > 1 else None for location in locations}
    if len(fields) == 1 and all(location[:1] == ("body",) for location in locations):
        return FIELD_CODES.get(fields.pop(), "invalid_request")
    return "invalid_request"


# RFC 6750 §3: every 401 names the bearer scheme it wants (the OAuth token endpoint, which
# wants Basic, answers its own errors).
BEARER_CHALLENGE = 'Bearer realm="pix-server"'


def api_error_response(error: ApiError) -> JSONResponse:
    """The error's JSON body, with the error's own `headers` if it was given any (a challenge,
    a Retry-After)."""
    return _error_json(error.body(), error.status, getattr(error, "headers", None))


def _error_json(body: dict, status: int, headers: dict | None) -> JSONResponse:
    """An error answer; a 401 always names the bearer scheme."""
    headers = dict(headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", BEARER_CHALLENGE)
    return JSONResponse(body, status_code=status, headers=headers or None)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, error: ApiError) -> JSONResponse:
        return api_error_response(error)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            {
                "location": ".".join(str(part) for part in problem.get("loc", ())),
                "message_en": problem.get("msg", ""),
            }
            for problem in error.errors()
        ]
        detail = "; ".join(f"{p['location']}: {p['message_en']}" for p in problems[:5])
        code = _field_code([tuple(problem.get("loc", ())) for problem in error.errors()])
        failure = ApiError(code, details=problems, detail=detail)
        return JSONResponse(failure.body(), status_code=failure.status)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, error: HTTPException) -> JSONResponse:
        # 400: FastAPI could not parse the body (JSON nested too deep for the parser);
        # 413: the body streamed past its cap (request_guard.py).
        code = {
            400: "json_too_deep",
            404: "not_found",
            405: "method_not_allowed",
            401: "unauthenticated",
            413: "request_too_large",
        }.get(error.status_code, "invalid_request")
        failure = ApiError(code, detail=str(error.detail)) if code == "invalid_request" else None
        failure = failure or ApiError(code)
        return _error_json(failure.body(), error.status_code, getattr(error, "headers", None))

"""Unauthenticated routes: health, the keys kiosks pin, certificate lookup, device enrolment."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from engine.cli import package_version
from engine.keys import ed25519_public_from_b64, fingerprint
from server_stub.api.auth import server_context
from server_stub.api.errors import ERROR_RESPONSES
from server_stub.api.models import (
    Certificate,
    EnrolRequest,
    EnrolResponse,
    ErrorResponse,
    Health,
    PublicKeys,
)
from server_stub.certificate_page import PAGE_PATH, certificate_page, not_found_page
from server_stub.context import ServerContext
from server_stub.enrolment import enrol_device
from server_stub.errors import ApiError
from server_stub.exports import certificate
from server_stub.security import log_event
from server_stub.timeline import instant_text

router = APIRouter(prefix="/api/v1", tags=["public"], responses=ERROR_RESPONSES)
# Pages for people (the certificate's QR code), outside the API's prefix.
pages = APIRouter(tags=["public"])


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": ErrorResponse, "description": "Not ready (`not_ready`): why"}},
)
def health(ctx: ServerContext = Depends(server_context)):
    """Ready to take answers: a write committed to the database and its schema as expected
    (probed at most once a second); 503 `not_ready` with the reason otherwise."""
    problem = ctx.readiness.problem()
    if problem is not None:
        raise problem
    return {"status": "ok", "server_time": instant_text(ctx.now()), "version": package_version()}


@router.get("/keys", response_model=PublicKeys)
async def public_keys(ctx: ServerContext = Depends(server_context)):
    """The server's and the publisher's public keys, to pin in each kiosk's lab configuration."""
    keys = ctx.public_keys()
    return {
        **keys,
        "server_key_fingerprint": fingerprint(ctx.server_public_key),
        "publisher_key_fingerprint": fingerprint(
            ed25519_public_from_b64(keys["publisher_public_key"])
        ),
    }


@router.get("/certificates/{verification_code}", response_model=Certificate)
def lookup_certificate(
    request: Request, verification_code: str, ctx: ServerContext = Depends(server_context)
):
    """Public check of a certificate by its verification code (`P-` and 8 characters); 30
    misses in a minute from one address and it is answered 429 for a while (logged)."""
    return _throttled_lookup(request, verification_code, ctx)


@pages.get(
    PAGE_PATH.replace("{code}", "{verification_code}"),
    response_class=HTMLResponse,
    include_in_schema=False,  # a page for people; the API's lookup is documented above
)
def certificate_page_for_people(
    request: Request, verification_code: str, ctx: ServerContext = Depends(server_context)
):
    """The same check as a readable page (French, then English): what the certificate's QR
    code and printed address open."""
    try:
        found = _throttled_lookup(request, verification_code, ctx)
    except ApiError as error:
        if error.code != "certificate_not_found":
            raise
        return HTMLResponse(not_found_page(), status_code=404)
    return HTMLResponse(certificate_page(found))


def _throttled_lookup(request: Request, verification_code: str, ctx: ServerContext) -> dict:
    address = request.client.host if request.client else "unknown"
    now = ctx.now()
    if ctx.lookup_throttle.is_throttled(address, now):
        raise ApiError("lookup_throttled")
    try:
        return certificate(ctx.db, verification_code)
    except ApiError as error:
        if error.code != "certificate_not_found":
            raise
        throttled = ctx.lookup_throttle.count_miss(address, now)
        with ctx.db.write() as connection:
            log_event(
                connection,
                ctx.db,
                at=now,
                kind="certificate_lookup_throttled" if throttled else "certificate_lookup_miss",
                detail={"address": address, "code": verification_code[:20]},
            )
        raise


@router.post("/devices/enrol", response_model=EnrolResponse, status_code=201)
def enrol(body: EnrolRequest, ctx: ServerContext = Depends(server_context)):
    """Register a lab PC's public keys with an enrolment token made by IT."""
    enrolled = enrol_device(
        ctx.db,
        enrolment_token=body.enrolment_token,
        label=body.label,
        signing_key=body.signing_public_key,
        exchange_key=body.exchange_public_key,
        now=ctx.now(),
    )
    return {
        "device_id": enrolled.device_id,
        "device_token": enrolled.device_token,
        **ctx.public_keys(),
    }

"""Routes for a school's results (admin token, as the planning routes): a class's results as
JSON or as the French CSV `pix-server results` writes."""

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from server_stub.api.auth import admin, server_context
from server_stub.api.errors import ERROR_RESPONSES
from server_stub.certificate_page import lookup_address
from server_stub.context import ServerContext
from server_stub.documents.class_attestations import NoAttestationError, class_attestations_pdf
from server_stub.errors import ApiError
from server_stub.schools.class_results import class_results, class_results_csv

router = APIRouter(
    prefix="/api/v1/admin",
    tags=["schools"],
    responses=ERROR_RESPONSES,
    dependencies=[Depends(admin)],
)


class ClassResultRow(BaseModel):
    student_id: str
    last_name: str
    first_name: str
    ine: str | None
    birth_date: str
    division: str
    grade: str | None
    expected_level: int | None
    status: Literal["validated", "rejected", "pending", "not_certified"]
    score: int | None
    global_level: int | None
    global_level_label: str | None
    expected_level_reached: bool | None
    verification_code: str | None
    session_id: str | None
    competence_levels: dict[str, int | None]


@router.get(
    "/organizations/{uai}/classes/{division}/results",
    response_model=list[ClassResultRow],
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def results_by_class(
    uai: str,
    division: str,
    format: Literal["json", "csv"] = Query("json"),
    ctx: ServerContext = Depends(server_context),
):
    """One row per current student of the class: their latest published certification (or
    `not_certified`) and whether it reaches their grade's expected level."""
    rows = class_results(ctx.db, uai, division)
    if format == "csv":
        return Response(class_results_csv(rows), media_type="text/csv; charset=utf-8")
    return rows


@router.get(
    "/organizations/{uai}/classes/{division}/attestations.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {"schema": {"type": "string"}}}}},
)
def class_attestations(
    request: Request,
    uai: str,
    division: str,
    lang: Literal["fr", "en"] = Query("fr"),
    ctx: ServerContext = Depends(server_context),
):
    """The class's published certificates in one PDF, one page per student."""
    lookup = lookup_address(ctx.data_dir.public_url() or str(request.base_url))
    try:
        content = class_attestations_pdf(ctx.db, uai, division, lookup, lang)
    except NoAttestationError:
        raise ApiError("not_found") from None
    return Response(content, media_type="application/pdf")

"""The ASGI application: the routers, the error format, and the context opened from the data
directory (one per process: see docs/server.md)."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from engine.cli import package_version
from server_stub.api import console, feeds, kiosk, planning, practice, public, review, schools
from server_stub.api.errors import install_error_handlers
from server_stub.api.request_guard import RequestGuard
from server_stub.context import ServerContext
from server_stub.documents import routes as documents
from server_stub.intake import routes as intake_routes
from server_stub.web import practice_student, practice_teacher
from server_stub.web import review_pages as web_review
from server_stub.web import routes as web
from server_stub.web.web_sessions import WebSessionDoor

DESCRIPTION = """Exam server of the pix-kiosk certification (sessions, candidates, invigilation,
key release, record intake, results). Errors are `{"error": {"code", "message_fr",
"message_en"}}`; the wire protocol is described in docs/protocol.md."""


def create_app(ctx: ServerContext) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        ctx.notifier.bind(asyncio.get_running_loop())
        yield

    app = FastAPI(
        title="pix-server",
        version=package_version(),
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    install_error_handlers(app)
    # Intake first: streaming kiosks make most of the requests, and FastAPI tries routes in order.
    app.include_router(intake_routes.router)
    for module in (
        kiosk,
        public,
        console,
        planning,
        documents,
        feeds,
        schools,
        review,
        practice,
        web,
    ):
        app.include_router(module.router)
    # issue 25: the practice pages of students and teachers, beside the web space's own
    app.include_router(practice_student.router)
    app.include_router(practice_teacher.router)
    app.include_router(practice_teacher.static)
    app.include_router(public.pages)
    app.include_router(web_review.router)  # the web space's review and publication pages
    app.add_middleware(WebSessionDoor)  # the web space's sessions, in the database
    app.add_middleware(RequestGuard)
    return app

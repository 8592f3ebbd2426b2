"""The dependencies routes declare, as `Annotated` aliases (as in FastAPI's own template): a
route names what it needs (`ctx: ContextDep`, `device: DeviceDep`) and nothing else."""

from typing import Annotated, Any

from fastapi import Depends

from server_stub.api.auth import current_device, server_context
from server_stub.context import ServerContext
from server_stub.db.database import Database


async def database(ctx: Annotated[ServerContext, Depends(server_context)]) -> Database:
    return ctx.db


ContextDep = Annotated[ServerContext, Depends(server_context)]
DbDep = Annotated[Database, Depends(database)]
# The calling kiosk's device row (enrolment.py), once its token is known.
DeviceDep = Annotated[Any, Depends(current_device)]

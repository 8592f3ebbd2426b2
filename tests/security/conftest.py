"""The attacks on the server, replayed against a real one on loopback (tests/server's
fixtures: a live server with a clock the test moves, robot kiosks and a robot invigilator).

Each attacker holds what they would hold for real: a stranger on the network holds nothing but
the server's address; another session's invigilator holds their own session's codes; a pupil
holds the lab PC's device token and keys (the kiosk's own signing key signs the forgeries).
"""

import io
import json
from contextlib import redirect_stdout

import pytest

from kiosk.sync import OutboxSync
from server_stub.commands import main as pix_server
from tests.server.conftest import (  # noqa: F401  (fixtures, by name)
    data_dir,
    live_server,
    room_factory,
)


def exported(room, fmt: str = "json"):
    """`pix-server export --data DIR --session ID --format FMT`, as IT runs it."""
    out = io.StringIO()
    with redirect_stdout(out):
        code = pix_server(
            [
                "export",
                "--data",
                str(room.server.data_dir),
                "--session",
                room.planned.session_id,
                "--format",
                fmt,
            ]
        )
    assert code == 0
    return json.loads(out.getvalue()) if fmt == "json" else out.getvalue()


async def go_offline(robot) -> None:
    """The lab PC loses the network: nothing more reaches the server (entries or heads)."""
    await robot.outbox.stop()


async def come_back(robot) -> None:
    """The network is back: the core's outbox streams what was journaled meanwhile."""
    robot.core.outbox = OutboxSync(
        robot.client,
        robot.journal,
        server_public_key=robot.server_key,
        device_id=robot.identity.device_id,
    ).start()
    assert await robot.outbox.flush(timeout_s=20)


def security_log(server, kind: str) -> list[dict]:
    log = server.ctx.db.tables["security_log"]
    with server.ctx.db.read() as connection:
        rows = connection.execute(log.select().where(log.c.kind == kind)).all()
    return [json.loads(row.detail) for row in rows]


@pytest.fixture
def tools():
    """The helpers above, for the test modules (no `from conftest import`: another folder's
    conftest may come first on sys.path)."""

    class Tools:
        pass

    for helper in (exported, go_offline, come_back, security_log):
        setattr(Tools, helper.__name__, staticmethod(helper))
    return Tools

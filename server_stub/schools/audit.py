"""The audit log: every decision taken on the platform, with who took it, when and on what.

Rows are only ever added. `actor` says who decided: `account:<login>`, `client:<client_id>`,
`cli` (a `pix-server` command run on the server, whose user is the server's administrator).
"""

import json
import secrets
import time
from typing import Any

from sqlalchemy import Connection, select

from server_stub.db.database import Database

CLI_ACTOR = "cli"


def record(
    connection: Connection,
    db: Database,
    *,
    at: float,
    actor: str,
    action: str,
    uai: str | None = None,
    target: str | None = None,
    **detail: Any,
) -> None:
    """Add one decision to the log, inside the caller's transaction (it stands or falls with it)."""
    connection.execute(
        db.tables["audit_log"]
        .insert()
        .values(
            event_id=_event_id(),
            at=at,
            actor=actor,
            action=action,
            uai=uai,
            target=target,
            detail=json.dumps(detail, ensure_ascii=False, sort_keys=True),
        )
    )


def entries(db: Database, *, action_prefix: str = "") -> list[dict[str, Any]]:
    """The log in order (for commands and tests); `action_prefix` narrows it."""
    log = db.tables["audit_log"]
    query = select(log).order_by(log.c.at, log.c.event_id)
    if action_prefix:
        query = query.where(log.c.action.startswith(action_prefix))
    with db.read() as connection:
        return [
            {**row._asdict(), "detail": json.loads(row.detail)} for row in connection.execute(query)
        ]


def _event_id() -> str:
    """Unique, and in the order rows were written when several share one `at` (a sign-in's
    failure and the lock it triggers): the wall clock in nanoseconds, then a random part."""
    return f"audit_{time.time_ns():020d}_{secrets.token_hex(4)}"

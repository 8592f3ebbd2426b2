"""Instructions from the invigilator to one kiosk, queued until the kiosk fetches them.

Each device has its own numbered queue; the kiosk long-polls for commands after the last
number it has handled, so a command survives a network cut or a kiosk restart and is delivered
once per number (the kiosk journals the number it acted on).
"""

import json
from typing import Any

from sqlalchemy import Connection, func, select

from server_stub.db.database import Database

COMMAND_KINDS = (
    "pause",  # payload: {}
    "resume",  # payload: {"remaining_s"}
    "unlock",  # payload: {"incident_id"}
    "end",  # payload: {"abort_reason"}
    "replace_question",  # payload: {"alert_id", "item_id", "subcategory"}
    "alert_dismissed",  # payload: {"alert_id", "item_id"}
    "extra_time",  # payload: {"added_s", "extra_s", "deadline", "remaining_s"}
)


def device_key(device_id: str) -> str:
    """The notifier key a kiosk's long-poll waits on."""
    return f"device:{device_id}"


def queue_command(
    connection: Connection,
    db: Database,
    *,
    device_id: str,
    exam_id: str,
    kind: str,
    payload: dict[str, Any],
    now: float,
) -> int:
    """Add a command to the device's queue (call `notify(device_key)` once committed)."""
    if kind not in COMMAND_KINDS:
        raise ValueError(f"unknown command kind {kind!r}")
    commands, devices = db.tables["device_commands"], db.tables["devices"]
    # The next number of this device's queue: one command at a time per device.
    connection.execute(
        select(devices.c.device_id)
        .where(devices.c.device_id == device_id)
        .with_for_update(key_share=True)
    )
    last = connection.scalar(
        select(func.max(commands.c.seq)).where(commands.c.device_id == device_id)
    )
    seq = (last or 0) + 1
    connection.execute(
        commands.insert().values(
            device_id=device_id,
            seq=seq,
            exam_id=exam_id,
            kind=kind,
            payload=json.dumps(payload, sort_keys=True),
            issued_at=now,
        )
    )
    return seq


def commands_after(db: Database, device_id: str, after: int, limit: int = 100) -> list[dict]:
    commands = db.tables["device_commands"]
    with db.read() as connection:
        rows = connection.execute(
            select(commands)
            .where(commands.c.device_id == device_id, commands.c.seq > after)
            .order_by(commands.c.seq)
            .limit(limit)
        ).all()
    return [
        {
            "seq": row.seq,
            "exam_id": row.exam_id,
            "kind": row.kind,
            "payload": json.loads(row.payload),
            "issued_at": row.issued_at,
        }
        for row in rows
    ]

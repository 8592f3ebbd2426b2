"""Delivering a sealed record: until the server takes it, by its head alone once the exam's
outbox has the whole journal acknowledged."""

import json
import sys
from pathlib import Path

from kiosk.client import KioskClient, ServerError
from kiosk.core.exam_files import sent_marker
from kiosk.sync import OutboxSync

RECORD_FLUSH_S = 5.0  # how long a finished exam's outbox may take to be acknowledged
# Record uploads retry with the client's backoff (capped at 30 s): this is well over an hour.
RECORD_ATTEMPTS = 200


async def deliver_record(server: KioskClient, path: Path, outbox: OutboxSync | None) -> bool:
    """Upload the record at `path` (backoff up to a minute); True once the server took it (a
    `.sent` marker beside it then says so to the next run)."""
    record = json.loads(path.read_text(encoding="utf-8"))
    acknowledged = outbox is not None and await outbox.flush(RECORD_FLUSH_S)
    try:
        await server.upload_record(record, attempts=RECORD_ATTEMPTS, acknowledged=acknowledged)
    except ServerError as error:
        # Refused: the record stays on disk as evidence; the server keeps its own copy of
        # the journal, and IT can upload it again.
        print(f"{path}: {error.fr} / {error.en}", file=sys.stderr)
        return False
    sent_marker(path).touch()
    return True

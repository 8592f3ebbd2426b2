"""Delivering a sealed record: until the server takes it, by its head alone once the exam's
outbox has the whole journal acknowledged.

A server that fails (a 5xx, a restart, a full disk) or cannot be reached is tried again, with
the client's backoff (capped, jittered), for as long as it takes: nothing but the server's
refusal ends the delivery. A refusal (a 4xx, with its reason) is final for this record: it is
kept on disk as evidence, said on stderr, and returned for the end screen, which the
invigilator reads at the PC.
"""

import json
import sys
from pathlib import Path

from kiosk.client import KioskClient, ServerError
from kiosk.core.exam_files import sent_marker
from kiosk.sync import OutboxSync

RECORD_FLUSH_S = 5.0  # how long a finished exam's outbox may take to be acknowledged


async def deliver_record(
    server: KioskClient, path: Path, outbox: OutboxSync | None
) -> ServerError | None:
    """Upload the record at `path` until the server takes it (None; a `.sent` marker beside
    it then says so to the next run) or refuses it (the refusal)."""
    record = json.loads(path.read_text(encoding="utf-8"))
    acknowledged = outbox is not None and await outbox.flush(RECORD_FLUSH_S)
    try:
        await server.upload_record(record, attempts=None, acknowledged=acknowledged)
    except ServerError as error:
        # The server keeps its own copy of the journal, and IT can upload the record again.
        print(f"{path}: {error.fr} / {error.en}", file=sys.stderr)
        return error
    sent_marker(path).touch()
    return None

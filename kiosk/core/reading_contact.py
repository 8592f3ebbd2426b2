"""While the candidate reads the instructions, the server keeps hearing from this PC.

The server watches an exam's contact with its kiosk from the start ticket on, since the exam may
run from then and the server learns of the start only when the journal's first entry reaches it
(server_stub/exam_evidence.py): a silence longer than its threshold holds the result for review.
Before « Commencer » the journal has nothing to stream, so the core asks for its ticket again
every READING_CONTACT_S; the server takes that as a contact until its clock starts. A candidate
who reads for minutes is thus not mistaken for a kiosk gone silent.
"""

import asyncio
import contextlib
from typing import TYPE_CHECKING

from kiosk.client import ServerError, ServerUnreachable
from kiosk.core.phase import Phase

if TYPE_CHECKING:
    from kiosk.core.exam_core import ExamCore

# Well under the server's threshold (5 minutes by default): a contact lost now and then is not
# a silence.
READING_CONTACT_S = 30.0


async def keep_in_touch_while_reading(core: "ExamCore") -> None:
    """Say so to the server every READING_CONTACT_S until the exam clock starts."""
    while core.phase == Phase.INSTRUCTIONS and core.clock is None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(core.clock_started.wait(), READING_CONTACT_S)
        if core.phase != Phase.INSTRUCTIONS or core.clock is not None:
            return
        await reading_contact(core)


async def reading_contact(core: "ExamCore") -> bool:
    """One contact (the ticket asked for again); whether the server heard it. Unreachable or
    refusing (the exam ended meanwhile): nothing to do, the next one tries again."""
    assert core.candidate_id is not None
    try:
        await core.server.fetch_ticket(core.candidate_id)
    except (ServerUnreachable, ServerError):
        return False
    return True

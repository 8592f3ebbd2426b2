"""The invigilator's commands to this PC (pause, resume, unlock, replace the question, extra
time, dismissed alert, end), long-polled from the server and obeyed exactly once each.

They are followed from the ticket on. Before the exam clock starts (the candidate reads the
instructions) only `end` is obeyed — it starts the clock, then ends the exam; any other waits
for the start, since it acts on a running clock (the server counts a pause from the start too).
"""

import asyncio
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from engine.exam_events import ALERT_DISMISSED, EXTRA_TIME
from kiosk.client import ServerError, ServerUnreachable
from kiosk.core.phase import Phase

if TYPE_CHECKING:
    from kiosk.core.exam_core import ExamCore

COMMAND_RETRY_S = 2.0


async def follow_commands(core: "ExamCore") -> None:
    """Long-poll the commands for this device, acting on those for the exam under way."""
    while core.phase != Phase.FINISHED:
        try:
            commands = await core.server.commands(core.command_seq)
        except ServerUnreachable:
            await asyncio.sleep(COMMAND_RETRY_S)
            continue
        except ServerError as error:
            # A server stopping or failing: one line in the log, and the next poll tries again.
            print(f"pix-kiosk: commands: {error.code}: {error.en}", file=sys.stderr)
            await asyncio.sleep(COMMAND_RETRY_S)
            continue
        waits_for_start = False
        for command in commands:
            ours = core.ticket is not None and (
                command.get("exam_id", core.ticket.exam_id) == core.ticket.exam_id
            )
            if ours and core.clock is None and command["kind"] != "end":
                waits_for_start = True  # this one and those after it: once the clock runs
                break
            if ours:
                core.commands_seen.append(dict(command))
                obey(core, command)
            core.command_seq = max(core.command_seq, int(command["seq"]))
        if waits_for_start:
            await core.clock_started.wait()


def obey(core: "ExamCore", command: Mapping[str, Any]) -> None:
    """One command, journaled before it takes effect; one that does not apply now (a pause
    while paused, an unlock of an unlocked exam) is ignored."""
    kind = command["kind"]
    payload = command.get("payload", {})
    seq = int(command["seq"])
    if kind == "pause" and core.phase not in (Phase.PAUSED, Phase.FINISHED):
        core.pause(seq)
    elif kind == "resume" and core.phase == Phase.PAUSED:
        core.resume(seq, payload.get("remaining_s"))
    elif kind == "unlock" and core.phase == Phase.LOCKED:
        core.unlock_from_console(seq)
    elif kind == "replace_question" and core.item is not None and core.exam is not None:
        if payload.get("item_id") == core.item.id:
            core.replace_item(core.item.id, seq)
    elif kind == "extra_time" and core.clock is not None and core.phase != Phase.FINISHED:
        # The server's figures, journaled as given; its clock stays the authority.
        added_s = float(payload.get("added_s", 0))
        core.append(
            EXTRA_TIME,
            {"added_s": added_s, "remaining_s": payload.get("remaining_s"), "command_seq": seq},
        )
        core.clock.allowed_s += added_s
        core.changed()
    elif kind == "alert_dismissed" and core.phase != Phase.FINISHED:
        item_id = payload.get("item_id")
        core.append(ALERT_DISMISSED, {"item_id": item_id, "command_seq": seq})
        if core.item is not None and item_id == core.item.id:
            core.alert_dismissed = item_id
            core.changed()
    elif kind == "end" and core.phase != Phase.FINISHED:
        core.start_clock()  # ended on the instructions screen: the record says it began
        core.finish(payload.get("abort_reason"))

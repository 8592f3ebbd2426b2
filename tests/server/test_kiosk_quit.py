"""Quitting a kiosk in secure mode with the invigilator code: checked by the server with the
console sign-in's lockout, every failure and every quit in the security log."""

import asyncio
import json

import pytest
from sqlalchemy import select

from kiosk.client import ServerError
from kiosk.console.api import ConsoleApi


def security_log(room) -> list[tuple[str, dict, str | None]]:
    log = room.server.ctx.db.tables["security_log"]
    with room.server.ctx.db.read() as connection:
        rows = connection.execute(select(log.c.kind, log.c.detail, log.c.device_id)).all()
    return [(kind, json.loads(detail), device_id) for kind, detail, device_id in rows]


def test_the_code_quits_a_kiosk_and_failures_count_for_that_kiosk_alone(room_factory):
    room = room_factory(1)
    planned = room.planned
    other = room.server.plan(1)  # another session, with an invigilator of its own

    async def scenario():
        invigilator = await room.invigilator()
        robot = await room.started(0, invigilator)
        client, exam_id = robot.client, robot.ticket.exam_id
        with pytest.raises(ServerError) as other_session:  # its code does not quit this kiosk
            await client.quit_with_code(other.session_number, other.invigilator_code)
        with pytest.raises(ServerError) as wrong:
            await client.quit_with_code(planned.session_number, "nope", exam_id)
        with pytest.raises(ServerError) as not_this_exam:
            await client.quit_with_code(
                planned.session_number, planned.invigilator_code, "exam_elsewhere"
            )
        quit_during_exam = await client.quit_with_code(
            planned.session_number, planned.invigilator_code, exam_id
        )
        quit_at_check_in = await client.quit_with_code(
            planned.session_number, f" {planned.invigilator_code} "
        )
        for _ in range(5):  # a pupil at the quit prompt locks out this kiosk alone
            with pytest.raises(ServerError):
                await client.quit_with_code(planned.session_number, "nope")
        console = ConsoleApi(room.server.url)
        signed_in = await console.sign_in(planned.session_number, planned.invigilator_code)
        await console.close()
        with pytest.raises(ServerError) as locked:
            await client.quit_with_code(planned.session_number, planned.invigilator_code)
        await robot.close()
        await invigilator.close()
        return (
            robot.identity.device_id,
            exam_id,
            other_session.value,
            wrong.value,
            not_this_exam.value,
            quit_during_exam,
            quit_at_check_in,
            signed_in,
            locked.value,
        )

    device_id, exam_id, other_session, wrong, elsewhere, during, at_check_in, console, locked = (
        asyncio.run(scenario())
    )
    assert (other_session.code, other_session.status) == ("wrong_invigilator_code", 403)
    assert (wrong.code, wrong.status) == ("wrong_invigilator_code", 403)
    assert "3" in wrong.fr and "3" in wrong.en  # attempts left
    assert elsewhere.code == "exam_not_found"
    assert during == at_check_in == {"quit": True, "session_id": planned.session_id}
    assert console.session_id == planned.session_id  # the console is another source
    assert (locked.code, locked.status) == ("invigilator_locked", 429)
    log = security_log(room)
    quits = [(detail, device) for kind, detail, device in log if kind == "kiosk_quit"]
    assert quits == [({"exam_id": exam_id}, device_id), ({"exam_id": None}, device_id)]
    failures = [detail for kind, detail, _ in log if kind == "wrong_invigilator_code"]
    assert failures[0] == {
        "attempts_left": 4,
        "on_kiosk": True,
        "action": "quit",
        "exam_id": None,
        "source": f"device:{device_id}",
    }
    assert len(failures) == 7  # 2 before the quits, then 5 in a row

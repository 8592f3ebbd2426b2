"""The server refuses to authorise an exam its bank cannot complete, with a message for the
invigilator, before any ticket: the candidate is not rejected for the bank's shortfall."""

import asyncio
import json

import pytest
from sqlalchemy import select

from kiosk.console.api import ConsoleApiError


def test_authorisation_refused_when_the_bank_cannot_give_a_complete_exam(room_factory):
    room = room_factory(1)
    db = room.server.ctx.db
    configs = db.tables["bank_configs"]
    with db.write() as connection:  # an exam longer than the bank: 200 questions
        for row in connection.execute(select(configs)).all():
            config = {**json.loads(row.config), "length": 200}
            connection.execute(
                configs.update()
                .where(configs.c.bank_id == row.bank_id, configs.c.mode == row.mode)
                .values(config=json.dumps(config))
            )

    async def scenario():
        invigilator = await room.invigilator()
        robot = room.robot(0, invigilator)
        await robot.enrol()
        await robot.check_in()
        with pytest.raises(ConsoleApiError) as refused:
            await invigilator.authorise(robot.candidate_id)
        room_view = await invigilator.room()
        await robot.close()
        await invigilator.close()
        return refused.value, room_view

    error, room_view = asyncio.run(scenario())
    assert error.code == "exam_not_feasible"
    assert "200" in str(error) and "Autorisation impossible" in str(error)
    assert room_view["candidates"][0]["status"] == "waiting"  # nothing started

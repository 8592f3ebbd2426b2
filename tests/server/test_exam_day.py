"""Exam-day events on a real server, with robot kiosks and the robot invigilator: a crash and
its resume, pauses and extra time on the server's clock, live alerts, an invigilator's end."""

import asyncio

import pytest
from server_waits import eventually

from engine.canonical import BilingualError
from kiosk.client import ServerError
from server_stub.exports import session_results
from tests.server.review_helpers import validate_all_and_publish

MINUTE = 60


def line(room: dict, candidate_id: str) -> dict:
    return next(row for row in room["candidates"] if row["candidate_id"] == candidate_id)


def test_crash_then_resume_needs_a_new_authorisation(room_factory):
    room = room_factory(1)

    async def scenario():
        invigilator = await room.invigilator()
        first = await room.started(0, invigilator)
        await first.take_exam(stop_after=10)
        await first.outbox.flush(timeout_s=10)
        await first.close()  # the PC crashes: the journal stays on disk
        status = line(await invigilator.room(), first.candidate_id)
        assert (status["status"], status["answered"]) == ("in_progress", 10)

        again = room.robot(0, invigilator)  # same PC, restarted
        await again.enrol()
        answer = await again.check_in()
        assert answer["status"] == "waiting_resume"
        status = line(await invigilator.room(), again.candidate_id)
        assert (status["status"], status["waiting_for"]) == ("waiting", "resume")
        with pytest.raises(ServerError) as refused:
            await again.client.fetch_ticket(again.candidate_id)
        assert refused.value.code == "not_authorised_yet"
        room.server.clock.advance(20 * MINUTE)  # waiting for the invigilator stops the clock
        await again.wait_for_ticket()
        assert again.ticket.kind == "resume"
        assert len(again.exam.answers) == 10
        await again.take_exam()
        await again.finish()
        await again.close()
        await invigilator.close()
        return again

    robot = asyncio.run(scenario())
    assert robot.outcome.completed, robot.outcome
    (row,) = session_results(room.server.ctx.db, room.planned.session_id)
    assert row["status"] == "validated"


def test_pause_and_extra_time_move_the_deadline(room_factory):
    room = room_factory(1, extra_time_percent=33)

    async def scenario():
        invigilator = await room.invigilator()
        robot = await room.started(0, invigilator)
        budget = (105 * 60 * 133) // 100
        before = line(await invigilator.room(), robot.candidate_id)
        assert before["remaining_s"] == pytest.approx(budget, abs=5)

        paused = await invigilator.pause(robot.candidate_id)
        assert paused["paused"] is True
        await eventually(robot.paused.is_set)
        assert line(await invigilator.room(), robot.candidate_id)["status"] == "paused"
        room.server.clock.advance(30 * MINUTE)  # a paused clock does not run
        resumed = await invigilator.resume(robot.candidate_id)
        assert resumed["remaining_s"] == pytest.approx(budget, abs=5)
        await eventually(lambda: not robot.paused.is_set())

        room.server.clock.advance(10 * MINUTE)
        extended = await invigilator.add_extra_time(robot.candidate_id, 15)
        assert extended["extra_s"] == 15 * MINUTE
        assert extended["remaining_s"] == pytest.approx(budget - 10 * MINUTE + 15 * MINUTE, abs=5)
        command = await eventually(
            lambda: [c for c in robot.commands_seen if c["kind"] == "extra_time"]
        )
        assert command[0]["payload"]["deadline"] == extended["deadline"]
        assert {c["kind"] for c in robot.commands_seen} >= {"pause", "resume", "extra_time"}

        await robot.take_exam()
        await robot.finish()
        await robot.close()
        await invigilator.close()
        return robot

    robot = asyncio.run(scenario())
    assert robot.outcome.completed, robot.outcome


def test_a_validated_live_alert_replaces_the_question(room_factory):
    room = room_factory(1)

    async def scenario():
        invigilator = await room.invigilator()
        robot = await room.started(0, invigilator)
        await robot.take_exam(stop_after=3)
        alerted = await robot.show_next()
        alert = await robot.raise_alert(alerted)
        status = line(await invigilator.room(), robot.candidate_id)
        assert status["status"] == "live_alert"
        assert status["alerts"][0]["item_id"] == alerted

        with pytest.raises(BilingualError) as refused:
            await invigilator.validate_alert(alert["alert_id"], "NOT_A_SUBCATEGORY")
        assert refused.value.code == "invalid_request"
        await invigilator.validate_alert(alert["alert_id"], "IMAGE_NOT_DISPLAYING")
        await eventually(lambda: robot.exam.current is None)  # replaced on command
        assert line(await invigilator.room(), robot.candidate_id)["status"] == "in_progress"

        dismissed_item = await robot.show_next()
        dismissed = await robot.raise_alert(dismissed_item)
        await invigilator.dismiss_alert(dismissed["alert_id"])
        await eventually(lambda: any(c["kind"] == "alert_dismissed" for c in robot.commands_seen))
        assert robot.exam.current == dismissed_item  # a dismissed alert changes nothing

        await robot.take_exam()
        await robot.finish()
        await robot.close()
        await invigilator.close()
        return robot, alerted, dismissed_item

    robot, alerted, dismissed_item = asyncio.run(scenario())
    assert robot.outcome.completed, robot.outcome
    answered = [item for item, _ in robot.exam.answers]
    assert alerted not in answered and dismissed_item in answered
    assert len(answered) == 32


def test_the_invigilator_ends_a_test_with_an_abort_reason(room_factory):
    room = room_factory(2)

    async def scenario():
        invigilator = await room.invigilator()
        short = await room.started(0, invigilator)
        technical = await room.started(1, invigilator)
        await short.take_exam(stop_after=22)
        await technical.take_exam(stop_after=5)
        await invigilator.end(short.candidate_id, "candidate")
        await invigilator.end(technical.candidate_id, "technical")
        await eventually(lambda: short.abort_reason and technical.abort_reason)
        for robot in (short, technical):
            await robot.take_exam()  # returns at once: the test is over
            await robot.finish()
            await robot.close()
        await invigilator.finalise()
        await invigilator.close()

    asyncio.run(scenario())
    pending = validate_all_and_publish(room.server.ctx, room.planned.session_id)
    assert ["few_answers"] in [item["reasons"] for item in pending]  # 5 answers
    rows = session_results(room.server.ctx.db, room.planned.session_id)
    by_reason = {row["abort_reason"]: row for row in rows}
    assert by_reason["candidate"]["status"] == "validated"  # 22 answers, the rest skipped
    assert by_reason["technical"]["status"] == "cancelled"  # fewer than 20, technical
    assert by_reason["technical"]["verification_code"] is None


def test_a_waiting_kiosk_learns_of_its_authorisation_at_once(room_factory):
    room = room_factory(1)

    async def scenario():
        invigilator = await room.invigilator()
        robot = room.robot(0, invigilator)
        await robot.enrol()
        await robot.check_in()
        started = asyncio.get_running_loop().time()
        unchanged = await robot.client.candidate_status(robot.candidate_id, wait_s=0.5)
        waited = asyncio.get_running_loop().time() - started
        assert (unchanged["status"], unchanged["ticket_ready"]) == ("waiting", False)
        assert 0.5 <= waited < 3  # nothing happened: the long-poll ends at its timeout

        async def authorise_later() -> float:
            await asyncio.sleep(0.3)
            await invigilator.authorise(robot.candidate_id)
            return asyncio.get_running_loop().time()

        later = asyncio.ensure_future(authorise_later())
        status = await robot.client.candidate_status(robot.candidate_id, wait_s=20)
        answered = asyncio.get_running_loop().time()
        assert status["ticket_ready"] and status["status"] == "authorised"
        delay = answered - await later
        ready = await robot.client.candidate_status(robot.candidate_id, wait_s=20)
        assert ready["ticket_ready"]  # already ready: no waiting
        await robot.close()
        await invigilator.close()
        return delay

    delay = asyncio.run(scenario())
    assert delay < 1.0, f"the kiosk heard of its authorisation {delay:.2f} s late"

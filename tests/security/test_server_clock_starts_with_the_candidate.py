"""The exam clock starts when the candidate presses « Commencer » on the instructions screen
(issue 22, item 5), as the server counts it: from its own receipt of the kiosk's start (the
journal's first entry, `exam_started`), and at the latest START_WINDOW_S after the start ticket
was issued — never from a time the kiosk writes. A candidate who reads the instructions for
minutes keeps their whole time and no review reason; a kiosk that holds its start back gains
at most the start window. The server watches the kiosk's contact from the start ticket on: a
kiosk silent between its ticket and its start is held for review like one silent mid-exam
(`offline_stretch`), while a reading candidate's kiosk keeps in touch (reading_contact.py)."""

import asyncio
import json

import pytest

from engine.canonical import parse_utc_text
from engine.exam_events import EXAM_STARTED
from engine.ticket import START_WINDOW_S
from kiosk.core.phase import Phase
from kiosk.core.reading_contact import reading_contact

MINUTE = 60
BUDGET_S = 105 * MINUTE  # the plan's candidates have no extra time


@pytest.fixture
def room(room_factory):
    """A room with one candidate (and the robot invigilator each test's body gets)."""
    return room_factory(1)


async def ticketed(room, invigilator, *, start: bool = False):
    """The candidate's robot enrolled, checked in and holding its start ticket: on the
    instructions screen, or past « Commencer » with `start`."""
    robot = room.robot(0, invigilator)
    await robot.enrol()
    await robot.check_in()
    await robot.wait_for_ticket(start=start)
    return robot


async def line_of(invigilator, robot) -> dict:
    room = await invigilator.room()
    return next(line for line in room["candidates"] if line["candidate_id"] == robot.candidate_id)


def test_the_clock_waits_on_the_instructions_screen_and_starts_with_the_candidate(room):
    clock = room.server.clock

    async def body(invigilator):
        robot = await ticketed(room, invigilator)
        core = robot.core
        # The ticket is taken, the bank unlocked, the instructions on screen: no clock yet.
        assert core.phase == Phase.INSTRUCTIONS and core.journal is None
        snapshot = core.snapshot()
        assert snapshot["clock_started"] is False and snapshot["remaining_s"] is None
        assert snapshot["start_window_s"] == START_WINDOW_S
        clock.advance(7 * MINUTE)  # reading the instructions, on the server's clock
        reading = await line_of(invigilator, robot)
        assert reading["status"] == "authorised" and reading["deadline"] is None
        assert reading["remaining_s"] == BUDGET_S
        pressed = clock()
        await robot.show_next()  # « Commencer l'épreuve »
        assert core.journal.entries()[0].kind == EXAM_STARTED
        assert core.snapshot()["clock_running"] is True
        assert await robot.outbox.flush(timeout_s=20)
        received = clock()
        started = await line_of(invigilator, robot)
        assert started["status"] == "in_progress"
        deadline = parse_utc_text(started["deadline"]).timestamp()
        assert pressed + BUDGET_S <= deadline <= received + BUDGET_S
        await robot.close()

    room.run(body)


def test_a_late_start_does_not_make_late_entries(room, tools):
    """Nine minutes on the instructions (the kiosk in touch all along), then a whole exam whose
    last answers come after the authorisation plus the time allowed, but before the start plus
    the time allowed."""
    clock = room.server.clock

    async def body(invigilator):
        robot = await ticketed(room, invigilator)
        for _ in range(3):  # the contacts the core makes every READING_CONTACT_S meanwhile
            clock.advance(3 * MINUTE)
            assert await reading_contact(robot.core)
        await robot.show_next()
        await robot.take_exam(stop_after=8)
        assert await robot.outbox.flush(timeout_s=20)
        for _ in range(25):  # 100 min more: 109 min after the ticket, 100 after the start
            clock.advance(4 * MINUTE)
            assert await robot.outbox.send_head()
        await robot.take_exam()
        answer = await robot.finish()
        await robot.close()
        await invigilator.finalise()
        return answer

    assert room.run(body)["outcome"] == "verified"
    (row,) = tools.exported(room)
    assert (row["status"], row["review_reasons"]) == ("validated", [])


def test_a_start_held_back_gains_at_most_the_start_window(room):
    """The kiosk starts with its network cut for half an hour (what a pupil pulling the cable
    at « Commencer » would do): its entries reach the server 30 minutes late, but the server's
    clock started at the end of the start window, whatever the journal's own times say."""
    clock = room.server.clock

    async def body(invigilator):
        robot = room.robot(0, invigilator)
        await robot.enrol()
        await robot.check_in()
        asked = clock()
        await robot.wait_for_ticket(start=False)
        issued = clock()  # the ticket was issued between the two
        await robot.request("network_cut", seconds=3600)
        await robot.show_next()
        clock.advance(30 * MINUTE)
        held = await line_of(invigilator, robot)
        # Past the window, the server's clock runs although nothing came from the kiosk.
        deadline = parse_utc_text(held["deadline"]).timestamp()
        assert asked + START_WINDOW_S + BUDGET_S <= deadline <= issued + START_WINDOW_S + BUDGET_S
        assert held["remaining_s"] <= BUDGET_S - (30 * MINUTE - START_WINDOW_S)
        await robot.request("network_cut", seconds=0)
        assert await robot.outbox.flush(timeout_s=30)
        arrived = await line_of(invigilator, robot)
        assert arrived["status"] == "in_progress"
        assert arrived["deadline"] == held["deadline"]  # the late entries moved nothing
        # ...and the half hour without a word from the kiosk holds its result for review.
        assert arrived["review_reasons"] == ["offline_stretch"]
        await robot.close()

    room.run(body)


def offline_reasons(room, robot) -> tuple[list[str], float]:
    """The exam row's review reasons and longest silence, as the server stored them."""
    exams = room.server.ctx.db.tables["exams"]
    with room.server.ctx.db.read() as connection:
        row = connection.execute(
            exams.select().where(exams.c.exam_id == robot.ticket.exam_id)
        ).one()
    return json.loads(row.review_reasons or "[]"), row.longest_offline_s


@pytest.mark.parametrize("cut", ["before_commencer", "at_commencer"])
def test_a_kiosk_silent_from_its_ticket_to_its_start_is_held_for_review(room, cut):
    """The attacker's way round a clock that starts with the server's receipt: cut the cable
    once the ticket is taken (or right at « Commencer »), answer offline for six minutes, then
    stream everything in one go before the start window ends. The server's clock starts at the
    receipt, so no silence shows between the clock's start and it: the watch starting with the
    ticket is what catches it. (The certification walk's robot, cut for 5 s after 4 quick
    answers, hit the same hole: none of its entries had reached the server before the cut.)"""
    clock = room.server.clock

    async def body(invigilator):
        robot = await ticketed(room, invigilator)
        await robot.request("network_cut", seconds=3600)
        if cut == "before_commencer":
            clock.advance(2 * MINUTE)
            assert not await reading_contact(robot.core)  # the cable is out
        await robot.show_next()
        await robot.take_exam(stop_after=8)
        clock.advance((4 if cut == "before_commencer" else 6) * MINUTE)
        await robot.request("network_cut", seconds=0)
        assert await robot.outbox.flush(timeout_s=30)
        line = await line_of(invigilator, robot)
        assert line["review_reasons"] == ["offline_stretch"]
        reasons, longest = offline_reasons(room, robot)
        await robot.close()
        return reasons, longest

    reasons, longest = room.run(body)
    assert reasons == ["offline_stretch"] and longest >= 6 * MINUTE - 1


def test_a_kiosk_that_starts_at_once_and_keeps_in_touch_has_no_silence(room):

    async def body(invigilator):
        robot = await ticketed(room, invigilator, start=True)
        await robot.take_exam(stop_after=8)
        assert await robot.outbox.flush(timeout_s=30)
        reasons, longest = offline_reasons(room, robot)
        await robot.close()
        return reasons, longest

    reasons, longest = room.run(body)
    assert reasons == [] and longest < 60


def test_the_core_starts_the_clock_by_itself_when_the_window_runs_out(room, monkeypatch):
    monkeypatch.setattr("kiosk.core.exam_core.START_WINDOW_S", 0.5)

    async def body(invigilator):
        robot = await ticketed(room, invigilator)
        core = robot.core
        core.start()  # its ticker, as the service runs it
        for _ in range(40):
            if core.clock is not None:
                break
            await asyncio.sleep(0.1)
        assert core.phase == Phase.INSTRUCTIONS  # still on the instructions, the clock running
        assert core.snapshot()["clock_started"] and core.snapshot()["clock_running"]
        assert [entry.kind for entry in core.journal.entries()] == [EXAM_STARTED]
        await robot.close()

    room.run(body)


def test_the_core_keeps_in_touch_by_itself_while_the_instructions_are_read(room, monkeypatch):
    """The core's own contacts on the instructions screen (every READING_CONTACT_S, shortened
    here) reach the server: its last contact follows the server's clock, and none is made once
    the clock runs."""
    monkeypatch.setattr("kiosk.core.reading_contact.READING_CONTACT_S", 0.2)
    clock = room.server.clock

    async def body(invigilator):
        robot = await ticketed(room, invigilator)
        exams = room.server.ctx.db.tables["exams"]

        def last_contact() -> float:
            with room.server.ctx.db.read() as connection:
                return connection.scalar(
                    exams.select()
                    .with_only_columns(exams.c.last_contact_at)
                    .where(exams.c.exam_id == robot.ticket.exam_id)
                )

        for _ in range(3):  # nine minutes of reading, on the server's clock
            clock.advance(3 * MINUTE)
            moved_to = clock()
            for _ in range(50):
                if last_contact() >= moved_to:
                    break
                await asyncio.sleep(0.1)
            assert last_contact() >= moved_to
        # Past the start window the server's clock runs: a ticket asked again is no contact.
        before = clock()
        clock.advance(3 * MINUTE)
        await asyncio.sleep(1.0)
        assert last_contact() <= before + 1.0
        await robot.close()

    room.run(body)

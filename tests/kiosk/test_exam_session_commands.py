"""The controller with the invigilator at work (real server, real console API, real window):
pause and resume stop the clock, extra time extends it, a live alert is dismissed or replaces
the question, leaving the window locks the exam until the invigilator unlocks, from the console
or with the code typed on the kiosk. Each decision is journaled and the record still verifies."""

import asyncio
import dataclasses

import pytest

from engine.exam_events import (
    ALERT_DISMISSED,
    EXTRA_TIME,
    FINISHED,
    ITEM_REPLACED,
    LIVE_ALERT_RAISED,
    LOCKED,
    PAUSED,
    RESUMED,
    TIME_OVER,
    UNLOCKED,
    WATCHED_FOCUS_LOST,
)
from kiosk.commands.run import Kiosk, run_kiosk
from kiosk.console.api import ConsoleApi
from kiosk.console.room_state import RoomLine
from kiosk.exam_session import Phase
from kiosk.rehearsal import authorise_each_arrival
from kiosk.ui.question_screen import clock_text

pytestmark = pytest.mark.slow


async def until(condition, timeout_s: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    give_up = loop.time() + timeout_s
    while not condition():
        assert loop.time() < give_up, f"timed out: line {condition.__code__.co_firstlineno}"
        await asyncio.sleep(0.05)


async def first_listed(
    console: ConsoleApi, candidate_id: str, kind: str, locked: bool | None = None
) -> dict:
    """The candidate's first open alert or incident (`locked`: only those that did, or did
    not, lock the kiosk), as the invigilator's room shows it."""
    for _ in range(100):
        room = await console.room()
        line = next(line for line in room["candidates"] if line["candidate_id"] == candidate_id)
        listed = [entry for entry in line[kind] if locked in (None, entry.get("locked"))]
        if listed:
            return listed[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no {kind} listed")


def test_pause_alert_lock_and_unlock(lab):
    kinds: list[str] = []
    extra_time: dict = {}

    async def scenario(kiosk: Kiosk) -> int:
        kiosk.window.show()
        session, exam = kiosk.session, kiosk.core.exam
        console = await lab.console()
        invigilator = asyncio.ensure_future(authorise_each_arrival(session, console))
        candidate = lab.candidate(session, 1, pace_s=3.0)
        sitting = asyncio.ensure_future(candidate.run())
        await until(lambda: session.phase == Phase.QUESTION)
        candidate_id = session.candidate_id

        await console.pause(candidate_id)
        await until(lambda: session.phase == Phase.PAUSED)
        frozen = exam.clock.remaining_s(exam.journal.elapsed_ms())
        item_spent = exam.item_spent_s()
        await asyncio.sleep(1.0)
        assert exam.clock.remaining_s(exam.journal.elapsed_ms()) == frozen
        assert exam.item_spent_s() == item_spent  # the question's own timer stops too
        shown = kiosk.window.paused.clock.text()
        assert shown.endswith(clock_text(round(frozen)))  # the paused screen shows the time
        await console.resume(candidate_id)
        await until(lambda: session.phase == Phase.QUESTION)
        assert exam.item_spent_s() - item_spent < 1.0

        def journaled(kind: str) -> list:
            return [entry for entry in exam.journal.entries() if entry.kind == kind]

        before = exam.clock.remaining_s(exam.journal.elapsed_ms())
        granted = await console.add_extra_time(candidate_id, 5)
        await until(lambda: journaled(EXTRA_TIME))
        entry = journaled(EXTRA_TIME)[0]
        extra_time.update(entry.payload)
        assert entry.payload["remaining_s"] == granted["remaining_s"]  # the server's figure
        kiosk_left = exam.clock.remaining_s(entry.elapsed_ms)
        assert kiosk_left == pytest.approx(granted["remaining_s"], abs=10)
        assert kiosk_left - before == pytest.approx(300, abs=5)

        dismissed = session.item.id
        kiosk.window.question.report.click()
        await until(lambda: kiosk.window.question.report_done.isVisibleTo(kiosk.window))
        alert = await first_listed(console, candidate_id, "alerts")
        await console.dismiss_alert(alert["alert_id"])
        await until(lambda: journaled(ALERT_DISMISSED))
        assert journaled(ALERT_DISMISSED)[0].payload["item_id"] == dismissed
        await until(lambda: session.item is not None and session.item.id != dismissed)

        alerted = session.item.id
        kiosk.window.question.report.click()
        await until(lambda: kiosk.window.question.report_done.isVisibleTo(kiosk.window))
        alert = await first_listed(console, candidate_id, "alerts")
        await console.validate_alert(alert["alert_id"], "IMAGE_NOT_DISPLAYING")
        await until(lambda: session.item is not None and session.item.id != alerted)
        # The next question can be reported too.
        await until(lambda: kiosk.window.question.report.isVisibleTo(kiosk.window))
        assert not kiosk.window.question.report_done.isVisibleTo(kiosk.window)

        # A watched question left (outside secure mode): journaled, and live on the console.
        exam.item = dataclasses.replace(exam.item, focused=True)
        exam.note_focus_lost(exam.item.id)
        notice = await first_listed(console, candidate_id, "incidents")
        assert (notice["kind"], notice["locked"]) == (WATCHED_FOCUS_LOST, False)
        line = RoomLine.from_wire(
            next(
                line
                for line in (await console.room())["candidates"]
                if line["candidate_id"] == candidate_id
            )
        )
        assert line.status == "in_progress" and not line.refusals and line.focus_losses

        session.report_violation("focus_lost", "the test left the window")
        await until(lambda: session.phase == Phase.LOCKED)
        incident = await first_listed(console, candidate_id, "incidents", locked=True)
        await console.unlock(incident["incident_id"])
        await until(lambda: session.phase == Phase.QUESTION)

        candidate.pace_s = 0.0
        session.report_violation("minimised", "the test minimised the window")
        await until(lambda: session.phase == Phase.LOCKED)
        await until(lambda: session.phase == Phase.QUESTION)  # the code typed on the kiosk

        report = await sitting
        assert report.completed and report.questions == 32
        await session.wait_record_sent(30)
        listed = (await console.report())["incidents"]
        assert [incident["kind"] for incident in listed].count("FOCUS_LOST") == 1
        kinds.extend(entry.kind for entry in exam.journal.entries())
        invigilator.cancel()
        await console.close()
        return 0

    assert run_kiosk(lab.config, scenario, core_in_thread=True) == 0
    for kind in (PAUSED, RESUMED, ITEM_REPLACED, EXTRA_TIME, ALERT_DISMISSED):
        assert kinds.count(kind) == 1, kind
    assert kinds.count(LIVE_ALERT_RAISED) == 2
    assert extra_time["added_s"] == 300
    assert kinds.count(LOCKED) == 2 and kinds.count(UNLOCKED) == 2
    assert lab.exported("Martin")["status"] == "validated"


def test_time_over_ends_the_exam_with_the_answers_given(lab):
    kinds: list[str] = []

    async def scenario(kiosk: Kiosk) -> int:
        kiosk.window.show()
        session, exam = kiosk.session, kiosk.core.exam
        console = await lab.console()
        invigilator = asyncio.ensure_future(authorise_each_arrival(session, console))
        candidate = lab.candidate(session, 0, pace_s=0.3)
        sitting = asyncio.ensure_future(candidate.run())
        await until(lambda: session.position >= 3)
        exam.clock.allowed_s = 0  # as if the time allowed had run out now
        report = await sitting  # the candidate sees "time is up" and clicks to finish
        assert "time_over" in report.screens
        assert report.completed and 3 <= report.questions < 32
        await session.wait_record_sent(30)
        kinds.extend(entry.kind for entry in exam.journal.entries())
        invigilator.cancel()
        await console.close()
        # The end screen's "online" follows the last exchange: the server gone, it says so
        # within a few seconds (the journal's heartbeat).
        assert kiosk.window.network.online
        lab.server.stop()
        await until(lambda: not kiosk.window.network.online, timeout_s=15)
        kiosk.window.grab().save(str(lab.config.data_dir / "end-offline.png"))
        return 0

    assert run_kiosk(lab.config, scenario, core_in_thread=True) == 0
    assert kinds[-2:] == [TIME_OVER, FINISHED]
    assert lab.exported("Dupont")["status"] in ("rejected", "validated")

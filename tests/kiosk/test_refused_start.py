"""A secure start the lab's policy refuses (here a remote session, found by the real lockdown's
environment check) reaches the invigilator as a refused start, not as a lock: the kiosk sends
`locked: false`, the room shows `start_refused`; once the PC is fixed and the candidate starts
again, the first question clears it. Real server, real console API, real window."""

import asyncio

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from engine.exam_events import ANSWER, ITEM_SHOWN, LOCKED
from kiosk.commands.run import Kiosk, run_kiosk
from kiosk.console.api import ConsoleApi
from kiosk.exam_session import Phase
from kiosk.lockdown.policy import LockdownPolicy
from kiosk.lockdown.session import LockdownSession
from kiosk.rehearsal import authorise_each_arrival

pytestmark = pytest.mark.slow

SSH = "192.0.2.1 5000 192.0.2.2 22"


async def until(condition, timeout_s: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    give_up = loop.time() + timeout_s
    while not condition():
        assert loop.time() < give_up, f"timed out: line {condition.__code__.co_firstlineno}"
        await asyncio.sleep(0.05)


async def line_when(console: ConsoleApi, candidate_id: str, check) -> dict:
    """The candidate's room line once `check(line)` holds (the invigilator's view)."""
    for _ in range(200):
        room = await console.room()
        line = next(line for line in room["candidates"] if line["candidate_id"] == candidate_id)
        if check(line):
            return line
        await asyncio.sleep(0.05)
    raise AssertionError(f"room line never matched: {line}")


def refuse_remote_sessions(kiosk: Kiosk, tmp_path) -> None:
    """Secure mode's real lockdown, whose environment check refuses a "remote session"."""
    policy = LockdownPolicy(virtual_machine="allow", remote_session="refuse")
    kiosk.session.lockdown_factory = lambda on_violation: LockdownSession(
        kiosk.window, policy, on_violation, state_dir=tmp_path / "lockdown"
    )


async def refused_on_start(lab, kiosk: Kiosk, tmp_path, index: int):
    """Candidate `index` checks in and starts behind a refused remote session: (console,
    invigilator task, the candidate's room line once it shows the refusal)."""
    kiosk.window.show()
    session = kiosk.session
    refuse_remote_sessions(kiosk, tmp_path)
    console = await lab.console()
    invigilator = asyncio.ensure_future(authorise_each_arrival(session, console))
    report = await lab.candidate(session, index, pace_s=0.0).run()  # stops on the refusal
    assert "SSH_CONNECTION" in report.failure
    refused = await line_when(console, session.candidate_id, lambda line: line["incidents"])
    return console, invigilator, refused


def test_a_refused_start_is_reported_unlocked_and_cleared_by_the_first_question(
    lab, tmp_path, monkeypatch
):
    monkeypatch.setenv("SSH_CONNECTION", SSH)
    seen: dict = {}

    async def scenario(kiosk: Kiosk) -> int:
        session = kiosk.session
        console, invigilator, seen["refused"] = await refused_on_start(lab, kiosk, tmp_path, 1)
        assert session.phase == Phase.INSTRUCTIONS, session.phase  # the reason shown there
        candidate_id = session.candidate_id

        # The invigilator ends the remote session; the full lockdown is the lockdown suite's
        # business (it needs a real X server): here the PC then starts without one.
        monkeypatch.delenv("SSH_CONNECTION")
        session.lockdown_factory = None
        QTest.mouseClick(kiosk.window.instructions.start, Qt.MouseButton.LeftButton)
        await until(lambda: session.phase == Phase.QUESTION)
        seen["started"] = await line_when(console, candidate_id, lambda line: not line["incidents"])
        seen["kinds"] = [entry.kind for entry in kiosk.core.exam.journal.entries()]
        invigilator.cancel()
        await console.close()
        return 0

    assert run_kiosk(lab.config, scenario, core_in_thread=True) == 0
    refused = seen["refused"]
    assert refused["status"] == "start_refused"
    [incident] = refused["incidents"]
    assert incident["locked"] is False and incident["kind"] == "remote_session"
    assert incident["detail"].startswith("environment_refused: ")
    assert seen["started"]["status"] == "in_progress"
    assert ITEM_SHOWN in seen["kinds"] and LOCKED not in seen["kinds"]


def test_a_refused_resume_is_cleared_as_soon_as_the_question_is_back(lab, tmp_path, monkeypatch):
    """After a restart the kiosk resumes on the question it was on, whose timer goes on; when
    its lockdown had been refused first, that question is journaled again so that the refusal
    clears at once, not one question later."""
    seen: dict = {}

    async def three_answers_then_stop(kiosk: Kiosk) -> int:
        kiosk.window.show()
        console = await lab.console()
        invigilator = asyncio.ensure_future(authorise_each_arrival(kiosk.session, console))
        sitting = asyncio.ensure_future(lab.candidate(kiosk.session, 2, pace_s=0.0).run())
        await until(lambda: kiosk.session.position >= 2)
        # What follows stays in the journal only, as a crash can leave it: the question the
        # kiosk stops on reaches the server after the restart (and must not end the refusal).
        await kiosk.core.run(lambda exam: exam.outbox.stop())
        await until(lambda: kiosk.session.position >= 3)
        for task in (sitting, invigilator):
            task.cancel()
        await console.close()
        await asyncio.sleep(0.2)  # a click already on its way reaches the core (journaled)
        answers = [e for e in kiosk.core.exam.journal.entries() if e.kind == ANSWER]
        seen["answered_before"] = len(answers)
        return 0  # closed mid-exam, as a crash leaves it

    async def resumed_behind_a_refusal(kiosk: Kiosk) -> int:
        session = kiosk.session
        # the resume is refused
        console, invigilator, seen["refused"] = await refused_on_start(lab, kiosk, tmp_path, 2)
        monkeypatch.delenv("SSH_CONNECTION")
        session.lockdown_factory = None
        QTest.mouseClick(kiosk.window.instructions.start, Qt.MouseButton.LeftButton)
        await until(lambda: session.phase == Phase.QUESTION)
        seen["back"] = await line_when(
            console, session.candidate_id, lambda line: not line["incidents"]
        )
        seen["entries"] = kiosk.core.exam.journal.entries()
        seen["position"] = session.position
        invigilator.cancel()
        await console.close()
        return 0

    assert run_kiosk(lab.config, three_answers_then_stop, core_in_thread=True) == 0
    monkeypatch.setenv("SSH_CONNECTION", SSH)
    assert run_kiosk(lab.config, resumed_behind_a_refusal, core_in_thread=True) == 0
    assert seen["refused"]["status"] == "start_refused"
    assert seen["back"]["status"] == "in_progress"
    # Nothing answered meanwhile: the question itself cleared it.
    assert seen["position"] == seen["answered_before"] >= 3
    shown = [entry for entry in seen["entries"] if entry.kind == ITEM_SHOWN]
    assert (
        shown[-1].payload
        == shown[-2].payload
        == {"item_id": shown[-1].payload["item_id"], "position": seen["answered_before"] + 1}
    )

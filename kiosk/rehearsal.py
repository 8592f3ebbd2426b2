"""A simulated candidate that sits the exam through the real window, with real Qt events.

It reads the screen the controller shows and does what a candidate would: types the check-in
details key by key, starts, answers each question by clicking choices or typing into fields
(sometimes « Je passe »), opens attachments, and types the invigilator code if the exam locks.
The window never has a solution (the exam core keeps them), so the candidate answers from what
it knows: the demo bank's items, whose source ships openly with the engine (right most of the
time, sometimes wrong), and a guess on any other bank's. Nothing is called behind the UI's back:
if a screen cannot be used with the mouse and keyboard, the rehearsal fails. IT uses it to
prove a lab PC works; the tests use it end to end.
"""

import asyncio
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QWidget

from engine.bank_source import load_demo_bank
from engine.items import FieldKind, Item, ItemType
from kiosk.console.api import ConsoleApi
from kiosk.core.item_view import ItemView
from kiosk.enrolment import enrol_lab_pc
from kiosk.exam_session import ExamSession, Phase
from kiosk.lab_config import LabConfig, load_lab_config
from kiosk.robot import CandidateIdentity
from kiosk.ui.item_widgets import ChoiceAnswer, FieldsAnswer

RIGHT_ANSWER_SHARE = 0.7
SKIP_SHARE = 0.1
UNREACHABLE_TEXT = "je ne sais pas"
GUESSED_TEXTS = ("je ne sais pas", "internet", "fichier", "Paris")
GUESSED_NUMBERS = ("0", "1", "2", "10", "42")


async def provision_kiosk(
    state_dir: Path, server_url: str, enrol_token: str, *, secure_mode: bool, label: str
) -> LabConfig:
    """Make `state_dir` a lab PC of the server at `server_url` as `pix-kiosk enroll` does (or
    bring it up to date when it already is one: a rehearsal resumed after a kill), with the
    secure mode this run asks for."""
    report = await enrol_lab_pc(server_url, enrol_token, state_dir, label=label)
    return replace(load_lab_config(report.config_path), secure_mode=secure_mode)


async def authorise_each_arrival(session: ExamSession, console: ConsoleApi) -> None:
    """The invigilator's part, played through the invigilator API: authorise the candidate
    sitting at this kiosk each time it waits (to start, or to resume after a restart)."""
    authorised: str | None = None
    while True:
        waiting = session.phase == Phase.WAITING and session.candidate_id is not None
        if waiting and authorised != session.candidate_id:
            await console.authorise(session.candidate_id)
            authorised = session.candidate_id
        elif not waiting:
            authorised = None
        await asyncio.sleep(0.2)


@dataclass
class RehearsalReport:
    completed: bool = False
    failure: str = ""
    questions: int = 0
    score: int | None = None
    item_types: set[str] = field(default_factory=set)
    screens: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "completed": self.completed,
            "failure": self.failure,
            "questions": self.questions,
            "score": self.score,
            "item_types": sorted(self.item_types),
            "screens": self.screens,
        }


class SimulatedCandidate:
    """Plays one candidate through `session`'s window until the end screen."""

    def __init__(
        self,
        session: ExamSession,
        candidate: CandidateIdentity,
        session_number: str,
        access_code: str,
        invigilator_code: str,
        *,
        pace_s: float = 0.0,
        screenshots: Path | None = None,
        seed: int = 1,
        say: Callable[[str], None] = print,
    ) -> None:
        self.session = session
        self.window = session.window
        self.candidate = candidate
        self.session_number = session_number
        self.access_code = access_code
        self.invigilator_code = invigilator_code
        self.pace_s = pace_s
        self.screenshots = screenshots
        self.random = random.Random(seed)
        self.say = say
        self.report = RehearsalReport()
        self.known = {known.id: known for known in load_demo_bank()}
        self._done = asyncio.Event()
        session.answered_count.connect(self._on_answered)
        session.finished.connect(self._on_finished)

    async def run(self) -> RehearsalReport:
        """Act on each screen as it appears, until the exam has ended."""
        last: tuple[str, str] | None = None
        while not self._done.is_set():
            phase = self.session.phase
            refusal = self._refusal()
            if refusal:
                self.report.failure = refusal
                await self._in_qt(lambda: self._screenshot(Phase.CHECK_IN, None, "refused"))
                return self.report
            item = self.window.question.item if phase == Phase.QUESTION else None
            state = (str(phase), item.id if item is not None else "")
            if state != last:
                last = state
                if (item is not None or phase == Phase.LOCKED) and self.pace_s:
                    await asyncio.sleep(self.pace_s)
                await self._in_qt(lambda phase=phase, item=item: self._act(phase, item))
            await asyncio.sleep(0.05)
        await self._in_qt(lambda: self._screenshot(Phase.FINISHED, None))
        return self.report

    async def _in_qt(self, action: Callable[[], None]) -> None:
        """Run `action` from the Qt event loop itself, outside any asyncio task: input events
        make Qt process events, which must not happen in the middle of a task's step."""
        done = asyncio.get_running_loop().create_future()

        def call() -> None:
            if done.cancelled():  # the candidate was stopped meanwhile: no more input
                return
            try:
                action()
            except Exception as error:  # handed over to the awaiting task
                done.set_exception(error)
            else:
                done.set_result(None)

        QTimer.singleShot(0, call)
        await done

    def _act(self, phase: Phase, item: ItemView | None) -> None:
        """What a candidate does on this screen (screenshots it first)."""
        self._screenshot(phase, item)
        if phase == Phase.CHECK_IN and not self.window.checkin.busy:
            self._check_in()
        elif phase == Phase.INSTRUCTIONS:
            self._click(self.window.instructions.start)
        elif phase == Phase.QUESTION and item is not None and self.window.question.item is item:
            self._answer(item)
        elif phase == Phase.LOCKED and self.session.phase == Phase.LOCKED:
            self._type(self.window.locked.code, self.invigilator_code)
            QTest.keyClick(self.window.locked.code, Qt.Key.Key_Return)
        elif phase == Phase.TIME_OVER:
            self._click(self.window.time_over.next)

    def _refusal(self) -> str:
        """Why the exam cannot go on, when the screen says so (the rehearsal stops there): the
        server refused the check-in, or the secure mode refused to start on this PC."""
        screen = self.window.checkin
        phase = self.session.phase
        if phase == Phase.CHECK_IN and not screen.busy and not screen.problem.isHidden():
            return screen.problem.text()
        if phase == Phase.INSTRUCTIONS and not self.window.notice_frame.isHidden():
            return self.window.notice.text()
        return ""

    # --- check-in -------------------------------------------------------------------------

    def _check_in(self) -> None:
        screen = self.window.checkin
        screen.reset()
        birth = date.fromisoformat(self.candidate.birth_date).strftime("%d/%m/%Y")
        values = (
            self.session_number,
            self.access_code,
            self.candidate.last_name,
            self.candidate.first_names,
            birth,
        )
        fields = (screen.session, screen.access_code, screen.last_name, screen.first_name)
        for field_, value in zip((*fields, screen.birth_date), values, strict=True):
            self._type(field_.edit, value)
        QTest.keyClick(screen.birth_date.edit, Qt.Key.Key_Return)

    # --- answering --------------------------------------------------------------------------

    def _answer(self, item: ItemView) -> None:
        screen = self.window.question
        self.report.item_types.add(str(item.type))
        if item.attachments:
            button, _ = screen._attachment_buttons[0]
            self._click(button)
            self._screenshot(Phase.QUESTION, None, "viewer")
            self._click(self.window.viewer.back)
        if self.random.random() < SKIP_SHARE:
            self._click(screen.skip)
            return
        known = self.known.get(item.id)
        right = self.random.random() < RIGHT_ANSWER_SHARE
        answer = screen.answer
        if isinstance(answer, ChoiceAnswer):
            choices = (
                self._guessed_choices(item)
                if known is None
                else _choices(known, right, self.random)
            )
            for index in choices:
                self._click(answer.rows[index].indicator)
        elif isinstance(answer, FieldsAnswer):
            texts = self._guessed_texts(item) if known is None else _texts(known, right)
            for edit, text in zip(answer.edits.values(), texts, strict=True):
                self._type(edit, text)
        self._click(screen.validate)

    def _guessed_choices(self, item: ItemView) -> list[int]:
        """One choice (QCU), or one to all of them (QCM), as a guess."""
        indices = list(range(len(item.choices)))
        if item.type is ItemType.QCU:
            return [self.random.choice(indices)]
        return sorted(self.random.sample(indices, self.random.randint(1, len(indices))))

    def _guessed_texts(self, item: ItemView) -> list[str]:
        return [
            self.random.choice(GUESSED_NUMBERS if f.kind is FieldKind.NUMBER else GUESSED_TEXTS)
            for f in item.fields
        ]

    # --- real input events ------------------------------------------------------------------

    def _click(self, button: QAbstractButton) -> None:
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)

    def _type(self, edit: QLineEdit, text: str) -> None:
        """Click into the field and type, key by key (accented letters arrive as a keyboard
        layout or an input method delivers them: a key event carrying the character)."""
        QTest.mouseClick(edit, Qt.MouseButton.LeftButton)
        edit.selectAll()
        for character in text:
            if character.isascii():
                QTest.keyClick(edit, character)
            else:
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, character)
                    QApplication.sendEvent(edit, event)

    # --- progress ---------------------------------------------------------------------------

    def _on_answered(self, answered: int, total: int) -> None:
        self.report.questions = answered
        self.say(f"answered {answered}/{total}")

    def _on_finished(self, result: Any) -> None:
        self.report.completed = True
        self.report.score = int(result["score"])
        self._done.set()

    def _screenshot(self, phase: Phase, item: ItemView | None, name: str | None = None) -> None:
        """One PNG per distinct screen: each phase once, each item type once, the viewer once."""
        name = name or (f"question-{item.type}" if item is not None else str(phase))
        if name in self.report.screens:
            return
        self.report.screens.append(name)
        if self.screenshots is not None:
            self.screenshots.mkdir(parents=True, exist_ok=True)
            QApplication.processEvents()
            target: QWidget = self.window
            if not target.grab().save(
                str(self.screenshots / f"{len(self.report.screens):02d}-{name}.png")
            ):
                print(f"cannot write screenshot {name}", file=sys.stderr)


def _choices(item: Item, right: bool, draw: random.Random) -> list[int]:
    correct = sorted(item.correct_choices)
    if right:
        return correct
    wrong = [index for index in range(len(item.choices)) if index not in correct]
    return [draw.choice(wrong)] if wrong else correct[:1]


def _texts(item: Item, right: bool) -> list[str]:
    if not right:
        return ["0" if field_.kind == "number" else UNREACHABLE_TEXT for field_ in item.fields]
    if item.type is ItemType.QROCM_DEP:
        return [group[0] for group in item.accepted[: len(item.fields)]]
    return [variants[0] for variants in item.accepted]

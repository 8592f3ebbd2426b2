"""The candidate window's side of an exam: show what the exam core says, send what the candidate
does.

The window decides nothing about the exam. The core (kiosk.core, another process) holds the keys,
the journal and the engine; it pushes its state (phase, candidate, clock, the key of the item on
screen...) over its socket, and this controller turns each state into screens. The item on
screen comes from the core without its solution (kiosk.core.item_view); answers, alerts, codes
and the lockdown's violations go back as requests, and the core journals each one — fsync'd, in
its own process — before the window shows what follows. What stays here is what only a window
can do: the lockdown around it, the countdowns between two states, the quit prompt.
"""

import asyncio
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication

from engine.canonical import BilingualError
from engine.ticket import START_WINDOW_S
from kiosk.core.item_view import ItemView
from kiosk.core.link import CoreLink
from kiosk.core.phase import Phase
from kiosk.i18n import LanguageSwitcher
from kiosk.lockdown.guard import LockdownRefused
from kiosk.ui.checkin_screen import CheckInDetails
from kiosk.ui.main_window import KioskWindow

__all__ = ["ExamSession", "Lockdown", "LockdownFactory", "Phase"]

TICK_MS = 250


class Lockdown(Protocol):
    """The secure mode around the window (kiosk.lockdown.LockdownSession)."""

    def apply(self) -> None: ...

    def release(self) -> None: ...


LockdownFactory = Callable[[Callable[[str, str], None]], Lockdown]


class ExamSession(QObject):
    """Drives one kiosk window from its exam core's state, one candidate after the other."""

    phase_changed = Signal(str)
    answered_count = Signal(int, int)
    finished = Signal(object)
    quit_accepted = Signal()  # the invigilator's code was accepted: close the kiosk

    def __init__(
        self,
        window: KioskWindow,
        switcher: LanguageSwitcher,
        core: CoreLink,
        *,
        lockdown_factory: LockdownFactory | None = None,
    ) -> None:
        super().__init__()
        self.window = window
        self.switcher = switcher
        self.core = core
        self.lockdown_factory = lockdown_factory
        self.lockdown: Lockdown | None = None
        self.phase = Phase.CHECK_IN
        self.state: dict[str, Any] = {}
        self.session_number = ""
        self.candidate_id: str | None = None
        self.position = 0
        self.item: ItemView | None = None
        self.record_sent = False
        self._state_at = time.monotonic()
        self._shown_key: tuple[str, int] | None = None
        self._fetching: tuple[str, int] | None = None
        self._answering: str | None = None
        self._exam_id: str | None = None
        self._auto_started: str | None = None
        self._lockdown_notice = ""
        self._notice_shown = ""
        self._dismissal_shown: str | None = None
        self._finished_exam: str | None = None
        self._locking = False
        self._asked_next = False
        self._counted_exam: str | None = None
        self._record_delivered = asyncio.Event()
        self._tasks: set[asyncio.Task] = set()
        window.set_quit_needs_code(lockdown_factory is not None)
        self._connect_screens()
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.applicationStateChanged.connect(self._on_application_state)

    def _connect_screens(self) -> None:
        w = self.window
        w.checkin.submitted.connect(lambda details: self._spawn(self._check_in(details)))
        w.waiting.cancelled.connect(lambda: self._spawn(self._ask("cancel_waiting")))
        w.instructions.started.connect(lambda: self._spawn(self._begin_questions()))
        w.question.answered.connect(self._answer)
        w.question.skipped.connect(lambda: self._answer(None, skipped=True))
        w.question.problem_reported.connect(lambda: self._spawn(self._report_problem()))
        w.locked.unlock_requested.connect(lambda code: self._spawn(self._unlock_with_code(code)))
        w.time_over.acknowledged.connect(lambda: self._spawn(self._ask("acknowledge_time_over")))
        w.end.next_candidate.connect(self.start_next_candidate)
        w.quit_requested.connect(self.open_quit_prompt)
        w.quit_prompt.cancelled.connect(self._close_quit_prompt)
        w.quit_prompt.submitted.connect(
            lambda number, code: self._spawn(self._quit_with_code(number, code))
        )

    # --- plumbing ---------------------------------------------------------------------------

    def _spawn(self, coroutine: Awaitable[Any]) -> asyncio.Task:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            traceback.print_exception(type(error), error, error.__traceback__, file=sys.stderr)

    async def _ask(self, op: str, **fields: Any) -> dict[str, Any] | None:
        """A request whose refusal needs no screen of its own (said on stderr)."""
        try:
            return await self.core.request(op, **fields)
        except BilingualError as error:
            _say_refused(op, error)
            return None

    def _message(self, error: BilingualError) -> str:
        return self.switcher.localized(error)

    def _show(self, phase: Phase) -> None:
        self.phase = phase
        screens = {
            Phase.CHECK_IN: self.window.checkin,
            Phase.WAITING: self.window.waiting,
            Phase.INSTRUCTIONS: self.window.instructions,
            Phase.QUESTION: self.window.question,
            Phase.PAUSED: self.window.paused,
            Phase.LOCKED: self.window.locked,
            Phase.TIME_OVER: self.window.time_over,
            Phase.FINISHED: self.window.end,
        }
        self.window.show_screen(screens[phase])
        self.phase_changed.emit(str(phase))

    # --- start-up ---------------------------------------------------------------------------

    def start(self) -> None:
        """Show what the core says now, and follow it from then on."""
        self.core.on_state = self._on_state
        self._tick.start()
        self._show(Phase.CHECK_IN)
        self._on_state(self.core.state)

    # --- the core's state, on screen ----------------------------------------------------------

    def _on_state(self, state: dict[str, Any]) -> None:
        self.state = state
        self._state_at = time.monotonic()
        self._locking = False
        phase = Phase(state.get("phase", Phase.CHECK_IN))
        self.session_number = state.get("session_number") or self.session_number
        self.candidate_id = state.get("candidate_id")
        if state.get("exam_id") != self._exam_id:
            self._exam_id = state.get("exam_id")
            self._lockdown_notice = ""
        self._show_notice()
        network = state.get("network")
        if network is not None:
            self.window.network.set_status(network["online"], network["pending"])
        answered = int(state.get("answered") or 0)
        # Answers given in front of this window; a resumed exam starts from its journal's count.
        if state.get("exam_id") == self._counted_exam and answered > self.position:
            self.answered_count.emit(answered, state["total"])
        self._counted_exam = state.get("exam_id")
        self.position = answered
        if state.get("record_sent") and not self.record_sent:
            self.record_sent = True
            self._record_delivered.set()
            self.window.end.set_sent(True)
        refusal = state.get("record_refusal")
        if refusal is not None:  # for the invigilator, who reads it on the end screen
            self.window.end.set_refusal(self._message(BilingualError(**refusal)))
        if phase != Phase.LOCKED and self.phase == Phase.LOCKED:
            self.window.locked.reset()
        if phase in (Phase.TIME_OVER, Phase.FINISHED, Phase.CHECK_IN):
            self._release_lockdown()
        getattr(self, f"_on_{phase.value}")(state)
        self._on_tick()

    def _show_notice(self) -> None:
        """The core's notice (a refused ticket, the server's word) or the lockdown's refusal,
        when it changes: what else the window's notice line shows (the demo's codes) stays."""
        notice = self.state.get("notice")
        text = self._message(BilingualError(**notice)) if notice else self._lockdown_notice
        if text != self._notice_shown:
            self._notice_shown = text
            self.window.set_notice(text)

    def _on_check_in(self, _state: dict[str, Any]) -> None:
        if self.phase != Phase.CHECK_IN:
            self.item = None
            self._shown_key = None
            self.window.set_candidate("", "")
            self.window.checkin.reset()
            self._show(Phase.CHECK_IN)

    def _on_waiting(self, state: dict[str, Any]) -> None:
        if self.phase != Phase.WAITING:
            name = state.get("candidate_name", "")
            self.window.set_candidate(name, self.session_number)
            self.window.waiting.show_candidate(name, resuming=bool(state.get("resuming")))
            self._show(Phase.WAITING)

    def _on_instructions(self, state: dict[str, Any]) -> None:
        facts = state.get("instructions") or {}
        if self.phase == Phase.WAITING:
            self.window.instructions.show_exam(
                facts.get("length", 0),
                facts.get("minutes", 0),
                facts.get("extra_minutes", 0),
                self.lockdown_factory is not None,
            )
        self.window.instructions.set_clock(
            bool(state.get("clock_started")), int(state.get("start_window_s") or START_WINDOW_S)
        )
        if state.get("auto_start") and self._auto_started != state.get("exam_id"):
            # A resumed exam goes straight back to its question once the lockdown holds.
            self._auto_started = state.get("exam_id")
            self._spawn(self._begin_questions())
        elif self.phase != Phase.INSTRUCTIONS and not state.get("auto_start"):
            self._show(Phase.INSTRUCTIONS)

    def _on_question(self, state: dict[str, Any]) -> None:
        shown = state.get("item")
        if shown is None:  # the question was replaced: the next one, please
            if not self._asked_next:
                self._asked_next = True
                self._spawn(self._ask_next())
            return
        key = (shown["id"], int(shown["position"]))
        if key != self._shown_key:
            pushed = self.core.item
            if pushed is not None and pushed.get("id") == key[0]:
                self._paint(ItemView.from_wire(pushed), key, int(shown["total"]))
            elif self._fetching != key:
                self._fetching = key
                self._spawn(self._fetch_and_show(key, int(shown["total"])))
            return
        self._show_item_marks(state)
        if self.phase != Phase.QUESTION:
            self._show(Phase.QUESTION)

    async def _ask_next(self) -> None:
        try:
            await self._ask("show_next")
        finally:
            self._asked_next = False

    async def _fetch_and_show(self, key: tuple[str, int], total: int) -> None:
        """Ask the core for the item on screen (the only one it hands out) and paint it, when
        the state announcing it came without it."""
        try:
            reply = await self.core.request("item", item_id=key[0])
        except BilingualError:
            return  # the exam moved on meanwhile: the next state says where
        finally:
            if self._fetching == key:
                self._fetching = None
        current = self.state.get("item")
        if current is None or (current["id"], int(current["position"])) != key:
            return
        if key != self._shown_key:
            self._paint(ItemView.from_wire(reply["item"]), key, total)

    def _paint(self, item: ItemView, key: tuple[str, int], total: int) -> None:
        self.item = item
        self._shown_key = key
        self._answering = None
        self._dismissal_shown = None
        self.window.question.show_item(self.item, key[1], total)
        self._on_tick()
        if Phase(self.state["phase"]) == Phase.QUESTION:
            self._show_item_marks(self.state)
            self._show(Phase.QUESTION)

    def _show_item_marks(self, state: dict[str, Any]) -> None:
        if state.get("focus_lost"):
            self.window.question.set_focus_lost()
        dismissed = state.get("alert_dismissed")
        current = self.item is not None and dismissed == self.item.id
        if dismissed and current and self._dismissal_shown != dismissed:
            self._dismissal_shown = dismissed
            self.window.question.show_problem_dismissed()

    def _on_paused(self, _state: dict[str, Any]) -> None:
        if self.phase != Phase.PAUSED:
            self._show(Phase.PAUSED)

    def _on_locked(self, _state: dict[str, Any]) -> None:
        if self._prompt_open():  # the invigilator is quitting: the core's news does not close it
            self.phase = Phase.LOCKED  # cancelling the prompt shows the lock screen
            return
        if self.phase != Phase.LOCKED or self.window.current_screen() is not self.window.locked:
            if self.window.current_screen() is not self.window.locked:
                self.window.locked.reset()
            self._show(Phase.LOCKED)

    def _on_time_over(self, _state: dict[str, Any]) -> None:
        if self.phase != Phase.TIME_OVER:
            self._show(Phase.TIME_OVER)

    def _on_finished(self, state: dict[str, Any]) -> None:
        if self._finished_exam == state.get("exam_id"):
            return
        self._finished_exam = state.get("exam_id")
        self.item = None
        self.window.end.show_end(state.get("candidate_name", ""), sent=self.record_sent)
        self._show(Phase.FINISHED)
        self.finished.emit(state.get("result"))

    # --- the clock between two states -----------------------------------------------------------

    def _seconds_since_state(self) -> float:
        return time.monotonic() - self._state_at

    def _on_tick(self) -> None:
        """Count down the exam's and the item's time between two states (four times a second);
        at the item's zero, send what is typed as a timed-out answer."""
        remaining = self.state.get("remaining_s")
        if remaining is None:
            return
        # Every countdown stands still while the clock does (a pause).
        running = bool(self.state.get("clock_running"))
        since = self._seconds_since_state() if running else 0.0
        remaining = max(0.0, remaining - since)
        for screen in (self.window.question, self.window.paused, self.window.viewer):
            screen.set_time_left(round(remaining))
        if self.phase != Phase.QUESTION or self.item is None:
            return
        item_left = self.state.get("item_left_s")
        if item_left is not None:
            item_left = max(0, round(item_left - since))
        self.window.question.set_item_time_left(item_left)
        self.window.viewer.set_item_time_left(item_left)
        if item_left == 0 and self._answering is None:
            response = self.window.question.current_response()
            self._answer(response, timed_out=True)

    # --- what the candidate does ---------------------------------------------------------------

    async def _check_in(self, details: CheckInDetails) -> None:
        screen = self.window.checkin
        screen.set_busy(True)
        try:
            await self.core.request(
                "check_in",
                session_number=int(details.session_number),
                access_code=details.access_code,
                last_name=details.last_name,
                first_name=details.first_name,
                birth_date=details.birth_date.isoformat(),
            )
        except BilingualError as error:
            screen.set_busy(False)
            screen.show_problem(self._message(error))
            return
        screen.set_busy(False)

    async def _begin_questions(self) -> None:
        """The first question (or, after a resume, the one the kiosk stopped on) once the
        lockdown holds; refused, the instructions stay with the reason, for another try."""
        if self._apply_lockdown():
            self._lockdown_notice = self._notice_shown = ""
            self.window.set_notice("")
            await self._ask("start_questions")
        elif self.phase != Phase.INSTRUCTIONS:
            self._show(Phase.INSTRUCTIONS)

    def _answer(self, response: Any, skipped: bool = False, timed_out: bool = False) -> None:
        """Send the answer there and then: it is on its way to the core before the event loop
        paints the busy screen, and the next question comes that much sooner."""
        if self.phase != Phase.QUESTION or self.item is None or self._answering is not None:
            return
        self._answering = self.item.id
        try:
            sent = self.core.send(
                "answer",
                item_id=self.item.id,
                response=_jsonable(response),
                skipped=skipped,
                timed_out=timed_out,
            )
        except BilingualError as error:
            _say_refused("answer", error)
            return
        self._spawn(self._answer_reply(sent))

    async def _answer_reply(self, sent: Awaitable[dict[str, Any]]) -> None:
        try:
            await sent
        except BilingualError as error:
            _say_refused("answer", error)

    async def _report_problem(self) -> None:
        if self.item is None:
            return
        if await self._ask("report_problem", item_id=self.item.id) is not None:
            self.window.question.show_problem_sent()

    async def _unlock_with_code(self, code: str) -> None:
        screen = self.window.locked
        screen.set_busy(True)
        try:
            await self.core.request("unlock", code=code)
        except BilingualError as error:
            screen.set_busy(False)
            screen.show_problem(self._message(error))

    def start_next_candidate(self) -> None:
        """Back to check-in for the next candidate; the finished record keeps uploading."""
        if self.phase == Phase.FINISHED:
            self._spawn(self._ask("next_candidate"))

    def _on_application_state(self, state: Qt.ApplicationState) -> None:
        """A watched item notices the candidate leaving the window, secure mode or not (in
        secure mode the lockdown reports it as a violation, which locks the exam)."""
        if (
            state != Qt.ApplicationState.ApplicationActive
            and self.phase == Phase.QUESTION
            and self.item is not None
            and self.item.focused
            and self.lockdown is None
        ):
            self._spawn(self._ask("focus_lost", item_id=self.item.id))

    # --- the secure mode -----------------------------------------------------------------------

    def _apply_lockdown(self) -> bool:
        """Secure mode on: lock the PC down for the exam. False (and why, on screen, and to the
        core, which tells the invigilator) when it refuses to start."""
        if self.lockdown_factory is None or self.lockdown is not None:
            return True
        lockdown = self.lockdown_factory(self.report_violation)
        try:
            lockdown.apply()
        except LockdownRefused as error:
            # The candidate reads why on screen; IT, in the kiosk's log; the invigilator, at
            # once in the console (through the core).
            print(f"pix-kiosk: {error.code}: {error.en}", file=sys.stderr)
            self._lockdown_notice = self._message(error)
            self._show_notice()
            self._spawn(
                self._ask(
                    "lockdown_refused",
                    code=error.code,
                    kind=str(error.kind),
                    fr=error.fr,
                    en=error.en,
                )
            )
            return False
        self.lockdown = lockdown
        return True

    def _release_lockdown(self) -> None:
        if self.lockdown is not None:
            self.lockdown.release()
            self.lockdown = None

    def report_violation(self, kind: str, detail: str) -> None:
        """What the lockdown calls when the candidate leaves the exam window (focus lost,
        minimised, an escape shortcut...): the core journals the incident and locks."""
        if self._locking or self.phase in (
            Phase.LOCKED,
            Phase.FINISHED,
            Phase.TIME_OVER,
            Phase.PAUSED,
        ):
            return
        self._locking = True  # until the core's next state: one report per escape
        self._spawn(self._ask("violation", kind=str(kind), detail=detail))

    # --- quitting with the invigilator code (secure mode) ----------------------------------------

    def _prompt_open(self) -> bool:
        return self.window.current_screen() is self.window.quit_prompt

    def open_quit_prompt(self) -> None:
        """The invigilator asked to quit (a "Quitter le poste" link, Ctrl+Alt+Q, a close
        request). Not over a question: there, leaving locks the exam first."""
        prompt = self.window.quit_prompt
        if self.phase == Phase.QUESTION or self._prompt_open():
            return
        prompt.show_prompt(
            self.session_number, exam_under_way=bool(self.state.get("exam_under_way"))
        )
        self.window.show_screen(prompt)

    def _close_quit_prompt(self) -> None:
        if self._prompt_open():
            self._show(self.phase)

    async def _quit_with_code(self, session_number: str, code: str) -> None:
        """The core has the server check the code; accepted, it journals the quit and the
        window releases the lockdown and closes. Refused or offline, it stays as it is."""
        prompt = self.window.quit_prompt
        prompt.set_busy(True)
        try:
            await self.core.request("quit", session_number=int(session_number), code=code)
        except BilingualError as error:
            prompt.set_busy(False)
            prompt.show_problem(self._message(error))
            return
        self._tick.stop()
        self._release_lockdown()
        self.quit_accepted.emit()

    async def wait_record_sent(self, timeout_s: float) -> bool:
        """Wait (at most `timeout_s`) for the server to take this exam's record."""
        try:
            await asyncio.wait_for(self._record_delivered.wait(), timeout_s)
        except TimeoutError:
            return False
        return True

    async def close(self) -> None:
        """Stop the countdowns and release the lockdown (the core keeps the journal)."""
        self._tick.stop()
        self._release_lockdown()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _say_refused(op: str, error: BilingualError) -> None:
    """A refusal that needs no screen of its own, for whoever reads the kiosk's log."""
    print(f"pix-kiosk: {op}: {error.code}: {error.en}", file=sys.stderr)


def _jsonable(response: Any) -> Any:
    """Responses as JSON carries them (QCM indices as a sorted list)."""
    if isinstance(response, set | frozenset | tuple):
        return sorted(response)
    return response

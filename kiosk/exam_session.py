"""The exam controller: check-in → waiting → instructions → questions → end, on one kiosk.

It is the only part that decides. The screens show and emit; the server authorises, unlocks and
commands; the engine picks items; this module ties them together under one rule: every event is
journaled (durably, off the UI thread) *before* the UI acts on it. A kiosk killed at any moment
therefore restarts on the same exam: the journal holds the start ticket and the answers, the
engine replays them to the same next item, and the clock is rebuilt from the journal's times.

The server is reached through kiosk.client, always from asyncio tasks, and the journal streams
to it in the background (kiosk.sync), so the window never freezes on the network.
"""

import asyncio
import contextlib
import json
import sys
import traceback
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication

from engine.answers import answer_status
from engine.canonical import BilingualError
from engine.config import ExamConfig
from engine.exam import Exam
from engine.exam_events import (
    ALERT_DISMISSED,
    ANSWER,
    EXAM_STARTED,
    EXTRA_TIME,
    FINISHED,
    ITEM_REPLACED,
    ITEM_SHOWN,
    LIVE_ALERT_RAISED,
    LOCKED,
    PAUSED,
    QUIT,
    RESUME_AUTHORISED,
    RESUMED,
    SECURITY_INCIDENT,
    TIME_OVER,
    UNLOCKED,
    replay_events,
)
from engine.exam_replay import replay
from engine.items import Item
from engine.journal_format import JournalEntry
from engine.record import build_record
from engine.sealed_bank import SealedBank, UnlockedBank
from engine.ticket import Ticket, unwrap_content_key, verify_ticket
from kiosk.atomic_file import write_atomically
from kiosk.client import LONG_POLL_S, KioskClient, ServerError, ServerUnreachable
from kiosk.i18n import LanguageSwitcher
from kiosk.identity import DeviceIdentity
from kiosk.journal import Journal
from kiosk.lockdown import LockdownRefused
from kiosk.sync import OutboxSync
from kiosk.ui.checkin_screen import CheckInDetails
from kiosk.ui.main_window import KioskWindow

ACCESSIBILITY_NEEDS = "accessibility_needs"
STATUS_RETRY_S = 2.0  # after a failed status request, before the next
STATUS_MIN_INTERVAL_S = 1.0  # between two status requests that answered "not yet"
COMMAND_RETRY_S = 2.0
JOURNAL_SUFFIX = ".journal"
RECORD_SUFFIX = ".record.json"
SENT_SUFFIX = ".sent"
RECORD_FLUSH_S = 5.0  # how long a finished exam's outbox may take to be acknowledged
REFUSAL_FLUSH_S = 5.0  # how long a refused start's report waits for the entries before it
# Record uploads retry with the client's backoff (capped at 30 s): this is well over an hour.
RECORD_ATTEMPTS = 200
# Server candidate statuses of a kiosk that restarts an exam already under way (after a crash).
RESUME_STATUSES = ("waiting_resume", "resume_authorised")
# Quitting with the invigilator code: how long the journal may take to reach the server first.
QUIT_FLUSH_S = 3.0
QUIT_OFFLINE = BilingualError(
    "quit_offline",
    "Le serveur d'examen est injoignable : le code surveillant ne peut pas être vérifié, le "
    "poste reste donc ouvert. Vérifiez le réseau puis réessayez.",
    "The exam server cannot be reached: the invigilator code cannot be checked, so the kiosk "
    "stays open. Check the network, then try again.",
)


class Phase(StrEnum):
    CHECK_IN = "check_in"
    WAITING = "waiting"
    INSTRUCTIONS = "instructions"
    QUESTION = "question"
    PAUSED = "paused"
    LOCKED = "locked"
    TIME_OVER = "time_over"
    FINISHED = "finished"


class Lockdown(Protocol):
    """The secure mode around the window (kiosk.lockdown.LockdownSession)."""

    def apply(self) -> None: ...

    def release(self) -> None: ...


LockdownFactory = Callable[[Callable[[str, str], None]], Lockdown]


@dataclass
class ExamClock:
    """Time used on the exam clock, which stops during pauses and while a crashed kiosk waits
    for the resume authorisation. Times are the journal's elapsed milliseconds."""

    allowed_s: float
    used_s: float = 0.0
    running_since_ms: int | None = None

    def start(self, at_ms: int) -> None:
        if self.running_since_ms is None:
            self.running_since_ms = at_ms

    def stop(self, at_ms: int) -> None:
        if self.running_since_ms is not None:
            self.used_s += max(0, at_ms - self.running_since_ms) / 1000
            self.running_since_ms = None

    def set_remaining(self, remaining_s: float) -> None:
        """The server's word on the time left (after a pause or a resume) wins."""
        self.used_s = max(0.0, self.allowed_s - remaining_s)

    def remaining_s(self, now_ms: int) -> float:
        used = self.used_s
        if self.running_since_ms is not None:
            used += max(0, now_ms - self.running_since_ms) / 1000
        return max(0.0, self.allowed_s - used)

    @classmethod
    def from_entries(cls, allowed_s: float, entries: list[JournalEntry]) -> "ExamClock":
        """Rebuild the clock from a journal; a restart stopped it at the last entry before the
        resume authorisation (what happened after that entry is given back to the candidate).
        `allowed_s` is the latest ticket's, which already counts the extra time the server
        granted before issuing it: journaled `extra_time` entries are not added again."""
        clock = cls(allowed_s)
        previous: JournalEntry | None = None
        for entry in entries:
            if entry.kind == EXAM_STARTED:
                clock.start(entry.elapsed_ms)
            elif entry.kind == PAUSED:
                clock.stop(entry.elapsed_ms)
            elif entry.kind in (RESUMED, RESUME_AUTHORISED):
                if entry.kind == RESUME_AUTHORISED and previous is not None:
                    clock.stop(previous.elapsed_ms)
                if "remaining_s" in entry.payload:
                    clock.set_remaining(float(entry.payload["remaining_s"]))
                clock.start(entry.elapsed_ms)
            elif entry.kind in (TIME_OVER, FINISHED):
                clock.stop(entry.elapsed_ms)
            previous = entry
        return clock


def journal_path(exams_dir: Path, exam_id: str) -> Path:
    return exams_dir / f"{exam_id}{JOURNAL_SUFFIX}"


def unfinished_exam_ids(exams_dir: Path, signing_key: Any) -> list[str]:
    """Exams whose journal has started but not finished: a kiosk that was killed mid-exam."""
    unfinished = []
    for path in sorted(exams_dir.glob(f"*{JOURNAL_SUFFIX}")):
        with Journal.open(path, signing_key) as journal:
            entries = journal.entries()
            if entries and entries[-1].kind != FINISHED:
                unfinished.append(journal.exam_id)
    return unfinished


class ExamSession(QObject):
    """Drives one kiosk window through exams, one candidate after the other."""

    phase_changed = Signal(str)
    answered_count = Signal(int, int)
    finished = Signal(object)
    quit_accepted = Signal()  # the invigilator's code was accepted: close the kiosk

    def __init__(
        self,
        window: KioskWindow,
        switcher: LanguageSwitcher,
        server: KioskClient,
        identity: DeviceIdentity,
        bank: SealedBank,
        server_public_key: Ed25519PublicKey,
        data_dir: Path,
        *,
        lockdown_factory: LockdownFactory | None = None,
    ) -> None:
        super().__init__()
        self.window = window
        self.switcher = switcher
        self.server = server
        self.identity = identity
        self.sealed_bank = bank
        self.server_public_key = server_public_key
        self.exams_dir = data_dir / "exams"
        self.exams_dir.mkdir(parents=True, exist_ok=True)
        self.lockdown_factory = lockdown_factory
        self.phase = Phase.CHECK_IN
        self.session_number = ""  # of the last check-in: the session this kiosk serves
        self._tasks: set[asyncio.Task] = set()
        window.set_quit_needs_code(lockdown_factory is not None)
        self._reset_exam()
        self._connect_screens()
        self._tick = QTimer(self)
        self._tick.setInterval(250)
        self._tick.timeout.connect(self._on_tick)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.applicationStateChanged.connect(self._on_application_state)

    def _reset_exam(self) -> None:
        self.candidate_id: str | None = None
        self.candidate_name = ""
        self.journal: Journal | None = None
        self.start_ticket: Mapping[str, Any] | None = None
        self.ticket: Ticket | None = None
        self.unlocked: UnlockedBank | None = None
        self.exam: Exam | None = None
        self.clock: ExamClock | None = None
        self.item: Item | None = None
        self.position = 0
        self.item_shown_ms = 0
        self.focus_lost = False
        self.command_seq = 0
        self.lockdown: Lockdown | None = None
        self.outbox: OutboxSync | None = None
        self.result: Mapping[str, Any] | None = None
        self.record_sent = False
        self._record_delivered = asyncio.Event()
        self._waiting_task: asyncio.Task | None = None
        self._commands_task: asyncio.Task | None = None
        self._paused_from = Phase.QUESTION
        self._locked_from = Phase.QUESTION
        self._resumed_item: JournalEntry | None = None
        self._refusals_reported: set[str] = set()
        self._refused_since_shown = False  # a refused start reported, no question shown since

    def _connect_screens(self) -> None:
        w = self.window
        w.checkin.submitted.connect(lambda details: self._spawn(self._check_in(details)))
        w.waiting.cancelled.connect(self._cancel_waiting)
        w.instructions.started.connect(lambda: self._spawn(self._begin_questions()))
        w.question.answered.connect(lambda response: self._spawn(self._answer(response)))
        w.question.skipped.connect(lambda: self._spawn(self._answer(None, skipped=True)))
        w.question.problem_reported.connect(lambda: self._spawn(self._raise_live_alert()))
        w.locked.unlock_requested.connect(lambda code: self._spawn(self._unlock_with_code(code)))
        w.time_over.acknowledged.connect(lambda: self._spawn(self._finish(None)))
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

    def _journal(self, kind: str, payload: Mapping[str, Any]) -> int:
        """Append durably before anything else happens. The fsync takes a few milliseconds
        (1 ms typical, 8 ms at p95 on the benchmark PC): well below what a person notices, and
        done in the same step as the screen change, so nothing can come in between."""
        assert self.journal is not None
        seq = self.journal.append(kind, payload)
        if self.outbox is not None:
            self.outbox.wake()
        return seq

    def _elapsed_ms(self) -> int:
        """The journal's running time now (the clock and the item timers run on it)."""
        assert self.journal is not None
        return self.journal.elapsed_ms()

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

    def _message(self, error: BilingualError) -> str:
        return self.switcher.localized(error)

    # --- start-up ---------------------------------------------------------------------------

    def start(self) -> None:
        """Show check-in, and send any finished record a previous run could not deliver."""
        self._show(Phase.CHECK_IN)
        self._spawn(self._deliver_pending_records())

    # --- check-in and waiting ---------------------------------------------------------------

    async def _check_in(self, details: CheckInDetails) -> None:
        screen = self.window.checkin
        screen.set_busy(True)
        try:
            answer = await self.server.check_in(
                session_number=int(details.session_number),
                access_code=details.access_code,
                last_name=details.last_name,
                first_names=details.first_name,
                birth_date=details.birth_date.isoformat(),
            )
        except BilingualError as error:
            screen.set_busy(False)
            screen.show_problem(self._message(error))
            return
        screen.set_busy(False)
        self.session_number = details.session_number
        self.candidate_id = str(answer["candidate_id"])
        self.candidate_name = f"{details.first_name} {details.last_name}"
        resuming = answer.get("status") in RESUME_STATUSES
        self.window.set_candidate(self.candidate_name, details.session_number)
        self.window.waiting.show_candidate(self.candidate_name, resuming=resuming)
        self._show(Phase.WAITING)
        self._waiting_task = self._spawn(self._wait_for_ticket())

    def _cancel_waiting(self) -> None:
        if self._waiting_task is not None:
            self._waiting_task.cancel()
        self._reset_exam()
        self.window.set_candidate("", "")
        self.window.checkin.reset()
        self._show(Phase.CHECK_IN)

    async def _wait_for_ticket(self) -> None:
        """Wait (long-poll) until the invigilator authorises; unreachable server: keep waiting
        quietly, asking again every few seconds."""
        assert self.candidate_id is not None
        remaining_s: float | None = None
        loop = asyncio.get_running_loop()
        while True:
            asked = loop.time()
            try:
                status = await self.server.candidate_status(self.candidate_id, LONG_POLL_S)
                self.window.network.set_status(True, 0)
                if status.get("ticket_ready"):
                    remaining_s = status.get("remaining_s")
                    signed = await self.server.fetch_ticket(self.candidate_id)
                    break
                # A server that answers at once (one older than the long-poll) is asked at
                # most once a second, as kiosks did before.
                await asyncio.sleep(STATUS_MIN_INTERVAL_S - (loop.time() - asked))
                continue
            except ServerUnreachable:
                self.window.network.set_status(False, 0)
            except ServerError as error:
                self.window.set_notice(self._message(error))
            await asyncio.sleep(STATUS_RETRY_S)
        try:
            await self._take_ticket(signed, remaining_s)
        except BilingualError as error:
            self.window.set_notice(self._message(error))
            self._show(Phase.CHECK_IN)

    async def _take_ticket(self, signed: Mapping[str, Any], remaining_s: float | None) -> None:
        """Verify the ticket, unlock the bank and start (or resume) the exam it grants."""
        ticket = verify_ticket(
            signed,
            self.server_public_key,
            device_id=self.identity.device_id,
            now=datetime.now(UTC),
        )
        content_key = unwrap_content_key(ticket, self.identity.exchange_key)
        unlocked = self.sealed_bank.unlock(content_key)
        self.ticket = ticket
        self.unlocked = unlocked
        path = journal_path(self.exams_dir, ticket.exam_id)
        resuming = path.exists()
        self.journal = Journal.open(path, self.identity.signing_key, ticket.exam_id)
        entries = self.journal.entries()
        config = ExamConfig.from_dict(ticket.config)
        needs = ACCESSIBILITY_NEEDS in ticket.accessibility
        allowed_minutes = round(ticket.time_allowed_s / 60)
        extra = round(
            allowed_minutes * ticket.extra_time_percent / (100 + ticket.extra_time_percent)
        )
        self.window.instructions.show_exam(
            config.length, allowed_minutes - extra, extra, self.lockdown_factory is not None
        )
        if resuming and entries:
            self.start_ticket = entries[0].payload["ticket"]
            self.exam = replay(
                unlocked.item_bank(),
                config,
                ticket.selection_seed,
                replay_events(entries),
                accessibility_needs=needs,
            )
            payload: dict[str, Any] = {"ticket": dict(signed)}
            if remaining_s is not None:
                payload["remaining_s"] = remaining_s
            self._journal(RESUME_AUTHORISED, payload)
            self._start_background()
            self.clock = ExamClock.from_entries(ticket.time_allowed_s, self.journal.entries())
            self.position = sum(1 for entry in entries if entry.kind == ANSWER)
            self.command_seq = max(
                (entry.payload.get("command_seq", 0) for entry in entries), default=0
            )
            last_shown = next(
                (entry for entry in reversed(entries) if entry.kind == ITEM_SHOWN), None
            )
            # The item's own timer goes on from where it was when the kiosk stopped.
            first_shown = first_showing(entries, last_shown)
            spent_ms = entries[-1].elapsed_ms - first_shown.elapsed_ms if first_shown else 0
            self.item_shown_ms = self._elapsed_ms() - spent_ms
            self._resumed_item = last_shown
            await self._begin_questions()
            return
        self.start_ticket = dict(signed)
        self.exam = Exam(
            unlocked.item_bank(), config, ticket.selection_seed, accessibility_needs=needs
        )
        self._journal(EXAM_STARTED, {"ticket": dict(signed)})
        self._start_background()
        self.clock = ExamClock(ticket.time_allowed_s)
        self.clock.start(self._elapsed_ms())
        self._tick.start()
        self._show(Phase.INSTRUCTIONS)

    def _start_background(self) -> None:
        assert self.journal is not None
        self.outbox = OutboxSync(
            self.server,
            self.journal,
            server_public_key=self.server_public_key,
            device_id=self.identity.device_id,
        ).start()
        self._commands_task = self._spawn(self._follow_commands())
        self._tick.start()

    # --- questions ----------------------------------------------------------------------------

    async def _begin_questions(self) -> None:
        """The first question (or, after a resume, the one the kiosk stopped on) once the
        lockdown holds; refused, the instructions stay with the reason, for another try."""
        if self._apply_lockdown():
            self.window.set_notice("")
            resumed, self._resumed_item = self._resumed_item, None
            # After a refused start, journal the question on screen even when resuming on it:
            # the server takes the shown question as the end of the refusal (streaming.py).
            announce, self._refused_since_shown = self._refused_since_shown, False
            await self._show_next_item(resumed_item=resumed, announce=announce)
        elif self.phase != Phase.INSTRUCTIONS:
            self._show(Phase.INSTRUCTIONS)

    async def _show_next_item(
        self, resumed_item: JournalEntry | None = None, announce: bool = False
    ) -> None:
        """The engine's next question; `resumed_item`: the one on screen when the kiosk
        stopped (its timer goes on), journaled again only when `announce`."""
        assert self.exam is not None and self.unlocked is not None and self.ticket is not None
        item_id = self.exam.next_item()
        if item_id is None:
            await self._finish(None)
            return
        item = self.unlocked.item(item_id)
        same_as_before = (
            resumed_item is not None
            and resumed_item.payload["item_id"] == item_id
            and resumed_item.payload["position"] == self.position + 1
        )
        if not same_as_before or announce:
            self._journal(ITEM_SHOWN, {"item_id": item_id, "position": self.position + 1})
        if not same_as_before:
            self.item_shown_ms = self._elapsed_ms()
        self.item = item
        self.focus_lost = False
        total = self.exam.planned_items
        self.window.question.show_item(item, self.position + 1, total)
        self._on_tick()
        self._show(Phase.QUESTION)

    def _item_seconds_left(self) -> int | None:
        if self.item is None or self.item.timer is None:
            return None
        spent = (self._elapsed_ms() - self.item_shown_ms) / 1000
        return max(0, round(self.item.timer - spent))

    async def _answer(self, response: Any, skipped: bool = False, timed_out: bool = False) -> None:
        if self.phase != Phase.QUESTION or self.item is None or self.exam is None:
            return
        item = self.item
        self.item = None
        status = answer_status(
            item, response, skipped=skipped, timed_out=timed_out, focus_lost=self.focus_lost
        )
        spent = round((self._elapsed_ms() - self.item_shown_ms) / 1000, 1)
        self._journal(
            ANSWER,
            {
                "item_id": item.id,
                "response": _jsonable(response),
                "status": str(status),
                "time_spent_s": spent,
            },
        )
        self.exam.record(item.id, str(status))
        self.position += 1
        self.answered_count.emit(self.position, self.exam.planned_items)
        await self._show_next_item()

    async def _raise_live_alert(self) -> None:
        if self.item is None or self.ticket is None:
            return
        item_id = self.item.id
        self._journal(LIVE_ALERT_RAISED, {"item_id": item_id})
        self.window.question.show_problem_sent()
        # Unreachable: the alert is in the journal, which reaches the server when it is back.
        with contextlib.suppress(ServerUnreachable):
            await self.server.live_alert(self.ticket.exam_id, item_id)

    def _on_tick(self) -> None:
        """Clock display, item timer and the end of the time allowed (four times a second)."""
        if self.clock is None or self.journal is None:
            return
        remaining = self.clock.remaining_s(self._elapsed_ms())
        self.window.question.set_time_left(round(remaining))
        if self.outbox is not None:
            # Offline only once a call has failed: a sync that has not spoken yet is not news.
            online = self.outbox.online or self.outbox.last_error is None
            self.window.network.set_status(online, self.outbox.pending)
        if self.phase != Phase.QUESTION:
            return
        if remaining <= 0:
            self._spawn(self._time_over())
            return
        item_left = self._item_seconds_left()
        self.window.question.set_item_time_left(item_left)
        if item_left == 0 and self.item is not None:
            response = self.window.question.current_response()
            self._spawn(self._answer(response, timed_out=True))

    def _on_application_state(self, state: Qt.ApplicationState) -> None:
        """A focused item notices the candidate leaving the window, secure mode or not."""
        if (
            state != Qt.ApplicationState.ApplicationActive
            and self.phase == Phase.QUESTION
            and self.item is not None
            and self.item.focused
            and not self.focus_lost
        ):
            if self.lockdown is None:  # in secure mode the lockdown journals the incident
                self._journal(
                    SECURITY_INCIDENT,
                    {"kind": "focus_lost", "detail": "focused item", "item_id": self.item.id},
                )
            self.focus_lost = True
            self.window.question.set_focus_lost()

    # --- time over and the end -----------------------------------------------------------------

    async def _time_over(self) -> None:
        if self.phase in (Phase.TIME_OVER, Phase.FINISHED):
            return
        self.phase = Phase.TIME_OVER
        self._journal(TIME_OVER, {})
        self._release_lockdown()
        self._show(Phase.TIME_OVER)

    async def _finish(self, abort_reason: str | None) -> None:
        if self.phase == Phase.FINISHED or self.exam is None or self.journal is None:
            return
        self.phase = Phase.FINISHED
        self._tick.stop()
        self._release_lockdown()
        result = self.exam.result(abort_reason).to_dict()
        self._journal(FINISHED, {"abort_reason": abort_reason, "result": result})
        self.result = result
        assert self.start_ticket is not None and self.ticket is not None
        record = build_record(
            ticket=self.start_ticket,
            entries=self.journal.entries(),
            result=result,
            signing_key=self.identity.signing_key,
        )
        record_path = self.exams_dir / f"{self.ticket.exam_id}{RECORD_SUFFIX}"
        write_atomically(record_path, json.dumps(record).encode("utf-8"))
        self.window.end.show_end(self.candidate_name, sent=False)
        self._show(Phase.FINISHED)
        self.finished.emit(result)
        self._spawn(self._deliver(record_path, self.outbox))

    async def _deliver(self, record_path: Path, outbox: OutboxSync | None = None) -> None:
        """Upload a finished record until the server takes it (backoff up to a minute); by its
        head alone once `outbox`, the exam's, has the whole journal acknowledged."""
        record = json.loads(record_path.read_text(encoding="utf-8"))
        acknowledged = outbox is not None and await outbox.flush(RECORD_FLUSH_S)
        try:
            await self.server.upload_record(
                record, attempts=RECORD_ATTEMPTS, acknowledged=acknowledged
            )
        except ServerError as error:
            # Refused: the record stays on disk as evidence; the server keeps its own copy of
            # the journal, and IT can upload it again.
            print(f"{record_path}: {error.fr} / {error.en}", file=sys.stderr)
            return
        record_path.with_name(record_path.name + SENT_SUFFIX).touch()
        if self.ticket is not None and record_path.name.startswith(self.ticket.exam_id):
            self.record_sent = True
            self._record_delivered.set()
            self.window.end.set_sent(True)

    def start_next_candidate(self) -> None:
        """Back to check-in for the next candidate; the finished record keeps uploading."""
        if self.phase != Phase.FINISHED:
            return
        self._spawn(self._close_exam(self.outbox, self.journal, self._commands_task))
        self._reset_exam()
        self.window.set_candidate("", "")
        self.window.checkin.reset()
        self._show(Phase.CHECK_IN)

    async def _close_exam(
        self, outbox: OutboxSync | None, journal: Journal | None, commands: asyncio.Task | None
    ) -> None:
        if commands is not None:
            commands.cancel()
        if outbox is not None:
            await outbox.stop()
        if journal is not None:
            journal.close()

    async def wait_record_sent(self, timeout_s: float) -> bool:
        """Wait (at most `timeout_s`) for the server to take this exam's record."""
        try:
            await asyncio.wait_for(self._record_delivered.wait(), timeout_s)
        except TimeoutError:
            return False
        return True

    async def _deliver_pending_records(self) -> None:
        for record_path in sorted(self.exams_dir.glob(f"*{RECORD_SUFFIX}")):
            if not record_path.with_name(record_path.name + SENT_SUFFIX).exists():
                await self._deliver(record_path)

    # --- invigilator commands, pauses, locks -----------------------------------------------------

    async def _follow_commands(self) -> None:
        """Long-poll the invigilator's commands for this device, acting on each exactly once."""
        while self.phase != Phase.FINISHED:
            try:
                commands = await self.server.commands(self.command_seq)
            except ServerUnreachable:
                await asyncio.sleep(COMMAND_RETRY_S)
                continue
            for command in commands:
                if self.ticket is None or command.get("exam_id", self.ticket.exam_id) != (
                    self.ticket.exam_id
                ):
                    self.command_seq = max(self.command_seq, int(command["seq"]))
                    continue
                await self._on_command(command)
                self.command_seq = max(self.command_seq, int(command["seq"]))

    async def _on_command(self, command: Mapping[str, Any]) -> None:
        kind = command["kind"]
        payload = command.get("payload", {})
        seq = int(command["seq"])
        if kind == "pause" and self.phase not in (Phase.PAUSED, Phase.FINISHED):
            self._journal(PAUSED, {"command_seq": seq})
            assert self.clock is not None
            self.clock.stop(self._elapsed_ms())
            self._paused_from = self.phase
            self._show(Phase.PAUSED)
        elif kind == "resume" and self.phase == Phase.PAUSED:
            remaining = payload.get("remaining_s")
            journaled = {"command_seq": seq}
            if remaining is not None:
                journaled["remaining_s"] = remaining
            self._journal(RESUMED, journaled)
            assert self.clock is not None
            if remaining is not None:
                self.clock.set_remaining(float(remaining))
            self.clock.start(self._elapsed_ms())
            self._show(self._paused_from)
        elif kind == "unlock" and self.phase == Phase.LOCKED:
            self._journal(UNLOCKED, {"command_seq": seq, "by": "console"})
            self._after_unlock()
        elif kind == "replace_question" and self.item is not None:
            if payload.get("item_id") == self.item.id and self.exam is not None:
                self._journal(ITEM_REPLACED, {"item_id": self.item.id, "command_seq": seq})
                self.exam.replace(self.item.id)
                self.item = None
                await self._show_next_item()
        elif kind == "extra_time" and self.clock is not None and self.phase != Phase.FINISHED:
            # The server's figures, journaled as given; its clock stays the authority.
            added_s = float(payload.get("added_s", 0))
            self._journal(
                EXTRA_TIME,
                {
                    "added_s": added_s,
                    "remaining_s": payload.get("remaining_s"),
                    "command_seq": seq,
                },
            )
            self.clock.allowed_s += added_s
        elif kind == "alert_dismissed" and self.phase != Phase.FINISHED:
            item_id = payload.get("item_id")
            self._journal(ALERT_DISMISSED, {"item_id": item_id, "command_seq": seq})
            if self.item is not None and item_id == self.item.id:
                self.window.question.show_problem_dismissed()
        elif kind == "end" and self.phase != Phase.FINISHED:
            await self._finish(payload.get("abort_reason"))

    def _apply_lockdown(self) -> bool:
        """Secure mode on: lock the PC down for the exam. False (and why, on screen) when the
        lockdown refuses to start (a prohibited program, a remote session...)."""
        if self.lockdown_factory is None or self.lockdown is not None:
            return True
        lockdown = self.lockdown_factory(self.report_violation)
        try:
            lockdown.apply()
        except LockdownRefused as error:
            # The candidate reads why on screen; IT, in the kiosk's log (the session's journal);
            # the invigilator, at once in the console.
            print(f"pix-kiosk: {error.code}: {error.en}", file=sys.stderr)
            self.window.set_notice(self._message(error))
            self._report_refusal(error)
            return False
        self.lockdown = lockdown
        return True

    def _report_refusal(self, error: LockdownRefused) -> None:
        """A refused start is a live incident for the invigilator (once per reason and exam:
        the candidate pressing Enter again is not news)."""
        self._refused_since_shown = True
        if self.ticket is None or error.en in self._refusals_reported:
            return
        self._refusals_reported.add(error.en)
        detail = f"{error.code}: {error.en}"
        self._spawn(self._report_incident(str(error.kind), detail, locked=False))

    async def _report_incident(self, kind: str, detail: str, *, locked: bool = True) -> None:
        """Tell the console (`locked` false: a refused start, this kiosk is not locked);
        unreachable, the journal (if the kiosk journaled it) says it later."""
        if not locked and self.outbox is not None:
            # The server ends a refused start at the next question shown (streaming.py): the
            # entries journaled before the refusal (after a restart, the question the kiosk
            # stopped on) must reach it first, or they would clear the refusal at once.
            await self.outbox.flush(REFUSAL_FLUSH_S)
        if self.ticket is not None:
            with contextlib.suppress(ServerUnreachable):
                await self.server.report_incident(self.ticket.exam_id, kind, detail, locked=locked)

    def _release_lockdown(self) -> None:
        if self.lockdown is not None:
            self.lockdown.release()
            self.lockdown = None

    def report_violation(self, kind: str, detail: str) -> None:
        """What the lockdown calls when the candidate leaves the exam window (focus lost,
        minimised, an escape shortcut...): journal the incident, lock, tell the invigilator."""
        if self.phase in (Phase.LOCKED, Phase.FINISHED, Phase.TIME_OVER, Phase.PAUSED):
            return
        if self.item is not None and self.item.focused:
            self.focus_lost = True
        self._locked_from = self.phase
        self.phase = Phase.LOCKED
        self._spawn(self._lock(str(kind), detail))

    async def _lock(self, kind: str, detail: str) -> None:
        self._journal(SECURITY_INCIDENT, {"kind": kind, "detail": detail})
        self._journal(LOCKED, {"reason": kind})
        self.window.locked.reset()
        self._show(Phase.LOCKED)
        await self._report_incident(kind, detail)

    async def _unlock_with_code(self, code: str) -> None:
        if self.phase != Phase.LOCKED or self.ticket is None:
            return
        screen = self.window.locked
        screen.set_busy(True)
        try:
            await self.server.unlock_with_code(self.ticket.exam_id, code)
        except BilingualError as error:
            screen.set_busy(False)
            screen.show_problem(self._message(error))
            return
        self._journal(UNLOCKED, {"by": "code"})
        self._after_unlock()

    def _after_unlock(self) -> None:
        self.window.locked.reset()
        self._show(self._locked_from)

    # --- quitting with the invigilator code (secure mode) ----------------------------------------

    def open_quit_prompt(self) -> None:
        """The invigilator asked to quit (a "Quitter le poste" link, Ctrl+Alt+Q, a close
        request). Not over a question: there, leaving locks the exam first."""
        prompt = self.window.quit_prompt
        if self.phase == Phase.QUESTION or self.window.current_screen() is prompt:
            return
        prompt.show_prompt(self.session_number, exam_under_way=self._exam_under_way() is not None)
        self.window.show_screen(prompt)

    def _close_quit_prompt(self) -> None:
        if self.window.current_screen() is self.window.quit_prompt:
            self._show(self.phase)

    def _exam_under_way(self) -> str | None:
        """The exam this kiosk has started and not finished, if any."""
        if self.journal is None or self.ticket is None or self.phase == Phase.FINISHED:
            return None
        return self.ticket.exam_id

    async def _quit_with_code(self, session_number: str, code: str) -> None:
        """The server checks the code (its lockout and log); accepted, the kiosk journals the
        quit, releases the lockdown and closes. Refused or offline, it stays as it is."""
        prompt = self.window.quit_prompt
        prompt.set_busy(True)
        try:
            await self.server.quit_with_code(int(session_number), code, self._exam_under_way())
        except ServerUnreachable:
            prompt.set_busy(False)
            prompt.show_problem(self._message(QUIT_OFFLINE))
            return
        except BilingualError as error:
            prompt.set_busy(False)
            prompt.show_problem(self._message(error))
            return
        if self._exam_under_way() is not None:  # asked again: it may have ended meanwhile
            self._journal(QUIT, {"phase": str(self.phase)})
            if self.outbox is not None:
                await self.outbox.flush(QUIT_FLUSH_S)
        self._tick.stop()
        self._release_lockdown()
        self.quit_accepted.emit()

    async def close(self) -> None:
        """Stop background work and release the lockdown (the journal stays as it is)."""
        self._tick.stop()
        self._release_lockdown()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self.outbox is not None:
            await self.outbox.stop()
        if self.journal is not None:
            self.journal.close()


def _jsonable(response: Any) -> Any:
    """Responses as the journal stores them (QCM indices as a sorted list)."""
    if isinstance(response, set | frozenset | tuple):
        return sorted(response)
    return response


def first_showing(
    entries: list[JournalEntry], last_shown: JournalEntry | None
) -> JournalEntry | None:
    """When the question on screen was first shown: a resume after a refused start journals it
    again (same item, same position, nothing answered or replaced in between)."""
    first = last_shown
    for entry in reversed(entries):
        if entry.kind in (ANSWER, ITEM_REPLACED):
            break
        if entry.kind == ITEM_SHOWN and last_shown and entry.payload == last_shown.payload:
            first = entry
    return first

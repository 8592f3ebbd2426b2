"""The exam core's decisions: check-in → waiting → instructions → questions → end, on one lab PC.

It is the only part that decides. The window shows what `snapshot()` says and sends back what the
candidate does (kiosk.core.requests); the server authorises, unlocks and commands; the engine
picks items. One rule ties them: every event is journaled — durably, fsync'd, in this process,
never in the window's — *before* anything acts on it. The core decrypts one item at a time, the
one the engine picked, and only once the previous answer is in the journal; the window gets it
without its solution (kiosk.core.item_view). A core killed at any moment therefore restarts on the
same exam: the journal holds the start ticket and the answers, the engine replays them to the
same next item, and the clock is rebuilt from the journal's times.

The server is reached through kiosk.client from asyncio tasks, and the journal streams to it in
the background (kiosk.sync), so no request of the window ever waits on the network unless it is
about the network (check-in, a code to check).
"""

import asyncio
import contextlib
import json
import sys
import time
import traceback
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from engine.answers import ResponseError, answer_status
from engine.canonical import BilingualError
from engine.config import ExamConfig
from engine.exam import Exam
from engine.exam_events import (
    ANSWER,
    EXAM_STARTED,
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
    WATCHED_FOCUS_LOST,
    replay_events,
)
from engine.exam_replay import replay
from engine.items import Item
from engine.journal_format import JournalEntry
from engine.record import build_record
from engine.sealed_bank import SealedBank, UnlockedBank
from engine.ticket import START_WINDOW_S, Ticket, unwrap_content_key, verify_ticket
from kiosk.atomic_file import write_atomically
from kiosk.client import LONG_POLL_S, KioskClient, ServerError, ServerUnreachable
from kiosk.core.clock import ExamClock
from kiosk.core.exam_files import (
    EXAMS_DIR,
    first_showing,
    item_time_spent_ms,
    journal_path,
    record_path,
    unsent_records,
)
from kiosk.core.invigilator_commands import follow_commands
from kiosk.core.item_view import ItemView
from kiosk.core.network_cut import NetworkCut
from kiosk.core.phase import Phase
from kiosk.core.reading_contact import keep_in_touch_while_reading
from kiosk.core.record_delivery import deliver_record
from kiosk.core.refusals import (
    NOT_NOW,
    NOT_THE_ITEM_SHOWN,
    QUIT_OFFLINE,
    bad_response,
)
from kiosk.identity import DeviceIdentity
from kiosk.journal import Journal
from kiosk.sync import OutboxSync

ACCESSIBILITY_NEEDS = "accessibility_needs"
STATUS_RETRY_S = 2.0  # after a failed status request, before the next
STATUS_MIN_INTERVAL_S = 1.0  # between two status requests that answered "not yet"
TICK_S = 0.25  # the core's own look at the clock: time over, the network line
REFUSAL_FLUSH_S = 5.0  # how long a refused start's report waits for the entries before it
# Server candidate statuses of a kiosk that restarts an exam already under way (after a crash).
RESUME_STATUSES = ("waiting_resume", "resume_authorised")
# Quitting with the invigilator code: how long the journal may take to reach the server first.
QUIT_FLUSH_S = 3.0
# An answer that arrives this long after the item's own timer ran out counts as timed out,
# whatever the window says (its countdown sends the answer itself at zero).
ITEM_TIMER_GRACE_S = 2.0


class ExamCore:
    """One lab PC's exams, one candidate after the other. Qt-free: the service (socket) and the
    robot (in its own process) drive it through `kiosk.core.requests.handle`."""

    def __init__(
        self,
        server: KioskClient,
        identity: DeviceIdentity,
        bank: SealedBank,
        server_public_key: Ed25519PublicKey,
        data_dir: Path,
        *,
        deliver_records: bool = True,
        network_cut: NetworkCut | None = None,
    ) -> None:
        self.server = server
        # Check-in names the edition this PC holds: a session planned on another is refused
        # there, before the invigilator authorises a ticket this PC could not open.
        server.bank_id = bank.bank_id
        self.identity = identity
        self.sealed_bank = bank
        self.server_public_key = server_public_key
        self.exams_dir = data_dir / EXAMS_DIR
        self.exams_dir.mkdir(parents=True, exist_ok=True)
        self.deliver_records = deliver_records
        self.network_cut = network_cut
        self.phase = Phase.CHECK_IN
        self.session_number = ""  # of the last check-in: the session this kiosk serves
        self.listeners: list[Callable[[], None]] = []
        self.commands_seen: list[dict[str, Any]] = []
        self._tasks: set[asyncio.Task] = set()
        self._ticker: asyncio.Task | None = None
        self._network_online: bool | None = None
        self._reset_exam()

    def _reset_exam(self) -> None:
        self.candidate_id: str | None = None
        self.candidate_name = ""
        self.resuming = False
        self.journal: Journal | None = None
        self.start_ticket: Mapping[str, Any] | None = None
        self.ticket: Ticket | None = None
        self.unlocked: UnlockedBank | None = None
        self.exam: Exam | None = None
        self.clock: ExamClock | None = None
        self.item: Item | None = None
        self.item_view: dict[str, Any] | None = None
        self.item_shown_ms = 0
        self._item_paused_at_ms: int | None = None
        self.focus_lost = False
        self.command_seq = 0
        self.outbox: OutboxSync | None = None
        self.result: Mapping[str, Any] | None = None
        self.record: dict[str, Any] | None = None
        self.record_sent = False
        self.record_refusal: BilingualError | None = None  # the server's, final
        self.abort_reason: str | None = None
        self.notice: BilingualError | None = None
        self.instructions: dict[str, int] | None = None
        # Until the clock starts: when it starts anyway (time.monotonic()), and the server's
        # word on the time left when the ticket came.
        self._start_by: float | None = None
        self._remaining_at_ticket: float | None = None
        self.clock_started = asyncio.Event()
        self.auto_start = False
        self.alert_dismissed: str | None = None
        self._record_delivered = asyncio.Event()
        self._waiting_task: asyncio.Task | None = None
        self._commands_task: asyncio.Task | None = None
        self._paused_from = Phase.QUESTION
        self._locked_from = Phase.QUESTION
        self._resumed_item: JournalEntry | None = None
        self._refusals_reported: set[str] = set()
        self._refused_since_shown = False  # a refused start reported, no question shown since

    # --- plumbing ---------------------------------------------------------------------------

    def spawn(self, coroutine: Awaitable[Any]) -> asyncio.Task:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            traceback.print_exception(type(error), error, error.__traceback__, file=sys.stderr)

    def changed(self) -> None:
        """Tell the window(s) that what they show has changed."""
        for listener in list(self.listeners):
            listener()

    def append(self, kind: str, payload: Mapping[str, Any]) -> int:
        """Append durably (fsync) before anything else happens, then wake the outbox."""
        assert self.journal is not None
        seq = self.journal.append(kind, payload)
        if self.outbox is not None:
            self.outbox.wake()
        return seq

    def elapsed_ms(self) -> int:
        """The journal's running time now (the clock and the item timers run on it)."""
        assert self.journal is not None
        return self.journal.elapsed_ms()

    def _set_phase(self, phase: Phase) -> None:
        self.phase = phase
        self.changed()

    # --- what the window shows --------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """Everything the window shows, as JSON: never a key, an item's content or a solution
        (the window asks for the item on screen with the `item` request)."""
        remaining = item_left = None
        running = False
        if self.clock is not None and self.journal is not None:
            remaining = round(self.clock.remaining_s(self.elapsed_ms()), 3)
            running = self.clock.running_since_ms is not None
            item_left = self.item_seconds_left()
        shown = None
        if self.item is not None and self.exam is not None:
            shown = {
                "id": self.item.id,
                "position": self.position + 1,
                "total": self.exam.planned_items,
            }
        return {
            "phase": str(self.phase),
            "session_number": self.session_number,
            "candidate_id": self.candidate_id,
            "candidate_name": self.candidate_name,
            "resuming": self.resuming,
            "exam_id": self.ticket.exam_id if self.ticket is not None else None,
            "exam_under_way": self.exam_under_way() is not None,
            "instructions": self.instructions,
            "auto_start": self.auto_start,
            "item": shown,
            "answered": self.position,
            "total": self.exam.planned_items if self.exam is not None else None,
            "remaining_s": remaining,
            "clock_running": running,
            "clock_started": self.clock is not None,
            "start_window_s": START_WINDOW_S,
            "item_left_s": item_left,
            "focus_lost": self.focus_lost,
            "alert_dismissed": self.alert_dismissed,
            "network": self.network_status(),
            "notice": _error_body(self.notice),
            "result": self.result,
            "record_sent": self.record_sent,
            "record_refusal": _error_body(self.record_refusal),
        }

    def network_status(self) -> dict[str, Any] | None:
        if self.outbox is not None:
            # Offline only once a call has failed: a sync that has not spoken yet is not news.
            online = self.outbox.online or self.outbox.last_error is None
            return {"online": online, "pending": self.outbox.pending}
        if self._network_online is None:
            return None
        return {"online": self._network_online, "pending": 0}

    @property
    def position(self) -> int:
        """Questions answered so far."""
        return len(self.exam.answers) if self.exam is not None else 0

    def item_seconds_left(self) -> int | None:
        if self.item is None or self.item.timer is None or self.journal is None:
            return None
        return max(0, round(self.item.timer - self.item_spent_s()))

    def item_spent_s(self) -> float:
        """Time spent on the question on screen: like the exam clock, it stands still while
        the invigilator has paused the exam."""
        now = self._item_paused_at_ms if self._item_paused_at_ms is not None else self.elapsed_ms()
        return (now - self.item_shown_ms) / 1000

    def current_item_view(self, item_id: str) -> dict[str, Any]:
        """The item on screen, without its solution; any other item is refused."""
        if self.phase != Phase.QUESTION or self.item is None or self.item.id != item_id:
            raise NOT_THE_ITEM_SHOWN
        if self.item_view is None:
            self.item_view = ItemView.of(self.item).to_wire()
        return self.item_view

    def exam_under_way(self) -> str | None:
        """The exam this kiosk has started and not finished, if any."""
        if self.journal is None or self.ticket is None or self.phase == Phase.FINISHED:
            return None
        return self.ticket.exam_id

    # --- start-up ---------------------------------------------------------------------------

    def start(self) -> "ExamCore":
        """Look at the clock from now on, and send any finished record a previous run could
        not deliver."""
        if self._ticker is None:
            self._ticker = self.spawn(self._tick_forever())
        if self.deliver_records:
            self.spawn(self._deliver_pending_records())
        return self

    async def _tick_forever(self) -> None:
        last_network = self.network_status()
        while True:
            await asyncio.sleep(TICK_S)
            if (
                self.phase == Phase.INSTRUCTIONS
                and self.clock is None
                and self._start_by is not None
                and time.monotonic() >= self._start_by
            ):
                self.start_clock()
            if (
                self.phase in (Phase.QUESTION, Phase.INSTRUCTIONS)
                and self.clock is not None
                and self.journal is not None
                and self.clock.remaining_s(self.elapsed_ms()) <= 0
            ):
                self.time_over()
            network = self.network_status()
            if network != last_network:
                last_network = network
                self.changed()

    # --- check-in and waiting ---------------------------------------------------------------

    async def check_in(
        self,
        *,
        session_number: int,
        access_code: str,
        last_name: str,
        first_name: str,
        birth_date: str,
        wait: bool = True,
    ) -> dict[str, Any]:
        """Check in with the server, then (unless `wait` is false: a robot that looks at the
        server's long-poll first) wait for the invigilator's authorisation."""
        if self.phase != Phase.CHECK_IN:
            raise NOT_NOW
        answer = await self.server.check_in(
            session_number=session_number,
            access_code=access_code,
            last_name=last_name,
            first_names=first_name,
            birth_date=birth_date,
        )
        self.session_number = str(session_number)
        self.candidate_id = str(answer["candidate_id"])
        self.candidate_name = f"{first_name} {last_name}"
        self.resuming = answer.get("status") in RESUME_STATUSES
        self.notice = None
        self._set_phase(Phase.WAITING)
        if wait:
            self.wait_for_ticket()
        return answer

    def wait_for_ticket(self) -> None:
        """Long-poll the authorisation (once: a second call while it runs changes nothing)."""
        if self.phase != Phase.WAITING:
            raise NOT_NOW
        if self._waiting_task is None or self._waiting_task.done():
            self._waiting_task = self.spawn(self._wait_for_ticket())

    def cancel_waiting(self) -> None:
        if self.phase != Phase.WAITING:
            raise NOT_NOW
        if self._waiting_task is not None:
            self._waiting_task.cancel()
        self._reset_exam()
        self._set_phase(Phase.CHECK_IN)

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
                self._set_network(True)
                if status.get("ticket_ready"):
                    remaining_s = status.get("remaining_s")
                    signed = await self.server.fetch_ticket(self.candidate_id)
                    break
                # A server that answers at once (one older than the long-poll) is asked at
                # most once a second, as kiosks did before.
                await asyncio.sleep(STATUS_MIN_INTERVAL_S - (loop.time() - asked))
                continue
            except ServerUnreachable:
                self._set_network(False)
            except ServerError as error:
                self.notice = error
                self.changed()
            await asyncio.sleep(STATUS_RETRY_S)
        try:
            self._take_ticket(signed, remaining_s)
        except BilingualError as error:
            self.notice = error
            self._set_phase(Phase.CHECK_IN)

    def _set_network(self, online: bool) -> None:
        if self._network_online != online:
            self._network_online = online
            self.changed()

    def _take_ticket(self, signed: Mapping[str, Any], remaining_s: float | None) -> None:
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
        entries = []
        if path.exists():
            self.journal = Journal.open(path, self.identity.signing_key, ticket.exam_id)
            entries = self.journal.entries()
        config = ExamConfig.from_dict(ticket.config)
        needs = ACCESSIBILITY_NEEDS in ticket.accessibility
        allowed_minutes = round(ticket.time_allowed_s / 60)
        extra = round(
            allowed_minutes * ticket.extra_time_percent / (100 + ticket.extra_time_percent)
        )
        self.instructions = {
            "length": config.length + config.pretest_per_exam,
            "minutes": allowed_minutes - extra,
            "extra_minutes": extra,
        }
        self.notice = None
        if entries:
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
            self.append(RESUME_AUTHORISED, payload)
            self._start_background()
            self.clock = ExamClock.from_entries(ticket.time_allowed_s, self.journal.entries())
            self.clock_started.set()
            self.command_seq = max(
                (entry.payload.get("command_seq", 0) for entry in entries), default=0
            )
            last_shown = next(
                (entry for entry in reversed(entries) if entry.kind == ITEM_SHOWN), None
            )
            # The item's own timer goes on from where it was when the kiosk stopped.
            first_shown = first_showing(entries, last_shown)
            spent_ms = item_time_spent_ms(entries, first_shown)
            self.item_shown_ms = self.elapsed_ms() - spent_ms
            self._resumed_item = last_shown
            # The window applies its lockdown, then asks for the question (`start_questions`).
            self.auto_start = True
            self._set_phase(Phase.INSTRUCTIONS)
            return
        if self.journal is not None:  # opened, nothing journaled: it starts with the clock
            self.journal.close()
            self.journal = None
        self.start_ticket = dict(signed)
        self.exam = Exam(
            unlocked.item_bank(), config, ticket.selection_seed, accessibility_needs=needs
        )
        # The clock waits for the candidate on the instructions screen (`start_clock`).
        self._start_by = time.monotonic() + START_WINDOW_S
        self._remaining_at_ticket = remaining_s
        self._commands_task = self.spawn(follow_commands(self))
        self.spawn(keep_in_touch_while_reading(self))
        self._set_phase(Phase.INSTRUCTIONS)

    def start_clock(self) -> None:
        """The exam clock starts: the candidate pressed « Commencer » (or the start window
        ran out). Its first entry, the start ticket, streams to the server at once: the server
        counts the time from its own receipt of it (docs/protocol.md), never from this PC's."""
        if self.clock is not None:
            return
        assert self.ticket is not None and self.start_ticket is not None
        path = journal_path(self.exams_dir, self.ticket.exam_id)
        self.journal = Journal.open(path, self.identity.signing_key, self.ticket.exam_id)
        self.append(EXAM_STARTED, {"ticket": dict(self.start_ticket)})
        self._start_outbox()
        self.clock = ExamClock(self.ticket.time_allowed_s)
        if self._remaining_at_ticket is not None:
            # A clock the server started already (its start window ran out before a restart).
            self.clock.set_remaining(min(self.clock.allowed_s, float(self._remaining_at_ticket)))
        self.clock.start(self.elapsed_ms())
        self._start_by = None
        self.clock_started.set()
        self.changed()

    def _start_background(self) -> None:
        self._start_outbox()
        self._commands_task = self.spawn(follow_commands(self))

    def _start_outbox(self) -> None:
        assert self.journal is not None
        self.outbox = OutboxSync(
            self.server,
            self.journal,
            server_public_key=self.server_public_key,
            device_id=self.identity.device_id,
        ).start()

    # --- questions ----------------------------------------------------------------------------

    def start_questions(self) -> None:
        """The first question (or, after a resume, the one the kiosk stopped on), once the
        window's lockdown holds."""
        if self.phase != Phase.INSTRUCTIONS or self.exam is None:
            raise NOT_NOW
        self.start_clock()
        self.notice = None
        self.auto_start = False
        resumed, self._resumed_item = self._resumed_item, None
        # After a refused start, journal the question on screen even when resuming on it:
        # the server takes the shown question as the end of the refusal (streaming.py).
        announce, self._refused_since_shown = self._refused_since_shown, False
        self.show_next_item(resumed_item=resumed, announce=announce)

    def show_next_item(
        self, resumed_item: JournalEntry | None = None, announce: bool = False
    ) -> None:
        """The engine's next question, decrypted now; `resumed_item`: the one on screen when the
        kiosk stopped (its timer goes on), journaled again only when `announce`."""
        assert self.exam is not None and self.unlocked is not None and self.ticket is not None
        item_id = self.exam.next_item()
        if item_id is None:
            self.finish(None)
            return
        same_as_before = (
            resumed_item is not None
            and resumed_item.payload["item_id"] == item_id
            and resumed_item.payload["position"] == self.position + 1
        )
        if not same_as_before or announce:
            self.append(ITEM_SHOWN, {"item_id": item_id, "position": self.position + 1})
        self._present(item_id, shown_now=not same_as_before)

    def _present(self, item_id: str, *, shown_now: bool = True) -> None:
        """Decrypt the item whose `item_shown` is journaled and put it on screen."""
        assert self.unlocked is not None
        if shown_now:
            self.item_shown_ms = self.elapsed_ms()
        self.item = self.unlocked.item(item_id)
        self.item_view = None
        self.focus_lost = False
        self.alert_dismissed = None
        self._set_phase(Phase.QUESTION)

    def answer(
        self, item_id: str, response: Any, *, skipped: bool = False, timed_out: bool = False
    ) -> None:
        """The candidate's answer to the item on screen: checked, journaled, then the next
        item. Nothing else moves the exam on: no next item without an answer to this one."""
        if self.phase != Phase.QUESTION or self.item is None or self.exam is None:
            raise NOT_NOW
        if item_id != self.item.id or item_id != self.exam.current:
            raise NOT_THE_ITEM_SHOWN
        item = self.item
        spent = self.item_spent_s()
        if item.timer is not None and spent > item.timer + ITEM_TIMER_GRACE_S:
            timed_out = True
        try:
            status = answer_status(
                item, response, skipped=skipped, timed_out=timed_out, focus_lost=self.focus_lost
            )
        except ResponseError as error:
            raise bad_response(str(error)) from None
        self.item = None
        self.item_view = None
        assert self.journal is not None
        # The answer and the next question's `item_shown` become durable together (one fsync,
        # both or neither); the next item is decrypted only once they are.
        with self.journal.together():
            self.append(
                ANSWER,
                {
                    "item_id": item.id,
                    "response": _jsonable(response),
                    "status": str(status),
                    "time_spent_s": round(spent, 1),
                },
            )
            self.exam.record(item.id, str(status))
            next_id = self.exam.next_item()
            if next_id is not None:
                self.append(ITEM_SHOWN, {"item_id": next_id, "position": self.position + 1})
        if next_id is None:
            self.finish(None)
            return
        self._present(next_id)

    def replace_item(self, item_id: str, command_seq: int) -> None:
        """The invigilator neutralised the question on screen: no question until the window
        asks for the next one (`show_next`)."""
        assert self.exam is not None
        self.append(ITEM_REPLACED, {"item_id": item_id, "command_seq": command_seq})
        self.exam.replace(item_id)
        self.item = None
        self.item_view = None
        self.changed()

    def show_next(self) -> None:
        """The next question when none is waiting for an answer (after a replacement);
        refused while one is: the only way past a question is to answer it."""
        if self.phase != Phase.QUESTION or self.exam is None or self.exam.current is not None:
            raise NOT_NOW
        self.show_next_item()

    async def report_problem(self, item_id: str) -> dict[str, Any] | None:
        """A live alert on the question on screen: journaled, then told to the console."""
        if self.item is None or self.ticket is None or self.phase != Phase.QUESTION:
            raise NOT_NOW
        if item_id != self.item.id:
            raise NOT_THE_ITEM_SHOWN
        self.append(LIVE_ALERT_RAISED, {"item_id": item_id})
        # Unreachable: the alert is in the journal, which reaches the server when it is back.
        with contextlib.suppress(ServerUnreachable):
            return await self.server.live_alert(self.ticket.exam_id, item_id)
        return None

    def note_focus_lost(self, item_id: str) -> None:
        """A watched item saw the window lose focus (outside secure mode: in secure mode the
        lockdown reports a violation instead)."""
        if (
            self.phase == Phase.QUESTION
            and self.item is not None
            and self.item.id == item_id
            and self.item.focused
            and not self.focus_lost
        ):
            self.append(
                SECURITY_INCIDENT,
                {"kind": "focus_lost", "detail": "focused item", "item_id": self.item.id},
            )
            self.focus_lost = True
            self.changed()
            # The invigilator sees it live (a notice: nothing is locked).
            self.spawn(self._report_focus_lost(f"question {self.position + 1}"))

    async def _report_focus_lost(self, detail: str) -> None:
        if self.ticket is not None:
            with contextlib.suppress(ServerUnreachable):
                await self.server.report_incident(
                    self.ticket.exam_id, WATCHED_FOCUS_LOST, detail, locked=False
                )

    # --- time over and the end -----------------------------------------------------------------

    def time_over(self) -> None:
        if self.phase in (Phase.TIME_OVER, Phase.FINISHED) or self.journal is None:
            return
        self.append(TIME_OVER, {})
        self._set_phase(Phase.TIME_OVER)

    def acknowledge_time_over(self) -> None:
        if self.phase != Phase.TIME_OVER:
            raise NOT_NOW
        self.finish(None)

    def finish(self, abort_reason: str | None) -> None:
        """End the exam: the result and the sealed record, journaled and written before the
        end screen shows; the record is then delivered in the background."""
        if self.phase == Phase.FINISHED or self.exam is None or self.journal is None:
            return
        result = self.exam.result(abort_reason).to_dict()
        self.abort_reason = abort_reason
        self.append(FINISHED, {"abort_reason": abort_reason, "result": result})
        self.result = result
        self.item = None
        self.item_view = None
        assert self.start_ticket is not None and self.ticket is not None
        self.record = build_record(
            ticket=self.start_ticket,
            entries=self.journal.entries(),
            result=result,
            signing_key=self.identity.signing_key,
        )
        path = record_path(self.exams_dir, self.ticket.exam_id)
        write_atomically(path, json.dumps(self.record).encode("utf-8"))
        self._set_phase(Phase.FINISHED)
        if self.deliver_records:
            self.spawn(self._deliver(path, self.outbox))

    async def _deliver(self, path: Path, outbox: OutboxSync | None = None) -> None:
        refusal = await deliver_record(self.server, path, outbox)
        if self.ticket is None or not path.name.startswith(self.ticket.exam_id):
            return
        if refusal is not None:
            self.record_refusal = refusal  # for the invigilator, on the end screen
        else:
            self.record_sent = True
            self._record_delivered.set()
        self.changed()

    async def _deliver_pending_records(self) -> None:
        for path in unsent_records(self.exams_dir):
            await self._deliver(path)

    async def wait_record_sent(self, timeout_s: float) -> bool:
        """Wait (at most `timeout_s`) for the server to take this exam's record."""
        try:
            await asyncio.wait_for(self._record_delivered.wait(), timeout_s)
        except TimeoutError:
            return False
        return True

    def next_candidate(self) -> None:
        """Back to check-in for the next candidate; the finished record keeps uploading."""
        if self.phase != Phase.FINISHED:
            raise NOT_NOW
        self.spawn(self._close_exam(self.outbox, self.journal, self._commands_task))
        self._reset_exam()
        self._set_phase(Phase.CHECK_IN)

    def window_lost(self) -> None:
        """No window left (killed, closed): as after a crash, the exam under way stops where
        its journal is — nothing journaled — and waits for the candidate to check in again and
        the invigilator to authorise the resume; a new window never lands on a question
        outside its lockdown."""
        if self.phase == Phase.CHECK_IN:
            return
        if self._waiting_task is not None:
            self._waiting_task.cancel()
        self.spawn(self._close_exam(self.outbox, self.journal, self._commands_task))
        self._reset_exam()
        self._set_phase(Phase.CHECK_IN)

    async def _close_exam(
        self, outbox: OutboxSync | None, journal: Journal | None, commands: asyncio.Task | None
    ) -> None:
        if commands is not None:
            commands.cancel()
        if outbox is not None:
            await outbox.stop()
        if journal is not None:
            journal.close()

    # --- locks and refused starts ------------------------------------------------------------

    def lockdown_refused(self, code: str, kind: str, fr: str, en: str) -> None:
        """The window's secure mode could not start: a live incident for the invigilator (once
        per reason and exam: the candidate pressing Enter again is not news)."""
        if self.phase != Phase.INSTRUCTIONS:
            raise NOT_NOW
        self._refused_since_shown = True
        if self.ticket is None or en in self._refusals_reported:
            return
        self._refusals_reported.add(en)
        self.spawn(self._report_incident(kind, f"{code}: {en}", locked=False))

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

    def violation(self, kind: str, detail: str) -> None:
        """The candidate left the exam window (the lockdown saw it): journal the incident,
        lock, tell the invigilator."""
        if self.phase not in (Phase.QUESTION, Phase.INSTRUCTIONS) or self.journal is None:
            return
        if self.item is not None and self.item.focused:
            self.focus_lost = True
        self._locked_from = self.phase
        self.append(SECURITY_INCIDENT, {"kind": kind, "detail": detail})
        self.append(LOCKED, {"reason": kind})
        self._set_phase(Phase.LOCKED)
        self.spawn(self._report_incident(kind, detail))

    async def unlock_with_code(self, code: str) -> None:
        if self.phase != Phase.LOCKED or self.ticket is None:
            raise NOT_NOW
        await self.server.unlock_with_code(self.ticket.exam_id, code)
        if self.phase == Phase.LOCKED:  # the console may have unlocked meanwhile
            self.append(UNLOCKED, {"by": "code"})
            self._set_phase(self._locked_from)

    def unlock_from_console(self, command_seq: int) -> None:
        self.append(UNLOCKED, {"command_seq": command_seq, "by": "console"})
        self._set_phase(self._locked_from)

    def pause(self, command_seq: int) -> None:
        assert self.clock is not None
        self.append(PAUSED, {"command_seq": command_seq})
        self.clock.stop(self.elapsed_ms())
        self._item_paused_at_ms = self.elapsed_ms()
        self._paused_from = self.phase
        self._set_phase(Phase.PAUSED)

    def resume(self, command_seq: int, remaining_s: float | None) -> None:
        assert self.clock is not None
        journaled: dict[str, Any] = {"command_seq": command_seq}
        if remaining_s is not None:
            journaled["remaining_s"] = remaining_s
        self.append(RESUMED, journaled)
        if remaining_s is not None:
            self.clock.set_remaining(float(remaining_s))
        self.clock.start(self.elapsed_ms())
        if self._item_paused_at_ms is not None:
            self.item_shown_ms += self.elapsed_ms() - self._item_paused_at_ms
            self._item_paused_at_ms = None
        self._set_phase(self._paused_from)

    # --- quitting with the invigilator code ----------------------------------------------------

    async def quit_with_code(self, session_number: int, code: str) -> None:
        """The server checks the code (its lockout and log); accepted, an exam under way
        journals the quit (it then waits for its resume). Refused or offline: an error."""
        try:
            await self.server.quit_with_code(session_number, code, self.exam_under_way())
        except ServerUnreachable:
            raise QUIT_OFFLINE from None
        if self.exam_under_way() is not None:  # asked again: it may have ended meanwhile
            self.append(QUIT, {"phase": str(self.phase)})
            if self.outbox is not None:
                await self.outbox.flush(QUIT_FLUSH_S)

    async def close(self) -> None:
        """Stop background work (the journal stays as it is, for the next start)."""
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


def _error_body(error: BilingualError | None) -> dict[str, str] | None:
    return None if error is None else {"code": error.code, "fr": error.fr, "en": error.en}

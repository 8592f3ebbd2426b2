"""A headless candidate: a whole kiosk without screens, for load tests and rehearsals.

Each robot is its own enrolled lab PC (own identity, own journal, in a state directory of its
own) and goes through exam day exactly as the kiosk does, with the same client
(kiosk/client.py), journal, outbox sync and engine: check-in with an identity from the
candidates' CSV, authorisation (asked of the robot invigilator, who signs in with the
invigilator code like a person would), ticket, the adaptive exam, the record.

Answers come from a simulated ability: θ is drawn from the seed, each answer is correct with the
2PL probability P = 1 / (1 + exp(a·(b − θ))), and is then turned into a real response (the
choice, the typed text) whose status engine.answers computes, as on a real kiosk.
The robot obeys the invigilator's commands (pause, resume, end, replace the question, extra
time, unlock) like the kiosk.
"""

import asyncio
import contextlib
import csv
import io
import json
import math
import random
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from engine.answers import answer_status
from engine.canonical import BilingualError
from engine.cli import package_version
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
    PAUSED,
    RESUME_AUTHORISED,
    RESUMED,
    TIME_OVER,
)
from engine.items import Field as ItemField
from engine.items import FieldKind, Item, ItemType
from engine.keys import ed25519_public_from_b64
from engine.record import build_record
from engine.sealed_bank import SealedBank, UnlockedBank
from engine.ticket import Ticket, unwrap_content_key, verify_ticket
from kiosk.client import LONG_POLL_S, Enrolment, KioskClient
from kiosk.config_key import ConfigKey
from kiosk.console.api import ConsoleApi
from kiosk.identity import DeviceIdentity
from kiosk.journal import Journal
from kiosk.sync import OutboxSync

STATUS_POLL_S = 0.2
SKIP_PROBABILITY = 0.03
WRONG_TEXT = "zqxj"
WRONG_NUMBER = "-987654321"
ACCESSIBILITY_NEEDS = "accessibility_needs"
ENROLMENT_FILE = "enrolment.json"
JOURNAL_SUFFIX = ".journal"
# Robots have no lab configuration: they all show this key (a server with an allow-list must
# allow it for a load test: `pix-kiosk robot --help` prints it).
ROBOT_CONFIG_KEY = ConfigKey.of({"robot": True}, package_version())


@dataclass(frozen=True)
class CandidateIdentity:
    """What a candidate types at check-in (birth date in ISO form)."""

    last_name: str
    first_names: str
    birth_date: str


def read_candidates_csv(text: str) -> list[CandidateIdentity]:
    """The identities of a candidates' CSV (English or French header, as the server imports)."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=_delimiter(text)))
    header = [cell.strip().lower() for cell in rows[0]]
    french = header[0] == "nom"
    identities = []
    for cells in rows[1:]:
        if not any(cell.strip() for cell in cells):
            continue
        last_name, first_names, birth = (cell.strip() for cell in cells[:3])
        if french:
            day, month, year = birth.split("/")
            birth = f"{year}-{month}-{day}"
        identities.append(CandidateIdentity(last_name, first_names, birth))
    return identities


def _delimiter(text: str) -> str:
    first = text.splitlines()[0] if text else ""
    return ";" if ";" in first and "," not in first else ","


@dataclass
class Timings:
    """Durations of the client's calls, by operation (seconds)."""

    samples: dict[str, list[float]] = field(default_factory=dict)

    def record(self, operation: str, seconds: float) -> None:
        self.samples.setdefault(operation, []).append(seconds)

    def summary(self) -> dict[str, dict[str, float]]:
        return {name: latency_figures(values) for name, values in sorted(self.samples.items())}


def latency_figures(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)

    def quantile(q: float) -> float:
        return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]

    return {
        "count": len(ordered),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
        "p50_ms": round(quantile(0.50) * 1000, 2),
        "p95_ms": round(quantile(0.95) * 1000, 2),
        "p99_ms": round(quantile(0.99) * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def simulated_response(item: Item, correct: bool, rng: random.Random) -> Any:
    """A response of the item's shape that is right (or wrong) as asked."""
    if item.type is ItemType.QCU:
        wrong = [i for i in range(len(item.choices)) if i not in item.correct_choices]
        return min(item.correct_choices) if correct or not wrong else rng.choice(wrong)
    if item.type is ItemType.QCM:
        right = sorted(item.correct_choices)
        if correct:
            return right
        others = [i for i in range(len(item.choices)) if i not in item.correct_choices]
        return right[:-1] if len(right) > 1 else [*right, rng.choice(others)]
    if item.type is ItemType.QROC:
        return _typed(item.fields[0], item.accepted[0], correct)
    if item.type is ItemType.QROCM_IND:
        return {
            f.name: _typed(f, variants, correct)
            for f, variants in zip(item.fields, item.accepted, strict=True)
        }
    # QROCM-dep: each field one distinct accepted group.
    return {
        f.name: _typed(f, group, correct)
        for f, group in zip(item.fields, item.accepted, strict=False)
    }


def _typed(item_field: ItemField, variants: Sequence[str], correct: bool) -> str:
    if correct:
        return variants[0]
    return WRONG_NUMBER if item_field.kind is FieldKind.NUMBER else WRONG_TEXT


@dataclass(frozen=True)
class RobotSettings:
    server_url: str
    session_number: int
    access_code: str
    enrol_token: str
    seed: int = 0
    think_s: float = 0.0  # mean pause before each answer (exponential), to pace a load test
    verify_tls: bool | str = True
    config_key: ConfigKey = ROBOT_CONFIG_KEY


@dataclass
class RobotOutcome:
    index: int
    candidate: CandidateIdentity
    completed: bool = False
    reason: str | None = None
    exam_id: str | None = None
    answered: int = 0
    record_outcome: str | None = None
    rejection: str | None = None


class RobotCandidate:
    """One robot: a lab PC of its own and a candidate sitting the exam on it.

    `run()` plays the whole day; the steps are public so that tests can drive a robot through a
    scenario (raise an alert on question n, crash and restart, stop early...).
    """

    def __init__(
        self,
        index: int,
        candidate: CandidateIdentity,
        settings: RobotSettings,
        state_dir: Path,
        invigilator: ConsoleApi,
        timings: Timings | None = None,
    ) -> None:
        self.index = index
        self.candidate = candidate
        self.settings = settings
        self.state_dir = state_dir
        self.invigilator = invigilator
        self.rng = random.Random(f"{settings.seed}:{index}")
        self.theta = self.rng.gauss(0.0, 1.5)
        self.timings = timings or Timings()
        self.client = KioskClient(
            settings.server_url,
            config_key=settings.config_key,
            timing=self.timings.record,
            verify=settings.verify_tls,
        )
        self.outcome = RobotOutcome(index, candidate)
        self.identity: DeviceIdentity | None = None
        self.server_key = None
        self.sealed: SealedBank | None = None
        self.candidate_id: str | None = None
        self.signed_ticket: dict[str, Any] | None = None
        self.ticket: Ticket | None = None
        self.unlocked: UnlockedBank | None = None
        self.exam: Exam | None = None
        self.journal: Journal | None = None
        self.outbox: OutboxSync | None = None
        self.command_seq = 0
        self.abort_reason: str | None = None
        self.paused = asyncio.Event()
        self.commands_seen: list[dict[str, Any]] = []
        self._commands_task: asyncio.Task | None = None

    # --- set-up and check-in -------------------------------------------------------------------

    async def enrol(self) -> None:
        """Make the PC's identity and enrol it, or reload both after a restart."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.identity = DeviceIdentity.load_or_create(self.state_dir)
        saved = self.state_dir / ENROLMENT_FILE
        if saved.exists():
            enrolment = Enrolment(**json.loads(saved.read_text(encoding="utf-8")))
            self.client.device_token = enrolment.device_token
        else:
            enrolment = await self.client.enrol(
                self.settings.enrol_token, self.identity, label=f"robot-{self.index}"
            )
            saved.write_text(json.dumps(asdict(enrolment)), encoding="utf-8")
        self.server_key = ed25519_public_from_b64(enrolment.server_public_key)
        publisher_key = ed25519_public_from_b64(enrolment.publisher_public_key)
        path = self.state_dir / "bank.pixbank"
        if not path.exists():
            bank = (await self.client.banks())[0]
            await self.client.download_bank(bank["bank_id"], path)
        self.sealed = SealedBank.open(path, publisher_key)

    async def check_in(self) -> dict[str, Any]:
        answer = await self.client.check_in(
            session_number=self.settings.session_number,
            access_code=self.settings.access_code,
            last_name=self.candidate.last_name,
            first_names=self.candidate.first_names,
            birth_date=self.candidate.birth_date,
        )
        self.candidate_id = answer["candidate_id"]
        return answer

    async def wait_for_ticket(self, authorise: bool = True) -> None:
        """Ask the robot invigilator to authorise, then poll until the ticket is ready."""
        assert self.candidate_id is not None and self.identity is not None
        if authorise:
            await self.invigilator.authorise(self.candidate_id)
        status = await self.client.candidate_status(self.candidate_id, LONG_POLL_S)
        while not status["ticket_ready"]:
            status = await self.client.candidate_status(self.candidate_id, LONG_POLL_S)
        signed = await self.client.fetch_ticket(self.candidate_id)
        ticket = verify_ticket(
            signed, self.server_key, device_id=self.identity.device_id, now=datetime.now(UTC)
        )
        self.journal = Journal.open(
            self.state_dir / f"{ticket.exam_id}{JOURNAL_SUFFIX}",
            self.identity.signing_key,
            ticket.exam_id,
        )
        entries = self.journal.entries()
        if not entries:
            await self.append(EXAM_STARTED, {"ticket": signed})
            self.signed_ticket = signed
        else:  # a restart: the journal continues after the resume authorisation
            await self.append(RESUME_AUTHORISED, {"ticket": signed})
            self.signed_ticket = entries[0].payload["ticket"]
            self.command_seq = max((e.payload.get("command_seq", 0) for e in entries), default=0)
        self.ticket = ticket
        self.outcome.exam_id = ticket.exam_id
        self.unlocked = self.sealed.unlock(unwrap_content_key(ticket, self.identity.exchange_key))
        self.exam = self._replayed_exam()
        self.outbox = OutboxSync(
            self.client,
            self.journal,
            server_public_key=self.server_key,
            device_id=self.identity.device_id,
        ).start()
        self._commands_task = asyncio.get_running_loop().create_task(self._follow_commands())

    def _replayed_exam(self) -> Exam:
        """The engine's exam, rebuilt from the journal (a fresh one at the start)."""
        assert self.ticket is not None and self.unlocked is not None and self.journal is not None
        exam = Exam(
            self.unlocked.item_bank(),
            ExamConfig.from_dict(self.ticket.config),
            self.ticket.selection_seed,
            accessibility_needs=ACCESSIBILITY_NEEDS in self.ticket.accessibility,
        )
        for entry in self.journal.entries():
            if entry.kind == ANSWER:
                exam.next_item()
                exam.record(entry.payload["item_id"], entry.payload["status"])
            elif entry.kind == ITEM_REPLACED:
                exam.next_item()
                exam.replace(entry.payload["item_id"])
        return exam

    async def append(self, kind: str, payload: Mapping[str, Any]) -> int:
        assert self.journal is not None
        seq = await asyncio.to_thread(self.journal.append, kind, payload)
        if self.outbox is not None:
            self.outbox.wake()
        return seq

    # --- the exam ------------------------------------------------------------------------------

    async def show_next(self) -> str | None:
        """Put the next item on screen (journaled); None once the exam is over."""
        assert self.exam is not None
        item_id = self.exam.next_item()
        if item_id is not None:
            position = len(self.exam.answers) + 1
            await self.append(ITEM_SHOWN, {"item_id": item_id, "position": position})
        return item_id

    async def answer(self, item_id: str, correct: bool | None = None) -> str:
        """Answer the item on screen: right with the 2PL probability (or as `correct` says)."""
        assert self.exam is not None and self.unlocked is not None
        item = self.unlocked.item(item_id)
        if correct is None:
            p = 1.0 / (1.0 + math.exp(item.discrimination * (item.difficulty - self.theta)))
            correct = self.rng.random() < p
        skipped = self.rng.random() < SKIP_PROBABILITY
        response = simulated_response(item, correct, self.rng)
        status = str(answer_status(item, response, skipped=skipped))
        await self.append(
            ANSWER,
            {
                "item_id": item_id,
                "response": response,
                "status": status,
                "time_spent_s": round(self.rng.uniform(5, 90), 1),
            },
        )
        self.exam.record(item_id, status)
        self.outcome.answered = len(self.exam.answers)
        return status

    async def raise_alert(self, item_id: str) -> dict[str, Any]:
        assert self.ticket is not None
        await self.append(LIVE_ALERT_RAISED, {"item_id": item_id})
        return await self.client.live_alert(self.ticket.exam_id, item_id)

    async def replace(self, item_id: str, command_seq: int = 0) -> None:
        assert self.exam is not None
        await self.append(ITEM_REPLACED, {"item_id": item_id, "command_seq": command_seq})
        self.exam.replace(item_id)

    async def take_exam(self, stop_after: int | None = None) -> None:
        """Answer until the end, the invigilator's end command, or `stop_after` answers."""
        assert self.exam is not None
        while self.abort_reason is None:
            await self._wait_while_paused()
            if stop_after is not None and len(self.exam.answers) >= stop_after:
                return
            item_id = self.exam.current or await self.show_next()
            if item_id is None:
                return
            if self.settings.think_s:
                await asyncio.sleep(self.rng.expovariate(1.0 / self.settings.think_s))
            await self._wait_while_paused()
            if self.abort_reason is not None:
                return
            if self.exam.current == item_id:  # not replaced meanwhile
                await self.answer(item_id)

    async def _wait_while_paused(self) -> None:
        while self.paused.is_set() and self.abort_reason is None:
            await asyncio.sleep(STATUS_POLL_S)

    async def _follow_commands(self) -> None:
        while True:
            try:
                commands = await self.client.commands(self.command_seq, wait_s=10)
            except BilingualError:
                await asyncio.sleep(1.0)
                continue
            for command in commands:
                self.command_seq = max(self.command_seq, command["seq"])
                if self.ticket is not None and command["exam_id"] == self.ticket.exam_id:
                    self.commands_seen.append(command)
                    await self._obey(command)

    async def _obey(self, command: Mapping[str, Any]) -> None:
        kind, payload = command["kind"], command["payload"]
        if kind == "pause":
            self.paused.set()
            await self.append(PAUSED, {"command_seq": command["seq"]})
        elif kind == "resume":
            self.paused.clear()
            await self.append(RESUMED, {"command_seq": command["seq"], **payload})
        elif kind == "end":
            self.abort_reason = payload["abort_reason"]
        elif kind == "replace_question" and self.exam.current == payload["item_id"]:
            await self.replace(payload["item_id"], command["seq"])
        elif kind == "alert_dismissed":
            await self.append(
                ALERT_DISMISSED, {"item_id": payload["item_id"], "command_seq": command["seq"]}
            )
        elif kind == "extra_time":
            await self.append(
                EXTRA_TIME,
                {
                    "added_s": payload["added_s"],
                    "remaining_s": payload["remaining_s"],
                    "command_seq": command["seq"],
                },
            )

    async def seal(self, abort_reason: str | None = None, time_over: bool = False) -> dict:
        """End the exam in the journal and build the signed record (not sent)."""
        assert self.exam is not None and self.journal is not None and self.identity is not None
        if self._commands_task is not None:
            self._commands_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._commands_task
            self._commands_task = None
        reason = abort_reason or self.abort_reason
        if time_over:
            await self.append(TIME_OVER, {})
        result = self.exam.result(abort_reason=reason).to_dict()
        await self.append(FINISHED, {"abort_reason": reason, "result": result})
        return build_record(
            ticket=self.signed_ticket,
            entries=self.journal.entries(),
            result=result,
            signing_key=self.identity.signing_key,
        )

    async def upload(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Stream what is left, then upload the record; the outcome notes the server's word."""
        acknowledged = False
        if self.outbox is not None:
            acknowledged = await self.outbox.flush(timeout_s=30)
            await self.outbox.stop()
        answer = await self.client.upload_record(record, attempts=8, acknowledged=acknowledged)
        self.outcome.record_outcome = answer["outcome"]
        if answer["reason"] is not None:
            self.outcome.rejection = answer["reason"]["code"]
        self.outcome.completed = answer["outcome"] == "verified"
        if not self.outcome.completed:
            self.outcome.reason = f"record quarantined: {self.outcome.rejection}"
        return answer

    async def finish(self, abort_reason: str | None = None, time_over: bool = False) -> dict:
        return await self.upload(await self.seal(abort_reason, time_over))

    async def run(self) -> RobotOutcome:
        """The whole exam day; failures end up in the outcome, never as an exception."""
        try:
            await self.enrol()
            await self.check_in()
            await self.wait_for_ticket()
            await self.take_exam()
            await self.finish()
        except BilingualError as error:
            self.outcome.reason = f"{error.code}: {error.en}"
        except Exception as error:  # a robot must report, not crash the whole run
            self.outcome.reason = f"{type(error).__name__}: {error}"
        finally:
            await self.close()
        return self.outcome

    async def close(self) -> None:
        if self._commands_task is not None:
            self._commands_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._commands_task
        if self.outbox is not None:
            await self.outbox.stop()
        if self.journal is not None:
            self.journal.close()
        await self.client.aclose()


async def run_robots(
    settings: RobotSettings,
    candidates: Sequence[CandidateIdentity],
    invigilator_code: str,
    state_root: Path,
    *,
    count: int,
    finalize: bool = False,
    progress: Callable[[RobotOutcome], None] | None = None,
) -> dict[str, Any]:
    """Run `count` robots at once on the first `count` candidates; the JSON-able summary."""
    if count > len(candidates):
        raise ValueError(f"{count} robots but only {len(candidates)} candidates in the CSV")
    timings = Timings()
    invigilator = ConsoleApi(settings.server_url)
    started = time.perf_counter()
    try:
        await invigilator.sign_in(settings.session_number, invigilator_code)

        async def one(index: int) -> RobotOutcome:
            robot = RobotCandidate(
                index,
                candidates[index],
                settings,
                state_root / f"robot-{index:04d}",
                invigilator,
                timings,
            )
            outcome = await robot.run()
            if progress is not None:
                progress(outcome)
            return outcome

        outcomes = await asyncio.gather(*(one(index) for index in range(count)))
        elapsed = time.perf_counter() - started
        session_state = None
        if finalize:
            await invigilator.finalise()
            session_state = (await invigilator.publish())["state"]
    finally:
        await invigilator.close()
    return {
        "robots": count,
        "completed": sum(outcome.completed for outcome in outcomes),
        "failed": [
            {
                "index": outcome.index,
                "candidate": f"{outcome.candidate.last_name} {outcome.candidate.first_names}",
                "exam_id": outcome.exam_id,
                "answered": outcome.answered,
                "reason": outcome.reason,
            }
            for outcome in outcomes
            if not outcome.completed
        ],
        "answers": sum(outcome.answered for outcome in outcomes),
        "elapsed_s": round(elapsed, 2),
        "session_state": session_state,
        "latency": timings.summary(),
    }

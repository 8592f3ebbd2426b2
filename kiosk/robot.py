"""A headless candidate: a whole kiosk without screens, for load tests and rehearsals.

Each robot is its own enrolled lab PC (own identity, own journal, in a state directory of its
own) and goes through exam day exactly as the kiosk does, with the same client
(kiosk/client.py), journal, outbox sync and engine: check-in with an identity from the
candidates' CSV, authorisation (asked of the robot invigilator, who signs in with the
invigilator code like a person would), ticket, the adaptive exam, the record.

Answers come from a simulated ability: θ is drawn from the seed, each answer is correct with the
2PL probability P = 1 / (1 + exp(a·(b − θ))), and is then turned into a real response (the
choice, the typed text) whose status engine.answers computes, as on a real kiosk.
Each robot runs its own exam core (kiosk.core.exam_core) and drives it through the window's
requests, so the robot and the window share one exam flow: the core obeys the invigilator's
commands (pause, resume, end, replace the question, extra time, unlock) for both.
`--offline-after N --offline-for S` cuts a robot's network (its core's client) after its N-th
answer for S seconds: it keeps answering offline, then the outbox syncs as on exam day.
"""

import asyncio
import csv
import io
import json
import math
import random
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from engine.canonical import BilingualError
from engine.cli import package_version
from engine.exam import Exam
from engine.items import Field as ItemField
from engine.items import FieldKind, Item, ItemType
from engine.keys import ed25519_public_from_b64
from engine.sealed_bank import SealedBank, UnlockedBank
from engine.ticket import Ticket
from kiosk.client import Enrolment, KioskClient
from kiosk.config_key import ConfigKey
from kiosk.console.api import ConsoleApi
from kiosk.core.exam_core import ExamCore
from kiosk.core.network_cut import NetworkCut
from kiosk.core.phase import Phase
from kiosk.core.protocol import CoreRefusal
from kiosk.core.requests import ROBOT_REQUESTS, handle
from kiosk.identity import DeviceIdentity
from kiosk.journal import Journal
from kiosk.sync import OutboxSync

STATUS_POLL_S = 0.2
SKIP_PROBABILITY = 0.03
WRONG_TEXT = "zqxj"
WRONG_NUMBER = "-987654321"
ENROLMENT_FILE = "enrolment.json"
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
    offline_after: int | None = None  # the network is cut after this many answers...
    offline_for_s: float = 0.0  # ...for this long
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
    scenario (raise an alert on question n, crash and restart, stop early...). The exam itself
    runs in the robot's own exam core (kiosk.core), driven through the same requests as the
    window's (`kiosk.core.requests`): check-in, start, answer, alert; the core follows the
    invigilator's commands, journals and streams. Two things only a robot has: it reads the
    solution of the item on screen from its core (to answer with the 2PL probability), and a
    few harness steps for tests that play a forging kiosk (`append`, `replace`, `exam = ...`).
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
        self.network = NetworkCut(settings.verify_tls)
        self.client = KioskClient(
            settings.server_url,
            config_key=settings.config_key,
            timing=self.timings.record,
            transport=self.network,
            verify=settings.verify_tls,
        )
        self.outcome = RobotOutcome(index, candidate)
        self.identity: DeviceIdentity | None = None
        self.server_key = None
        self.sealed: SealedBank | None = None
        self.core: ExamCore | None = None
        self.paused = _PausedFlag(self)

    # --- what the core holds, for tests that look at it ------------------------------------

    @property
    def candidate_id(self) -> str | None:
        return self.core.candidate_id if self.core is not None else None

    @property
    def ticket(self) -> Ticket | None:
        return self.core.ticket if self.core is not None else None

    @property
    def signed_ticket(self) -> Mapping[str, Any] | None:
        return self.core.start_ticket if self.core is not None else None

    @property
    def journal(self) -> Journal | None:
        return self.core.journal if self.core is not None else None

    @property
    def outbox(self) -> OutboxSync | None:
        return self.core.outbox if self.core is not None else None

    @property
    def unlocked(self) -> UnlockedBank | None:
        return self.core.unlocked if self.core is not None else None

    @property
    def exam(self) -> Exam | None:
        return self.core.exam if self.core is not None else None

    @exam.setter
    def exam(self, exam: Exam) -> None:
        """Harness: a kiosk running another engine (its journal then holds other items)."""
        assert self.core is not None
        self.core.exam = exam

    @property
    def commands_seen(self) -> list[dict[str, Any]]:
        return self.core.commands_seen if self.core is not None else []

    @property
    def abort_reason(self) -> str | None:
        return self.core.abort_reason if self.core is not None else None

    async def request(self, op: str, **fields: Any) -> dict[str, Any]:
        """One request to the core, exactly as the window sends it (plus `network_cut`)."""
        assert self.core is not None
        return await handle(self.core, {"op": op, **fields}, ROBOT_REQUESTS)

    # --- set-up and check-in -------------------------------------------------------------------

    async def enrol(self) -> None:
        """Make the PC's identity and enrol it, or reload both after a restart; then its core."""
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
        if self.core is None:
            self.core = ExamCore(
                self.client,
                self.identity,
                self.sealed,
                self.server_key,
                self.state_dir,
                deliver_records=False,  # `upload` sends it, so that tests can look first
                network_cut=self.network,
            )

    async def check_in(self) -> dict[str, Any]:
        return await self.request(
            "check_in",
            session_number=self.settings.session_number,
            access_code=self.settings.access_code,
            last_name=self.candidate.last_name,
            first_name=self.candidate.first_names,
            birth_date=self.candidate.birth_date,
            wait=False,  # `wait_for_ticket` starts the long-poll, after the authorisation
        )

    async def wait_for_ticket(self, authorise: bool = True, start: bool = True) -> None:
        """Ask the robot invigilator to authorise, then wait for the core to take the ticket
        (it long-polls the server, as for a window); a robot reads no instructions: unless
        `start` is false, its exam clock starts at once (`ExamCore.start_clock`)."""
        assert self.core is not None and self.candidate_id is not None
        if authorise:
            await self.invigilator.authorise(self.candidate_id)
        await self.request("wait_for_ticket")
        while self.core.phase == Phase.WAITING:
            await asyncio.sleep(STATUS_POLL_S / 4)
        if self.core.phase == Phase.CHECK_IN and self.core.notice is not None:
            raise self.core.notice
        self.outcome.exam_id = self.ticket.exam_id if self.ticket is not None else None
        if start and self.core.phase == Phase.INSTRUCTIONS:
            self.core.start_clock()

    async def append(self, kind: str, payload: Mapping[str, Any]) -> int:
        """Harness: an entry journaled behind the core's back (a forging kiosk)."""
        assert self.core is not None
        return self.core.append(kind, payload)

    # --- the exam ------------------------------------------------------------------------------

    async def show_next(self) -> str | None:
        """The item on screen, asking the core for the next one when none is (the first, or
        after a replacement); None once the exam is over."""
        assert self.core is not None and self.core.exam is not None
        if self.core.phase == Phase.INSTRUCTIONS:
            await self.request("start_questions")
        elif self.core.phase == Phase.QUESTION and self.core.exam.current is None:
            await self.request("show_next")
        return self.core.exam.current if self.core.phase != Phase.FINISHED else None

    async def answer(self, item_id: str, correct: bool | None = None) -> str:
        """Answer the item on screen: right with the 2PL probability (or as `correct` says)."""
        assert self.core is not None and self.core.exam is not None
        item = self.core.item
        if item is None or item.id != item_id:
            assert self.core.unlocked is not None
            item = self.core.unlocked.item(item_id)
        if correct is None:
            p = 1.0 / (1.0 + math.exp(item.discrimination * (item.difficulty - self.theta)))
            correct = self.rng.random() < p
        skipped = self.rng.random() < SKIP_PROBABILITY
        response = simulated_response(item, correct, self.rng)
        await self.request("answer", item_id=item_id, response=response, skipped=skipped)
        self.outcome.answered = len(self.core.exam.answers)
        return self.core.exam.answers[-1][1]

    async def raise_alert(self, item_id: str) -> dict[str, Any]:
        return (await self.request("report_problem", item_id=item_id))["alert"]

    async def replace(self, item_id: str, command_seq: int = 0) -> None:
        """Harness: the question replaced without the invigilator's say."""
        assert self.core is not None
        self.core.replace_item(item_id, command_seq)

    async def take_exam(self, stop_after: int | None = None) -> None:
        """Answer until the end, the invigilator's end command, or `stop_after` answers; with
        `--offline-after N`, the core's network is cut after the N-th answer."""
        assert self.core is not None
        while self.core.phase != Phase.FINISHED:
            await self._wait_while_paused()
            exam = self.core.exam
            assert exam is not None
            if stop_after is not None and len(exam.answers) >= stop_after:
                return
            item_id = exam.current or await self.show_next()
            if item_id is None:
                return
            if self.settings.think_s:
                await asyncio.sleep(self.rng.expovariate(1.0 / self.settings.think_s))
            await self._wait_while_paused()
            if self.core.phase == Phase.FINISHED:
                return
            if self.core.exam is not None and self.core.exam.current == item_id:
                try:
                    await self.answer(item_id)
                except CoreRefusal:  # paused or replaced meanwhile: look again
                    await asyncio.sleep(STATUS_POLL_S)
                    continue
                await self._cut_network_when_due()

    async def _cut_network_when_due(self) -> None:
        after, seconds = self.settings.offline_after, self.settings.offline_for_s
        if after is not None and self.outcome.answered == after and seconds > 0:
            await self.request("network_cut", seconds=seconds)

    async def _wait_while_paused(self) -> None:
        assert self.core is not None
        while self.core.phase in (Phase.PAUSED, Phase.LOCKED):
            await asyncio.sleep(STATUS_POLL_S)

    async def seal(self, abort_reason: str | None = None, time_over: bool = False) -> dict:
        """End the exam in the journal and build the signed record (not sent)."""
        assert self.core is not None
        if self.core.phase != Phase.FINISHED:
            if time_over:
                self.core.time_over()
            self.core.finish(abort_reason or self.core.abort_reason)
        assert self.core.record is not None
        return self.core.record

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
        if self.core is not None:
            await self.core.close()
        await self.client.aclose()


class _PausedFlag:
    """`robot.paused.is_set()`: whether the invigilator has paused this robot's exam."""

    def __init__(self, robot: RobotCandidate) -> None:
        self.robot = robot

    def is_set(self) -> bool:
        return self.robot.core is not None and self.robot.core.phase == Phase.PAUSED


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
            # Finalising hands the session to review; its lead publishes (never the invigilator).
            session_state = (await invigilator.finalise())["state"]
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

"""Each exam replayed while its journal streams in, so that its final record is only compared.

A room's records arrive together at the end of a session, and verifying each from scratch
(hashing every entry again, the engine's replay of 32 steps, every response checked again)
limited how many the server took per second. Yet each entry was already checked as it streamed
in (streaming.py). So the server keeps, for every exam in progress, the chain it checked, the
engine's replay up to its last entry and the first answer whose status the response
contradicts: when the record arrives, if its entries are exactly those, only its envelope is
verified (verification.py). That work is spread over the exam, a little per answer.

The tickets its journal carries (the start ticket, any resume ticket) have the server's signature
checked as they arrive, so that the record's envelope does not check it again.

The exam is scored too when its last entry arrives, for its own abort reason with no issue
report and no validated alert (the usual case): the record, when it comes, reuses that result
if nothing has changed meanwhile (record_checks.py). A room's records then find their
scoring done, spread over the minutes in which candidates finished.

Several server processes share the work of one exam: each sees only some of its uploads. The
entries a process did not see were checked and stored by another, so it reads them from the
database and replays on (intake/catch_up.py); a process that never saw the exam (a restart, an
exam dropped for room) rebuilds its replay from the stored journal when an entry or the record
comes. In memory only, and only as a shortcut: on any surprise (an incomplete payload, entries
after the end, another device), the exam is left out and its record is verified in full — the
same verdict, computed later.
"""

import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from engine.canonical import BilingualError
from engine.config import ExamConfig
from engine.exam import Exam, ExamResult
from engine.exam_events import (
    EXAM_STARTED,
    FINISHED,
    REQUIRED_PAYLOAD_KEYS,
    RESUME_AUTHORISED,
    replay_event,
)
from engine.exam_replay import Replay, ReplayError
from engine.itembank import ItemBank
from engine.items import Item
from engine.journal_format import ChainHead, JournalEntry
from engine.ticket import signed_message
from server_stub.intake.response_status import status_disagrees
from server_stub.results import score

# About 130 KiB each (entries, their text, the replay): 1,000 exams in progress at once, far
# more than one server takes (docs/server.md, "Capacity"), hold 130 MB. Beyond, the exam that
# streamed least recently is dropped (its record is verified in full).
MAX_LIVE_EXAMS = 1_000
# An exam that streamed nothing for this long (a candidate gone, a kiosk that will not come
# back) is dropped; if it streams again, its replay is rebuilt from the stored journal.
MAX_IDLE_S = 30 * 60.0


@dataclass(frozen=True)
class ExamStart:
    """What the engine needs to replay an exam from its first entry."""

    bank: ItemBank
    config: ExamConfig
    seed: int
    accessibility_needs: bool
    item: Callable[[str], Item]  # the bank's items, to check each response


@dataclass(frozen=True)
class Scored:
    """A result and what it was scored with (results.py: `score`): the abort reason, the
    IN_CHALLENGE reports (subcategory, item) and the items of validated alerts."""

    inputs: tuple[str | None, tuple[tuple[str | None, str | None], ...], frozenset[str]]
    result: ExamResult


@dataclass(frozen=True)
class StreamedExam:
    """A finished exam as streamed: its checked chain and the engine's replay of it."""

    entries: tuple[JournalEntry, ...]
    text: str  # exact_text of the entries' wire forms, as a list
    exam: Exam | None  # None when the replay failed: then `replay_error`
    replay_error: ReplayError | None
    status_disagrees: JournalEntry | None  # the first answer whose response contradicts it
    scored: Scored | None  # scored when its last entry arrived (None if that failed)
    server_signed: frozenset[tuple[bytes, bytes]]  # (signature, message) of its valid tickets

    @property
    def head(self) -> ChainHead:
        return self.entries[-1].head


class _LiveExam:
    def __init__(self, device_id: str, start: ExamStart, server_key: Ed25519PublicKey) -> None:
        self.device_id = device_id
        self.server_key = server_key
        self.server_signed: set[tuple[bytes, bytes]] = set()
        self.entries: list[JournalEntry] = []
        self.texts: list[str] = []  # exact_text of each entry's wire form
        self.replay = Replay(
            start.bank, start.config, start.seed, accessibility_needs=start.accessibility_needs
        )
        self.replay_error: ReplayError | None = None
        self.item = start.item
        self.status_disagrees: JournalEntry | None = None
        self.scored: Scored | None = None
        self.touched = 0.0  # time.monotonic() of its last upload

    def extend(self, entries: Sequence[JournalEntry], texts: Sequence[str]) -> bool:
        """Follow the entries just stored (those it holds already are passed over, once each);
        False when they cannot be followed."""
        for entry, text in zip(entries, texts, strict=True):
            if entry.seq <= len(self.entries):  # read from the database by a concurrent upload
                if self.entries[entry.seq - 1].hash != entry.hash:
                    return False
                continue
            expected = len(self.entries) + 1
            finished = self.entries and self.entries[-1].kind == FINISHED
            required = REQUIRED_PAYLOAD_KEYS.get(entry.kind)
            if entry.seq != expected or finished or required is None:
                return False
            if not required <= entry.payload.keys():
                return False
            self.entries.append(entry)
            self.texts.append(text)
            if self.status_disagrees is None and status_disagrees(entry, self.item):
                self.status_disagrees = entry
            if entry.kind in (EXAM_STARTED, RESUME_AUTHORISED):
                self._check_ticket(entry.payload["ticket"])
            event = replay_event(entry)
            if event is not None and self.replay_error is None:
                try:
                    self.replay.feed(event)
                except ReplayError as error:
                    self.replay_error = error
            if entry.kind == FINISHED and self.replay_error is None:
                self.scored = _scored(self.replay.exam, entry.payload["abort_reason"])
        return True

    def _check_ticket(self, signed: object) -> None:
        """Keep the ticket's signed message if the server's signature is valid (else the
        record's check names what is wrong with it)."""
        try:
            pair = signed_message(signed)
            self.server_key.verify(*pair)
        except (BilingualError, InvalidSignature, ValueError, TypeError):
            return
        self.server_signed.add(pair)

    def streamed(self) -> StreamedExam | None:
        if not self.entries or self.entries[-1].kind != FINISHED:
            return None
        text = "[" + ",".join(self.texts) + "]"  # the list's exact_text: its items' joined
        exam = self.replay.exam if self.replay_error is None else None
        return StreamedExam(
            tuple(self.entries),
            text,
            exam,
            self.replay_error,
            self.status_disagrees,
            self.scored,
            frozenset(self.server_signed),
        )


def _scored(exam: Exam, abort_reason: str | None) -> Scored | None:
    """The exam scored for its own abort reason, with no report nor validated alert."""
    try:
        inputs = (abort_reason, (), frozenset())
        return Scored(inputs, score(exam, *inputs))
    except Exception:  # a shortcut: the record's check scores it and names what is wrong
        return None


class LiveExams:
    """The exams being streamed to this process. Used from the event loop only.

    Bounded: beyond `capacity` exams, or `idle_s` without an entry, the exam that streamed
    least recently is dropped (rebuilt from the stored journal if it streams again). An exam
    whose journal the replay could not follow is remembered (as many again) so that it is not
    read and replayed again at each of its uploads."""

    def __init__(
        self,
        server_key: Ed25519PublicKey,
        capacity: int = MAX_LIVE_EXAMS,
        idle_s: float = MAX_IDLE_S,
    ) -> None:
        self._server_key = server_key
        self._capacity = capacity
        self._idle_s = idle_s
        self._exams: OrderedDict[str, _LiveExam] = OrderedDict()
        self._given_up: OrderedDict[str, None] = OrderedDict()

    def extend(
        self,
        exam_id: str,
        device_id: str,
        entries: Sequence[JournalEntry],
        texts: Sequence[str],
        start: ExamStart | None,
    ) -> None:
        """Follow entries just stored for `exam_id` (those it holds already are passed over);
        `start` when the replay begins with them."""
        if exam_id in self._given_up:
            return
        now = time.monotonic()
        live = self._exams.get(exam_id)
        if live is None:
            if start is None or not entries or entries[0].seq != 1:
                return  # dropped meanwhile: rebuilt from the stored journal when needed
            live = self._exams[exam_id] = _LiveExam(device_id, start, self._server_key)
        else:
            self._exams.move_to_end(exam_id)
        live.touched = now
        self._drop_least_recent(now)
        try:
            followed = live.device_id == device_id and live.extend(entries, texts)
        except Exception:  # a shortcut must never fail the upload it follows (say, an item id
            followed = False  # of the wrong type): the record will be checked in full
        if not followed:
            del self._exams[exam_id]
            self._given_up[exam_id] = None
            while len(self._given_up) > self._capacity:
                self._given_up.popitem(last=False)

    def _drop_least_recent(self, now: float) -> None:
        while len(self._exams) > self._capacity:
            self._exams.popitem(last=False)
        while self._exams:
            oldest = next(iter(self._exams.values()))
            if now - oldest.touched <= self._idle_s:
                break
            self._exams.popitem(last=False)

    def held_seq(self, exam_id: str, device_id: str) -> int | None:
        """The last entry of `device_id`'s journal the replay of `exam_id` holds (0: none), the
        stored entries past it to be read to replay on (intake/catch_up.py); None when the
        replay gave that exam up (its record is verified in full)."""
        if exam_id in self._given_up:
            return None
        live = self._exams.get(exam_id)
        if live is None or live.device_id != device_id:
            return 0
        return len(live.entries)

    def finished(self, exam_id: str, device_id: str) -> StreamedExam | None:
        """The exam as streamed by `device_id`, once its last entry is the end of the exam."""
        live = self._exams.get(exam_id)
        if live is None or live.device_id != device_id:
            return None
        return live.streamed()

    def forget(self, exam_id: str) -> None:
        self._exams.pop(exam_id, None)
        self._given_up.pop(exam_id, None)

    def __len__(self) -> int:
        return len(self._exams)

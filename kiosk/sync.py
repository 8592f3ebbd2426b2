"""The journal's outbox, emptied in the background: stream what the server has not acknowledged.

The exam never waits on the network. Entries are appended to the journal first; this task sends
the unacknowledged ones in order, checks the server's signed receipt (engine/journal_format.py:
the right server, this device, this exam, a head that is really ours) and only then marks them
acknowledged in the journal. While the server is unreachable or failing (a 5xx: a full disk,
a restart) it retries, for as long as it takes, with exponential backoff capped and with full
jitter (kiosk/client.py), so a whole room coming back online spreads out.

A refusal (the server rejects an entry: a 4xx with its reason) ends the streaming of this
exam: sending the same entries again would be refused again. It is kept in `refusal`; the
record, which the server verifies whole, tells the rest.

Beside the entries, a heartbeat sends the journal's signed head every `head_every_s` seconds
(engine/head_commitment.py), whether or not the entries have caught up: the server then holds
the journal's past fixed as it grows, knows the exam is in contact, and can tell entries
written in time from entries written after the deadline (docs/protocol.md, "Head
commitments"). It is signed with the device key that signs the journal's entries.
"""

import asyncio
import contextlib
from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from engine.canonical import BilingualError
from engine.head_commitment import sign_head
from engine.journal_format import JournalEntry, JournalError, verify_receipt
from kiosk.client import Backoff, KioskClient, ServerError, ServerUnreachable
from kiosk.journal import Journal

BATCH_SIZE = 100
IDLE_CHECK_S = 2.0
HEAD_EVERY_S = 5.0


class OutboxSync:
    """Stream one journal to the server; `start()` it, `wake()` it after each append."""

    def __init__(
        self,
        client: KioskClient,
        journal: Journal,
        *,
        server_public_key: Ed25519PublicKey,
        device_id: str,
        backoff: Backoff | None = None,
        batch_size: int = BATCH_SIZE,
        idle_check_s: float = IDLE_CHECK_S,
        signing_key: Ed25519PrivateKey | None = None,
        head_every_s: float = HEAD_EVERY_S,
    ) -> None:
        self.client = client
        self.journal = journal
        self.server_public_key = server_public_key
        self.device_id = device_id
        self.backoff = backoff or client.backoff
        self.batch_size = batch_size
        self.idle_check_s = idle_check_s
        # The key that signs the journal's entries (the device's) signs its heads too.
        self.signing_key = signing_key or journal._signing_key
        self.head_every_s = head_every_s
        self.heads_sent = 0
        self.head_refusal: BilingualError | None = None
        self.refusal: BilingualError | None = None
        self.last_error: BilingualError | None = None
        self._online = False
        self._pending = 0
        self._resend_after: int | None = None
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._heartbeat: asyncio.Task | None = None

    @property
    def online(self) -> bool:
        """Whether the last exchange with the server succeeded."""
        return self._online

    @property
    def pending(self) -> int:
        """Entries not yet acknowledged (as of the last pass)."""
        return self._pending

    def start(self) -> "OutboxSync":
        if self._task is None:
            loop = asyncio.get_running_loop()
            self._task = loop.create_task(self._run())
            self._heartbeat = loop.create_task(self._beat())
        return self

    def wake(self) -> None:
        self._idle.clear()
        self._wake.set()

    async def stop(self) -> None:
        """End the task (what is not acknowledged stays in the journal's outbox)."""
        if self._task is not None:
            # A flag as well as the cancellation: on Python 3.11 `wait_for` can swallow a
            # cancellation that arrives as the awaited event fires.
            self._stopping.set()
            self._wake.set()
            for task in (self._task, self._heartbeat):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            self._task = self._heartbeat = None

    async def flush(self, timeout_s: float) -> bool:
        """Wake the task and wait until everything is acknowledged; False on timeout (or when
        the task is not running)."""
        if self._task is None:
            return False
        self.wake()
        try:
            await asyncio.wait_for(self._idle.wait(), timeout_s)
        except TimeoutError:
            return False
        return self._pending == 0

    async def _run(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                await self.send_pending()
            except ServerUnreachable as error:
                self._online, self.last_error = False, error
                await _wait(self._stopping, self.backoff.delay(failures))
                failures += 1
                continue
            except (ServerError, JournalError) as error:
                self._online = isinstance(error, ServerError)
                self.refusal = self.last_error = error
                self._idle.set()
                return
            failures = 0
            self._idle.set()
            await _wait(self._wake, self.idle_check_s)

    async def send_pending(self) -> None:
        """One pass: send every unacknowledged entry, batch by batch, acknowledging each."""
        while True:
            entries = await asyncio.to_thread(self._outbox)
            self._pending = len(entries)
            if not entries:
                self._online = True
                self.refusal = None
                return
            batch = entries[: self.batch_size]
            try:
                receipt = await self.client.stream_entries(self.journal.exam_id, batch)
            except ServerError as error:
                if error.code != "entry_gap" or not error.details:
                    raise
                # The server holds less than we thought (restored from a backup?): resend.
                self._resend_after = int(error.details[0]["expected_seq"]) - 1
                continue
            self._online = True
            self._resend_after = None
            await asyncio.to_thread(self._acknowledge, receipt, batch)

    async def send_head(self) -> bool:
        """One heartbeat: commit the journal's current head; False when it did not get through
        (the server unreachable, or refusing it: `head_refusal`)."""
        head = await asyncio.to_thread(self.journal.head)
        if head is None:
            return False
        signed = sign_head(
            device_id=self.device_id,
            exam_id=self.journal.exam_id,
            head=head,
            signing_key=self.signing_key,
        )
        # The heartbeat is an exchange like any other: "online" says how the last one went,
        # even when no entry waits to be sent (the end screen, a candidate thinking).
        try:
            await self.client.send_head(self.journal.exam_id, signed)
        except ServerUnreachable as error:
            self._online, self.last_error = False, error
            return False
        except ServerError as error:
            self._online = True
            self.head_refusal = error
            return False
        self._online = True
        self.heads_sent += 1
        return True

    async def _beat(self) -> None:
        while not self._stopping.is_set():
            await self.send_head()
            await _wait(self._stopping, self.head_every_s)

    def _outbox(self) -> list[JournalEntry]:
        if self._resend_after is not None:
            return self.journal.entries(after_seq=self._resend_after)
        return self.journal.unacknowledged()

    def _acknowledge(self, receipt: dict, batch: Sequence[JournalEntry]) -> None:
        head = verify_receipt(
            receipt,
            self.server_public_key,
            device_id=self.device_id,
            exam_id=self.journal.exam_id,
        )
        ours = {entry.seq: entry.hash for entry in batch}
        known = ours.get(head.seq) or next(
            (e.hash for e in self.journal.entries(after_seq=head.seq - 1)[:1]), None
        )
        if head.seq and known != head.hash:
            raise JournalError(
                "bad_receipt",
                head.seq,
                "L'accusé du serveur ne correspond pas au journal de ce poste : ignoré.",
                "The server's receipt does not match this computer's journal: ignored.",
            )
        self.journal.acknowledge(head.seq)


async def _wait(event: asyncio.Event, timeout_s: float) -> None:
    """Until `event` is set or `timeout_s` has passed, whichever comes first."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout_s)

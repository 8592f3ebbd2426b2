"""Where record verdicts are computed: in this process, or in a pool of worker processes.

`pix-server serve` uses one worker per core (`--verify-workers`): verification is CPU work in
Python (hashes of canonical JSON, the engine's replay) that one process cannot spread over
cores. Workers open the banks themselves, once, from the data directory. With 0 workers (tests,
commands) the verdict is computed inline by the very same function.
"""

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from server_stub.banks import BankStore
from server_stub.datadir import DataDir
from server_stub.errors import ApiError
from server_stub.intake.verdict import RecordJob, RecordVerdict, check_record

_worker_banks: BankStore | None = None


def _start_worker(data_root: str, bank_ids: tuple[str, ...]) -> None:
    """Open the published banks now, not at the first record of an exam day's last minutes."""
    global _worker_banks
    data_dir = DataDir(Path(data_root))
    _worker_banks = BankStore(data_dir, data_dir.publisher_public_key())
    for bank_id in bank_ids:
        _worker_banks.item_bank(bank_id)


def _ready() -> bool:
    return _worker_banks is not None


def _check_in_worker(job: RecordJob) -> RecordVerdict:
    try:
        return check_record(job, _worker_banks)
    except Exception as error:
        # Handed to the server as a plain error: an exception class the parent cannot rebuild
        # from its pickle (a custom __init__) would otherwise break the whole pool.
        raise RuntimeError(f"record check failed: {type(error).__name__}: {error}") from None


class RecordVerifier:
    def __init__(
        self, data_dir: DataDir, banks: BankStore, workers: int = 0, bank_ids: tuple[str, ...] = ()
    ) -> None:
        """`bank_ids`: the banks each worker opens as it starts."""
        self._banks = banks
        self._data_root = str(data_dir.root)
        self._workers = workers
        self._bank_ids = bank_ids
        self._pool = self._new_pool() if workers > 0 else None

    def _new_pool(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["server_stub.intake.workers"])
        pool = ProcessPoolExecutor(
            max_workers=self._workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(self._data_root, self._bank_ids),
        )
        # Start every worker now (the pool starts them one per waiting job otherwise), so
        # that the records arriving together at the end of a session find them ready.
        for _ in range(self._workers):
            pool.submit(_ready)
        return pool

    async def verdict(self, job: RecordJob) -> RecordVerdict:
        """The verdict; no thread waits for it when workers compute it.

        A worker that died (killed by the system for memory, say) breaks its whole pool: new
        workers are started and the record is tried once more; if they die too, the kiosk is
        told to send it again later (503), and the server keeps serving everything else.
        """
        pool = self._pool
        if pool is None:
            return await asyncio.to_thread(check_record, job, self._banks)
        try:
            return await asyncio.wrap_future(pool.submit(_check_in_worker, job))
        except BrokenProcessPool:
            if self._pool is pool:  # the first to notice replaces it (one event loop)
                pool.shutdown(wait=False, cancel_futures=True)
                self._pool = self._new_pool()
        try:
            return await asyncio.wrap_future(self._pool.submit(_check_in_worker, job))
        except BrokenProcessPool as error:
            raise ApiError("verification_unavailable") from error

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

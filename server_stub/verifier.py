"""Where record verdicts are computed: in this process, or in a pool of worker processes.

`pix-server serve` uses one worker per core (`--verify-workers`): verification is CPU work in
Python (hashes of canonical JSON, the engine's replay) that one process cannot spread over
cores. Workers open the banks themselves, once, from the data directory. With 0 workers (tests,
commands) the verdict is computed inline by the very same function.
"""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from server_stub.banks import BankStore
from server_stub.datadir import DataDir
from server_stub.record_checks import RecordJob, RecordVerdict, check_record

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
    return check_record(job, _worker_banks)


class RecordVerifier:
    def __init__(
        self, data_dir: DataDir, banks: BankStore, workers: int = 0, bank_ids: tuple[str, ...] = ()
    ) -> None:
        """`bank_ids`: the banks each worker opens as it starts."""
        self._banks = banks
        self._pool = None
        if workers > 0:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["server_stub.verifier"])
            self._pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=context,
                initializer=_start_worker,
                initargs=(str(data_dir.root), bank_ids),
            )
            # Start every worker now (the pool starts them one per waiting job otherwise), so
            # that the records arriving together at the end of a session find them ready.
            for _ in range(workers):
                self._pool.submit(_ready)

    def check(self, job: RecordJob) -> RecordVerdict:
        """The verdict (blocks the calling worker thread, not the event loop)."""
        if self._pool is None:
            return check_record(job, self._banks)
        return self._pool.submit(_check_in_worker, job).result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

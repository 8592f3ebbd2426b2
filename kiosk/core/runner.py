"""Running one exam core: load what it holds (keys, token, sealed bank), serve it on its socket,
and stop cleanly. `pix-kiosk core` runs this in a process of its own; the tests may run it in a
thread beside the window (kiosk.core.launcher), on the same socket protocol.

One core per state directory: a lock file keeps a second one (a window's child core left behind
by a killed window, say) from writing the same journals.
"""

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import IO

from engine.canonical import BilingualError
from engine.sealed_bank import SealedBank
from kiosk.client import KioskClient
from kiosk.config_key import kiosk_config_key, lockdown_policy
from kiosk.core.exam_core import ExamCore
from kiosk.core.service import CoreService
from kiosk.core.transport import core_transport
from kiosk.identity import DeviceIdentity
from kiosk.lab_config import LabConfig
from kiosk.tls import trusted_authorities

LOCK_FILE = "core.lock"
LOCK_WAIT_S = 10.0  # a core that is stopping (its window was killed) lets go within that


class CoreBusy(BilingualError):
    def __init__(self, data_dir: Path) -> None:
        super().__init__(
            "core_busy",
            f"Un autre cœur d'examen utilise déjà {data_dir} : arrêtez-le d'abord.",
            f"Another exam core already uses {data_dir}: stop it first.",
        )


def hold_state_lock(data_dir: Path, wait_s: float = LOCK_WAIT_S) -> IO[bytes]:
    """Take the state directory's lock (held until the returned file is closed)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = open(data_dir / LOCK_FILE, "ab")  # noqa: SIM115 - held for the core's lifetime
    give_up = time.monotonic() + wait_s
    while True:
        try:
            _lock(handle)
            return handle
        except (BlockingIOError, PermissionError):
            if time.monotonic() > give_up:
                handle.close()
                raise CoreBusy(data_dir) from None
            time.sleep(0.1)


def _lock(handle: IO[bytes]) -> None:
    """An exclusive lock, not waiting (BlockingIOError / PermissionError when taken): flock, or
    a byte-range lock on Windows (no fcntl there)."""
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        return
    import fcntl

    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


def build_core(config: LabConfig, data_dir: Path, **options: object) -> ExamCore:
    """The core of the lab PC `config` describes, its state in `data_dir`; every problem (not
    enrolled, keys readable by others, a bank from another publisher) is a bilingual error."""
    config = replace(config, data_dir=data_dir)
    identity = DeviceIdentity.load(data_dir)
    client = KioskClient(
        config.server_url,
        config.device_token(),
        config_key=kiosk_config_key(config, lockdown_policy(config)),
        verify=trusted_authorities(config.ca_file),
    )
    bank = SealedBank.open(config.bank_path, config.publisher_public_key)
    return ExamCore(client, identity, bank, config.server_public_key, data_dir, **options)


async def serve(
    config: LabConfig,
    data_dir: Path,
    socket_path: Path,
    allowed_uids: frozenset[int],
    *,
    until: asyncio.Event,
    ready: Callable[[CoreService], None] = lambda _service: None,
    allowed_sids: frozenset[str] = frozenset(),
) -> None:
    """Serve the core until `until` is set; `ready` is called once the socket listens.
    `allowed_sids`: on Windows, the accounts served on the named pipe (default: this one)."""
    core = build_core(config, data_dir)
    transport = core_transport(socket_path, allowed_uids=allowed_uids, allowed_sids=allowed_sids)
    service = await CoreService(core, socket_path, allowed_uids, transport).start()
    core.start()
    try:
        ready(service)
        await until.wait()
    finally:
        await service.close()
        await core.close()
        await core.server.aclose()


def default_allowed_uids() -> frozenset[int]:
    """Without `--allow-uid`: the core's own account only (the demo, rehearsals, tests). None
    on Windows, which has no uids (the named pipe serves this account's SID by default)."""
    return frozenset({os.getuid()}) if hasattr(os, "getuid") else frozenset()


@contextlib.contextmanager
def state_lock(data_dir: Path):
    handle = hold_state_lock(data_dir)
    try:
        yield
    finally:
        handle.close()

"""One `pix-server serve` per SQLite database: a second one is refused with a message.

Two server processes on one SQLite file would each wake only their own long-polls and keep
their own live state (notifier.py): a kiosk on one would wait for a ticket the invigilator
authorised on the other. The first `serve` holds an exclusive lock on a file beside the
database (fcntl on Linux and macOS, msvcrt on Windows) for as long as it runs; the system
releases it when the process ends, however it ends. The other commands (`session create`,
`export`…) still open the database while the server runs: they take no such lock.
"""

import os
import sys
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url

from engine.canonical import BilingualError


class ServerAlreadyRunning(BilingualError):
    """Another `pix-server serve` already uses this SQLite database."""


def lock_path(database_url: str) -> Path | None:
    """The lock file of a SQLite database (None for PostgreSQL, or SQLite in memory)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).with_name(Path(url.database).name + ".serve-lock")


def hold_serve_lock(database_url: str) -> IO[str] | None:
    """Take the database's serve lock for this process's lifetime (keep the returned file
    open); raise `ServerAlreadyRunning` when another process holds it."""
    path = lock_path(database_url)
    if path is None:
        return None
    handle = open(path, "a+", encoding="ascii")  # noqa: SIM115  (held open until exit)
    try:
        _lock(handle)
    except OSError:
        try:
            handle.seek(0)
            holder = handle.read().strip() or "?"
        except OSError:  # Windows: the locked byte cannot be read either
            holder = "?"
        handle.close()
        raise ServerAlreadyRunning(
            "server_already_running",
            f"un autre `pix-server serve` (processus {holder}) utilise déjà la base SQLite "
            f"{path.with_suffix('')} : arrêtez-le d'abord. SQLite ne sert qu'un processus ; "
            "pour plusieurs processus (--workers), passez à PostgreSQL (docs/deployment.md).",
            f"another `pix-server serve` (process {holder}) already uses the SQLite database "
            f"{path.with_suffix('')}: stop it first. SQLite serves one process only; for "
            "several processes (--workers), move to PostgreSQL (docs/deployment.md).",
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def _lock(handle: IO[str]) -> None:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

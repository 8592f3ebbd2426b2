"""The on-disk record of applied guards, so that a kiosk that died locked is undone on next start.

The session writes `STATE/lockdown-applied.json` before it applies each guard (write-ahead: a
crash half-way through applying is covered too) and deletes it once every guard is released.
Guards whose effect dies with the process (window flags, keyboard grab, hooks) are only listed;
a `PersistentGuard` also stores its snapshot, which `recover_after_crash` restores.
"""

import json
import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import psutil

from engine.canonical import BilingualError

MARKER_NAME = "lockdown-applied.json"

log = logging.getLogger(__name__)


def _process_identity(pid: int) -> float | None:
    """The start time of process `pid`, or None if it is gone (a pid alone may be reused)."""
    try:
        return psutil.Process(pid).create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


class AppliedGuardsMarker:
    """The marker of one running lockdown session."""

    def __init__(self, state_dir: Path) -> None:
        self.path = Path(state_dir) / MARKER_NAME
        self._record: dict[str, Any] = {
            "pid": os.getpid(),
            "process_started": _process_identity(os.getpid()),
            "guards": [],
        }

    def add(self, name: str, snapshot: Mapping[str, Any] | None) -> None:
        """Record a guard about to be applied (with what restores it, if it outlives us)."""
        self._record["guards"].append({"name": name, "snapshot": snapshot})
        self._write()

    def clear(self) -> None:
        """Every guard is released: nothing to recover any more."""
        self.path.unlink(missing_ok=True)

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(self._record, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)


class LockdownStillRunning(BilingualError):
    """The marker belongs to a kiosk that is still running: its guards are not ours to undo."""


def undo_stale_marker(
    state_dir: Path, restorers: Mapping[str, Callable[[dict[str, Any]], None]]
) -> list[str]:
    """Undo what a kiosk that died while locked left behind; return the guards it had applied.

    Returns [] when the last run ended cleanly. `restorers` maps a persistent guard's name to
    its `restore`. A restorer that fails is logged and skipped (the others still run) and the
    marker is removed all the same: a broken restore must not block every later start.
    """
    path = Path(state_dir) / MARKER_NAME
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as error:
        log.warning("unreadable lockdown marker %s (%s); removed", path, error)
        path.unlink(missing_ok=True)
        return []
    pid = record.get("pid")
    if (
        isinstance(pid, int)
        and pid != os.getpid()
        and _process_identity(pid) is not None
        and _process_identity(pid) == record.get("process_started")
    ):
        raise LockdownStillRunning(
            "lockdown_still_running",
            f"Un autre kiosque (processus {pid}) est verrouillé sur ce poste ; "
            "fermez-le avant d'en lancer un second.",
            f"Another kiosk (process {pid}) is locked on this PC; close it before starting "
            "a second one.",
        )
    guards = [entry for entry in record.get("guards", []) if isinstance(entry, dict)]
    for entry in reversed(guards):
        restore = restorers.get(entry.get("name"))
        if restore is None or entry.get("snapshot") is None:
            continue
        try:
            restore(entry["snapshot"])
        except Exception:
            log.exception("could not restore %s after a crash", entry.get("name"))
    path.unlink(missing_ok=True)
    return [str(entry.get("name")) for entry in guards]

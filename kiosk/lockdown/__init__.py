"""The kiosk's secure mode: lockdown guards, violation detection and environment checks.

The candidate app uses `LockdownSession` (see kiosk/lockdown/session.py for the contract) and
`prepare_kiosk_window` on its window before showing it;
IT's `doctor` uses `effective_guards` and `check_environment`. The names are loaded on first
use (PEP 562): the exam core reads `LockdownPolicy` for its configuration key and must not
load Qt with the guards.
"""

import importlib
from typing import Any

_HOMES = {
    "GuardSupport": "catalogue",
    "detect_platform": "catalogue",
    "effective_guards": "catalogue",
    "Finding": "environment",
    "check_environment": "environment",
    "LockdownRefused": "guard",
    "LockdownStillRunning": "marker",
    "LockdownPolicy": "policy",
    "LockdownSession": "session",
    "recover_after_crash": "session",
    "ViolationKind": "violations",
    "prepare_kiosk_window": "window",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)

"""The kiosk's secure mode: lockdown guards, violation detection and environment checks.

The candidate app uses `LockdownSession` (see kiosk/lockdown/session.py for the contract) and
`prepare_kiosk_window` on its window before showing it;
IT's `doctor` uses `effective_guards` and `check_environment`.
"""

from kiosk.lockdown.catalogue import GuardSupport, detect_platform, effective_guards
from kiosk.lockdown.environment import Finding, check_environment
from kiosk.lockdown.guard import LockdownRefused
from kiosk.lockdown.marker import LockdownStillRunning
from kiosk.lockdown.policy import LockdownPolicy
from kiosk.lockdown.session import LockdownSession, recover_after_crash
from kiosk.lockdown.violations import ViolationKind
from kiosk.lockdown.window import prepare_kiosk_window

__all__ = [
    "Finding",
    "GuardSupport",
    "LockdownPolicy",
    "LockdownRefused",
    "LockdownSession",
    "LockdownStillRunning",
    "ViolationKind",
    "check_environment",
    "detect_platform",
    "effective_guards",
    "prepare_kiosk_window",
    "recover_after_crash",
]

"""The kinds of security incident the lockdown reports.

`on_violation(kind, detail)` receives one of these kinds (a plain string, stable: it is journaled
and sent to the server) and a short English detail for the invigilator's console.
"""

from collections.abc import Callable
from enum import StrEnum


class ViolationKind(StrEnum):
    FOCUS_LOST = "focus_lost"  # another window took the keyboard focus, or the app deactivated
    MINIMISED = "minimised"
    LEFT_FULLSCREEN = "left_fullscreen"
    FOREIGN_WINDOW = "foreign_window"  # another program's window stacked above the kiosk
    CLOSE_ATTEMPT = "close_attempt"  # the window manager asked the kiosk to close
    ESCAPE_SHORTCUT = "escape_shortcut"  # Alt+Tab, Super, Alt+F4… (swallowed, still reported)
    SCREEN_CHANGED = "screen_changed"  # a screen was added, removed or resized
    PROHIBITED_PROCESS = "prohibited_process"
    REMOTE_SESSION = "remote_session"
    VIRTUAL_MACHINE = "virtual_machine"
    KEYBOARD_NOT_LOCKED = "keyboard_not_locked"  # no grab or hook: desktop shortcuts stay live
    CAPTURE_NOT_EXCLUDED = "capture_not_excluded"  # the window could not be hidden from capture


Report = Callable[[ViolationKind, str], None]
"""What a guard calls when it sees a violation; the session debounces and restores."""

# Kinds that are one escape attempt seen from several sides: folded into a single incident.
WINDOW_KINDS = frozenset(
    {
        ViolationKind.FOCUS_LOST,
        ViolationKind.MINIMISED,
        ViolationKind.LEFT_FULLSCREEN,
        ViolationKind.FOREIGN_WINDOW,
        ViolationKind.CLOSE_ATTEMPT,
        ViolationKind.ESCAPE_SHORTCUT,
    }
)

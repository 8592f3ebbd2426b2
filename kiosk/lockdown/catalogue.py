"""Which guards run on which platform, in which order, and how effective each is there.

`build_guards` gives the session its sequence; `effective_guards` tells IT (the `doctor`) what
the secure mode really achieves on this machine: on a Wayland desktop, for instance, the kiosk
can only detect leaving and lock, since no client may grab the keyboard.
"""

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from kiosk.lockdown.clipboard import ClipboardGuard
from kiosk.lockdown.environment import EnvironmentGuard
from kiosk.lockdown.guard import Guard
from kiosk.lockdown.macos import PresentationOptionsGuard, WindowSharingGuard, load_mac_api
from kiosk.lockdown.policy import LockdownPolicy
from kiosk.lockdown.screen_saver import ScreenSaverGuard
from kiosk.lockdown.screens import ScreenGuard
from kiosk.lockdown.server_keys import ServerKeysGuard
from kiosk.lockdown.shortcuts import ShortcutGuard
from kiosk.lockdown.violations import Report
from kiosk.lockdown.win32 import CaptureExclusionGuard, KeyboardHookGuard, load_win32_api
from kiosk.lockdown.window import FocusGuard, WindowGuard
from kiosk.lockdown.x11 import FocusOutGuard, ForeignWindowGuard, KeyboardGrabGuard

Platform = Literal["x11", "xwayland", "wayland", "windows", "macos", "other"]

PERSISTENT_RESTORERS = {
    ServerKeysGuard.name: ServerKeysGuard.restore,
    ScreenSaverGuard.name: ScreenSaverGuard.restore,
}


def detect_platform(environ: Mapping[str, str] | None = None) -> Platform:
    """The window system the kiosk runs on: the running Qt app's platform plugin, or what
    `environ` (by default this process's environment) says when asked about another one.

    "xwayland": an X11 client on a Wayland desktop, where a keyboard grab only holds against
    other X11 clients, not against the compositor's shortcuts.
    """
    app = QGuiApplication.instance()
    if environ is None and app is not None:
        qt_platform = QGuiApplication.platformName()
    else:
        qt_platform = _qt_platform_from(environ if environ is not None else os.environ)
    environ = environ if environ is not None else os.environ
    wayland_desktop = bool(environ.get("WAYLAND_DISPLAY")) or (
        environ.get("XDG_SESSION_TYPE") == "wayland"
    )
    if qt_platform == "xcb":
        return "xwayland" if wayland_desktop else "x11"
    return {"wayland": "wayland", "windows": "windows", "cocoa": "macos"}.get(qt_platform, "other")


def _qt_platform_from(environ: Mapping[str, str]) -> str:
    """The Qt platform plugin a new app would pick in this environment."""
    chosen = environ.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0]
    if chosen:
        return chosen
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "cocoa"
    if environ.get("WAYLAND_DISPLAY"):
        return "wayland"
    return "xcb" if environ.get("DISPLAY") else "other"


def build_guards(
    window: QWidget,
    policy: LockdownPolicy,
    report: Report,
    warn: Report,
    platform: Platform | None = None,
) -> list[Guard]:
    """The guards for this platform, in the order they are applied."""
    platform = platform or detect_platform()
    win32 = load_win32_api() if platform == "windows" else None
    mac = load_mac_api() if platform == "macos" else None
    guards: list[Guard] = [
        EnvironmentGuard(policy, report, warn),
        ScreenGuard(window, policy.extra_screens, report),
        WindowGuard(window, report),
        ClipboardGuard(),
        ShortcutGuard(policy.escape_shortcuts, policy.blocked_shortcuts, report),
    ]
    if platform == "x11":
        if policy.disable_server_keys:
            guards.append(ServerKeysGuard())
        guards.append(ScreenSaverGuard())
        guards.append(KeyboardGrabGuard(window, policy.require_keyboard_lock, warn))
    if win32 is not None:
        guards += [
            KeyboardHookGuard(
                win32, policy.refuse_injected_keys, policy.require_keyboard_lock, report, warn
            ),
            CaptureExclusionGuard(win32, window, warn),
        ]
    if mac is not None:
        guards += [PresentationOptionsGuard(mac), WindowSharingGuard(mac, window)]
    guards.append(FocusGuard(window, report))
    if platform == "x11":
        guards.append(FocusOutGuard(window, report))
    if platform == "x11" and policy.detect_foreign_windows:
        guards.append(ForeignWindowGuard(window, report))
    return guards


Effect = Literal["effective", "detect_only", "not_available"]


@dataclass(frozen=True)
class GuardSupport:
    """How well one measure works on a platform, with a sentence IT can act on."""

    measure: str
    effect: Effect
    note: str


_COMMON = [
    GuardSupport("environment", "effective", "prohibited programs, VM and remote session"),
    GuardSupport("screens", "effective", "extra screens covered or refused; changes lock"),
    GuardSupport("window", "effective", "frameless, on top, fullscreen, close refused"),
    GuardSupport("clipboard", "effective", "emptied and kept empty"),
    GuardSupport("shortcuts", "effective", "in-app shortcuts and context menus blocked"),
    GuardSupport("focus", "effective", "focus loss, minimise, leaving fullscreen lock"),
]

_BY_PLATFORM: dict[Platform, list[GuardSupport]] = {
    "x11": [
        GuardSupport("keyboard_lock", "effective", "X keyboard grab: desktop shortcuts blocked"),
        GuardSupport("server_keys", "effective", "console switching (Ctrl+Alt+Fn) disabled"),
        GuardSupport("screen_saver", "effective", "no blanking during the exam"),
        GuardSupport("foreign_windows", "effective", "windows stacked above the kiosk lock it"),
        GuardSupport("capture_exclusion", "not_available", "X11 has no capture exclusion"),
    ],
    "xwayland": [
        GuardSupport(
            "keyboard_lock",
            "detect_only",
            "X11 app on a Wayland desktop: the compositor keeps its shortcuts; leaving locks. "
            "For full lockdown use the dedicated kiosk session (cage).",
        ),
        GuardSupport("capture_exclusion", "not_available", "not offered by Wayland"),
    ],
    "wayland": [
        GuardSupport(
            "keyboard_lock",
            "detect_only",
            "Wayland forbids keyboard grabs: leaving is detected and locks. For full "
            "lockdown use the dedicated kiosk session (cage).",
        ),
        GuardSupport("capture_exclusion", "not_available", "not offered by Wayland"),
    ],
    "windows": [
        GuardSupport(
            "keyboard_lock",
            "effective",
            "low-level hook: Alt+Tab, Win, Alt+Esc, Ctrl+Esc, Alt+F4 blocked, injected keys "
            "refused (Ctrl+Alt+Del stays with Windows: leaving locks)",
        ),
        GuardSupport("capture_exclusion", "effective", "WDA_EXCLUDEFROMCAPTURE"),
    ],
    "macos": [
        GuardSupport(
            "keyboard_lock",
            "effective",
            "presentation options: Dock and menu bar hidden, Cmd+Tab and Force Quit disabled",
        ),
        GuardSupport("capture_exclusion", "effective", "NSWindowSharingNone"),
    ],
    "other": [
        GuardSupport("keyboard_lock", "not_available", "unknown window system: detection only"),
        GuardSupport("capture_exclusion", "not_available", "unknown window system"),
    ],
}


def effective_guards(platform: Platform | None = None) -> list[GuardSupport]:
    """What the secure mode achieves on `platform` (this machine's by default)."""
    return _COMMON + _BY_PLATFORM[platform or detect_platform()]

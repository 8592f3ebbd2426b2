"""Windows guards: a low-level keyboard hook (Alt+Tab, Win, Alt+Esc, Ctrl+Esc, Alt+F4… never
reach the shell; keys injected by other programs are dropped) and the window's exclusion from
screen capture. The system calls sit behind `Win32Api`, so the decisions are tested anywhere
with a fake; `load_win32_api()` gives the ctypes implementation, on Windows only.
"""

import ctypes
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from kiosk.lockdown.guard import Guard, keyboard_lock_refused
from kiosk.lockdown.violations import Report, ViolationKind
from kiosk.lockdown.window import native_window_id

WH_KEYBOARD_LL = 13
HC_ACTION = 0
WM_KEYDOWN = 0x0100
WM_SYSKEYDOWN = 0x0104
WM_QUIT = 0x0012
LLKHF_INJECTED = 0x10
LLKHF_ALTDOWN = 0x20
VK_TAB = 0x09
VK_SHIFT = 0x10
VK_CONTROL = 0x11
VK_ESCAPE = 0x1B
VK_SPACE = 0x20
VK_SNAPSHOT = 0x2C
VK_LWIN = 0x5B
VK_RWIN = 0x5C
VK_APPS = 0x5D
VK_F4 = 0x73
WDA_NONE = 0x00
WDA_MONITOR = 0x01
WDA_EXCLUDEFROMCAPTURE = 0x11  # Windows 10 2004 and later; WDA_MONITOR (black) before
SM_REMOTESESSION = 0x1000


@dataclass(frozen=True)
class KeyEvent:
    """One key as the low-level hook sees it (KBDLLHOOKSTRUCT's vkCode and flags)."""

    vk: int
    flags: int
    down: bool


class Win32Api(Protocol):
    """The few Windows calls the guards make."""

    def start_keyboard_hook(self, on_key: Callable[[KeyEvent], bool]) -> Callable[[], None]:
        """Install WH_KEYBOARD_LL on a thread of its own (with its message loop); `on_key`
        returns True to swallow the key. Returns the function that unhooks and ends the thread."""
        ...

    def key_is_down(self, vk: int) -> bool: ...

    def set_window_display_affinity(self, hwnd: int, affinity: int) -> bool: ...

    def get_system_metrics(self, index: int) -> int: ...


def escape_name(event: KeyEvent, ctrl_down: bool, shift_down: bool) -> str | None:
    """The escape shortcut this key press is, or None."""
    alt = bool(event.flags & LLKHF_ALTDOWN)
    if event.vk in (VK_LWIN, VK_RWIN):
        return "Win"
    if alt and event.vk == VK_TAB:
        return "Alt+Tab"
    if alt and event.vk == VK_ESCAPE:
        return "Alt+Esc"
    if alt and event.vk == VK_F4:
        return "Alt+F4"
    if alt and event.vk == VK_SPACE:
        return "Alt+Space"
    if ctrl_down and event.vk == VK_ESCAPE:
        return "Ctrl+Shift+Esc" if shift_down else "Ctrl+Esc"
    return None


class _MainThreadReport(QObject):
    """Carries a report from the hook's thread to the Qt main thread (a queued signal)."""

    escape = Signal(str)


class KeyboardHookGuard(Guard):
    name = "windows_keyboard_hook"

    def __init__(
        self, api: Win32Api, refuse_injected: bool, required: bool, report: Report, warn: Report
    ) -> None:
        self.api = api
        self.refuse_injected = refuse_injected
        self.required = required
        self.warn = warn
        self._down: set[int] = set()
        self._stop: Callable[[], None] | None = None
        self._bridge = _MainThreadReport()
        self._bridge.escape.connect(
            lambda name: report(ViolationKind.ESCAPE_SHORTCUT, f"{name} pressed")
        )

    def apply(self) -> None:
        try:
            self._stop = self.api.start_keyboard_hook(self.decide)
        except OSError as error:
            if self.required:
                raise keyboard_lock_refused(str(error)) from error
            self.warn(ViolationKind.KEYBOARD_NOT_LOCKED, f"keyboard hook not installed: {error}")

    def release(self) -> None:
        if self._stop is not None:
            self._stop()
            self._stop = None

    def decide(self, event: KeyEvent) -> bool:
        """Called on the hook thread for every key: True swallows it. Must return quickly."""
        if self.refuse_injected and event.flags & LLKHF_INJECTED:
            return True
        if not event.down:
            was_down = event.vk in self._down
            self._down.discard(event.vk)
            return was_down  # the release of a swallowed press is swallowed too
        if event.vk in (VK_APPS, VK_SNAPSHOT):
            return True
        name = escape_name(event, self.api.key_is_down(VK_CONTROL), self.api.key_is_down(VK_SHIFT))
        if name is None:
            return False
        if event.vk not in self._down:  # auto-repeat sends more presses: one report
            self._down.add(event.vk)
            self._bridge.escape.emit(name)
        return True


class CaptureExclusionGuard(Guard):
    """The window is left out of screenshots, recordings and screen sharing."""

    name = "windows_capture_exclusion"

    def __init__(self, api: Win32Api, window: QWidget, warn: Report) -> None:
        self.api = api
        self.window = window
        self.warn = warn

    def apply(self) -> None:
        hwnd = native_window_id(self.window)
        if not (
            self.api.set_window_display_affinity(hwnd, WDA_EXCLUDEFROMCAPTURE)
            or self.api.set_window_display_affinity(hwnd, WDA_MONITOR)
        ):
            self.warn(ViolationKind.CAPTURE_NOT_EXCLUDED, "SetWindowDisplayAffinity failed")

    def release(self) -> None:
        self.api.set_window_display_affinity(native_window_id(self.window), WDA_NONE)


def is_remote_session(api: Win32Api) -> bool:
    return api.get_system_metrics(SM_REMOTESESSION) != 0


def load_win32_api() -> Win32Api | None:
    """The ctypes implementation on Windows; None elsewhere."""
    if sys.platform != "win32":
        return None
    return _CtypesWin32Api()


class _CtypesWin32Api:
    """user32/kernel32 through ctypes (Windows only; checked by hand, see docs/lockdown.md)."""

    def __init__(self) -> None:
        from ctypes import wintypes

        self._wintypes = wintypes
        self._user32 = ctypes.WinDLL("user32", use_last_error=True)
        self._kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        self._user32.SetWindowDisplayAffinity.argtypes = [wintypes.HWND, wintypes.DWORD]
        self._user32.SetWindowDisplayAffinity.restype = wintypes.BOOL
        self._user32.GetSystemMetrics.argtypes = [ctypes.c_int]
        self._user32.GetAsyncKeyState.argtypes = [ctypes.c_int]
        self._user32.GetAsyncKeyState.restype = ctypes.c_short

    def key_is_down(self, vk: int) -> bool:
        return bool(self._user32.GetAsyncKeyState(vk) & 0x8000)

    def set_window_display_affinity(self, hwnd: int, affinity: int) -> bool:
        return bool(self._user32.SetWindowDisplayAffinity(hwnd, affinity))

    def get_system_metrics(self, index: int) -> int:
        return int(self._user32.GetSystemMetrics(index))

    def start_keyboard_hook(self, on_key: Callable[[KeyEvent], bool]) -> Callable[[], None]:
        wintypes = self._wintypes
        user32, kernel32 = self._user32, self._kernel32
        lresult = ctypes.c_ssize_t

        class KBDLLHOOKSTRUCT(ctypes.Structure):
            _fields_ = [
                ("vkCode", wintypes.DWORD),
                ("scanCode", wintypes.DWORD),
                ("flags", wintypes.DWORD),
                ("time", wintypes.DWORD),
                ("dwExtraInfo", ctypes.c_size_t),
            ]

        hook_proc_type = ctypes.WINFUNCTYPE(lresult, ctypes.c_int, wintypes.WPARAM, wintypes.LPARAM)
        user32.SetWindowsHookExW.argtypes = [
            ctypes.c_int,
            hook_proc_type,
            wintypes.HINSTANCE,
            wintypes.DWORD,
        ]
        user32.SetWindowsHookExW.restype = wintypes.HHOOK
        user32.CallNextHookEx.argtypes = [
            wintypes.HHOOK,
            ctypes.c_int,
            wintypes.WPARAM,
            wintypes.LPARAM,
        ]
        user32.CallNextHookEx.restype = lresult
        user32.UnhookWindowsHookEx.argtypes = [wintypes.HHOOK]
        user32.GetMessageW.argtypes = [
            ctypes.POINTER(wintypes.MSG),
            wintypes.HWND,
            wintypes.UINT,
            wintypes.UINT,
        ]
        user32.PostThreadMessageW.argtypes = [
            wintypes.DWORD,
            wintypes.UINT,
            wintypes.WPARAM,
            wintypes.LPARAM,
        ]
        kernel32.GetModuleHandleW.argtypes = [wintypes.LPCWSTR]
        kernel32.GetModuleHandleW.restype = wintypes.HMODULE

        started = threading.Event()
        state: dict[str, int] = {}

        def hook(n_code: int, w_param: int, l_param: int) -> int:
            if n_code == HC_ACTION:
                info = ctypes.cast(l_param, ctypes.POINTER(KBDLLHOOKSTRUCT)).contents
                down = w_param in (WM_KEYDOWN, WM_SYSKEYDOWN)
                if on_key(KeyEvent(int(info.vkCode), int(info.flags), down)):
                    return 1
            return user32.CallNextHookEx(None, n_code, w_param, l_param)

        hook_proc = hook_proc_type(hook)

        def run() -> None:
            handle = user32.SetWindowsHookExW(
                WH_KEYBOARD_LL, hook_proc, kernel32.GetModuleHandleW(None), 0
            )
            state["thread"] = kernel32.GetCurrentThreadId()
            state["hook"] = handle or 0
            started.set()
            if not handle:
                return
            message = wintypes.MSG()
            while user32.GetMessageW(ctypes.byref(message), None, 0, 0) > 0:
                user32.TranslateMessage(ctypes.byref(message))
                user32.DispatchMessageW(ctypes.byref(message))
            user32.UnhookWindowsHookEx(handle)

        thread = threading.Thread(target=run, name="pix-keyboard-hook", daemon=True)
        thread.start()
        started.wait(5)
        if not state.get("hook"):
            raise OSError(f"SetWindowsHookExW failed (error {ctypes.get_last_error()})")

        def stop() -> None:
            user32.PostThreadMessageW(state["thread"], WM_QUIT, 0, 0)
            thread.join(2)

        return stop

"""macOS guards: presentation options that hide the Dock and menu bar and disable the app
switcher (Cmd+Tab), Force Quit (Cmd+Opt+Esc) and the session panel; the window is excluded from
screen sharing and capture (NSWindowSharingNone). The calls sit behind `MacApi`, tested here with
a fake; `load_mac_api()` gives the Objective-C runtime through ctypes, on macOS only.
"""

import ctypes
import ctypes.util
import sys
from typing import Protocol

from PySide6.QtWidgets import QWidget

from kiosk.lockdown.guard import Guard
from kiosk.lockdown.window import native_window_id

HIDE_DOCK = 1 << 1
HIDE_MENU_BAR = 1 << 3
DISABLE_APPLE_MENU = 1 << 4
DISABLE_PROCESS_SWITCHING = 1 << 5
DISABLE_FORCE_QUIT = 1 << 6
DISABLE_SESSION_TERMINATION = 1 << 7
DISABLE_HIDE_APPLICATION = 1 << 8
# Hiding the menu bar requires hiding the Dock, and disabling process switching requires one of
# the two hidden (AppKit raises otherwise): this combination is valid.
KIOSK_PRESENTATION = (
    HIDE_DOCK
    | HIDE_MENU_BAR
    | DISABLE_APPLE_MENU
    | DISABLE_PROCESS_SWITCHING
    | DISABLE_FORCE_QUIT
    | DISABLE_SESSION_TERMINATION
    | DISABLE_HIDE_APPLICATION
)
SHARING_NONE = 0


class MacApi(Protocol):
    """The few AppKit calls the guards make (`view` is the window's native id: an NSView)."""

    def presentation_options(self) -> int: ...

    def set_presentation_options(self, options: int) -> None: ...

    def window_sharing_type(self, view: int) -> int: ...

    def set_window_sharing_type(self, view: int, sharing: int) -> None: ...


class PresentationOptionsGuard(Guard):
    name = "macos_presentation_options"

    def __init__(self, api: MacApi) -> None:
        self.api = api
        self._saved = 0

    def apply(self) -> None:
        self._saved = self.api.presentation_options()
        self.api.set_presentation_options(KIOSK_PRESENTATION)

    def release(self) -> None:
        self.api.set_presentation_options(self._saved)

    def reassert(self) -> None:
        if self.api.presentation_options() != KIOSK_PRESENTATION:
            self.api.set_presentation_options(KIOSK_PRESENTATION)


class WindowSharingGuard(Guard):
    name = "macos_window_sharing"

    def __init__(self, api: MacApi, window: QWidget) -> None:
        self.api = api
        self.window = window
        self._saved = 1

    def apply(self) -> None:
        view = native_window_id(self.window)
        self._saved = self.api.window_sharing_type(view)
        self.api.set_window_sharing_type(view, SHARING_NONE)

    def release(self) -> None:
        self.api.set_window_sharing_type(native_window_id(self.window), self._saved)


def load_mac_api() -> MacApi | None:
    """The Objective-C runtime implementation on macOS; None elsewhere."""
    if sys.platform != "darwin":
        return None
    return _ObjcMacApi()


class _ObjcMacApi:
    """objc_msgSend through ctypes (macOS only; checked by hand, see docs/lockdown.md)."""

    def __init__(self) -> None:
        self._objc = ctypes.CDLL(ctypes.util.find_library("objc"))
        ctypes.CDLL(ctypes.util.find_library("AppKit"))  # NSApplication's class must be loaded
        self._objc.objc_getClass.restype = ctypes.c_void_p
        self._objc.objc_getClass.argtypes = [ctypes.c_char_p]
        self._objc.sel_registerName.restype = ctypes.c_void_p
        self._objc.sel_registerName.argtypes = [ctypes.c_char_p]
        address = ctypes.cast(self._objc.objc_msgSend, ctypes.c_void_p).value
        self._send_id = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)(address)
        self._send_unsigned = ctypes.CFUNCTYPE(ctypes.c_ulong, ctypes.c_void_p, ctypes.c_void_p)(
            address
        )
        self._send_set_unsigned = ctypes.CFUNCTYPE(
            None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_ulong
        )(address)

    def _selector(self, name: str) -> int:
        return self._objc.sel_registerName(name.encode())

    def _application(self) -> int:
        application_class = self._objc.objc_getClass(b"NSApplication")
        return self._send_id(application_class, self._selector("sharedApplication"))

    def _window_of(self, view: int) -> int:
        return self._send_id(view, self._selector("window"))

    def presentation_options(self) -> int:
        return self._send_unsigned(self._application(), self._selector("presentationOptions"))

    def set_presentation_options(self, options: int) -> None:
        self._send_set_unsigned(
            self._application(), self._selector("setPresentationOptions:"), options
        )

    def window_sharing_type(self, view: int) -> int:
        return self._send_unsigned(self._window_of(view), self._selector("sharingType"))

    def set_window_sharing_type(self, view: int, sharing: int) -> None:
        self._send_set_unsigned(self._window_of(view), self._selector("setSharingType:"), sharing)

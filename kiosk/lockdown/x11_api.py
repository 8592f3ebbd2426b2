"""The few Xlib calls the X11 guards need, through ctypes on a connection of their own.

Qt does not say which windows lie above ours, nor whether the keyboard is really grabbed; Xlib
does. Loaded only on X11 (`X11Api.open()` returns None where there is no libX11 or no display).
X protocol errors (a window gone between two calls) are ignored instead of ending the process,
which is what Xlib does by default.
"""

import ctypes
import ctypes.util
import os
from dataclasses import dataclass

GRAB_SUCCESS = 0
ALREADY_GRABBED = 1
GRAB_MODE_ASYNC = 1
CURRENT_TIME = 0
IS_VIEWABLE = 2
FOCUS_CHANGE_MASK = 1 << 21
FOCUS_IN, FOCUS_OUT = 9, 10


class _XWindowAttributes(ctypes.Structure):
    _fields_ = [
        ("x", ctypes.c_int),
        ("y", ctypes.c_int),
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
        ("border_width", ctypes.c_int),
        ("depth", ctypes.c_int),
        ("visual", ctypes.c_void_p),
        ("root", ctypes.c_ulong),
        ("class", ctypes.c_int),
        ("bit_gravity", ctypes.c_int),
        ("win_gravity", ctypes.c_int),
        ("backing_store", ctypes.c_int),
        ("backing_planes", ctypes.c_ulong),
        ("backing_pixel", ctypes.c_ulong),
        ("save_under", ctypes.c_int),
        ("colormap", ctypes.c_ulong),
        ("map_installed", ctypes.c_int),
        ("map_state", ctypes.c_int),
        ("all_event_masks", ctypes.c_long),
        ("your_event_mask", ctypes.c_long),
        ("do_not_propagate_mask", ctypes.c_long),
        ("override_redirect", ctypes.c_int),
        ("screen", ctypes.c_void_p),
    ]


class _XFocusChangeEvent(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", ctypes.c_ulong),
        ("mode", ctypes.c_int),
        ("detail", ctypes.c_int),
    ]


class _XEvent(ctypes.Union):
    _fields_ = [("type", ctypes.c_int), ("focus", _XFocusChangeEvent), ("pad", ctypes.c_long * 24)]


@dataclass(frozen=True)
class FocusChange:
    """An X FocusIn or FocusOut event of a watched window (X protocol's mode and detail)."""

    focus_in: bool
    window: int
    mode: int
    detail: int


@dataclass(frozen=True)
class TopLevel:
    """A child of the root window (a window manager frame or an override-redirect window)."""

    window: int
    x: int
    y: int
    width: int
    height: int
    viewable: bool

    def overlaps(self, other: "TopLevel") -> bool:
        return (
            self.x < other.x + other.width
            and other.x < self.x + self.width
            and self.y < other.y + other.height
            and other.y < self.y + self.height
        )


_ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_ignore_errors = _ERROR_HANDLER(lambda display, event: 0)


class X11Api:
    """One Xlib connection; `close()` it when done."""

    def __init__(self, library: ctypes.CDLL, display: int) -> None:
        self._x = library
        self._display = display
        self.root = library.XDefaultRootWindow(display)

    @classmethod
    def open(cls, display_name: str | None = None) -> "X11Api | None":
        name = display_name or os.environ.get("DISPLAY")
        path = ctypes.util.find_library("X11")
        if not name or path is None:
            return None
        library = ctypes.CDLL(path)
        library.XOpenDisplay.restype = ctypes.c_void_p
        library.XOpenDisplay.argtypes = [ctypes.c_char_p]
        library.XDefaultRootWindow.restype = ctypes.c_ulong
        library.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        library.XQueryTree.argtypes = [
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.POINTER(ctypes.c_ulong),
            ctypes.POINTER(ctypes.c_ulong),
            ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
            ctypes.POINTER(ctypes.c_uint),
        ]
        library.XGetWindowAttributes.argtypes = [
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.POINTER(_XWindowAttributes),
        ]
        library.XGrabKeyboard.argtypes = [
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_ulong,
        ]
        library.XUngrabKeyboard.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        library.XFree.argtypes = [ctypes.c_void_p]
        library.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        library.XCloseDisplay.argtypes = [ctypes.c_void_p]
        int_pointer = ctypes.POINTER(ctypes.c_int)
        library.XGetScreenSaver.argtypes = [ctypes.c_void_p, *[int_pointer] * 4]
        library.XSetScreenSaver.argtypes = [ctypes.c_void_p, *[ctypes.c_int] * 4]
        library.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
        library.XConnectionNumber.argtypes = [ctypes.c_void_p]
        library.XPending.argtypes = [ctypes.c_void_p]
        library.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.POINTER(_XEvent)]
        library.XSetErrorHandler(_ignore_errors)
        display = library.XOpenDisplay(name.encode())
        if not display:
            return None
        return cls(library, display)

    def close(self) -> None:
        if self._display:
            self._x.XCloseDisplay(self._display)
            self._display = 0

    def _query_tree(self, window: int) -> tuple[int, list[int]]:
        if not self._display:
            return 0, []
        root = ctypes.c_ulong()
        parent = ctypes.c_ulong()
        children = ctypes.POINTER(ctypes.c_ulong)()
        count = ctypes.c_uint()
        if not self._x.XQueryTree(
            self._display, window, root, parent, ctypes.byref(children), count
        ):
            return 0, []
        listed = [children[index] for index in range(count.value)]
        if children:
            self._x.XFree(children)
        return parent.value, listed

    def top_level_of(self, window: int) -> int:
        """The child of the root that holds `window` (its frame, once a window manager runs)."""
        current = window
        for _ in range(64):
            parent, _children = self._query_tree(current)
            if parent in (0, self.root):
                return current if parent == self.root else 0
            current = parent
        return 0

    def stacking(self) -> list[TopLevel]:
        """The root's children from bottom to top, with where they are and whether visible."""
        _parent, children = self._query_tree(self.root)
        stacked = []
        for window in children:
            attributes = _XWindowAttributes()
            if not self._x.XGetWindowAttributes(self._display, window, ctypes.byref(attributes)):
                continue
            stacked.append(
                TopLevel(
                    window,
                    attributes.x,
                    attributes.y,
                    attributes.width,
                    attributes.height,
                    attributes.map_state == IS_VIEWABLE,
                )
            )
        return stacked

    def keyboard_is_grabbed(self) -> bool:
        """True when some client holds an active keyboard grab (our own probe fails to grab)."""
        status = self._x.XGrabKeyboard(
            self._display, self.root, 0, GRAB_MODE_ASYNC, GRAB_MODE_ASYNC, CURRENT_TIME
        )
        if status == GRAB_SUCCESS:
            self._x.XUngrabKeyboard(self._display, CURRENT_TIME)
            self._x.XSync(self._display, 0)
            return False
        return status == ALREADY_GRABBED

    def screen_saver(self) -> dict[str, int]:
        """The X server's screen saver settings (timeout 0 = never blank)."""
        values = [ctypes.c_int() for _ in range(4)]
        self._x.XGetScreenSaver(self._display, *[ctypes.byref(value) for value in values])
        names = ("timeout", "interval", "prefer_blanking", "allow_exposures")
        return {name: value.value for name, value in zip(names, values, strict=True)}

    def set_screen_saver(self, settings: dict[str, int]) -> None:
        self._x.XSetScreenSaver(
            self._display,
            settings["timeout"],
            settings["interval"],
            settings["prefer_blanking"],
            settings["allow_exposures"],
        )
        self._x.XSync(self._display, 0)

    def watch_focus(self, window: int) -> None:
        """Have the X server tell this connection every focus change of `window` (read them
        with `focus_changes`, when `connection_number()` is readable)."""
        self._x.XSelectInput(self._display, window, FOCUS_CHANGE_MASK)
        self._x.XSync(self._display, 0)

    def connection_number(self) -> int:
        return self._x.XConnectionNumber(self._display)

    def focus_changes(self) -> list[FocusChange]:
        """The focus events received since the last call, oldest first (none waited for)."""
        changes = []
        event = _XEvent()
        while self._display and self._x.XPending(self._display):
            self._x.XNextEvent(self._display, ctypes.byref(event))
            if event.type in (FOCUS_IN, FOCUS_OUT):
                focus = event.focus
                changes.append(
                    FocusChange(event.type == FOCUS_IN, focus.window, focus.mode, focus.detail)
                )
        return changes

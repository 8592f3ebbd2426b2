"""The Windows and macOS guards with their system calls faked (the real ones are checked by hand
on real machines, see docs/lockdown.md), and what is effective on which platform."""

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kiosk.lockdown.catalogue import build_guards, detect_platform, effective_guards
from kiosk.lockdown.guard import LockdownRefused
from kiosk.lockdown.macos import (
    DISABLE_FORCE_QUIT,
    DISABLE_PROCESS_SWITCHING,
    HIDE_DOCK,
    HIDE_MENU_BAR,
    KIOSK_PRESENTATION,
    PresentationOptionsGuard,
    WindowSharingGuard,
)
from kiosk.lockdown.policy import LockdownPolicy
from kiosk.lockdown.win32 import (
    LLKHF_ALTDOWN,
    LLKHF_INJECTED,
    VK_CONTROL,
    VK_ESCAPE,
    VK_F4,
    VK_LWIN,
    VK_SHIFT,
    VK_TAB,
    WDA_EXCLUDEFROMCAPTURE,
    WDA_MONITOR,
    WDA_NONE,
    CaptureExclusionGuard,
    KeyboardHookGuard,
    KeyEvent,
)

VK_A = 0x41


class FakeWin32:
    def __init__(self, affinities_accepted: set[int] | None = None) -> None:
        self.down: set[int] = set()
        self.hook: Callable[[KeyEvent], bool] | None = None
        self.fail_hook = False
        self.accepted = {WDA_EXCLUDEFROMCAPTURE, WDA_MONITOR, WDA_NONE}
        if affinities_accepted is not None:
            self.accepted = affinities_accepted
        self.affinity_calls: list[tuple[int, int]] = []

    def start_keyboard_hook(self, on_key: Callable[[KeyEvent], bool]) -> Callable[[], None]:
        if self.fail_hook:
            raise OSError("SetWindowsHookExW failed (error 5)")
        self.hook = on_key

        def stop() -> None:
            self.hook = None

        return stop

    def key_is_down(self, vk: int) -> bool:
        return vk in self.down

    def set_window_display_affinity(self, hwnd: int, affinity: int) -> bool:
        self.affinity_calls.append((hwnd, affinity))
        return affinity in self.accepted

    def get_system_metrics(self, index: int) -> int:
        return 0


class Calls(list):
    def __call__(self, kind: str, detail: str) -> None:
        self.append((str(kind), detail))


def press(api: FakeWin32, vk: int, flags: int = 0) -> bool:
    return api.hook(KeyEvent(vk, flags, down=True))


def release(api: FakeWin32, vk: int, flags: int = 0) -> bool:
    return api.hook(KeyEvent(vk, flags, down=False))


@pytest.fixture
def hooked(qtbot: QtBot) -> tuple[FakeWin32, Calls]:
    api, reports = FakeWin32(), Calls()
    KeyboardHookGuard(api, True, True, reports, Calls()).apply()
    return api, reports


def test_the_hook_swallows_and_reports_escape_keys(qtbot: QtBot, hooked) -> None:
    api, reports = hooked
    assert press(api, VK_TAB, LLKHF_ALTDOWN)
    assert press(api, VK_TAB, LLKHF_ALTDOWN)  # held: auto-repeat, one report
    assert release(api, VK_TAB, LLKHF_ALTDOWN)
    assert press(api, VK_LWIN) and release(api, VK_LWIN)
    assert press(api, VK_F4, LLKHF_ALTDOWN) and release(api, VK_F4, LLKHF_ALTDOWN)
    assert press(api, VK_ESCAPE, LLKHF_ALTDOWN) and release(api, VK_ESCAPE, LLKHF_ALTDOWN)
    api.down = {VK_CONTROL}
    assert press(api, VK_ESCAPE) and release(api, VK_ESCAPE)
    api.down = {VK_CONTROL, VK_SHIFT}
    assert press(api, VK_ESCAPE)
    qtbot.waitUntil(lambda: len(reports) == 6)  # delivered to the Qt main thread
    assert [detail for _, detail in reports] == [
        "Alt+Tab pressed",
        "Win pressed",
        "Alt+F4 pressed",
        "Alt+Esc pressed",
        "Ctrl+Esc pressed",
        "Ctrl+Shift+Esc pressed",
    ]


def test_the_hook_lets_ordinary_keys_through_and_drops_injected_ones(hooked) -> None:
    api, _ = hooked
    assert press(api, VK_A) is False and release(api, VK_A) is False
    assert press(api, VK_TAB) is False  # Tab alone moves the focus in the exam
    assert press(api, VK_A, LLKHF_INJECTED) is True
    assert release(api, VK_A, LLKHF_INJECTED) is True


def test_injected_keys_can_be_allowed(qtbot: QtBot) -> None:
    api = FakeWin32()
    KeyboardHookGuard(api, False, True, Calls(), Calls()).apply()
    assert press(api, VK_A, LLKHF_INJECTED) is False


def test_a_hook_that_cannot_be_installed_refuses_or_warns(qtbot: QtBot) -> None:
    api = FakeWin32()
    api.fail_hook = True
    with pytest.raises(LockdownRefused) as refused:
        KeyboardHookGuard(api, True, True, Calls(), Calls()).apply()
    assert "error 5" in refused.value.en
    warnings = Calls()
    KeyboardHookGuard(api, True, False, Calls(), warnings).apply()
    assert warnings[0][0] == "keyboard_not_locked"


def test_release_unhooks(qtbot: QtBot) -> None:
    api = FakeWin32()
    guard = KeyboardHookGuard(api, True, True, Calls(), Calls())
    guard.apply()
    guard.release()
    assert api.hook is None


def test_capture_exclusion_falls_back_then_warns(qtbot: QtBot) -> None:
    window = QLabel()
    qtbot.addWidget(window)
    hwnd = int(window.winId())
    api = FakeWin32()
    guard = CaptureExclusionGuard(api, window, Calls())
    guard.apply()
    guard.release()
    assert api.affinity_calls == [(hwnd, WDA_EXCLUDEFROMCAPTURE), (hwnd, WDA_NONE)]

    older = FakeWin32(affinities_accepted={WDA_MONITOR, WDA_NONE})
    CaptureExclusionGuard(older, window, Calls()).apply()
    assert older.affinity_calls == [(hwnd, WDA_EXCLUDEFROMCAPTURE), (hwnd, WDA_MONITOR)]

    warnings = Calls()
    CaptureExclusionGuard(FakeWin32(affinities_accepted=set()), window, warnings).apply()
    assert warnings == [("capture_not_excluded", "SetWindowDisplayAffinity failed")]


class FakeMac:
    def __init__(self) -> None:
        self.options = 0
        self.sharing: dict[int, int] = {}

    def presentation_options(self) -> int:
        return self.options

    def set_presentation_options(self, options: int) -> None:
        self.options = options

    def window_sharing_type(self, view: int) -> int:
        return self.sharing.get(view, 1)

    def set_window_sharing_type(self, view: int, sharing: int) -> None:
        self.sharing[view] = sharing


def test_macos_presentation_options_are_set_and_put_back() -> None:
    mac = FakeMac()
    mac.options = 1  # the Dock was auto-hidden before
    guard = PresentationOptionsGuard(mac)
    guard.apply()
    assert mac.options == KIOSK_PRESENTATION
    for required in (HIDE_DOCK, HIDE_MENU_BAR, DISABLE_PROCESS_SWITCHING, DISABLE_FORCE_QUIT):
        assert KIOSK_PRESENTATION & required
    mac.options = 0  # something reset them during the exam
    guard.reassert()
    assert mac.options == KIOSK_PRESENTATION
    guard.release()
    assert mac.options == 1


def test_macos_window_is_excluded_from_sharing(qtbot: QtBot) -> None:
    window = QLabel()
    qtbot.addWidget(window)
    mac = FakeMac()
    guard = WindowSharingGuard(mac, window)
    guard.apply()
    assert mac.sharing[int(window.winId())] == 0
    guard.release()
    assert mac.sharing[int(window.winId())] == 1


@pytest.mark.parametrize(
    ("environ", "platform"),
    [
        ({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":0"}, "x11"),
        ({"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}, "x11"),
        ({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}, "xwayland"),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "wayland"),
        ({"QT_QPA_PLATFORM": "wayland"}, "wayland"),
        ({"QT_QPA_PLATFORM": "windows:darkmode=1"}, "windows"),
        ({"QT_QPA_PLATFORM": "cocoa"}, "macos"),
        ({"QT_QPA_PLATFORM": "offscreen"}, "other"),
        ({}, "other"),
    ],
)
def test_platform_detection(environ: dict[str, str], platform: str) -> None:
    assert detect_platform(environ) == platform


def test_what_is_effective_where() -> None:
    def effects(platform: str) -> dict[str, str]:
        return {support.measure: support.effect for support in effective_guards(platform)}

    assert effects("x11")["keyboard_lock"] == "effective"
    assert effects("wayland")["keyboard_lock"] == "detect_only"
    assert effects("xwayland")["keyboard_lock"] == "detect_only"
    assert effects("windows")["capture_exclusion"] == "effective"
    assert effects("macos")["capture_exclusion"] == "effective"
    assert effects("x11")["capture_exclusion"] == "not_available"
    for platform in ("x11", "xwayland", "wayland", "windows", "macos", "other"):
        assert effects(platform)["focus"] == "effective"


def test_the_sequence_per_platform(qtbot: QtBot) -> None:
    window = QLabel()
    qtbot.addWidget(window)

    def names(platform: str, policy: LockdownPolicy = LockdownPolicy()) -> list[str]:
        return [guard.name for guard in build_guards(window, policy, Calls(), Calls(), platform)]

    common = ["environment", "screens", "window", "clipboard", "shortcuts"]
    assert names("x11") == [
        *common,
        "x11_server_keys",
        "x11_screen_saver",
        "x11_keyboard_grab",
        "focus",
        "x11_focus_out",
        "x11_foreign_windows",
    ]
    relaxed = LockdownPolicy(disable_server_keys=False, detect_foreign_windows=False)
    assert names("x11", relaxed) == [
        *common,
        "x11_screen_saver",
        "x11_keyboard_grab",
        "focus",
        "x11_focus_out",
    ]
    assert names("wayland") == [*common, "focus"]

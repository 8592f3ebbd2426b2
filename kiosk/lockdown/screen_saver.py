"""No screen blanking during the exam (X11): a candidate reading for ten minutes must not find
a blank screen. The X server's screen saver is switched off and its previous settings are put
back at release; because they outlive the process, they are also put back after a crash (the
guard is persistent: its snapshot is in the on-disk marker)."""

import os
from typing import Any

from kiosk.lockdown.guard import PersistentGuard
from kiosk.lockdown.x11_api import X11Api


class ScreenSaverGuard(PersistentGuard):
    name = "x11_screen_saver"

    def __init__(self) -> None:
        self._saved: dict[str, Any] | None = None

    def snapshot(self) -> dict[str, Any]:
        display = os.environ.get("DISPLAY", "")
        x11 = _open(display)
        try:
            self._saved = {"display": display, **x11.screen_saver()}
        finally:
            x11.close()
        return self._saved

    def apply(self) -> None:
        saved = self._saved or self.snapshot()
        x11 = _open(saved["display"])
        try:
            x11.set_screen_saver({**saved, "timeout": 0})
        finally:
            x11.close()

    def release(self) -> None:
        if self._saved is not None:
            self.restore(self._saved)

    @classmethod
    def restore(cls, snapshot: dict[str, Any]) -> None:
        x11 = _open(snapshot["display"])
        try:
            x11.set_screen_saver(snapshot)
        finally:
            x11.close()


def _open(display: str) -> X11Api:
    x11 = X11Api.open(display)
    if x11 is None:
        raise OSError(f"no X display {display!r} to set the screen saver on")
    return x11

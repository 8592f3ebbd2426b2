"""The X server's own keys are off during the exam (X11): Ctrl+Alt+F1…F12 would switch to a text
console behind the kiosk's back (the server acts on them before any grab), and
Ctrl+Alt+Backspace, where enabled, would kill the session. Done with `setxkbmap` (XKB option
`srvrkeys:none`, `terminate:*` removed); the previous options are put back at release and, as
they outlive the process, after a crash too."""

import os
import shutil
import subprocess
from typing import Any

from kiosk.lockdown.guard import PersistentGuard

DISABLED_PREFIXES = ("srvrkeys:", "terminate:")


def _setxkbmap(display: str, *arguments: str) -> str:
    program = shutil.which("setxkbmap")
    if program is None:
        raise OSError("setxkbmap is not installed (Debian/Ubuntu: x11-xkb-utils)")
    result = subprocess.run(
        [program, "-display", display, *arguments],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    if result.returncode != 0:
        raise OSError(f"setxkbmap failed: {result.stderr.strip()}")
    return result.stdout


def current_options(display: str) -> list[str]:
    for line in _setxkbmap(display, "-query").splitlines():
        name, _, value = line.partition(":")
        if name.strip() == "options":
            return [option for option in value.strip().split(",") if option]
    return []


def _set_options(display: str, options: list[str]) -> None:
    arguments = ["-option", ""]
    if options:
        arguments += ["-option", ",".join(options)]
    _setxkbmap(display, *arguments)


class ServerKeysGuard(PersistentGuard):
    name = "x11_server_keys"

    def __init__(self) -> None:
        self._saved: dict[str, Any] | None = None

    def snapshot(self) -> dict[str, Any]:
        display = os.environ.get("DISPLAY", "")
        self._saved = {"display": display, "options": current_options(display)}
        return self._saved

    def apply(self) -> None:
        saved = self._saved or self.snapshot()
        kept = [option for option in saved["options"] if not option.startswith(DISABLED_PREFIXES)]
        _set_options(saved["display"], [*kept, "srvrkeys:none"])

    def release(self) -> None:
        if self._saved is not None:
            self.restore(self._saved)

    @classmethod
    def restore(cls, snapshot: dict[str, Any]) -> None:
        _set_options(snapshot["display"], list(snapshot["options"]))

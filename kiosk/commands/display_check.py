"""Can Qt open a window here? Asked before QApplication exists: without a display, or without
the libraries Qt's X11 plugin loads, Qt aborts the process with a generic message (and whatever
the demo started would be left running). This says instead, in French and English, what is
missing and how to get it.
"""

import ctypes.util
import os
import sys

from engine.canonical import BilingualError

INSTALL_COMMAND = "sudo bash scripts/install-system-packages.sh"
# The libraries Qt's xcb plugin cannot start without that a minimal Linux often lacks.
XCB_LIBRARIES = ("xcb-cursor", "xkbcommon-x11")


class NoDisplayError(BilingualError):
    """No window can be opened on this machine (no display, or Qt's X11 libraries missing)."""


def display_problem(environ: dict[str, str] | None = None) -> NoDisplayError | None:
    """What stops Qt from opening a window, or None. Only Linux's X11 and Wayland are checked:
    another QT_QPA_PLATFORM (offscreen, a test's) or another system is left to Qt."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return None
    platform = env.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0]
    if platform not in ("", "xcb", "wayland"):
        return None
    if env.get("WAYLAND_DISPLAY") and platform in ("", "wayland"):
        return None
    if platform == "wayland" or not env.get("DISPLAY"):
        return NoDisplayError(
            "no_display",
            "Aucun écran disponible (ni DISPLAY ni WAYLAND_DISPLAY) : la démonstration ouvre des "
            "fenêtres. Lancez-la depuis une session de bureau, ou sous un écran virtuel "
            "(xvfb-run -a make demo). Les paquets système nécessaires (Xvfb, bibliothèques "
            f"xcb de Qt) s'installent avec : {INSTALL_COMMAND}",
            "No display available (neither DISPLAY nor WAYLAND_DISPLAY): the demo opens "
            "windows. Run it from a desktop session, or under a virtual display "
            "(xvfb-run -a make demo). The system packages it needs (Xvfb, Qt's xcb libraries) "
            f"are installed by: {INSTALL_COMMAND}",
        )
    missing = [name for name in XCB_LIBRARIES if ctypes.util.find_library(name) is None]
    if missing:
        names = ", ".join(f"lib{name}" for name in missing)
        return NoDisplayError(
            "qt_xcb_missing",
            f"Qt ne peut pas ouvrir de fenêtre : bibliothèque(s) {names} absente(s). "
            f"Installez les paquets système avec : {INSTALL_COMMAND}",
            f"Qt cannot open a window: library {names} missing. "
            f"Install the system packages with: {INSTALL_COMMAND}",
        )
    return None

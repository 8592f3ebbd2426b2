"""The display: which Qt platform opens here (X11, Wayland, Windows, macOS) and its screens.

Qt aborts the whole process when it cannot open the display, so the probe runs in a child
process (multiprocessing, which also works inside the packaged app) and its error output is kept
to tell IT what is missing.
"""

import multiprocessing
import os
import tempfile
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from kiosk.doctor.report import Check, failed, passed, warned

PROBE_TIMEOUT_SECONDS = 30.0
MINIMUM_SCREEN = (1024, 768)
PLATFORM_NAMES = {"xcb": "X11", "wayland": "Wayland", "windows": "Windows", "cocoa": "macOS"}
NOT_A_DISPLAY = {"offscreen", "minimal", "vnc", "linuxfb"}


@dataclass(frozen=True)
class Screen:
    name: str
    width: int
    height: int


@dataclass(frozen=True)
class DisplayProbe:
    """What Qt saw: its platform plugin and screens, or (platform None) why it could not start."""

    platform: str | None
    screens: list[Screen] = field(default_factory=list)
    error: str = ""


def _probe_in_child(connection: Connection, stderr_path: str) -> None:
    descriptor = os.open(stderr_path, os.O_WRONLY | os.O_TRUNC)
    os.dup2(descriptor, 2)
    from PySide6.QtGui import QGuiApplication

    application = QGuiApplication([])
    screens = [
        (screen.name(), screen.geometry().width(), screen.geometry().height())
        for screen in application.screens()
    ]
    connection.send((application.platformName(), screens))


def probe_display(timeout: float = PROBE_TIMEOUT_SECONDS) -> DisplayProbe:
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    with tempfile.TemporaryDirectory(prefix="pix-kiosk-doctor-") as scratch:
        stderr_path = Path(scratch) / "qt-stderr.txt"
        stderr_path.touch()
        child = context.Process(target=_probe_in_child, args=(sender, str(stderr_path)))
        child.start()
        sender.close()
        ready = receiver.poll(timeout)
        child.join(timeout=5 if ready else 0)
        if child.is_alive():
            child.kill()
            child.join()
        if ready:
            try:
                platform, screens = receiver.recv()
            except EOFError:
                ready = False
        qt_output = stderr_path.read_text(encoding="utf-8", errors="replace").strip()
    if not ready:
        return DisplayProbe(platform=None, error=_qt_diagnostic(qt_output, child.exitcode))
    return DisplayProbe(platform, [Screen(*screen) for screen in screens])


def _qt_diagnostic(qt_output: str, exit_code: int | None) -> str:
    """Qt's own `qt.qpa…` diagnostics (the informative part of its abort message)."""
    lines = [line.strip() for line in qt_output.splitlines() if line.strip()]
    diagnostics = [line for line in lines if line.startswith("qt.qpa")]
    return " ".join(diagnostics or lines[-1:] or [f"exit code {exit_code}"])


def display_platform_check(probe: DisplayProbe) -> Check:
    if probe.platform is None:
        return failed(
            "display_platform",
            f"Qt n'ouvre pas l'affichage ({probe.error}). Lancez doctor depuis la session "
            "graphique du kiosque ; sous Linux, installez les bibliothèques XCB "
            "(packaging/linux/install.sh le fait).",
            f"Qt cannot open the display ({probe.error}). Run doctor from the kiosk's graphical "
            "session; on Linux, install the XCB libraries (packaging/linux/install.sh does).",
        )
    if probe.platform in NOT_A_DISPLAY:
        return warned(
            "display_platform",
            f"Plateforme Qt « {probe.platform} » : pas d'écran réel. Relancez doctor depuis la "
            "session graphique du kiosque.",
            f"Qt platform '{probe.platform}': no real display. Run doctor again from the kiosk's "
            "graphical session.",
        )
    shown = PLATFORM_NAMES.get(probe.platform, probe.platform)
    return passed("display_platform", f"Affichage : {shown}.", f"Display: {shown}.")


def screens_check(probe: DisplayProbe, extra_screens: str = "cover") -> Check:
    """`extra_screens` is the lab policy's: "cover" (blank them) or "refuse"."""
    if probe.platform is None:
        return failed(
            "screens",
            "Écrans non vérifiés : l'affichage ne s'ouvre pas (voir display_platform).",
            "Screens not checked: the display does not open (see display_platform).",
        )
    if not probe.screens:
        return failed(
            "screens",
            "Aucun écran détecté : branchez et allumez l'écran, puis relancez doctor.",
            "No screen detected: connect and switch on the monitor, then run doctor again.",
        )
    sizes = ", ".join(
        f"{s.width}×{s.height}" + (f" ({s.name})" if s.name else "") for s in probe.screens
    )
    if len(probe.screens) > 1:
        fr = (
            f"{len(probe.screens)} écrans ({sizes}) : débranchez les écrans en trop ou mettez-les "
            "en miroir"
        )
        en = f"{len(probe.screens)} screens ({sizes}): disconnect the extra screens or mirror them"
        if extra_screens == "refuse":
            return failed(
                "screens",
                f"{fr} : la politique du centre refuse de démarrer l'examen ainsi.",
                f"{en}: the lab's policy refuses to start the exam like this.",
            )
        return warned(
            "screens",
            f"{fr} ; sinon le kiosque les masque par un écran noir.",
            f"{en}; otherwise the kiosk blanks them.",
        )
    (screen,) = probe.screens
    if screen.width < MINIMUM_SCREEN[0] or screen.height < MINIMUM_SCREEN[1]:
        return warned(
            "screens",
            f"Écran {sizes} : en dessous de 1024×768, les questions risquent d'être coupées ; "
            "augmentez la résolution.",
            f"Screen {sizes}: below 1024×768 questions may be cut off; raise the resolution.",
        )
    return passed("screens", f"1 écran : {sizes}.", f"1 screen: {sizes}.")

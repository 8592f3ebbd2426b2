"""The runtime the kiosk brings: Python and Qt (bundled with the installed app)."""

import sys
from importlib import import_module

from kiosk.doctor.report import Check, failed, passed, warned

MINIMUM_PYTHON = (3, 11)
MINIMUM_QT = (6, 5)


def python_check(version: tuple[int, ...] = tuple(sys.version_info[:3])) -> Check:
    shown = ".".join(map(str, version))
    origin_fr, origin_en = (
        ("embarqué dans l'application", "bundled with the app")
        if getattr(sys, "frozen", False)
        else (sys.executable, sys.executable)
    )
    if version[:2] < MINIMUM_PYTHON:
        return failed(
            "python",
            f"Python {shown} ({origin_fr}) est trop ancien : installez l'application fournie "
            "(elle embarque Python) ou Python ≥ 3.11.",
            f"Python {shown} ({origin_en}) is too old: install the packaged app (it bundles "
            "Python) or Python ≥ 3.11.",
        )
    return passed("python", f"Python {shown} ({origin_fr}).", f"Python {shown} ({origin_en}).")


def qt_version() -> tuple[str, str] | str:
    """(PySide6 version, Qt runtime version), or why Qt could not be loaded."""
    try:
        pyside = import_module("PySide6")
        qtcore = import_module("PySide6.QtCore")
    except ImportError as error:
        return str(error)
    return pyside.__version__, qtcore.qVersion()


def qt_check(found: tuple[str, str] | str) -> Check:
    if isinstance(found, str):
        return failed(
            "qt",
            f"Qt (PySide6) ne se charge pas ({found}) : réinstallez le kiosque.",
            f"Qt (PySide6) does not load ({found}): reinstall the kiosk.",
        )
    pyside, qt = found
    version = tuple(int(part) for part in qt.split(".")[:2])
    if version < MINIMUM_QT:
        return warned(
            "qt",
            f"Qt {qt} (PySide6 {pyside}) est plus ancien que 6.5, non testé : "
            "installez l'application fournie.",
            f"Qt {qt} (PySide6 {pyside}) is older than 6.5 and untested: install the packaged app.",
        )
    return passed("qt", f"Qt {qt} (PySide6 {pyside}).", f"Qt {qt} (PySide6 {pyside}).")

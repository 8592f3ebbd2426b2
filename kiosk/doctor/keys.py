"""Who can reach the exam core's keys on this PC (kiosk.protection): the line IT reads, and the
verdict `--json` carries as `keys_protected` and `protection`."""

from pathlib import Path

from kiosk.doctor.report import Check, passed, warned
from kiosk.protection import NONE, Protection, detect_protection

INSTALL_FR = (
    "Pour un examen réel, installez le cœur sous son compte système "
    "(Linux : packaging/linux/install.sh ; Windows : install.ps1 ; macOS : voir docs/deploy.md)."
)
INSTALL_EN = (
    "For a real exam, install the core under its system account "
    "(Linux: packaging/linux/install.sh; Windows: install.ps1; macOS: see docs/deploy.md)."
)


def probe_protection(state_dir: Path) -> Protection:
    """The verdict, or `none` saying why when the detection itself breaks: never claim more."""
    try:
        return detect_protection(state_dir)
    except Exception as error:  # an unforeseen platform answer must not hide the verdict
        return Protection(
            False,
            NONE,
            f"Clés non protégées : détection impossible ({type(error).__name__}: {error}).",
            f"Keys not protected: detection failed ({type(error).__name__}: {error}).",
        )


def key_protection_check(protection: Protection) -> Check:
    """A pass when the desktop account cannot reach the keys; a warning otherwise (a demo or a
    rehearsal runs that way on purpose, a real exam should not)."""
    if protection.keys_protected:
        return passed("key_protection", protection.fr, protection.en)
    return warned(
        "key_protection", f"{protection.fr} {INSTALL_FR}", f"{protection.en} {INSTALL_EN}"
    )

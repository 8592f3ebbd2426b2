"""`pix-kiosk`: the candidate kiosk, the invigilator console and the IT tools."""

import sys

from engine.cli import dispatch

SUBCOMMAND_MODULES = (
    "demo",
    "run",
    "rehearse",
    "invigilate",
    "robot",
    "practice_robot",
    "enroll",
    "doctor",
    "incidents",
    "core",
    "seal_keys",
)
# The exam core loads only its own command: the other commands' modules load Qt, which the
# core (a system service holding the keys) has no use for.
CORE_ONLY = ("core",)


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    modules = CORE_ONLY if words[:1] == ["core"] else SUBCOMMAND_MODULES
    return dispatch("pix-kiosk", "Secure certification kiosk.", __name__, modules, argv)

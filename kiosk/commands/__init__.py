"""`pix-kiosk`: the candidate kiosk, the invigilator console and the IT tools."""

from engine.cli import dispatch

SUBCOMMAND_MODULES = (
    "demo",
    "run",
    "rehearse",
    "invigilate",
    "robot",
    "enroll",
    "doctor",
    "incidents",
)


def main(argv: list[str] | None = None) -> int:
    return dispatch("pix-kiosk", "Secure certification kiosk.", __name__, SUBCOMMAND_MODULES, argv)

"""`pix-engine`: psychometrics and sealed item banks from the command line."""

from engine.cli import dispatch

SUBCOMMAND_MODULES = ("simulate", "keygen", "bank", "calibrate")


def main(argv: list[str] | None = None) -> int:
    return dispatch(
        "pix-engine", "Psychometrics and sealed item banks.", __name__, SUBCOMMAND_MODULES, argv
    )

"""`pix-server`: set up a data directory, serve the API, plan sessions, export results, back up."""

from engine.cli import dispatch

SUBCOMMAND_MODULES = (
    "init",
    "serve",
    "session",
    "bank",
    "candidates",
    "device",
    "config_key",
    "export",
    "certificate",
    "org",
    "account",
    "students",
    "client",
    "results",
    "review",
    "backup",
    "restore",
)


def main(argv: list[str] | None = None) -> int:
    return dispatch("pix-server", "Certification exam server.", __name__, SUBCOMMAND_MODULES, argv)

"""`pix-kiosk doctor`: is this lab PC ready for an exam? A pass / warn / fail report for IT."""

import argparse
import sys
from pathlib import Path

from kiosk.doctor.checkup import run_checkup
from kiosk.doctor.report import exit_code, render_json, render_text
from kiosk.paths import default_lab_config_path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="check that this PC is ready for an exam / vérifier que ce poste est prêt",
        description="Pass / warn / fail report on this lab PC; exit code 1 when a check fails.",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help=f"lab configuration (default: {default_lab_config_path()})",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='print {"checks": [...], "keys_protected": bool, "protection": ...} as JSON',
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    keep_printing_whatever_the_console_encoding()
    checkup = run_checkup(args.config or default_lab_config_path())
    if args.json:
        print(render_json(checkup.checks, checkup.protection))
    else:
        print(render_text(checkup.checks))
    return exit_code(checkup.checks)


def keep_printing_whatever_the_console_encoding() -> None:
    """A Windows console or redirection may not encode every accent or arrow: replace those
    characters rather than stop the report half-way."""
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")

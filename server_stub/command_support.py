"""What every `pix-server` subcommand shares: the `--data` option and bilingual failures.

Expected failures (a missing data directory, a refused CSV, a bad date) print one message in
French and English on stderr and exit 1; never a traceback.
"""

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from engine.canonical import BilingualError
from server_stub.datadir import DataDir

EXIT_FAILURE = 1


def add_data_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", type=Path, required=True, metavar="DIR", help="the server's data directory"
    )


def data_dir(args: argparse.Namespace) -> DataDir:
    return DataDir(args.data)


def fail(fr: str, en: str) -> int:
    print(f"erreur : {fr}\nerror: {en}", file=sys.stderr)
    return EXIT_FAILURE


def reporting_failures(run: Callable[[argparse.Namespace], int]) -> Callable:
    """Wrap a command so that a BilingualError becomes a message and exit status 1."""

    def wrapped(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except BilingualError as error:
            return fail(error.fr, error.en)

    return wrapped

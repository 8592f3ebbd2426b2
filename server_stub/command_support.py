"""What every `pix-server` subcommand shares: the `--data` option, the database opened for the
command's work only, `--json` or text output, and bilingual failures.

Expected failures (a missing data directory, a refused CSV, a bad date) print one message in
French and English on stderr and exit 1; never a traceback.
"""

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from engine.canonical import BilingualError
from server_stub.datadir import DataDir
from server_stub.db.database import Database

EXIT_FAILURE = 1


def add_data_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", type=Path, required=True, metavar="DIR", help="the server's data directory"
    )


def data_dir(args: argparse.Namespace) -> DataDir:
    return DataDir(args.data)


@contextmanager
def opened_database(where: argparse.Namespace | DataDir) -> Iterator[Database]:
    """The data directory's database (`--data`, or a DataDir already at hand), closed on the way
    out whatever happens: a command holds it only while it reads or writes."""
    directory = where if isinstance(where, DataDir) else data_dir(where)
    db = directory.open_database()
    try:
        yield db
    finally:
        db.close()


def print_json_or_text(
    as_json: bool,
    document: object,
    lines: Iterable[str],
    *,
    indent: int | None = None,
    ascii_only: bool = False,
) -> int:
    """`--json`: the document on one line (or indented); otherwise the lines for a person.

    `lines` is read only for text, so a generator costs nothing under `--json`. Returns the
    command's exit status, 0.
    """
    if as_json:
        print(json.dumps(document, ensure_ascii=ascii_only, indent=indent))
    else:
        for line in lines:
            print(line)
    return 0


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

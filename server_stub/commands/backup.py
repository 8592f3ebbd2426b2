"""`pix-server backup --data DIR --to FILE`: a copy of the database, taken while the server runs.

SQLite: a consistent snapshot through SQLite's backup API, checked before it takes FILE's name
(an older backup at FILE is replaced only by a good one). PostgreSQL: `pg_dump` (custom format,
for `pg_restore`), when the PostgreSQL client is installed. The keys and banks of DIR are not
in it: keep a copy of DIR/keys and DIR/banks too (docs/deployment.md).
"""

import argparse
from pathlib import Path

from server_stub.command_support import add_data_argument, data_dir, reporting_failures
from server_stub.db.backups import backup_postgresql, backup_sqlite


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "backup", help="copy the database while the server runs", description=__doc__
    )
    add_data_argument(parser)
    parser.add_argument("--to", type=Path, required=True, metavar="FILE", help="the backup file")
    parser.set_defaults(func=reporting_failures(run))


def run(args: argparse.Namespace) -> int:
    directory = data_dir(args)
    target = args.to.resolve()
    database = directory.sqlite_path()
    if database is None:
        backup_postgresql(directory.database_url(), target)
    else:
        backup_sqlite(database, target)
    print(f"Sauvegarde vérifiée / checked backup: {target}")
    return 0

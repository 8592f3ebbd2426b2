"""`pix-server restore --data DIR --from FILE`: put a backup back in place of DIR's database.

Refused while a server has the database open, and when FILE is not a whole pix-server database
(checked before anything is touched). The replaced database is not deleted: it is kept beside
the restored one as `pix-server.sqlite3.replaced-<date>-<time>`. SQLite only: a PostgreSQL
database is restored with `pg_restore` (the message says how).
"""

import argparse
from pathlib import Path

from server_stub.command_support import add_data_argument, data_dir, fail, reporting_failures
from server_stub.db.backups import restore_sqlite


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "restore", help="put a backup back in place of the database", description=__doc__
    )
    add_data_argument(parser)
    parser.add_argument(
        "--from", dest="backup", type=Path, required=True, metavar="FILE", help="the backup file"
    )
    parser.set_defaults(func=reporting_failures(run))


def run(args: argparse.Namespace) -> int:
    directory = data_dir(args)
    database = directory.sqlite_path()
    if database is None:
        return fail(
            "la base est sur PostgreSQL : arrêtez les serveurs, puis restaurez avec "
            f"`pg_restore --clean --if-exists --dbname <base> {args.backup}`.",
            "the database is on PostgreSQL: stop the servers, then restore with "
            f"`pg_restore --clean --if-exists --dbname <database> {args.backup}`.",
        )
    aside = restore_sqlite(args.backup.resolve(), database)
    directory.make_private()
    print(f"Base restaurée / database restored: {database} ← {args.backup}")
    if aside is not None:
        print(f"  l'ancienne est gardée / the replaced one is kept: {aside}")
    return 0

"""Copies of the database that can be trusted: made while the server runs, checked both ways.

A backup of SQLite goes through SQLite's online backup API (a consistent snapshot, however many
writes the server is committing meanwhile), is checked (integrity.py) and only then takes the
backup file's name: a failed or damaged copy never replaces a good older one. PostgreSQL is
backed up by its own `pg_dump`.

A restore refuses while a server has the database open, checks the backup before touching
anything, and keeps the replaced database aside (with its write-ahead log, which must never
meet another database) rather than deleting it.
"""

import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

from sqlalchemy.engine import make_url

from engine.canonical import BilingualError
from server_stub.db.integrity import check_sqlite_file

PRIVATE_FILE_MODE = 0o600
# What SQLite keeps beside a database in WAL mode.
SQLITE_COMPANIONS = ("-wal", "-shm")


class BackupError(BilingualError):
    """A backup or a restore that cannot be done as asked (nothing was changed)."""


def backup_sqlite(database: Path, target: Path) -> None:
    """Copy `database` into `target`, online, checked before it takes the name."""
    staging = target.with_name(f".{target.name}.part")
    staging.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{database}?mode=rw", uri=True, timeout=30)
    try:
        copy = sqlite3.connect(staging)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()
    finally:
        source.close()
    staging.chmod(PRIVATE_FILE_MODE)
    try:
        check_sqlite_file(staging)
        _sync(staging)
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)


def backup_postgresql(url: str, target: Path) -> None:
    """`pg_dump` in its custom format (for `pg_restore`) into `target`, when it is installed."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(
            "pg_dump_missing",
            "pg_dump est introuvable : installez le client PostgreSQL de la version du serveur "
            "(apt-get install postgresql-client) pour sauvegarder une base PostgreSQL.",
            "pg_dump not found: install the PostgreSQL client of the server's version "
            "(apt-get install postgresql-client) to back up a PostgreSQL database.",
        )
    staging = target.with_name(f".{target.name}.part")
    address, password = _libpq_address(url)
    environment = os.environ | ({"PGPASSWORD": password} if password else {})
    done = subprocess.run(
        [pg_dump, "--format=custom", f"--file={staging}", f"--dbname={address}"],
        capture_output=True,
        text=True,
        env=environment,
    )
    if done.returncode != 0:
        staging.unlink(missing_ok=True)
        reason = " ".join(done.stderr.split())
        raise BackupError(
            "backup_failed",
            f"pg_dump a échoué : {reason}",
            f"pg_dump failed: {reason}",
        )
    staging.chmod(PRIVATE_FILE_MODE)
    os.replace(staging, target)


def restore_sqlite(backup: Path, database: Path) -> Path | None:
    """Put the checked `backup` in place of `database`; the path the replaced one was moved to
    (None when there was none)."""
    check_sqlite_file(backup)
    if database.exists() and in_use(database):
        raise BackupError(
            "database_in_use",
            f"Un serveur a la base {database} ouverte : arrêtez-le (pix-server serve) avant de "
            "restaurer. Rien n'a été changé.",
            f"A server has the database {database} open: stop it (pix-server serve) before "
            "restoring. Nothing was changed.",
        )
    staging = database.with_name(f".{database.name}.restoring")
    shutil.copyfile(backup, staging)
    staging.chmod(PRIVATE_FILE_MODE)
    _sync(staging)
    aside = None
    if database.exists():
        aside = _free_name(
            database.with_name(f"{database.name}.replaced-{time.strftime('%Y%m%d-%H%M%S')}")
        )
        os.replace(database, aside)
    for suffix in SQLITE_COMPANIONS:
        companion = database.with_name(database.name + suffix)
        if companion.exists():
            if aside is not None:
                os.replace(companion, aside.with_name(aside.name + suffix))
            else:
                companion.unlink()
    os.replace(staging, database)
    return aside


def in_use(database: Path) -> bool:
    """Whether another connection (a running server's) has the SQLite `database` open: in WAL
    mode every open connection holds a shared lock, so an exclusive one is refused at once."""
    connection = sqlite3.connect(
        f"file:{database}?mode=rw", uri=True, timeout=0.1, isolation_level=None
    )
    try:
        connection.execute("PRAGMA locking_mode=EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("COMMIT")
    except sqlite3.OperationalError:
        return True
    finally:
        connection.close()
    return False


def _libpq_address(url: str) -> tuple[str, str | None]:
    """The SQLAlchemy URL as libpq reads it (no driver name), and its password apart (given
    to pg_dump in its environment, never on a command line others can read)."""
    parsed = make_url(url)
    address = parsed.set(drivername="postgresql", password=None)
    return address.render_as_string(hide_password=False), parsed.password


def _free_name(path: Path) -> Path:
    """`path`, or `path-2`, `path-3`… the first that does not exist (never one kept aside)."""
    candidate, number = path, 1
    while any(
        candidate.with_name(candidate.name + suffix).exists() for suffix in ("", *SQLITE_COMPANIONS)
    ):
        number += 1
        candidate = path.with_name(f"{path.name}-{number}")
    return candidate


def _sync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

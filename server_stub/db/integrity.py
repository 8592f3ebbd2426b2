"""Whether a database is whole: before the server opens it, and on both sides of a backup.

A damaged database must stop the server at start, with a message IT can act on, rather than
surface in the middle of an exam as failed requests or answers that silently do not add up.

SQLite: the file is there, is a SQLite file, and `PRAGMA quick_check` finds every page and
b-tree well formed (it reads the whole file once). Then, on SQLite as on PostgreSQL, the schema:
`schema_version` is there, not newer than this pix-server, and every table the applied
migrations create exists. PostgreSQL guards its own pages; what can go wrong there is an
unreachable server, an emptied database or one that belongs to something else.
"""

import sqlite3
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from engine.canonical import BilingualError
from server_stub.db.database import migration_scripts

SQLITE_HEADER = b"SQLite format 3\x00"
PROBLEMS_SHOWN = 3  # quick_check's first findings, in the message
TABLES_QUERY = "SELECT name FROM sqlite_master WHERE type = 'table'"


class DatabaseDamaged(BilingualError):
    """A database that must not be served: damaged, truncated, missing, or not this server's."""


def check_database(url: str, data_root: Path) -> None:
    """Raise DatabaseDamaged unless the database of the data directory `data_root`, at `url`,
    is whole (its message names the file and the command that restores a backup)."""
    sqlite_file = sqlite_path(url)
    if sqlite_file is not None:
        check_sqlite_file(sqlite_file, data_root)
    else:
        _check_server_database(url, data_root)


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for another database (or SQLite in memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def check_sqlite_file(path: Path, data_root: Path | None = None) -> None:
    """Raise DatabaseDamaged unless `path` is a whole pix-server SQLite database.

    `data_root`: the data directory it serves, for the message (None: a backup file)."""
    if not path.is_file():
        raise _damaged(
            "database_missing",
            path,
            data_root,
            "le fichier n'existe pas",
            "the file does not exist",
        )
    with path.open("rb") as file:
        header = file.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        size = path.stat().st_size
        raise _damaged(
            "database_damaged",
            path,
            data_root,
            f"ce n'est pas (ou plus) une base SQLite : {size} octets, sans l'en-tête SQLite",
            f"it is not (or no longer) a SQLite database: {size} bytes, without SQLite's header",
        )
    try:
        connection = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=30)
    except sqlite3.Error as error:
        raise _damaged("database_damaged", path, data_root, str(error), str(error)) from error
    try:
        findings = [row[0] for row in connection.execute(f"PRAGMA quick_check({PROBLEMS_SHOWN})")]
        if findings != ["ok"]:
            found = "; ".join(" ".join(finding.split()) for finding in findings)
            raise _damaged(
                "database_damaged",
                path,
                data_root,
                f"pages endommagées ({found})",
                f"damaged pages ({found})",
            )
        tables = {row[0] for row in connection.execute(TABLES_QUERY)}
        versions = _applied_versions(connection, tables)
    except sqlite3.DatabaseError as error:
        raise _damaged(
            "database_damaged",
            path,
            data_root,
            f"SQLite ne peut pas la lire ({error})",
            f"SQLite cannot read it ({error})",
        ) from error
    finally:
        connection.close()
    _check_schema(versions, tables, path, data_root)


def _check_server_database(url: str, data_root: Path) -> None:
    """PostgreSQL: reachable, and holding this server's schema at a version it knows."""
    shown = make_url(url).render_as_string(hide_password=True)
    try:
        engine = create_engine(url)
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            versions = _applied_versions(connection, tables)
        engine.dispose()
    except (SQLAlchemyError, ImportError) as error:
        reason = " ".join(str(getattr(error, "orig", None) or error).split())
        raise DatabaseDamaged(
            "database_unreachable",
            f"La base de données {shown} ne répond pas ({reason}) : vérifiez que PostgreSQL "
            f"tourne et l'adresse « database » de {data_root / 'server.json'}.",
            f"The database {shown} does not answer ({reason}): check that PostgreSQL is "
            f'running and the "database" address in {data_root / "server.json"}.',
        ) from error
    _check_schema(versions, tables, shown, data_root)


def _applied_versions(connection, tables: set[str]) -> frozenset[int] | None:
    """The migrations recorded in `schema_version`; None when the table is not there."""
    if "schema_version" not in tables:
        return None
    query = "SELECT version FROM schema_version"
    if isinstance(connection, sqlite3.Connection):
        rows: Iterable = connection.execute(query)
    else:
        rows = connection.execute(text(query))
    return frozenset(int(row[0]) for row in rows)


def _check_schema(
    versions: frozenset[int] | None, tables: set[str], where: Path | str, data_root: Path | None
) -> None:
    if not versions:
        raise _damaged(
            "database_damaged",
            where,
            data_root,
            "elle ne contient pas le schéma de pix-server (vidée, ou une autre base)",
            "it does not hold pix-server's schema (emptied, or another database)",
        )
    known = {version for version, _name, _script in migration_scripts()}
    if not versions <= known:
        newer = ", ".join(str(version) for version in sorted(versions - known))
        raise DatabaseDamaged(
            "database_too_new",
            f"La base de données {where} vient d'une version plus récente de pix-server "
            f"(migrations {newer}) : installez cette version-là plutôt que de la servir ainsi.",
            f"The database {where} comes from a newer pix-server (migrations {newer}): install "
            "that version rather than serve it with this one.",
        )
    missing = sorted(expected_tables(versions) - tables)
    if missing:
        raise _damaged(
            "database_damaged",
            where,
            data_root,
            f"tables manquantes : {', '.join(missing)}",
            f"missing tables: {', '.join(missing)}",
        )


@lru_cache
def expected_tables(versions: frozenset[int]) -> frozenset[str]:
    """The tables the migrations `versions` create (applied to an empty database in memory:
    the migrations are portable SQL, the one place the schema is written)."""
    scratch = sqlite3.connect(":memory:")
    try:
        for version, _name, script in migration_scripts():
            if version in versions:
                scratch.executescript(script)
        return frozenset(row[0] for row in scratch.execute(TABLES_QUERY))
    finally:
        scratch.close()


def _damaged(
    code: str, where: Path | str, data_root: Path | None, what_fr: str, what_en: str
) -> DatabaseDamaged:
    if data_root is None:  # a backup file
        return DatabaseDamaged(
            code,
            f"La sauvegarde {where} est inutilisable : {what_fr}. Choisissez-en une autre.",
            f"The backup {where} cannot be used: {what_en}. Choose another one.",
        )
    return DatabaseDamaged(
        code,
        f"La base de données {where} est inutilisable : {what_fr}. Le serveur ne démarre pas, "
        "pour ne rien abîmer de plus. Restaurez la dernière sauvegarde : "
        f"`pix-server restore --data {data_root} --from SAUVEGARDE` (la base actuelle est "
        "gardée à côté), puis relancez le serveur.",
        f"The database {where} cannot be used: {what_en}. The server does not start, so "
        "nothing more is damaged. Restore the latest backup: "
        f"`pix-server restore --data {data_root} --from BACKUP` (the current database is "
        "kept aside), then start the server again.",
    )

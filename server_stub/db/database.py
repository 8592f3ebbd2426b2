"""The database: versioned SQL migrations, and the one way to reach it.

The migrations (`migrations/NNNN_name.sql`, portable SQL) build the schema; the tables are
declared in code (tables.py, checked against the migrations by a test), and every statement is
ordinary SQLAlchemy Core run on the connection of a `read()` or `write()` transaction, so the
same code runs on SQLite (the default, a file in the data directory) and on PostgreSQL (a
`postgresql://` URL, see docs/server.md). Work grouped inside one transaction that may fail on
its own takes a savepoint (`connection.begin_nested()`).

SQLite allows one writer at a time. Writes go through `write()`, which takes a process-wide lock
and starts the transaction with BEGIN IMMEDIATE: writers queue in order instead of spinning in
SQLite's busy handler, and a read-then-write transaction can never fail half-way on an upgrade.
PostgreSQL has no such global lock (several server processes write at once): a read-then-write
that must not race locks the row it is about (`SELECT … FOR NO KEY UPDATE`, which SQLite
ignores; NO KEY, so that inserts referencing the row are not held up), always session, then
exam, then candidate; and an insert that may come twice skips the duplicate on its unique key
(`insert_new`).
"""

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from importlib import resources

from sqlalchemy import Connection, Engine, Insert, Table, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite

from server_stub.db.tables import metadata

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
MIGRATION_LOCK = 73402025  # PostgreSQL advisory lock key held while migrating


class Database:
    """One database, migrated to the latest schema, with its tables by name."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine = _create_engine(url, self.is_sqlite)
        self._write_lock = threading.Lock() if self.is_sqlite else nullcontext()
        self.applied_migrations = migrate(self.engine)
        self.tables: dict[str, Table] = dict(metadata.tables)

    def insert_new(self, table: Table) -> Insert:
        """An INSERT that skips a row whose unique key is already taken (ON CONFLICT DO
        NOTHING): the idempotent insert, race-free across processes."""
        dialect = sqlite if self.is_sqlite else postgresql
        return dialect.insert(table).on_conflict_do_nothing()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with transaction(self.engine, write=False) as connection:
            yield connection

    @contextmanager
    def write(self, *, durable: bool = True) -> Iterator[Connection]:
        """A transaction that commits on success and rolls back on any exception.

        `durable=False` (SQLite only) commits without waiting for the disk (synchronous=NORMAL
        in WAL mode): safe against a crash of the server process, not against a power cut.
        Journal streaming uses it: the kiosk keeps every entry until its record is verified,
        and resends what a server restored after a power cut is missing (docs/protocol.md).
        """
        with self._write_lock, transaction(self.engine, write=True, durable=durable) as connection:
            yield connection

    def close(self) -> None:
        self.engine.dispose()


def _create_engine(url: str, is_sqlite: bool) -> Engine:
    if not is_sqlite:
        # No ping before each checkout (a round trip per transaction): a connection the
        # database dropped fails its request once (a 5xx, which kiosks retry), and SQLAlchemy
        # then discards every pooled connection of that database.
        return create_engine(url, pool_size=10, max_overflow=20)
    engine = create_engine(url, connect_args={"timeout": 30}, pool_size=20, max_overflow=20)

    @event.listens_for(engine, "connect")
    def configure(dbapi_connection, _record) -> None:
        # Take transaction control from the sqlite3 module so BEGIN is ours (`transaction`).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine


@contextmanager
def transaction(engine: Engine, *, write: bool, durable: bool = True) -> Iterator[Connection]:
    """A transaction begun on the driver's cursor; commits on success, else rolls back.

    Begun here rather than in an engine `begin` event, so that no event is dispatched on each
    statement (docs/server.md, "Structure"). SQLite: a write takes the write
    lock at once (BEGIN IMMEDIATE) and commits FULL unless `durable=False` — a receipt promises
    the data is stored; it must survive a power cut. PostgreSQL: READ COMMITTED, with no lock
    beyond the rows each transaction locks (the module's docstring).
    """
    if engine.dialect.name != "sqlite":
        with engine.connect() as connection, connection.begin():
            yield connection
        return
    with engine.connect() as connection, connection.begin():
        cursor = connection.connection.cursor()
        try:
            synchronous = "FULL" if durable else "NORMAL"
            settings = connection.connection.info  # kept with the pooled connection
            if write and settings.get("synchronous") != synchronous:
                cursor.execute(f"PRAGMA synchronous={synchronous}")
                settings["synchronous"] = synchronous
            cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        finally:
            cursor.close()
        yield connection


def migration_scripts() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of every packaged migration, in order."""
    found = []
    for entry in resources.files("server_stub").joinpath("migrations").iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def migrate(engine: Engine) -> list[int]:
    """Apply the migrations this database has not seen yet, each in its own transaction.

    On PostgreSQL, under an advisory lock held for the whole run: processes started together
    migrate one after the other, and the later ones find nothing left to do."""
    if engine.dialect.name == "sqlite":
        return _migrate(engine)
    with engine.connect() as holder:
        holder.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK})")
        holder.commit()
        try:
            return _migrate(engine)
        finally:
            holder.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})")
            holder.commit()


def _migrate(engine: Engine) -> list[int]:
    with transaction(engine, write=True) as connection:
        connection.execute(
            text(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                "applied_at DOUBLE PRECISION NOT NULL)"
            )
        )
        done = {row[0] for row in connection.execute(text("SELECT version FROM schema_version"))}
    applied = []
    for version, name, script in migration_scripts():
        if version in done:
            continue
        with transaction(engine, write=True) as connection:
            for statement in _statements(script):
                connection.exec_driver_sql(statement)
            connection.execute(
                text("INSERT INTO schema_version VALUES (:version, :name, :at)"),
                {"version": version, "name": name, "at": time.time()},
            )
        applied.append(version)
    return applied


def _statements(script: str) -> list[str]:
    """Split a migration on the semicolons that end a line (comments dropped)."""
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [
        part.strip() for part in re.split(r";\s*$", "\n".join(lines), flags=re.M) if part.strip()
    ]

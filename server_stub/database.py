"""The database: versioned SQL migrations, then SQLAlchemy Core tables reflected from them.

The schema lives once, in `migrations/NNNN_name.sql` (portable SQL); the code builds its queries
on tables reflected from the live database, so the same code runs on SQLite (the default, a file
in the data directory) and on PostgreSQL (a `postgresql://` URL, see docs/server.md).

SQLite allows one writer at a time. Writes go through `write()`, which takes a process-wide lock
and starts the transaction with BEGIN IMMEDIATE: writers queue in order instead of spinning in
SQLite's busy handler, and a read-then-write transaction can never fail half-way on an upgrade.
On PostgreSQL a write transaction takes an advisory lock first, for the same guarantee.
"""

import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from importlib import resources

from sqlalchemy import Connection, Engine, Executable, MetaData, Table, create_engine, event, text

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
WRITER_LOCK = 73402025  # PostgreSQL advisory lock key held by every write transaction
CHECKPOINT_EVERY_S = 1.0


class Database:
    """One database, migrated to the latest schema, with its tables by name."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine = _create_engine(url, self.is_sqlite)
        self._write_lock = threading.Lock() if self.is_sqlite else nullcontext()
        self._stop_checkpoints = threading.Event()
        self._checkpointer: threading.Thread | None = None
        self.applied_migrations = migrate(self.engine)
        metadata = MetaData()
        metadata.reflect(self.engine)
        self.tables: dict[str, Table] = dict(metadata.tables)
        self._prepared: dict[Callable[[Mapping[str, Table]], Executable], Executable] = {}

    def prepared(self, build: Callable[[Mapping[str, Table]], Executable]) -> Executable:
        """The statement `build` makes from the tables, made once for this database.

        Building a statement (and its cache key) costs about three times running it, so the
        hot paths (streamed entries, records) build theirs once, values as bind parameters
        (an UPDATE without `values()` sets the columns named by the parameters it runs with).
        """
        statement = self._prepared.get(build)
        if statement is None:
            statement = self._prepared.setdefault(build, build(self.tables))
        return statement

    def checkpoint_in_background(self, every_s: float = CHECKPOINT_EVERY_S) -> None:
        """SQLite: copy the WAL into the database from a thread of its own, every `every_s`.

        Left to itself SQLite checkpoints inside whichever commit crosses 1000 WAL pages, with
        the write lock held: every writer queued behind it waits for those disk writes. A
        passive checkpoint here, outside the lock, keeps the WAL short instead.
        """
        if not self.is_sqlite or self._checkpointer is not None:
            return

        def run() -> None:
            while not self._stop_checkpoints.wait(every_s):
                connection = self.engine.raw_connection()
                try:
                    connection.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
                finally:
                    connection.close()

        self._checkpointer = threading.Thread(target=run, name="sqlite-checkpoints", daemon=True)
        self._checkpointer.start()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as connection, connection.begin():
            yield connection

    @contextmanager
    def write(self, *, durable: bool = True) -> Iterator[Connection]:
        """A transaction that commits on success and rolls back on any exception.

        `durable=False` (SQLite only) commits without waiting for the disk (synchronous=NORMAL
        in WAL mode): safe against a crash of the server process, not against a power cut.
        Journal streaming uses it: the kiosk keeps every entry until its record is verified,
        and resends what a server restored after a power cut is missing (docs/protocol.md).
        """
        with (
            self._write_lock,
            self.engine.connect() as connection,
        ):
            connection.execution_options(pix_write=True, pix_durable=durable)
            with connection.begin():
                yield connection

    def close(self) -> None:
        self._stop_checkpoints.set()
        if self._checkpointer is not None:
            self._checkpointer.join()
        self.engine.dispose()


def _create_engine(url: str, is_sqlite: bool) -> Engine:
    if not is_sqlite:
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)

        @event.listens_for(engine, "begin")
        def serialise_writers(connection: Connection) -> None:
            # Writers queue on one transaction-scoped advisory lock, as on SQLite: a
            # read-then-write (next command number, lockout counter) never races another.
            if connection.get_execution_options().get("pix_write"):
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")

        return engine
    engine = create_engine(url, connect_args={"timeout": 30}, pool_size=20, max_overflow=20)

    @event.listens_for(engine, "connect")
    def configure(dbapi_connection, _record) -> None:
        # Take transaction control from the sqlite3 module so BEGIN is ours (see `begin` below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        # FULL by default: a receipt promises the data is stored; it must survive a power cut.
        durable = options.get("pix_durable", True)
        connection.exec_driver_sql(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get("pix_write") else "BEGIN")

    return engine


def migration_scripts() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of every packaged migration, in order."""
    found = []
    for entry in resources.files("server_stub").joinpath("migrations").iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def migrate(engine: Engine) -> list[int]:
    """Apply the migrations this database has not seen yet, each in its own transaction."""
    with engine.connect() as connection:
        connection.execution_options(pix_write=True)
        with connection.begin():
            connection.execute(
                text(
                    "CREATE TABLE IF NOT EXISTS schema_version ("
                    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    "applied_at DOUBLE PRECISION NOT NULL)"
                )
            )
            done = {
                row[0] for row in connection.execute(text("SELECT version FROM schema_version"))
            }
    applied = []
    for version, name, script in migration_scripts():
        if version in done:
            continue
        with engine.connect() as connection:
            connection.execution_options(pix_write=True)
            with connection.begin():
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

"""The database layer on a real SQLite file: transactions begun on the driver (no engine event,
so SQLAlchemy dispatches none per statement) and the hot statements run on its cursor."""

import sqlite3

import pytest
from sqlalchemy import bindparam, select

from server_stub.db.database import Database


@pytest.fixture
def db(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    yield database
    database.close()


def _log(connection, db: Database, at: float, kind: str) -> None:
    db.run(connection, _insert_event, _event(at, kind))


def _event(at: float, kind: str) -> dict:
    return {"event_id": f"{kind}-{at}", "at": at, "kind": kind, "detail": "{}"}


def _insert_event(t):
    return t["security_log"].insert()


def _events_of_kind(t):
    events = t["security_log"]
    return (
        select(events.c.at, events.c.kind)
        .where(events.c.kind == bindparam("kind"), events.c.detail == "{}")
        .order_by(events.c.at)
    )


def _rename(t):
    events = t["security_log"]
    return events.update().where(events.c.kind == bindparam("key"))


def test_no_connection_event_makes_sqlalchemy_dispatch_on_every_statement(db):
    assert not db.engine._has_events  # a `begin` listener once cost a tenth of the server's time


def test_hot_statements_insert_select_and_update_with_named_rows(db):
    with db.write() as connection:
        _log(connection, db, 2.0, "entry_rejected")
        db.run(
            connection,
            _insert_event,
            [_event(1.0, "entry_rejected"), _event(3.0, "x")],
        )
    with db.read() as connection:
        rows = db.run(connection, _events_of_kind, {"kind": "entry_rejected"})
        assert [(row.at, row.kind) for row in rows] == [
            (1.0, "entry_rejected"),
            (2.0, "entry_rejected"),
        ]
        assert db.run(connection, _events_of_kind, {"kind": "x"}).scalar() == 3.0
        assert db.run(connection, _events_of_kind, {"kind": "none"}).first() is None
    with db.write() as connection:  # an UPDATE sets the columns its parameters name
        db.run(connection, _rename, {"key": "x", "kind": "y"})
    with db.read() as connection:
        assert db.run(connection, _events_of_kind, {"kind": "y"}).scalars() == [3.0]


def test_a_failed_write_leaves_nothing_and_reads_see_only_commits(db):
    with pytest.raises(RuntimeError), db.write() as connection:
        _log(connection, db, 1.0, "lost")
        raise RuntimeError("disk full")
    with db.read() as connection:
        assert db.run(connection, _events_of_kind, {"kind": "lost"}).all() == []
    with db.read() as reading:
        assert db.run(reading, _events_of_kind, {"kind": "kept"}).all() == []
        with db.write() as connection:
            _log(connection, db, 2.0, "kept")
        # a read transaction keeps the snapshot of its first read, not later commits
        assert db.run(reading, _events_of_kind, {"kind": "kept"}).all() == []
    with db.read() as connection:
        assert db.run(connection, _events_of_kind, {"kind": "kept"}).scalars() == [2.0]


def test_writes_commit_durably_unless_told_otherwise(db):
    def synchronous(connection) -> int:
        cursor = connection.connection.cursor()
        try:
            return cursor.execute("PRAGMA synchronous").fetchone()[0]
        finally:
            cursor.close()

    with db.write(durable=False) as connection:
        assert synchronous(connection) == 1  # NORMAL
    with db.write() as connection:
        assert synchronous(connection) == 2  # FULL: a receipt promises the data is stored


def test_a_write_holds_sqlites_write_lock_from_its_start(db, tmp_path):
    with db.write():
        other = sqlite3.connect(tmp_path / "server.sqlite3", timeout=0.1, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()

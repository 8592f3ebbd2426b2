"""The database layer on a real SQLite file: one transaction API (`write()`/`read()`, savepoints
inside), transactions begun on the driver (no engine event), plain Core statements."""

import sqlite3

import pytest
from sqlalchemy import insert, select, update

from server_stub.db.database import Database
from server_stub.db.tables import security_log
from server_stub.errors import ApiError


@pytest.fixture
def db(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    yield database
    database.close()


def _log(connection, at: float, kind: str) -> None:
    connection.execute(insert(security_log).values(_event(at, kind)))


def _event(at: float, kind: str) -> dict:
    return {"event_id": f"{kind}-{at}", "at": at, "kind": kind, "detail": "{}"}


def _kinds(connection) -> list[str]:
    return list(
        connection.execute(select(security_log.c.kind).order_by(security_log.c.at)).scalars()
    )


def test_no_connection_event_makes_sqlalchemy_dispatch_on_every_statement(db):
    assert not db.engine._has_events  # transactions are begun on the driver's cursor


def test_statements_are_plain_core_on_the_declared_tables(db):
    assert db.tables["security_log"] is security_log
    with db.write() as connection:
        _log(connection, 2.0, "entry_rejected")
        connection.execute(insert(security_log), [_event(1.0, "entry_rejected"), _event(3.0, "x")])
    with db.read() as connection:
        assert _kinds(connection) == ["entry_rejected", "entry_rejected", "x"]
    with db.write() as connection:
        connection.execute(update(security_log).where(security_log.c.kind == "x").values(kind="y"))
    with db.read() as connection:
        assert _kinds(connection)[-1] == "y"


def test_a_failed_write_leaves_nothing_and_reads_see_only_commits(db):
    with pytest.raises(RuntimeError), db.write() as connection:
        _log(connection, 1.0, "lost")
        raise RuntimeError("disk full")
    with db.read() as connection:
        assert _kinds(connection) == []
    with db.read() as reading:
        assert _kinds(reading) == []
        with db.write() as connection:
            _log(connection, 2.0, "kept")
        # a read transaction keeps the snapshot of its first read, not later commits
        assert _kinds(reading) == []
    with db.read() as connection:
        assert _kinds(connection) == ["kept"]


def test_an_api_error_after_a_write_rolls_that_write_back(db):
    """A refusal is the request's answer, and what it wrote before refusing is undone."""
    with pytest.raises(ApiError), db.write() as connection:
        _log(connection, 1.0, "half_done")
        raise ApiError("forbidden")
    with db.read() as connection:
        assert _kinds(connection) == []


def test_grouped_work_takes_a_savepoint_and_fails_alone(db):
    with db.write() as connection:
        _log(connection, 1.0, "kept")
        with pytest.raises(ApiError), connection.begin_nested():
            _log(connection, 2.0, "undone")
            raise ApiError("forbidden")
        _log(connection, 3.0, "also_kept")
    with db.read() as connection:
        assert _kinds(connection) == ["kept", "also_kept"]


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

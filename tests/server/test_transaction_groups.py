"""Many requests' database work in one transaction (server_stub/transaction_groups.py), on a
real SQLite file: a write group commits or rolls back as one; in a read group each request's
failure is its own."""

import threading

import pytest

from server_stub.db.database import Database
from server_stub.errors import ApiError
from server_stub.transaction_groups import TransactionGroups


@pytest.fixture
def db(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    yield database
    database.close()


def _grouped(groups: TransactionGroups, works: list) -> list:
    """Run `works` in one group: the thread is held busy until all are queued."""
    started, release = threading.Event(), threading.Event()

    def hold(_connection, _now: float) -> None:
        started.set()
        release.wait(10)

    held = groups.submit(hold)
    started.wait(10)
    futures = [groups.submit(work) for work in works]
    release.set()
    held.result(timeout=10)
    outcomes = []
    for future in futures:
        try:
            outcomes.append(future.result(timeout=10))
        except Exception as error:
            outcomes.append(error)
    return outcomes


def _log(kind: str):
    def write(connection, now: float) -> str:
        connection.exec_driver_sql(
            "INSERT INTO security_log (event_id, at, kind, detail) VALUES (?, ?, ?, '{}')",
            (kind, now, kind),
        )
        return kind

    return write


def _logged(db: Database) -> list[str]:
    with db.read() as connection:
        return [row[0] for row in connection.exec_driver_sql("SELECT kind FROM security_log")]


def _fails(error: Exception):
    def work(_connection, _now: float):
        raise error

    return work


def test_a_read_that_fails_fails_alone(db):
    reads = TransactionGroups(db, lambda: 1.0, write=False)
    try:
        count = "SELECT COUNT(*) FROM security_log"
        outcomes = _grouped(
            reads,
            [
                lambda connection, _now: connection.exec_driver_sql(count).scalar(),
                _fails(KeyError("a bug in one request")),
                _fails(ApiError("exam_not_found")),
                lambda _connection, now: now,
            ],
        )
    finally:
        reads.close()
    assert outcomes[0] == 0 and outcomes[3] == 1.0
    assert isinstance(outcomes[1], KeyError) and isinstance(outcomes[2], ApiError)


def test_a_write_that_fails_unexpectedly_rolls_back_its_whole_group(db):
    writes = TransactionGroups(db, lambda: 1.0, write=True)
    try:
        refused = _grouped(writes, [_log("a"), _fails(ApiError("forbidden")), _log("b")])
        assert refused[0] == "a" and isinstance(refused[1], ApiError) and refused[2] == "b"
        broken = _grouped(writes, [_log("c"), _fails(KeyError("a bug")), _log("d")])
    finally:
        writes.close()
    assert all(isinstance(outcome, KeyError) for outcome in broken)
    assert sorted(_logged(db)) == ["a", "b"]  # c and d were rolled back with the bug

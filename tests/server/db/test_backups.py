"""`pix-server backup` while the server writes, and `pix-server restore`: refused while a server
runs on the directory or from a damaged backup, the replaced database kept aside."""

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from server_stub.commands import main as pix_server
from server_stub.datadir import DataDir
from server_stub.db.integrity import check_sqlite_file
from server_stub.security import log_event

pytestmark = pytest.mark.sqlite_only  # the SQLite file itself (PostgreSQL: pg_dump)

KILLED_AFTER_A_WRITE = """
import os, sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
connection.execute("INSERT INTO security_log VALUES ('after', 1.0, 'after', NULL, NULL, '{}')")
connection.commit()
os._exit(0)
"""


def events_in(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT COUNT(*) FROM security_log").fetchone()[0]


def test_a_backup_taken_while_the_server_writes_is_whole_and_checked(live_server, tmp_path, capsys):
    db, stop, written = live_server.ctx.db, threading.Event(), []

    def keep_writing() -> None:
        while not stop.is_set():
            with db.write() as connection:
                log_event(connection, db, at=time.time(), kind="backup_test", detail={})
            written.append(1)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(written) < 20:
            time.sleep(0.01)
        backup = tmp_path / "nightly.sqlite3"
        assert pix_server(["backup", "--data", str(live_server.data_dir), "--to", str(backup)]) == 0
        during = len(written)
        while len(written) < during + 20:  # the server went on writing
            time.sleep(0.01)
    finally:
        stop.set()
        writer.join()
    assert "checked backup" in capsys.readouterr().out
    check_sqlite_file(backup)
    assert backup.stat().st_mode & 0o777 == 0o600
    assert 20 <= events_in(backup) < events_in(DataDir(live_server.data_dir).sqlite_path())
    assert not list(tmp_path.glob(".*part"))


def test_restore_is_refused_while_a_server_runs_on_the_directory(live_server, tmp_path, capsys):
    backup = tmp_path / "backup.sqlite3"
    assert pix_server(["backup", "--data", str(live_server.data_dir), "--to", str(backup)]) == 0
    database = DataDir(live_server.data_dir).sqlite_path()
    before = database.read_bytes()
    capsys.readouterr()
    assert pix_server(["restore", "--data", str(live_server.data_dir), "--from", str(backup)]) == 1
    err = capsys.readouterr().err
    assert "arrêtez-le" in err and "stop it" in err and "Nothing was changed" in err
    assert database.read_bytes() == before
    assert not list(database.parent.glob("*.replaced-*"))


def test_a_damaged_backup_is_refused_before_anything_is_touched(data_dir, tmp_path, capsys):
    backup = tmp_path / "backup.sqlite3"
    assert pix_server(["backup", "--data", str(data_dir), "--to", str(backup)]) == 0
    with backup.open("r+b") as file:
        file.seek(backup.stat().st_size // 2)
        file.write(b"\xff" * 8192)
    database = DataDir(data_dir).sqlite_path()
    before = database.read_bytes()
    capsys.readouterr()
    assert pix_server(["restore", "--data", str(data_dir), "--from", str(backup)]) == 1
    err = capsys.readouterr().err
    assert f"The backup {backup} cannot be used" in err
    assert database.read_bytes() == before


def test_restore_puts_the_backup_in_place_and_keeps_the_replaced_database(data_dir, tmp_path):
    directory = DataDir(data_dir)
    database = directory.sqlite_path()
    backup = tmp_path / "monday.sqlite3"
    assert pix_server(["backup", "--data", str(data_dir), "--to", str(backup)]) == 0
    before = events_in(database)
    # A server killed after one more write: it is in the write-ahead log, not yet in the file.
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_A_WRITE, str(database)], capture_output=True
    )
    assert killed.returncode == 0, killed.stderr
    assert database.with_name(database.name + "-wal").stat().st_size > 0

    assert pix_server(["restore", "--data", str(data_dir), "--from", str(backup)]) == 0
    assert events_in(database) == before
    (aside,) = database.parent.glob("pix-server.sqlite3.replaced-*[0-9]")
    assert events_in(aside) == before + 1  # the replaced database, its last write included
    assert not database.with_name(database.name + "-wal").exists()
    assert database.stat().st_mode & 0o777 == 0o600
    # Twice in the same second: the first one kept aside is not overwritten.
    assert pix_server(["restore", "--data", str(data_dir), "--from", str(backup)]) == 0
    assert len(list(database.parent.glob("pix-server.sqlite3.replaced-*[0-9]"))) == 2
    db = directory.open_database()  # and it serves
    db.close()


def test_a_backup_replaces_an_older_one_only_when_it_is_good(data_dir, tmp_path):
    backup = tmp_path / "nightly.sqlite3"
    backup.write_bytes(b"yesterday's backup")
    assert pix_server(["backup", "--data", str(data_dir), "--to", str(backup)]) == 0
    check_sqlite_file(backup)


def test_postgresql_without_pg_dump_says_what_to_install(data_dir, tmp_path, capsys, monkeypatch):
    DataDir(data_dir).write_settings("postgresql+psycopg://pix@127.0.0.1/pix")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert pix_server(["backup", "--data", str(data_dir), "--to", str(tmp_path / "b")]) == 1
    err = capsys.readouterr().err
    assert "pg_dump" in err and "postgresql-client" in err
    assert pix_server(["restore", "--data", str(data_dir), "--from", str(tmp_path / "b")]) == 1
    assert "pg_restore" in capsys.readouterr().err

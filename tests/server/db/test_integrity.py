"""The database is checked before the server opens it: a damaged, truncated, emptied or newer
one is refused at start with a message naming the file and the restore command, never with a
traceback."""

import os
import random
import sqlite3
import subprocess
from pathlib import Path

import pytest

from server_stub.commands import main as pix_server
from server_stub.datadir import DataDir
from server_stub.db.integrity import DatabaseDamaged, check_database
from tests.deploy.live_server import BIN

pytestmark = pytest.mark.sqlite_only  # the SQLite file itself (PostgreSQL: pg_dump, its own checks)

PAGE = 4096


def database_of(data_dir: Path) -> Path:
    path = DataDir(data_dir).sqlite_path()
    assert path is not None
    return path


def with_journal_pages(database: Path, entries: int = 3000) -> list[int]:
    """Fill journal_entries (as streaming would, many exams of 40 entries); its leaf pages."""
    connection = sqlite3.connect(database)
    entry = '{"kind": "answer", "payload": {"answer": "' + "b" * 200 + '"}}'
    connection.executemany(
        "INSERT INTO journal_entries VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            ("device", f"exam-{n // 40}", n % 40 + 1, entry, "h" * 64, "s" * 88, 1.0)
            for n in range(entries)
        ],
    )
    connection.commit()
    pages = [
        row[0]
        for row in connection.execute(
            "SELECT pageno FROM dbstat WHERE name = 'journal_entries' AND pagetype = 'leaf' "
            "ORDER BY pageno"
        )
    ]
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return pages


def refused_at_start(data_dir: Path, capsys) -> str:
    assert pix_server(["serve", "--data", str(data_dir), "--port", "0"]) == 1
    return capsys.readouterr().err


def test_a_whole_database_passes(data_dir):
    check_database(DataDir(data_dir).database_url(), data_dir)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_8_kb_of_random_bytes_in_the_journal_entries_are_refused_at_start(data_dir, capsys, seed):
    database = database_of(data_dir)
    pages = with_journal_pages(database)
    rng = random.Random(seed)
    page = pages[len(pages) // 2 + seed]
    with database.open("r+b") as file:
        file.seek((page - 1) * PAGE + rng.randrange(PAGE))
        file.write(rng.randbytes(8192))
    err = refused_at_start(data_dir, capsys)
    assert f"La base de données {database} est inutilisable" in err
    assert f"The database {database} cannot be used" in err
    assert f"pix-server restore --data {data_dir} --from" in err
    assert "Traceback" not in err


def test_a_truncated_database_is_refused_by_the_real_command_without_a_traceback(data_dir):
    database = database_of(data_dir)
    with_journal_pages(database)
    os.truncate(database, database.stat().st_size // 2)
    done = subprocess.run(
        [str(BIN / "pix-server"), "serve", "--data", str(data_dir), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stdout == ""  # never "listening"
    assert "Traceback" not in done.stderr
    assert f"{database}" in done.stderr and "pix-server restore --data" in done.stderr
    assert "erreur :" in done.stderr and "error:" in done.stderr


@pytest.mark.parametrize("size", [0, 50])
def test_a_database_cut_to_almost_nothing_is_refused(data_dir, capsys, size):
    os.truncate(database_of(data_dir), size)
    err = refused_at_start(data_dir, capsys)
    assert "inutilisable" in err and "cannot be used" in err


def test_a_missing_database_is_refused_rather_than_created_empty(data_dir, capsys):
    database = database_of(data_dir)
    database.unlink()
    err = refused_at_start(data_dir, capsys)
    assert "does not exist" in err
    assert not database.exists()


def test_another_sqlite_database_in_its_place_is_refused(data_dir):
    database = database_of(data_dir)
    database.unlink()
    sqlite3.connect(database).execute("CREATE TABLE notes (text TEXT)").connection.close()
    with pytest.raises(DatabaseDamaged, match="pix-server's schema"):
        check_database(DataDir(data_dir).database_url(), data_dir)


def test_a_missing_table_is_named(data_dir):
    with sqlite3.connect(database_of(data_dir)) as connection:
        connection.execute("DROP TABLE head_commitments")
    with pytest.raises(DatabaseDamaged, match="missing tables: head_commitments"):
        check_database(DataDir(data_dir).database_url(), data_dir)


def test_a_database_of_a_newer_pix_server_is_refused(data_dir):
    with sqlite3.connect(database_of(data_dir)) as connection:
        connection.execute("INSERT INTO schema_version VALUES (9999, '9999_future.sql', 0)")
    with pytest.raises(DatabaseDamaged) as refused:
        check_database(DataDir(data_dir).database_url(), data_dir)
    assert refused.value.code == "database_too_new" and "9999" in refused.value.en

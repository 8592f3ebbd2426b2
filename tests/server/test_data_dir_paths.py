"""server.json names the SQLite file relative to the data directory: a copied (or restored) data
directory uses its own database, never the original's; older absolute paths still work."""

import json
import shutil

from server_stub.commands import main as pix_server
from server_stub.datadir import DataDir
from tests.deploy.live_server import LiveServer


def test_init_names_the_database_relative_to_the_directory(template_data_dir):
    settings = json.loads((template_data_dir / "server.json").read_text(encoding="utf-8"))
    assert settings["database"] == "sqlite:///pix-server.sqlite3"
    assert (
        DataDir(template_data_dir).sqlite_path()
        == (template_data_dir / "pix-server.sqlite3").resolve()
    )


def test_a_copied_data_directory_serves_its_own_database(template_data_dir, tmp_path, capsys):
    original = tmp_path / "original"
    shutil.copytree(template_data_dir, original)
    before = (original / "pix-server.sqlite3").read_bytes()
    copy = tmp_path / "elsewhere" / "copy"
    shutil.copytree(original, copy)
    server = LiveServer.start(copy)
    try:
        server.plan_session(write_candidates(tmp_path))
        assert server.enrolment_token()
    finally:
        server.stop()
    assert (original / "pix-server.sqlite3").read_bytes() == before
    assert not (original / "pix-server.sqlite3-wal").exists()
    assert pix_server(["session", "list", "--data", str(copy)]) == 0
    assert "Lycée Test" in capsys.readouterr().out
    assert pix_server(["session", "list", "--data", str(original)]) == 0
    assert "Lycée Test" not in capsys.readouterr().out


def test_an_absolute_path_of_an_older_server_json_still_works(template_data_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(template_data_dir, data)
    absolute = f"sqlite:///{(data / 'pix-server.sqlite3').resolve()}"
    (data / "server.json").write_text(json.dumps({"database": absolute}), encoding="utf-8")
    directory = DataDir(data)
    assert directory.database_url() == absolute
    directory.open_database().close()


def write_candidates(folder):
    path = folder / "candidates.csv"
    path.write_text(
        "last_name,first_names,birth_date,ine,extra_time_percent,accessibility_adjustment\n"
        "Martin,Lucas,2008-01-10,INE000001,0,false\n",
        encoding="utf-8",
    )
    return path

"""A school with two classes on a real data directory, for the practice tests: the commands an
administrator runs, and a real server on loopback (tests/server's fixtures: on SQLite, and on
PostgreSQL too when PIX_TEST_POSTGRES_URL is set)."""

import json
from pathlib import Path

import pytest

from tests.server.conftest import (  # noqa: F401  (fixtures and the hook, by name)
    LiveServer,
    data_dir,
    live_server,
    postgres_template,
    pytest_generate_tests,  # each test again on PostgreSQL when PIX_TEST_POSTGRES_URL is set
)
from tests.server.school_helpers import LYCEE_UAI, add_school, run_json

ROSTER = (
    "nom;prénom;date de naissance;INE;classe;niveau\r\n"
    "Dupont;Marie;12/03/2008;123456789AB;Tle 2;Tle\r\n"
    "N'Diaye;Aïssatou;05/11/2008;98765432101;Tle 2;Tle\r\n"
    "Lefèvre;Étienne;28/02/2008;11223344556;Tle 2;Tle\r\n"
    "Martin;Lucas;17/07/2008;99887766554;Tle 2;Tle\r\n"
    "Petit;Jade;01/01/2010;55667788990;2de 1;2de\r\n"
).encode("cp1252")


@pytest.fixture
def school(data_dir: Path, capsys) -> Path:  # noqa: F811  (the fixture, by name)
    """The lycée and its roster: four students in Tle 2, one in 2de 1."""
    add_school(capsys, data_dir)
    roster = data_dir.parent / "roster.csv"
    roster.write_bytes(ROSTER)
    run_json(capsys, "students", "import", "--data", str(data_dir), "--uai", LYCEE_UAI,
             "--json", str(roster))  # fmt: skip
    return data_dir


def create_campaign(capsys, data: Path, *extra: str) -> str:
    created = run_json(capsys, "campaign", "create", "--data", str(data), "--uai", LYCEE_UAI,
                       "--class", "Tle 2", "--json", *extra)  # fmt: skip
    return created["code"]


def export_json(capsys, data: Path, code: str) -> list[dict]:
    from server_stub.commands import main as pix_server

    assert pix_server(["campaign", "export", "--data", str(data), "--code", code,
                       "--format", "json"]) == 0  # fmt: skip
    return json.loads(capsys.readouterr().out)

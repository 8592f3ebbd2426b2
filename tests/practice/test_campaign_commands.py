"""`pix-server parcours list` and `pix-server campaign` on a real data directory: the contracts
(the code, the export's keys and French CSV), and every refusal in both languages with nothing
stored."""

import pytest
from sqlalchemy import func, select

from engine.referential import COMPETENCE_CODES
from server_stub.commands import main as pix_server
from server_stub.datadir import DataDir
from server_stub.spreadsheet_csv import UTF8_BOM
from tests.practice.conftest import create_campaign, export_json
from tests.server.school_helpers import LYCEE_UAI, run_json, run_refused


def _campaign_count(data) -> int:
    db = DataDir(data).open_database()
    try:
        with db.read() as connection:
            return connection.scalar(select(func.count()).select_from(db.tables["campaigns"]))
    finally:
        db.close()


def test_parcours_list_prints_the_catalogue(data_dir, capsys):
    found = run_json(capsys, "parcours", "list", "--data", str(data_dir), "--json")
    assert found and all({"id", "title", "purpose", "grade"} <= set(p) for p in found)
    assert {p["purpose"] for p in found} == {"diagnostic", "training"}
    assert all(set(p["title"]) >= {"fr", "en"} for p in found)


def test_campaign_create_prints_a_code_and_export_has_one_row_per_student(school, capsys):
    parcours = run_json(capsys, "parcours", "list", "--data", str(school), "--json")[0]["id"]
    code = create_campaign(capsys, school, "--type", "assessment", "--parcours", parcours)
    assert len(code) == 9 and code.isalnum() and code.isupper()
    rows = export_json(capsys, school, code)
    assert [r["last_name"] for r in rows] == ["Dupont", "Lefèvre", "Martin", "N'Diaye"]
    for row in rows:
        assert row["sent"] is False and row["sent_at"] is None and row["pix_score"] is None
        assert row["certifiable"] is None and row["certifiable_competences"] is None
        assert list(row["competence_levels"]) == list(COMPETENCE_CODES)
    listed = run_json(capsys, "campaign", "list", "--data", str(school), "--uai", LYCEE_UAI,
                      "--json")  # fmt: skip
    assert listed[0]["code"] == code and listed[0]["status"] == "open"
    assert listed[0]["type"] == "assessment" and listed[0]["divisions"] == ["Tle 2"]


def test_campaign_export_csv_is_french(school, capsys, tmp_path):
    code = create_campaign(capsys, school, "--type", "profiles-collection", "--multiple-sendings")
    out = tmp_path / "export.csv"
    assert pix_server(["campaign", "export", "--data", str(school), "--code", code,
                       "--format", "csv", "--out", str(out)]) == 0  # fmt: skip
    data = out.read_bytes()
    assert data.startswith(UTF8_BOM)
    header, *lines = data[len(UTF8_BOM) :].decode("utf-8").split("\r\n")
    cells = header.split(";")
    assert cells[:10] == [
        "Nom du participant", "Prénom du participant", "INE", "Classe", "Niveau", "Envoi (O/N)",
        "Date de l'envoi", "Nombre de pix total", "Certifiable (O/N)",
        "Nombre de compétences certifiables",
    ]  # fmt: skip
    assert len(cells) == 10 + 16 and cells[10].startswith("Niveau pour la compétence 1.1")
    assert lines[0].split(";")[5] == "N"


@pytest.mark.parametrize(
    ("extra", "phrase_fr", "phrase_en"),
    [
        (["--type", "assessment"], "porte sur un parcours", "is on a parcours"),
        (["--type", "assessment", "--parcours", "nope"], "Parcours inconnu", "Unknown parcours"),
        (["--type", "profiles-collection", "--class", "Nope"], "Aucun élève", "No student"),
    ],
)
def test_refused_campaigns_say_why_in_both_languages_and_store_nothing(
    school, capsys, extra, phrase_fr, phrase_en
):
    error = run_refused(capsys, "campaign", "create", "--data", str(school), "--uai", LYCEE_UAI,
                        "--class", "Tle 2", *extra)  # fmt: skip
    assert phrase_fr in error and phrase_en in error
    assert _campaign_count(school) == 0


def test_close_then_archive_never_backwards(school, capsys):
    code = create_campaign(capsys, school, "--type", "profiles-collection")
    assert pix_server(["campaign", "close", "--data", str(school), "--code", code]) == 0
    assert "closed" in capsys.readouterr().out
    error = run_refused(capsys, "campaign", "close", "--data", str(school), "--code", code)
    assert "Impossible" in error and "cannot go" in error
    assert pix_server(["campaign", "archive", "--data", str(school), "--code", code]) == 0
    capsys.readouterr()
    listed = run_json(capsys, "campaign", "list", "--data", str(school), "--uai", LYCEE_UAI,
                      "--json")  # fmt: skip
    assert listed == []
    error = run_refused(capsys, "campaign", "export", "--data", str(school), "--code", "ZZZ",
                        "--format", "json")  # fmt: skip
    assert "Campagne inconnue" in error and "Unknown campaign" in error


def test_sheet_draws_codes_only_for_students_who_never_signed_in(school, capsys):
    code = create_campaign(capsys, school, "--type", "profiles-collection")
    sheet = run_json(capsys, "campaign", "sheet", "--data", str(school), "--code", code, "--json")
    logins = [s["login"] for s in sheet["students"]]
    assert logins == ["marie.dupont1203", "etienne.lefevre2802", "lucas.martin1707",
                      "aissatou.ndiaye0511"]  # fmt: skip
    assert all(len(s["first_login_code"]) == 9 for s in sheet["students"])
    again = run_json(capsys, "campaign", "sheet", "--data", str(school), "--code", code, "--json")
    assert [s["login"] for s in again["students"]] == logins  # never duplicated
    assert again["students"][0]["first_login_code"] != sheet["students"][0]["first_login_code"]

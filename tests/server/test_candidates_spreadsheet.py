"""`pix-server candidates import` takes what a spreadsheet in France saves (issue 22, item 15)."""

import contextlib
import json

from server_stub.commands import main as pix_server


def create_session(data_dir, capsys) -> str:
    args = ["session", "create", "--data", str(data_dir), "--centre", "Collège Rosa Parks"]
    args += ["--room", "CDI", "--date", "2025-06-12", "--time", "14:30", "--json"]
    assert pix_server(args) == 0
    return json.loads(capsys.readouterr().out)["session_id"]


def exported(data_dir, capsys, session_id: str) -> list[tuple[str, str, str]]:
    args = ["export", "--data", str(data_dir), "--session", session_id, "--format", "json"]
    assert pix_server(args) == 0
    rows = json.loads(capsys.readouterr().out)
    return [(row["last_name"], row["first_names"], row["birth_date"]) for row in rows]


def test_an_excel_file_in_windows_1252_with_semicolons_and_extra_columns_imports(
    data_dir, capsys, tmp_path
):
    session_id = create_session(data_dir, capsys)
    excel = tmp_path / "classe.csv"
    excel.write_bytes(
        "Nom;Prénom;Date de naissance;Classe;Remarque\r\n"
        "Lefèvre;Zoé;03/04/2010;3e B;\r\n"
        "Nguyen;Bao;2009-11-17;3e B;absent lundi\r\n".encode("cp1252")
    )
    args = ["candidates", "import", "--data", str(data_dir), "--session", session_id]
    assert pix_server([*args, str(excel)]) == 0
    out = capsys.readouterr()
    assert "2 candidat" in out.out
    assert "colonne « Classe » ignorée" in out.err and "column “Remarque” ignored" in out.err
    assert exported(data_dir, capsys, session_id) == [
        ("Lefèvre", "Zoé", "2010-04-03"),
        ("Nguyen", "Bao", "2009-11-17"),
    ]


def test_a_bom_utf8_file_with_the_template_header_imports(data_dir, capsys, tmp_path):
    session_id = create_session(data_dir, capsys)
    template = tmp_path / "modele.csv"
    assert pix_server(["candidates", "template", str(template)]) == 0
    capsys.readouterr()
    assert template.read_bytes().startswith(b"\xef\xbb\xbfnom;pr\xc3\xa9noms;date de naissance")
    args = ["candidates", "import", "--data", str(data_dir), "--session", session_id]
    assert pix_server([*args, str(template)]) == 0
    capsys.readouterr()
    assert exported(data_dir, capsys, session_id) == [("Dupont", "Marie Claire", "2008-01-10")]


def test_a_missing_column_is_named_and_nothing_is_imported(data_dir, capsys, tmp_path):
    session_id = create_session(data_dir, capsys)
    bad = tmp_path / "sans_date.csv"
    bad.write_bytes(b"\xef\xbb\xbfnom;pr\xc3\xa9nom;naissance\r\nDupont;Marie;10/01/2008\r\n")
    args = ["candidates", "import", "--data", str(data_dir), "--session", session_id]
    assert pix_server([*args, str(bad)]) == 1
    error = capsys.readouterr().err
    assert "ligne 1 : colonne « date de naissance » introuvable" in error
    assert "line 1: no “birth date” column" in error
    assert exported(data_dir, capsys, session_id) == []


def test_bad_lines_say_which_column_and_the_import_is_all_or_nothing(data_dir, capsys, tmp_path):
    session_id = create_session(data_dir, capsys)
    bad = tmp_path / "fautes.csv"
    bad.write_text(
        "nom;prénoms;date de naissance;tiers-temps\n"
        "Dupont;Marie;10/01/2008;33\n"
        "Martin;Léa;31/02/2008;0\n"
        "Durand;Paul;01/02/2008;150\n",
        encoding="utf-8",
    )
    args = ["candidates", "import", "--data", str(data_dir), "--session", session_id]
    assert pix_server([*args, str(bad)]) == 1
    error = capsys.readouterr().err
    assert "ligne 3 : colonne date de naissance : « 31/02/2008 » invalide" in error
    assert "line 3: birth date column:" in error
    assert "ligne 4 : colonne tiers-temps : « 150 »" in error
    assert "line 4: extra time column:" in error
    assert "ligne 2" not in error
    assert exported(data_dir, capsys, session_id) == []


def test_the_help_documents_the_format(capsys):
    with contextlib.suppress(SystemExit):
        pix_server(["candidates", "import", "--help"])
    text = capsys.readouterr().out
    assert "date de naissance" in text and "Windows-1252" in text and "template" in text

"""The roster: SIECLE XML and French spreadsheets imported whole or not at all, re-imports that
update and archive, and sessions planned from a class (grade and expected level in the export)."""

import pytest
from sqlalchemy import update

from server_stub.datadir import DataDir
from tests.server.school_helpers import (
    LYCEE_UAI,
    add_school,
    excel_csv,
    run_json,
    run_refused,
    siecle_xml,
)

CLASS_TG1 = [
    {
        "ine": "123456789AB",
        "last": "DUPONT",
        "first": "Maëlle",
        "first2": "Rose",
        "born": "14/03/2008",
        "sex": "2",
        "mef": "20212001110",
        "division": "TG1",
    },
    {
        "ine": "98765432101",
        "last": "N'DIAYE",
        "usage": "MARTIN",
        "first": "Aïssatou",
        "born": "02/11/2007",
        "mef": "20212001110",
        "division": "TG1",
    },
    {
        "ine": "11223344556",
        "last": "LEFÈVRE",
        "first": "Étienne",
        "born": "30/06/2011",
        "mef": "10310019110",
        "division": "3B",
    },
    {
        "ine": "99887766554",
        "last": "SANSCLASSE",
        "first": "Noé",
        "born": "01/01/2008",
        "mef": "20212001110",
    },
    {
        "ine": "55667788990",
        "last": "PARTI",
        "first": "Léo",
        "born": "01/01/2008",
        "mef": "20212001110",
        "division": "TG1",
        "left": "20/09/2025",
    },
]


def import_file(capsys, data_dir, tmp_path, name: str, data: bytes, *extra: str) -> dict:
    path = tmp_path / name
    path.write_bytes(data)
    return run_json(
        capsys,
        "students",
        "import",
        "--data",
        str(data_dir),
        "--uai",
        LYCEE_UAI,
        "--json",
        *extra,
        str(path),
    )


def students(capsys, data_dir, *extra: str) -> list[dict]:
    return run_json(
        capsys, "students", "list", "--data", str(data_dir), "--uai", LYCEE_UAI, "--json", *extra
    )


def test_a_siecle_export_gives_the_students_in_a_class(data_dir, capsys, tmp_path):
    add_school(capsys, data_dir)
    summary = import_file(
        capsys, data_dir, tmp_path, "ElevesSansAdresses.xml", siecle_xml(LYCEE_UAI, CLASS_TG1)
    )
    assert summary == {
        "uai": LYCEE_UAI,
        "file_format": "siecle",
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "restored": 0,
        "archived": 0,
        "school_created": False,
    }
    found = {s["ine"]: s for s in students(capsys, data_dir)}
    assert set(found) == {"123456789AB", "98765432101", "11223344556"}
    maelle = found["123456789AB"]
    assert (maelle["first_name"], maelle["middle_name"], maelle["last_name"]) == (
        "Maëlle",
        "Rose",
        "DUPONT",
    )
    assert (maelle["birth_date"], maelle["sex"], maelle["division"]) == ("2008-03-14", "F", "TG1")
    assert (maelle["grade"], maelle["expected_level"], maelle["birth_place"]) == ("Tle", 4, "PARIS")
    assert found["98765432101"]["preferred_last_name"] == "MARTIN"
    assert (found["11223344556"]["grade"], found["11223344556"]["expected_level"]) == ("3e", 3)


def test_re_importing_updates_archives_and_restores_never_duplicates(data_dir, capsys, tmp_path):
    add_school(capsys, data_dir)
    import_file(capsys, data_dir, tmp_path, "a.xml", siecle_xml(LYCEE_UAI, CLASS_TG1))
    moved = [dict(CLASS_TG1[0], division="TG2"), CLASS_TG1[2]]
    summary = import_file(capsys, data_dir, tmp_path, "b.xml", siecle_xml(LYCEE_UAI, moved))
    assert (summary["updated"], summary["unchanged"], summary["archived"]) == (1, 1, 1)
    current = students(capsys, data_dir)
    assert [(s["ine"], s["division"]) for s in current] == [
        ("11223344556", "3B"),
        ("123456789AB", "TG2"),
    ]
    everyone = students(capsys, data_dir, "--archived")
    assert len(everyone) == 3 and [s["archived"] for s in everyone].count(True) == 1
    again = import_file(capsys, data_dir, tmp_path, "c.xml", siecle_xml(LYCEE_UAI, CLASS_TG1))
    assert (again["created"], again["restored"], again["archived"]) == (0, 1, 0)
    assert len(students(capsys, data_dir, "--archived")) == 3


def test_a_french_spreadsheet_in_windows_1252_with_a_bom(data_dir, capsys, tmp_path):
    add_school(capsys, data_dir)
    sheet = excel_csv(
        [
            [
                "Classe",
                "NOM",
                "Prénom",
                "Date de naissance",
                "I.N.E.",
                "Niveau",
                "Tiers-temps",
                "Aménagement",
            ],
            ["TG1", "Lefèvre", "Chloé", "05/04/2008", "123456789AB", "Terminale", "33", "oui"],
            ["3B", "Dupont", "Noël", "17/09/2011", "", "3e", "", "non"],
            ["", "", "", "", "", "", "", ""],
            ["1G2", "Bernard", "Inès", "01/12/2009", "12345678901", "1re", "0", ""],
        ]
    )
    assert b"\xe9" in sheet  # é in Windows-1252
    summary = import_file(capsys, data_dir, tmp_path, "eleves.csv", sheet)
    assert (summary["file_format"], summary["created"]) == ("csv", 3)
    found = {s["last_name"]: s for s in students(capsys, data_dir)}
    chloe = found["Lefèvre"]
    assert (chloe["first_name"], chloe["birth_date"], chloe["grade"]) == (
        "Chloé",
        "2008-04-05",
        "Tle",
    )
    assert (chloe["extra_time_percent"], chloe["accessibility_needs"]) == (33, True)
    assert (found["Dupont"]["ine"], found["Dupont"]["expected_level"]) == (None, 3)
    # Keyed by name and birth date when there is no INE: re-importing does not duplicate.
    again = import_file(capsys, data_dir, tmp_path, "eleves.csv", sheet)
    assert (again["created"], again["unchanged"]) == (0, 3)


def test_pix_s_school_template_headers(data_dir, capsys, tmp_path):
    add_school(capsys, data_dir)
    header = (
        "Identifiant unique*;Premier prénom*;Deuxième prénom;Troisième prénom;"
        "Nom de famille*;Nom d’usage;Code sexe*;Date de naissance (jj/mm/aaaa)*;"
        "Code commune naissance**;Libellé commune naissance**;Code département naissance*;"
        "Code pays naissance*;Statut*;Code MEF*;Division*"
    )
    line = (
        "123456789AB;Hugo;Jean;Paul;MOREAU;;1;21/01/2008;33063;Bordeaux;033;100;ST;"
        "20212001110;TSTMG"
    )
    summary = import_file(
        capsys, data_dir, tmp_path, "pix.csv", (header + "\n" + line + "\n").encode("utf-8")
    )
    assert summary["created"] == 1
    (hugo,) = students(capsys, data_dir)
    assert (hugo["first_name"], hugo["middle_name"], hugo["third_name"]) == ("Hugo", "Jean", "Paul")
    assert (hugo["birth_place"], hugo["sex"], hugo["division"], hugo["grade"]) == (
        "Bordeaux",
        "M",
        "TSTMG",
        "Tle",
    )


def test_a_file_with_bad_lines_imports_nothing_and_says_why(data_dir, capsys, tmp_path):
    add_school(capsys, data_dir)
    good = [
        ["nom", "prénom", "date de naissance", "INE", "classe", "niveau"],
        ["Martin", "Lucas", "02/02/2008", "123456789AB", "TG1", "Tle"],
    ]
    import_file(capsys, data_dir, tmp_path, "good.csv", excel_csv(good))
    bad = excel_csv(
        [
            good[0],
            ["Petit", "Zoé", "03/03/2008", "", "TG1", "Tle"],
            ["Durand", "", "31/02/2008", "12", "TG1", "CM2"],
            ["Moreau", "Hugo", "03/03/2008", "123456789AB", "TG1", "Tle"],
        ]
    )
    path = tmp_path / "bad.csv"
    path.write_bytes(bad)
    error = run_refused(
        capsys, "students", "import", "--data", str(data_dir), "--uai", LYCEE_UAI, str(path)
    )
    for fr, en in [
        (
            "ligne 3, colonne « prénom » : prénom manquant",
            "line 3, column “prénom”: first name missing",
        ),
        ("ligne 3, colonne « date de naissance »", "line 3, column “date de naissance”"),
        ("ligne 3, colonne « INE »", "invalid INE “12”"),
        ("niveau « CM2 » inconnu", "unknown grade “CM2”"),
    ]:
        assert fr in error and en in error
    assert "aucun élève importé" in error and "no student imported" in error
    assert [s["last_name"] for s in students(capsys, data_dir)] == ["Martin"]
    twice = excel_csv(
        [good[0], good[1], ["Moreau", "Hugo", "03/03/2008", "123456789AB", "TG1", "Tle"]]
    )
    path.write_bytes(twice)
    error = run_refused(
        capsys, "students", "import", "--data", str(data_dir), "--uai", LYCEE_UAI, str(path)
    )
    assert "ligne 3" in error and "en double" in error and "twice" in error


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (lambda: siecle_xml("0931234J", CLASS_TG1), ("0931234J", "not 0750655E")),
        (
            lambda: b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><BEE_ELEVES/>',
            ("type de document", "document type"),
        ),
        (lambda: b"<BEE_ELEVES><DONNEES>", ("XML illisible", "unreadable XML")),
        (lambda: b"<html><body/></html>", ("SIECLE", "SIECLE")),
        (
            lambda: "nom;prénom\nA;B\n".encode(),
            ("« date de naissance » introuvable", "“classe” not found"),
        ),
    ],
)
def test_files_that_are_not_this_school_s_roster_are_refused(
    data_dir, capsys, tmp_path, data, words
):
    add_school(capsys, data_dir)
    path = tmp_path / "roster"
    path.write_bytes(data())
    error = run_refused(
        capsys, "students", "import", "--data", str(data_dir), "--uai", LYCEE_UAI, str(path)
    )
    assert all(word in error for word in words)
    assert students(capsys, data_dir) == []


def test_a_first_import_creates_the_school_which_org_edit_names(data_dir, capsys, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(excel_csv([["nom"]]))
    error = run_refused(
        capsys, "students", "import", "--data", str(data_dir), "--uai", LYCEE_UAI, str(path)
    )
    assert "« prénom » introuvable" in error
    schools = ["org", "list", "--data", str(data_dir), "--json"]
    assert [org["uai"] for org in run_json(capsys, *schools)] == ["0000000A"]  # nothing created
    summary = import_file(capsys, data_dir, tmp_path, "a.xml", siecle_xml(LYCEE_UAI, CLASS_TG1[:1]))
    assert summary["school_created"] and summary["created"] == 1
    created = run_json(capsys, *schools)[1]
    assert (created["uai"], created["name"], created["kind"]) == (
        LYCEE_UAI,
        f"Établissement {LYCEE_UAI}",
        "other",
    )
    edited = run_json(
        capsys,
        "org",
        "edit",
        "--data",
        str(data_dir),
        "--uai",
        LYCEE_UAI,
        "--name",
        "Lycée Jean Moulin",
        "--type",
        "lycée",
        "--default",
        "--json",
    )
    assert edited == {
        "uai": LYCEE_UAI,
        "name": "Lycée Jean Moulin",
        "kind": "lycee",
        "is_default": True,
    }
    assert [org["is_default"] for org in run_json(capsys, *schools)] == [False, True]
    error = run_refused(capsys, "students", "list", "--data", str(data_dir), "--uai", "0999999Z")
    assert "Établissement inconnu" in error and "Unknown school" in error


def test_a_session_from_a_class_carries_grade_and_expected_level(data_dir, capsys, tmp_path):
    add_school(capsys, data_dir)
    import_file(capsys, data_dir, tmp_path, "a.xml", siecle_xml(LYCEE_UAI, CLASS_TG1))
    created = run_json(
        capsys,
        "session",
        "create",
        "--data",
        str(data_dir),
        "--uai",
        LYCEE_UAI,
        "--class",
        "TG1",
        "--room",
        "B12",
        "--date",
        "2026-06-12",
        "--time",
        "09:00",
        "--json",
    )
    assert (created["uai"], created["enrolled"]) == (LYCEE_UAI, 2)
    rows = run_json(
        capsys,
        "export",
        "--data",
        str(data_dir),
        "--session",
        created["session_id"],
        "--format",
        "json",
    )
    assert [(r["last_name"], r["first_names"], r["grade"], r["expected_level"]) for r in rows] == [
        ("DUPONT", "Maëlle Rose", "Tle", 4),
        ("N'DIAYE", "Aïssatou", "Tle", 4),
    ]
    assert rows[0]["centre"] == "Lycée Jean Moulin" and rows[0]["ine"] == "123456789AB"
    enrolled = run_json(
        capsys,
        "session",
        "enrol",
        "--data",
        str(data_dir),
        "--session",
        created["session_id"],
        "--class",
        "TG1",
        "--student",
        "11223344556",
        "--json",
    )
    assert enrolled["enrolled"] == 1  # the class is there already; the 3e student is added
    listed = run_json(
        capsys, "session", "list", "--data", str(data_dir), "--uai", LYCEE_UAI, "--json"
    )
    assert [(s["session_id"], s["candidate_count"]) for s in listed] == [(created["session_id"], 3)]
    error = run_refused(
        capsys,
        "session",
        "create",
        "--data",
        str(data_dir),
        "--uai",
        LYCEE_UAI,
        "--class",
        "TZ9",
        "--room",
        "B",
        "--date",
        "2026-06-12",
        "--time",
        "09:00",
    )
    assert "TG1" in error and "TZ9" in error
    assert len(run_json(capsys, "session", "list", "--data", str(data_dir), "--json")) == 1


def test_sessions_without_uai_belong_to_the_default_school(data_dir, capsys):
    created = run_json(
        capsys,
        "session",
        "create",
        "--data",
        str(data_dir),
        "--centre",
        "Collège",
        "--room",
        "CDI",
        "--date",
        "2025-06-12",
        "--time",
        "14:30",
        "--json",
    )
    assert set(created) == {"session_id", "session_number", "access_code", "invigilator_code"}
    (listed,) = run_json(capsys, "session", "list", "--data", str(data_dir), "--json")
    assert listed["uai"] == "0000000A"
    # A new default school: the session stays with the school it was planned for.
    add_school(capsys, data_dir)
    run_json(
        capsys,
        "org",
        "create",
        "--data",
        str(data_dir),
        "--uai",
        "0931234J",
        "--name",
        "Collège Rosa Parks",
        "--type",
        "collège",
        "--default",
        "--json",
    )
    (listed,) = run_json(capsys, "session", "list", "--data", str(data_dir), "--json")
    assert listed["uai"] == "0000000A"


def test_sessions_are_edited_and_deleted_only_before_they_start(data_dir, capsys, tmp_path):
    add_school(capsys, data_dir)
    import_file(capsys, data_dir, tmp_path, "a.xml", siecle_xml(LYCEE_UAI, CLASS_TG1))
    plan = [
        "--data",
        str(data_dir),
        "--uai",
        LYCEE_UAI,
        "--class",
        "TG1",
        "--room",
        "B12",
        "--date",
        "2026-06-12",
        "--time",
        "09:00",
        "--json",
    ]
    first = run_json(capsys, "session", "create", *plan)
    second = run_json(capsys, "session", "create", *plan)
    base = ["--data", str(data_dir), "--session", first["session_id"]]
    assert run_json(capsys, "session", "list", "--data", str(data_dir), "--json")
    error = run_refused(capsys, "session", "edit", *base, "--time", "25:00")
    assert "HH:MM" in error
    from server_stub.commands import main as pix_server

    assert pix_server(["session", "edit", *base, "--room", "C3", "--date", "2026-06-13"]) == 0
    capsys.readouterr()
    edited = {
        s["session_id"]: s
        for s in run_json(capsys, "session", "list", "--data", str(data_dir), "--json")
    }
    assert (edited[first["session_id"]]["room"], edited[first["session_id"]]["date"]) == (
        "C3",
        "2026-06-13",
    )
    # A candidate checks in: the session has started.
    database = DataDir(data_dir).open_database()
    try:
        candidates = database.tables["candidates"]
        with database.write() as connection:
            connection.execute(
                update(candidates)
                .where(candidates.c.session_id == second["session_id"])
                .values(checked_in_at=1.0, status="waiting")
            )
    finally:
        database.close()
    for action in (["edit", "--room", "D"], ["delete"]):
        error = run_refused(
            capsys,
            "session",
            action[0],
            "--data",
            str(data_dir),
            "--session",
            second["session_id"],
            *action[1:],
        )
        assert "a commencé" in error and "has started" in error
    assert pix_server(["session", "delete", *base]) == 0
    assert "2 candidat" in capsys.readouterr().out
    remaining = run_json(capsys, "session", "list", "--data", str(data_dir), "--json")
    assert [s["session_id"] for s in remaining] == [second["session_id"]]
    error = run_refused(capsys, "session", "delete", *base)
    assert "Session introuvable" in error

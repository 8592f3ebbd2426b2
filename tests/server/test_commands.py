"""The `pix-server` commands on a real data directory (and `serve` as a real process)."""

import json
import os
import re
import stat
import subprocess
import sys
import time

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from engine.keys import public_key_b64
from server_stub.codes import ACCESS_DIGITS, ACCESS_LETTERS, INVIGILATOR_ALPHABET
from server_stub.commands import main as pix_server
from server_stub.commands.serve import LISTENING
from server_stub.datadir import DataDir
from server_stub.enrolment import enrol_device
from server_stub.errors import ApiError


def new_device_keys() -> tuple[str, str]:
    """A lab PC's public keys as it sends them at enrolment."""
    return (
        public_key_b64(Ed25519PrivateKey.generate().public_key()),
        public_key_b64(X25519PrivateKey.generate().public_key()),
    )


HEADER = "last_name,first_names,birth_date,ine,extra_time_percent,accessibility_adjustment"


def create_session(data_dir, capsys, *extra: str) -> dict:
    args = ["session", "create", "--data", str(data_dir), "--centre", "Collège Rosa Parks"]
    args += ["--room", "CDI", "--date", "2025-06-12", "--time", "14:30", "--json", *extra]
    assert pix_server(args) == 0
    return json.loads(capsys.readouterr().out)


def test_init_makes_private_keys_and_refuses_to_run_twice(data_dir, capsys):
    directory = DataDir(data_dir)
    for path in (
        directory.server_key_path,
        directory.publisher_key_path,
        directory.admin_token_path,
    ):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = directory.server_key_path.read_bytes()
    assert pix_server(["init", "--data", str(data_dir), "--no-calibrate"]) == 1
    error = capsys.readouterr().err
    assert "déjà" in error and "already" in error and "Traceback" not in error
    assert directory.server_key_path.read_bytes() == before


def test_session_create_prints_the_codes(data_dir, capsys):
    created = create_session(data_dir, capsys, "--invigilator", "Mme Curie", "--mode", "pix")
    assert set(created) == {"session_id", "session_number", "access_code", "invigilator_code"}
    assert created["session_id"] == str(created["session_number"])
    code = created["access_code"]
    assert all(c in ACCESS_LETTERS for c in code[:4]) and all(c in ACCESS_DIGITS for c in code[4:])
    assert len(created["invigilator_code"]) == 6
    assert all(c in INVIGILATOR_ALPHABET for c in created["invigilator_code"])


def test_session_create_explains_a_bad_date(data_dir, capsys):
    args = ["session", "create", "--data", str(data_dir), "--centre", "C", "--room", "R"]
    assert pix_server([*args, "--date", "12/06/2025", "--time", "14:30"]) == 1
    error = capsys.readouterr().err
    assert "YYYY-MM-DD" in error and "erreur" in error and "error" in error


def test_candidates_import_accepts_the_french_header_and_a_bom(data_dir, capsys, tmp_path):
    session = create_session(data_dir, capsys)
    french = tmp_path / "eleves.csv"
    french.write_text(
        "\ufeffnom;prenoms;date_naissance;ine;tiers_temps_pourcent;amenagement_accessibilite\n"
        "Lefèvre;Jeanne Marie;03/04/2010;123456789AB;33;true\n"
        "Nguyen;Bao;17/11/2009;;0;false\n",
        encoding="utf-8",
    )
    args = ["candidates", "import", "--data", str(data_dir), "--session", session["session_id"]]
    assert pix_server([*args, str(french)]) == 0
    assert "2" in capsys.readouterr().out
    exported = export(data_dir, capsys, session["session_id"], "json")
    assert [(row["last_name"], row["birth_date"], row["status"]) for row in exported] == [
        ("Lefèvre", "2010-04-03", "pending"),
        ("Nguyen", "2009-11-17", "pending"),
    ]


def test_a_bad_candidates_file_lists_every_bad_line_and_imports_nothing(data_dir, capsys, tmp_path):
    session = create_session(data_dir, capsys)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"{HEADER}\n"
        "Dupont,Marie,2008-01-10,INE1,0,false\n"
        ",Paul,2008-02-30,INE2,150,maybe\n"
        "Dupont,Marie,2008-01-10,INE3,0,false\n"
        "Martin,Léa,2008-05-05\n",
        encoding="utf-8",
    )
    args = ["candidates", "import", "--data", str(data_dir), "--session", session["session_id"]]
    assert pix_server([*args, str(bad)]) == 1
    error = capsys.readouterr().err
    for line in ("ligne 3", "line 3", "ligne 4", "line 4", "ligne 5", "line 5"):
        assert line in error
    assert "ligne 2 :" not in error and "line 2:" not in error
    assert "nom manquant" in error and "last name missing" in error
    assert "tiers-temps" in error and "extra time" in error
    assert "en double" in error and "duplicate" in error
    assert export(data_dir, capsys, session["session_id"], "json") == []


def test_device_tokens_enrol_at_most_their_devices_within_their_validity(data_dir, capsys):
    assert pix_server(["device", "token", "--data", str(data_dir), "--devices", "2"]) == 0
    token = capsys.readouterr().out.strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{40,}", token)
    db = DataDir(data_dir).open_database()
    try:
        now = time.time()
        for _ in range(2):
            signing, exchange = new_device_keys()
            enrol_device(
                db,
                enrolment_token=token,
                label="",
                signing_key=signing,
                exchange_key=exchange,
                now=now,
            )
        signing, exchange = new_device_keys()
        with pytest.raises(ApiError) as used_up:
            enrol_device(
                db,
                enrolment_token=token,
                label="",
                signing_key=signing,
                exchange_key=exchange,
                now=now,
            )
        assert used_up.value.code == "enrolment_token_used_up"
        assert pix_server(["device", "token", "--data", str(data_dir), "--valid-hours", "1"]) == 0
        short = capsys.readouterr().out.strip()
        with pytest.raises(ApiError) as expired:
            enrol_device(
                db,
                enrolment_token=short,
                label="",
                signing_key=signing,
                exchange_key=exchange,
                now=time.time() + 3601,  # an hour after the token (the command's own clock)
            )
        assert expired.value.code == "enrolment_token_expired"
    finally:
        db.close()


def export(data_dir, capsys, session_id: str, form: str):
    args = ["export", "--data", str(data_dir), "--session", session_id, "--format", form]
    assert pix_server(args) == 0
    out = capsys.readouterr().out
    return json.loads(out) if form == "json" else out


def test_export_csv_has_one_column_per_competence(data_dir, capsys, tmp_path):
    session = create_session(data_dir, capsys)
    good = tmp_path / "good.csv"
    good.write_text(f"{HEADER}\nDupont,Marie,2008-01-10,INE1,0,false\n", encoding="utf-8")
    args = ["candidates", "import", "--data", str(data_dir), "--session", session["session_id"]]
    assert pix_server([*args, str(good)]) == 0
    capsys.readouterr()
    header, row = export(data_dir, capsys, session["session_id"], "csv").splitlines()
    columns = header.split(",")
    assert columns[:5] == ["last_name", "first_names", "birth_date", "ine", "status"]
    assert sum(column.startswith("competence_") for column in columns) == 16
    assert row.startswith("Dupont,Marie,2008-01-10,INE1,pending")


def test_serve_prints_its_url_and_answers(data_dir):
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from server_stub.commands import main; main()",
            "serve",
            "--data",
            str(data_dir),
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    try:
        first_line = process.stdout.readline()
        match = re.fullmatch(rf"{LISTENING} (http://127\.0\.0\.1:(\d+))\n", first_line)
        assert match, first_line
        health = httpx.get(f"{match.group(1)}/api/v1/health", timeout=10).json()
        assert health["status"] == "ok"
        keys = httpx.get(f"{match.group(1)}/api/v1/keys", timeout=10).json()
        assert keys["server_key_fingerprint"].count("-") == 4
    finally:
        process.terminate()
        process.wait(timeout=20)

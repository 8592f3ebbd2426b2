"""The certification lead's tools: the console's lead area (create, import with a line-by-line
report, print the session sheet) and the two `pix-server` document commands."""

import argparse
import subprocess

from kiosk.robot import RobotSettings, read_candidates_csv, run_robots
from server_stub.commands import certificate as certificate_command
from server_stub.commands import main as pix_server
from server_stub.commands import session_sheet as session_sheet_command

GOOD_CSV = (
    "nom,prenoms,date_naissance,ine,tiers_temps_pourcent,amenagement_accessibilite\n"
    "Dupont,Marie,04/04/2009,123456789AB,33,non\n"
    "Élie,Étienne,05/05/2009,123456789AC,0,oui\n"
    "N'Diaye,Aïssatou,06/06/2009,123456789AD,0,non\n"
)
BAD_CSV = (
    "nom,prenoms,date_naissance,ine,tiers_temps_pourcent,amenagement_accessibilite\n"
    "Dupont,Marie,31/02/2009,123456789AB,33,non\n"
    ",Étienne,05/05/2009,123456789AC,0,oui\n"
    "N'Diaye,Aïssatou,06/06/2009,123456789AD,cent,non\n"
)


def pdf_text(path) -> str:
    completed = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(completed.stdout.split())


def test_lead_creates_imports_and_prints(console, drive, server, tmp_path, shot):
    window = console.window
    lead = window.lead
    drive.inside(window.sign_in.to_lead.click)
    assert window.stack.currentWidget() is lead
    assert not lead.create_button.isEnabled()

    lead.token.edit.setText("not-the-token")
    drive.inside(lead.connect_button.click)
    drive.until(lambda: not console.controller.busy)
    assert "Authentification requise" in lead.access_error.text()
    lead.token.edit.setText(server.admin_token)
    drive.inside(lead.connect_button.click)
    drive.until(lambda: lead.create_button.isEnabled())

    lead.centre.edit.setText("Collège Jean Moulin")
    lead.room.edit.setText("Salle B12")
    lead.invigilator.edit.setText("Mme Martin")
    drive.inside(lead.create_button.click)
    drive.until(lambda: lead.created.isVisible())
    assert "Code d'accès candidats :" in lead.created.text()
    session_id = lead.import_session.edit.text()
    assert session_id and lead.sheet_session.edit.text() == session_id

    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    good.write_text(GOOD_CSV, encoding="cp1252")  # as older spreadsheets save it
    lead.csv_path.edit.setText(str(bad))
    drive.inside(lead.import_button.click)
    drive.until(lambda: lead.import_lines.isVisible())
    refused = [lead.import_lines.item(i).text() for i in range(lead.import_lines.count())]
    assert [line.split(" :")[0] for line in refused] == ["ligne 2", "ligne 3", "ligne 4"]
    assert "aucun candidat importé" in lead.import_error.text()
    lead.csv_path.edit.setText(str(good))
    drive.inside(lead.import_button.click)
    drive.until(lambda: lead.imported.isVisible())
    assert lead.imported.text() == "3 candidat(s) importé(s)."
    drive.inside(lambda: shot(lead.scroll.widget(), "lead"))

    drive.inside(lead.sheet_button.click)
    drive.until(lambda: lead.sheet_saved.isVisible())
    sheet = console.documents / f"fiche-session-{session_id}.pdf"
    assert console.opened == [sheet]
    text = pdf_text(sheet)
    assert "Liste d'émargement" in text and "ÉLIE Étienne" in text and "Mme Martin" in text

    # The same sheet from the command line, in English.
    out = tmp_path / "sheet-en.pdf"
    args = argparse.Namespace(data=server.data, session=session_id, out=out, lang="en")
    assert session_sheet_command.run(args) == 0
    assert "Attendance sign-in list" in pdf_text(out)


def test_certificate_command_prints_a_published_certificate(server, plan, drive, tmp_path, capsys):
    planned = plan(2)
    settings = RobotSettings(
        server.url, planned.session_number, planned.access_code, planned.enrol_token, seed=5
    )
    summary = drive.run(
        run_robots(
            settings,
            read_candidates_csv(planned.csv_text),
            planned.invigilator_code,
            tmp_path / "robots",
            count=2,
            finalize=True,
        )
    )
    assert summary["session_state"] == "finalised", summary
    assert pix_server(["session", "publish", "--data", str(server.data), "--session",
                       planned.session_id]) == 0  # fmt: skip
    rows = server.admin("GET", f"/sessions/{planned.session_id}/export").json()
    row = next(row for row in rows if row["verification_code"])
    out = tmp_path / "certificate.pdf"
    args = argparse.Namespace(
        data=server.data,
        code=row["verification_code"],
        out=out,
        lang="fr",
        public_url="https://pix.lycee-jean-moulin.fr",
    )
    assert certificate_command.run(args) == 0
    text = pdf_text(out)
    assert row["verification_code"] in text and f"{row['score']} sur 895 pix" in text
    url = f"https://pix.lycee-jean-moulin.fr/certificates/{row['verification_code']}"
    assert url in text.replace(" ", "")  # the URL may wrap at a slash
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert [line.split()[1] for line in info.splitlines() if line.startswith("Pages:")] == ["1"]

    missing = argparse.Namespace(
        data=server.data, code="P-BCDFGHJK", out=tmp_path / "x.pdf", lang="fr", public_url="x"
    )
    wrapped = certificate_command.reporting_failures(certificate_command.run)
    assert wrapped(missing) == 1
    assert "Aucun certificat ne correspond" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()

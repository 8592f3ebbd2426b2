"""The attendance and incident report: counts, outcomes with reasons, incidents in time order."""

import dataclasses

from server_stub.documents import render_attendance_report


def test_report_counts_and_lists_everything(tmp_path, report_data, read_pdf):
    out = tmp_path / "report.pdf"
    render_attendance_report(report_data, out)
    text, pages = read_pdf(out)
    assert pages >= 1
    flat = " ".join(text.split())
    assert "Procès-verbal de session" in flat
    assert "Session finalisée le 12 mars 2026, 16 h 20" in flat
    for expected in (
        "Interrompu",
        "problème technique",
        "abandon du candidat",
        "Absent",
        "Non terminé",
        "12 / 32",
        "25 / 32",
        "Annulée",
        "Validée",
        "En attente",
        "Problème sur une question",
        "L'image ne s'affiche pas",
        "Poste verrouillé",
        "toute la salle",
        "Poste PC03 à vérifier.",
    ):
        assert expected in flat, expected
    assert flat.index("Alt+Tab") < flat.index("Question 12") < flat.index("Alarme incendie")


def test_provisional_report_in_english(tmp_path, report_data, read_pdf):
    out = tmp_path / "report-en.pdf"
    provisional = dataclasses.replace(report_data, finalised_at=None, incidents=(), comment="")
    render_attendance_report(provisional, out, lang="en")
    flat = " ".join(read_pdf(out)[0].split())
    assert "Session not finalised: this report is provisional." in flat
    assert "No incident reported." in flat and "No remarks." in flat
    assert "technical problem" in flat

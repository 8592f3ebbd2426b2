"""The attendance and incident report: counts, outcomes with reasons, incidents in time order."""

import dataclasses

from server_stub.documents import Incident, render_attendance_report


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


def _with_invigilator_actions(report_data, remarks: str):
    """The fixture's report with extra time and an absence logged among the other incidents."""
    at = report_data.finalised_at.replace
    actions = (
        Incident(at(hour=14, minute=30), "ZOLA Émile", "EXTRA_TIME", description="+10 min"),
        Incident(at(hour=14, minute=3), "ÉLIE Étienne", "MARKED_ABSENT"),
    )
    return dataclasses.replace(
        report_data, incidents=report_data.incidents + actions, comment=remarks
    )


def test_remarks_and_invigilator_actions_in_time_order(tmp_path, report_data, read_pdf):
    out = tmp_path / "report-actions.pdf"
    remarks = "Coupure réseau de 14 h 10 à 14 h 12.\nPC03 à vérifier <urgent> & à suivre."
    render_attendance_report(_with_invigilator_actions(report_data, remarks), out)
    flat = " ".join(read_pdf(out)[0].split())
    assert "Remarques des surveillants" in flat
    assert "Coupure réseau de 14 h 10 à 14 h 12. PC03 à vérifier <urgent> & à suivre." in flat
    assert "Aucune remarque." not in flat
    in_order = (
        "Déclaré absent",  # 14:03
        "Alt+Tab",  # 14:20
        "Question 12",  # 14:25
        "Temps supplémentaire accordé",  # 14:30
        "Alarme incendie",  # 15:00
    )
    positions = [flat.index(text) for text in in_order]
    assert positions == sorted(positions), positions
    assert "+10 min" in flat and "14 h 30" in flat and "14 h 03" in flat


def test_no_remarks_and_invigilator_actions_in_english(tmp_path, report_data, read_pdf):
    out = tmp_path / "report-actions-en.pdf"
    render_attendance_report(_with_invigilator_actions(report_data, ""), out, lang="en")
    flat = " ".join(read_pdf(out)[0].split())
    assert "Invigilators' remarks" in flat and "No remarks." in flat
    assert flat.index("Marked absent") < flat.index("Extra time given") < flat.index("Alarme")
    assert "14:30" in flat and "+10 min" in flat


def test_no_remarks_in_french(tmp_path, report_data, read_pdf):
    out = tmp_path / "report-no-remarks.pdf"
    render_attendance_report(dataclasses.replace(report_data, comment=""), out)
    assert "Aucune remarque." in " ".join(read_pdf(out)[0].split())

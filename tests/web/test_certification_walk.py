"""The issue's walk in one go, in Debian's Chromium against a real server on loopback: a lead
signs in, imports the roster and plans a session from a class; real `pix-kiosk robot`
processes sit it (one of them loses the network long enough to be held for review, another gets
an issue report); the invigilator finalises from the console API (and cannot publish); a
reviewer decides in the web pages (a decision without a reason is refused, a wrong answer is
neutralised and the exam re-scored, then validated); the lead publishes once nothing is pending
and reads the class's results, CSV and attestations PDF.

Every step is screenshot (tmp_path, and docs/screenshots/web-*.png when PIX_WEB_SCREENSHOTS
names that folder) and checked with axe."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from server_stub.enrolment import create_enrolment_token
from server_stub.schools.audit import entries
from server_stub.schools.sessions import list_sessions
from tests.web.conftest import FIXTURES, WebSchool, quiet
from tests.web.test_web_space import LAPTOP, TABLET, axe_violations

REVIEWER = "relecteur@academie-paris.fr"
REVIEWER_PASSWORD = "another horse battery staple"
ROOT = Path(__file__).resolve().parents[2]
CONSOLE = "/api/v1/console"


class Shots:
    """Screenshots of each step, checked with axe as they are taken."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        docs = os.environ.get("PIX_WEB_SCREENSHOTS")
        self.docs = Path(docs) if docs else None
        folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, page, name: str) -> None:
        page.screenshot(path=self.folder / f"web-{name}.png", full_page=True)
        if self.docs is not None:
            page.screenshot(path=self.docs / f"web-{name}.png")
        assert axe_violations(page) == [], name


def sign_in(page, school: WebSchool, login: str, password: str) -> None:
    page.goto(school.url("/web/"))
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/web/home")


def robots(
    school: WebSchool, codes: dict, csv: Path, token: str, seed: int, *options: str
) -> subprocess.Popen:
    """A `pix-kiosk robot` process sitting the candidates of `csv`."""
    return subprocess.Popen(
        [
            sys.executable, "-m", "kiosk", "robot",
            "--server", school.server.url,
            "--session", codes["number"],
            "--access-code", codes["access"],
            "--invigilator-code", codes["invigilator"],
            "--candidates-csv", str(csv),
            "--enroll-token", token,
            "--seed", str(seed),
            "--json",
            *options,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


def finished(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    summary = json.loads(out)
    assert summary["failed"] == [], summary
    return summary


def candidates_of(school: WebSchool, session_id: str) -> list:
    db = school.server.ctx.db
    table = db.tables["candidates"]
    with db.read() as connection:
        return connection.execute(
            select(table).where(table.c.session_id == session_id).order_by(table.c.last_name)
        ).all()


@pytest.mark.browser
def test_sign_in_roster_session_robots_review_publication_results(
    school: WebSchool, browser, tmp_path
):
    data = str(school.server.data_dir)
    quiet("account", "create", "--data", data, "--login", REVIEWER, "--name", "M. Relecteur",
          "--password", REVIEWER_PASSWORD, "--role", "reviewer", "--uai", school.uai)  # fmt: skip
    shot = Shots(tmp_path / "shots")
    lead = browser.new_context(viewport=LAPTOP, locale="fr-FR", accept_downloads=True)
    page = lead.new_page()
    page.set_default_timeout(20_000)

    # 1. The lead signs in and imports the roster.
    sign_in(page, school, school.login, school.password)
    shot(page, "01-home")
    page.click("main >> text=Élèves")
    page.set_input_files("#roster", str(FIXTURES / "roster_3e.csv"))
    page.click("text=Importer >> nth=-1")
    assert "4 créé(s)" in page.locator(".notice").inner_text()
    shot(page, "02-roster")

    # 2. A session from class 3e B; the browser lands on the session's own page (a redirect),
    # so reloading it plans nothing more.
    page.click("nav >> text=Sessions")
    page.select_option("#division", "3e B")
    page.fill("#exam-date", "2026-06-12")
    page.fill("#start-time", "09:00")
    page.fill("#room", "B12")
    page.click("text=Créer la session")
    assert "3 candidat(s) inscrit(s)" in page.locator(".notice").inner_text()
    shot(page, "03-session-created")
    page.reload()
    assert len(list_sessions(school.server.ctx.db, school.uai)) == 1
    codes = dict(
        zip(
            ("number", "access", "invigilator"),
            page.locator(".codes dd.code").all_inner_texts(),
            strict=True,
        )
    )
    session_id = codes["number"]

    # 3. Robots sit it: real `pix-kiosk robot` processes. Two sit it calmly; then the third
    # one's PC loses the network for longer than the server's threshold, lowered for the test
    # once the others are done (held for review: an offline stretch).
    sitting = candidates_of(school, session_id)
    header = "last_name,first_names,birth_date,ine,extra_time_percent,accessibility_adjustment\n"
    lines = [f"{c.last_name},{c.first_names},{c.birth_date},{c.ine},0,false\n" for c in sitting]
    offline_csv, online_csv = tmp_path / "offline.csv", tmp_path / "online.csv"
    offline_csv.write_text(header + lines[0], encoding="utf-8")
    online_csv.write_text(header + "".join(lines[1:]), encoding="utf-8")
    token = create_enrolment_token(
        school.server.ctx.db, max_devices=3, valid_hours=1, now=school.server.clock()
    )
    assert finished(robots(school, codes, online_csv, token, 3, "--count", "2"))["completed"] == 2
    school.server.ctx.offline_review_s = 2.0
    cut = robots(school, codes, offline_csv, token, 8, "--offline-after", "4", "--offline-for", "5")
    assert finished(cut)["completed"] == 1

    # 4. The invigilator reports an issue for the second candidate, cannot publish, finalises.
    reported = sitting[1]
    with httpx.Client(base_url=school.server.url + CONSOLE) as console:
        signed = console.post(
            "/sign-in",
            json={"session_number": int(codes["number"]), "invigilator_code": codes["invigilator"]},
        )
        console.headers["Authorization"] = f"Bearer {signed.json()['token']}"
        report = console.post(
            f"/sessions/{session_id}/candidates/{reported.candidate_id}/issue-reports",
            json={
                "category": "NON_BLOCKING_TECHNICAL_ISSUE",
                "description": "Écran figé deux minutes",
            },
        )
        assert report.status_code == 200, report.text
        refused = console.post(f"/sessions/{session_id}/publish")
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "publication_by_lead"
        finalised = console.post(f"/sessions/{session_id}/finalise")
        assert finalised.status_code == 200, finalised.text

    # 5. The lead's publication page lists what is pending, and offers no button yet.
    page.goto(school.url(f"/web/schools/{school.uai}/sessions"))
    page.click(f"main >> text={codes['number']}")
    page.click("text=Relecture et publication")
    pending = page.locator("ul.pending").inner_text()
    assert sitting[0].last_name in pending and "longue coupure réseau" in pending
    assert reported.last_name in pending and "signalements du surveillant" in pending
    assert page.locator("text=Publier les résultats").count() == 0
    shot(page, "04-publication-pending")

    # 6. The reviewer's queue and a certification's evidence.
    reviewer = browser.new_context(viewport=LAPTOP, locale="fr-FR")
    desk = reviewer.new_page()
    desk.set_default_timeout(20_000)
    sign_in(desk, school, REVIEWER, REVIEWER_PASSWORD)
    desk.click("nav >> text=Revue")
    assert desk.locator("table.queue tbody tr").count() == 2
    shot(desk, "05-review-queue")
    desk.click(f"table.queue >> text={reported.last_name}")
    evidence = desk.locator("main").inner_text()
    assert "Incident technique non bloquant" in evidence and "Écran figé deux minutes" in evidence
    assert "NON_BLOCKING_TECHNICAL_ISSUE" not in evidence  # the label, not the code
    assert "Vérifié" in evidence and "Réponses rejouées (32)" in evidence
    shot(desk, "06-evidence")

    # A decision without a reason is refused, in French and English, and changes nothing.
    desk.check("#decision-validate")
    desk.click("text=Enregistrer la décision")
    errors = desk.locator("#error-summary").inner_text()
    assert "Saisissez le motif" in errors and "Type the reason" in errors
    shot(desk, "07-decision-refused")

    # Neutralise a wrong answer (the exam is re-scored), then validate.
    score_before = int(desk.locator("dt:text-is('Score') + dd").inner_text())
    desk.check("#decision-neutralise")
    wrong = desk.locator("#item-id option").nth(1).get_attribute("value")
    desk.select_option("#item-id", wrong)
    desk.fill("#reason", "Page bloquée pendant la question selon le surveillant")
    desk.click("text=Enregistrer la décision")
    assert "Décision enregistrée" in desk.locator(".notice").inner_text()
    assert int(desk.locator("dt:text-is('Score') + dd").inner_text()) >= score_before
    desk.check("#decision-validate")
    desk.fill("#reason", "Incident sans effet sur le résultat")
    desk.click("text=Enregistrer la décision")
    assert "validée" in desk.locator("dt:text-is('Décision') + dd").inner_text()
    shot(desk, "08-evidence-decided")

    desk.click("text=Retour aux certifications à relire")
    desk.click(f"table.queue >> text={sitting[0].last_name}")
    assert "Plus longue coupure" in desk.locator("main").inner_text()
    # This one with the keyboard alone, on a tablet, in English.
    desk.set_viewport_size(TABLET)
    desk.click("a.lang-switch")
    assert desk.locator("h2#decide-title").inner_text() == "Decide"
    shot(desk, "09-evidence-tablet-en")
    desk.focus("#decision-validate")
    desk.keyboard.press("Space")
    desk.focus("#reason")
    desk.keyboard.type("Network outage on the PC; every answer arrived and verified")
    desk.keyboard.press("Tab")
    assert desk.evaluate("document.activeElement.type") == "submit"
    desk.keyboard.press("Enter")
    desk.wait_for_selector(".notice")
    assert "validated" in desk.locator("dt:text-is('Decision') + dd").inner_text()
    desk.click("a.lang-switch")
    desk.set_viewport_size(LAPTOP)
    desk.click("text=Retour aux certifications à relire")
    assert "Aucune certification en attente" in desk.locator("main").inner_text()
    shot(desk, "10-review-queue-empty")
    reviewer.close()

    # 7. The lead publishes; reloading the page publishes nothing twice.
    page.reload()
    assert "Plus rien n'attend" in page.locator("main").inner_text()
    page.click("text=Publier les résultats")
    assert "publiée" in page.locator(".notice").inner_text()
    shot(page, "11-published")
    page.reload()
    assert len(entries(school.server.ctx.db, action_prefix="session.publish")) == 1

    # 8. The class's results, their CSV and the attestations in one PDF.
    page.click("nav >> text=Résultats")
    page.select_option("#class", "3e B")
    page.click("text=Afficher")
    table = page.locator("table.results")
    assert table.locator("tbody tr").count() == 3
    assert table.inner_text().count("validée") == 3
    shot(page, "12-results")
    with page.expect_download() as download:
        page.click("text=Télécharger le CSV de la classe")
    sheet = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    assert sheet.count("\n") >= 4
    with page.expect_download() as download:
        page.click("text=Télécharger les attestations de la classe (PDF)")
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 3
    lead.close()
    print(f"screenshots: {shot.folder}")

"""Practice before certification day, walked in Debian's Chromium against a real server on
loopback: a teacher creates a profile-collection campaign for a class and gets its sheet; two
students sign in with their first-login codes, choose their password (the code then stops
working) and train — one strong, one weak, answers chosen from the correction, one of them
with the keyboard only — see their Pix profile and send it, while the teacher's campaign page
follows them live; the teacher reads the heat map and each student's certifiability, gives a
student a new code, and sees the badge beside each candidate when enrolling the class in a
session. Every page is screenshot and checked with axe (no serious or critical violation)."""

import re

import pytest

from engine.training import correction, load_practice_bank, public_item
from tests.web.conftest import UAI, WebSchool, quiet
from tests.web.test_web_space import LAPTOP, TABLET, look

BANK = load_practice_bank()
TEACHER, TEACHER_PASSWORD = "prof.martin@lycee.fr", "un mot de passe de prof"
ROSTER = (
    "nom;prénom;date de naissance;INE;classe;niveau\r\n"
    "Dupont;Marie;12/03/2008;123456789AB;Tle 2;Tle\r\n"
    "N'Diaye;Aïssatou;05/11/2008;98765432101;Tle 2;Tle\r\n"
    "Lefèvre;Étienne;28/02/2008;11223344556;Tle 2;Tle\r\n"
).encode("cp1252")


@pytest.fixture
def teacher(school: WebSchool, tmp_path) -> WebSchool:
    data = str(school.server.data_dir)
    roster = tmp_path / "roster.csv"
    roster.write_bytes(ROSTER)
    quiet("students", "import", "--data", data, "--uai", UAI, str(roster))
    quiet("account", "create", "--data", data, "--login", TEACHER, "--name", "M. Martin",
          "--password", TEACHER_PASSWORD, "--role", "teacher", "--uai", UAI)  # fmt: skip
    return school


def _answer(page, strong: bool, keyboard: bool) -> bool:
    """Answer the question on screen, right (strong) or wrong (weak); False once it is over."""
    if page.locator("input[name=item_id]").count() == 0:
        return False
    item_id = page.locator("input[name=item_id]").get_attribute("value")
    item, right = public_item(BANK, item_id), correction(BANK, item_id)["correct_answer"]
    if item["type"] == "QCU":
        chosen = [right if strong else (right + 1) % len(item["choices"])]
    elif item["type"] == "QCM":
        wrong = [i for i in range(len(item["choices"])) if i not in right]
        chosen = right if strong else wrong[:1]
    else:
        values = right if isinstance(right, dict) else {item["fields"][0]["name"]: right}
        for name, value in values.items():
            page.fill(f"#field-{name}", value if strong else "zqxj")
        chosen = []
    for index in chosen:
        if keyboard:
            page.focus(f"#choice-{index}")
            page.keyboard.press("Space")
        else:
            page.check(f"#choice-{index}")
    if keyboard:
        page.locator("form.question button[type=submit]").focus()
        page.keyboard.press("Enter")
    else:
        page.click("text=Valider ma réponse")
    page.wait_for_url("**/feedback")
    return True


def _train(browser, school: WebSchool, login: str, code: str, campaign: str, strong: bool, shots):
    context = browser.new_context(viewport=LAPTOP, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    name = "strong" if strong else "weak"
    page.goto(school.url("/web/practice/"))
    if strong:
        look(page, shots, "practice-student-sign-in")
    page.fill("#login", login)
    page.fill("#code", code)
    page.click("form.card button[type=submit]")
    # The first sign-in: the student chooses their password (the rules said in both languages).
    page.wait_for_url("**/web/practice/password")
    rules = page.locator("#password-rules").inner_text()
    assert "12 caractères" in rules and "12 characters" in rules
    password = f"mon mot de passe {name}"
    if strong:
        look(page, shots, "practice-password")
        page.fill("#password", password)
        page.fill("#confirmation", password + " typo")
        page.click("form.card button[type=submit]")
        errors = page.locator("#error-summary").inner_text()
        assert "pas les mêmes" in errors and "not the same" in errors
        look(page, shots, "practice-password-mismatch")
    page.fill("#password", password)
    page.fill("#confirmation", password)
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/web/practice/home")
    page.fill("#campaign-code", campaign.lower())
    page.click("text=Commencer")
    page.wait_for_url(f"**/web/practice/campaigns/{campaign}")
    answered = 0
    # A question left and come back to is the same question.
    first = page.locator("input[name=item_id]").get_attribute("value")
    page.goto(school.url("/web/practice/home"))
    page.click("text=Continuer l'entraînement")
    assert page.locator("input[name=item_id]").get_attribute("value") == first
    if strong:
        look(page, shots, "practice-question")
    while _answer(page, strong, keyboard=not strong):
        verdict = page.locator("main h1").inner_text()
        assert ("Bonne réponse" in verdict) == strong, verdict
        assert page.locator("main h2", has_text="Pourquoi").count() == 1
        if answered == 0:
            look(page, shots, f"practice-feedback-{name}")
        answered += 1
        page.click("#next")
    assert "Parcours terminé" in page.locator("main").inner_text()
    page.click("text=Voir mon profil et l'envoyer")
    assert page.locator("svg[role=img] title").count() == 1
    assert page.locator("table tbody tr").count() == 16
    look(page, shots, f"practice-profile-{name}")
    page.click("button:has-text('Envoyer mon profil')")
    assert "Profil envoyé" in page.locator(".notice").inner_text()
    # Multiple sendings: it can be sent again.
    assert page.locator("button:has-text('Envoyer mon profil')").count() == 1
    if strong:
        page.set_viewport_size(TABLET)
        look(page, shots, "practice-profile-tablet")
        # Signing in again: the code no longer works, the password does.
        page.click("text=Se déconnecter")
        page.fill("#login", login)
        page.fill("#code", code)
        page.click("form.card button[type=submit]")
        assert "incorrect" in page.locator("#error-summary").inner_text()
        page.fill("#code", password)
        page.click("form.card button[type=submit]")
        page.wait_for_url("**/web/practice/home")
    context.close()
    return answered


@pytest.mark.browser
def test_teacher_campaign_two_students_train_and_the_heat_map(
    teacher: WebSchool, browser, tmp_path
):
    shots = tmp_path / "shots"
    shots.mkdir()
    context = browser.new_context(viewport=LAPTOP, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(teacher.url("/web/"))
    page.fill("#login", TEACHER)
    page.fill("#password", TEACHER_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/web/home")
    assert page.locator("main >> text=Élèves").count() == 0  # a teacher is not a lead
    page.click("main >> text=Campagnes")
    page.click("text=Créer la campagne et sa fiche")  # nothing chosen: both problems listed
    errors = page.locator("#error-summary").inner_text()
    assert "Choisissez au moins une classe" in errors and "Choose at least one class" in errors
    look(page, shots, "practice-campaigns-refused")
    page.check("text=Tle 2")
    page.check("#kind-profiles-collection")
    page.check("#multiple")
    page.fill("#title", "Suivi Tle 2")
    page.click("text=Créer la campagne et sa fiche")
    code = page.locator("dd.code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{9}", code)
    rows = page.locator("table.sheet tbody tr")
    assert rows.count() == 3
    sheet = {}
    for i in range(3):
        cells = rows.nth(i).locator("td, th").all_inner_texts()
        sheet[cells[1]] = (cells[3], cells[4])
    look(page, shots, "practice-sheet")

    # The campaign page follows the students live while they train (no reload).
    page.click("text=Suivre la campagne")
    summary = page.locator("#follow-summary")
    assert summary.get_attribute("aria-live") == "polite"
    assert page.locator("#follow-toggle").is_visible()  # the script runs; it can be paused
    assert "0 ont commencé" in summary.inner_text()
    page.locator("#follow-toggle").focus()

    strong = _train(browser, teacher, *sheet["Dupont"], code, True, shots)
    weak = _train(browser, teacher, *sheet["N'Diaye"], code, False, shots)
    assert strong >= 5 and weak >= 5

    expected = "3 élève(s), 2 ont commencé, 2 ont envoyé leur profil"
    page.wait_for_function(
        "text => document.getElementById('follow-summary').textContent.includes(text)",
        arg=expected,
        timeout=25_000,
    )
    assert page.evaluate("document.activeElement.id") == "follow-toggle"  # focus kept
    dupont = page.locator("tr[data-student]", has_text="Dupont")
    assert dupont.locator("[data-col=sendings]").inner_text() == "1"
    look(page, shots, "practice-follow")
    # A student who forgot their password: a new code, on one reprinted sheet line.
    page.click("button[aria-label^='Nouveau code pour Étienne Lefèvre']")
    assert page.locator("table.sheet tbody tr").count() == 1
    assert "ancien mot de passe ne marche plus" in page.locator(".notice").inner_text()
    look(page, shots, "practice-reset")
    page.goto(teacher.url(f"/web/schools/{UAI}/campaigns/{code}"))
    page.click("text=Résultats (carte de chaleur, élèves)")
    heat = page.locator("table.heat tbody tr")
    assert heat.count() == 1 and "2/3" in heat.inner_text()
    students = page.locator("table.results tbody tr")
    by_name = {students.nth(i).locator("th").inner_text(): students.nth(i) for i in range(3)}
    assert "Certifiable" in by_name["Dupont"].inner_text()
    assert "Pas encore certifiable" in by_name["N'Diaye"].inner_text()
    assert "Pas envoyé" in by_name["Lefèvre"].inner_text()
    look(page, shots, "practice-heat-map")
    page.click("text=Dupont")
    assert page.locator("table.results tbody tr").count() == 1
    page.goto(teacher.url(f"/web/schools/{UAI}/grades"))
    assert "Tle" in page.locator("table.heat tbody").inner_text()
    look(page, shots, "practice-grades")
    page.goto(teacher.url(f"/web/schools/{UAI}/campaigns/{code}"))
    page.click("text=Clôturer la campagne")
    assert "clôturée" in page.locator(".notice").inner_text()
    context.close()

    # The lead enrols the class in a session: a badge beside each candidate.
    lead = browser.new_context(viewport=LAPTOP, locale="fr-FR")
    page = lead.new_page()
    page.goto(teacher.url("/web/"))
    page.fill("#login", teacher.login)
    page.fill("#password", teacher.password)
    page.click("button[type=submit]")
    page.goto(teacher.url(f"/web/schools/{UAI}/sessions"))
    page.select_option("#division", "Tle 2")
    page.fill("#exam-date", "2027-05-12")
    page.fill("#start-time", "09:00")
    page.fill("#room", "B12")
    page.click("text=Créer la session")
    enrolled = page.locator("table tbody").inner_text()
    assert "Certifiable" in enrolled and "Pas encore certifiable" in enrolled
    assert "aucun profil envoyé" in enrolled
    look(page, shots, "practice-enrolment-badges")
    lead.close()

    print(f"screenshots: {shots}")

"""The web space, walked in a real browser (Debian's Chromium driven by Playwright) against a
real server on loopback: sign-in, roster import, a session from a class, the class results, each
page screenshot at a laptop's and a tablet's size and checked with axe; and, over plain HTTP,
the cookie's flags and the CSRF check of every POST."""

import re
from pathlib import Path

import httpx
import pytest

from server_stub.schools.roster import list_students
from tests.web.conftest import FIXTURES, UAI, WebSchool

LAPTOP = {"width": 1280, "height": 800}
TABLET = {"width": 768, "height": 1024}
BLOCKING = {"serious", "critical"}


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page (axe.min.js as bundled by the
    axe-playwright-python package: nothing fetched from the network)."""
    import axe_playwright_python

    script = Path(axe_playwright_python.__file__).with_name("axe.min.js").read_text()
    page.evaluate(script)
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in found
        if v["impact"] in BLOCKING
    ]


def look(page, shots: Path, name: str) -> None:
    """Screenshot the page (full height) and require axe to find nothing serious."""
    page.screenshot(path=shots / f"{name}.png", full_page=True)
    assert axe_violations(page) == [], name


@pytest.mark.browser
def test_a_lead_walks_sign_in_roster_session_and_results(school: WebSchool, browser, tmp_path):
    shots = tmp_path / "shots"
    shots.mkdir()
    context = browser.new_context(viewport=LAPTOP, locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)

    page.goto(school.url("/web/"))
    assert page.locator("html").get_attribute("lang") == "fr"
    look(page, shots, "1-sign-in")

    # A wrong password: the error summary says it in French and English, linked to the field.
    page.fill("#login", school.login)
    page.fill("#password", "not the password at all")
    page.click("button[type=submit]")
    summary = page.locator("#error-summary")
    assert "identifiant ou mot de passe incorrect" in summary.inner_text()
    assert "wrong login or password" in summary.inner_text()
    assert summary.locator("a").get_attribute("href") == "#login"
    look(page, shots, "2-sign-in-refused")

    page.fill("#login", school.login)
    page.fill("#password", school.password)
    page.click("button[type=submit]")
    page.wait_for_url("**/web/home")
    look(page, shots, "3-home")

    # The roster: a file with a bad line imports nothing and lists every problem bilingually.
    page.click("main >> text=Élèves")
    page.set_input_files("#roster", str(FIXTURES / "roster_bad.csv"))
    page.click("text=Importer >> nth=-1")
    errors = page.locator("#error-summary").inner_text()
    assert "ligne 3" in errors and "line 3" in errors
    assert list_students(school.server.ctx.db, school.uai) == []
    look(page, shots, "4-roster-refused")

    page.set_input_files("#roster", str(FIXTURES / "roster_3e.csv"))
    page.click("text=Importer >> nth=-1")
    assert "4 créé(s)" in page.locator(".notice").inner_text()
    assert page.locator("tbody tr").count() == 4
    look(page, shots, "5-roster")

    # A session for class 3e B: its codes are shown once.
    page.click("nav >> text=Sessions")
    page.select_option("#division", "3e B")
    page.fill("#exam-date", "2026-06-12")
    page.fill("#start-time", "09:00")
    page.fill("#room", "B12")
    page.click("text=Créer la session")
    codes = page.locator(".codes").inner_text()
    assert "3 candidat(s) inscrit(s)" in codes
    assert re.search(r"Code d'accès candidats\s+[A-Z0-9]{6}", codes)
    look(page, shots, "6-session-created")
    page.click("text=Retour aux sessions")
    assert page.locator("tbody tr").count() == 1
    look(page, shots, "7-sessions")

    # The class results, and their CSV.
    page.click("nav >> text=Résultats")
    page.select_option("#class", "3e B")
    page.click("text=Afficher")
    table = page.locator("table.results")
    assert table.locator("tbody tr").count() == 3
    assert table.locator("thead th.level").count() == 16
    assert "non certifié" in table.inner_text()
    look(page, shots, "8-results")
    with page.expect_download() as download:
        page.click("text=Télécharger le CSV de la classe")
    sheet = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    assert sheet.splitlines()[0].startswith("Nom;") and "Dupont" in sheet

    # The same pages on a tablet, and in English.
    page.set_viewport_size(TABLET)
    for name, path in (
        ("roster", f"/web/schools/{school.uai}/roster"),
        ("sessions", f"/web/schools/{school.uai}/sessions"),
        ("results", f"/web/schools/{school.uai}/results?class=3e+B"),
    ):
        page.goto(school.url(path))
        look(page, shots, f"tablet-{name}")
    page.click("a.lang-switch")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text().startswith("Results by class")
    look(page, shots, "tablet-results-en")

    # Sign-out ends the session: the pages send back to sign-in.
    page.click("text=Sign out")
    page.goto(school.url(f"/web/schools/{school.uai}/roster"))
    assert page.locator("h1").inner_text() == "Sign in"
    context.close()
    print(f"screenshots: {shots}")


@pytest.mark.browser
def test_sign_in_with_the_keyboard_only(school: WebSchool, browser):
    page = browser.new_page(viewport=LAPTOP)
    page.goto(school.url("/web/"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")  # the skip link: focus moves to the main content
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "login":
            break
    assert page.evaluate("document.activeElement.id") == "login"
    page.keyboard.type(school.login)
    page.keyboard.press("Tab")
    page.keyboard.type(school.password)
    page.keyboard.press("Enter")
    page.wait_for_url("**/web/home")
    assert "Lycée Jean Moulin" in page.locator("main").inner_text()
    page.close()


def test_the_cookie_is_http_only_and_strict(school: WebSchool):
    with httpx.Client(base_url=school.server.url) as client:
        response = client.get("/web/")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/web" in cookie
    assert "secure" not in cookie  # plain HTTP on loopback; over TLS it is set
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_a_post_without_the_csrf_token_is_refused(school: WebSchool):
    with httpx.Client(base_url=school.server.url) as client:
        token = _csrf(client.get("/web/").text)
        # Sign-in without the token: refused before the password is even looked at.
        refused = client.post("/web/sign-in", data={"login": school.login, "password": "x" * 12})
        assert refused.status_code == 403
        assert "Formulaire refusé" in refused.text and "Form refused" in refused.text
        signed_in = client.post(
            "/web/sign-in",
            data={"login": school.login, "password": school.password, "csrf_token": token},
        )
        assert signed_in.status_code == 303
        # Signing in replaced the session: the old token no longer works.
        home = client.get("/web/home")
        assert home.status_code == 200 and _csrf(home.text) != token
        roster = (FIXTURES / "roster_3e.csv").read_bytes()
        for form in ({}, {"csrf_token": token}, {"csrf_token": "forged"}):
            response = client.post(
                f"/web/schools/{school.uai}/roster", data=form, files={"roster": roster}
            )
            assert response.status_code == 403
        assert list_students(school.server.ctx.db, school.uai) == []
        accepted = client.post(
            f"/web/schools/{school.uai}/roster",
            data={"csrf_token": _csrf(home.text)},
            files={"roster": ("eleves.csv", roster, "text/csv")},
        )
        assert accepted.status_code == 303
        assert len(list_students(school.server.ctx.db, school.uai)) == 4


def test_a_wrong_password_is_told_in_both_languages_and_another_school_is_refused(
    school: WebSchool,
):
    with httpx.Client(base_url=school.server.url) as client:
        token = _csrf(client.get("/web/").text)
        refused = client.post(
            "/web/sign-in",
            data={"login": school.login, "password": "wrong password!", "csrf_token": token},
        )
        assert refused.status_code == 422
        assert "identifiant ou mot de passe incorrect" in refused.text
        assert "wrong login or password" in refused.text
        signed_in = client.post(
            "/web/sign-in",
            data={"login": school.login, "password": school.password, "csrf_token": token},
        )
        assert signed_in.status_code == 303
        assert client.get("/web/schools/0000000A/roster").status_code == 403
        # The language switch only goes back to the web space.
        away = client.get("/web/lang/en", params={"next": "//evil.example/"})
        assert away.headers["location"] == "/web/"


def test_repeated_wrong_passwords_make_this_address_wait_told_in_both_languages(
    school: WebSchool,
):
    with httpx.Client(base_url=school.server.url) as client:
        token = _csrf(client.get("/web/").text)
        wrong = {"login": school.login, "password": "wrong password!", "csrf_token": token}
        for _ in range(5):
            assert client.post("/web/sign-in", data=wrong).status_code == 422
        # Even the right password now waits, unchecked; the page says how long.
        right = dict(wrong, password=school.password)
        waiting = client.post("/web/sign-in", data=right)
        assert waiting.status_code == 429
        assert re.search(r"attendez \d+ s avant de réessayer", waiting.text)
        assert re.search(r"wait \d+ s before trying again", waiting.text)
        assert 'value="' + school.login + '"' in waiting.text  # the login stays typed


def test_a_roster_upload_may_be_bigger_than_other_forms():
    from server_stub.api.request_guard import DEFAULT_CAP, MIB, body_cap

    assert body_cap(f"/web/schools/{UAI}/roster") == 16 * MIB
    assert body_cap("/web/sign-in") == body_cap(f"/web/schools/{UAI}/sessions") == DEFAULT_CAP

"""The practice pages over plain HTTP against a real server on loopback (they never skip):
every POST needs the CSRF token, a student is no staff member, a teacher sees only their
school's campaigns, a wrong code is told in both languages, the first sign-in goes through the
password the student chooses, the item on screen is the one answered, the live follow's JSON
and the teacher's reset are the school's only."""

import re

import httpx
import pytest

from tests.web.conftest import UAI, WebSchool, quiet

ROSTER = (
    "nom;prénom;date de naissance;INE;classe;niveau\r\n"
    "Dupont;Marie;12/03/2008;123456789AB;Tle 2;Tle\r\n"
    "Martin;Lucas;17/07/2008;99887766554;Tle 2;Tle\r\n"
).encode("cp1252")
OTHER_UAI = "0931234J"
PASSWORD = "mon mot de passe à moi"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def campaign(school: WebSchool, tmp_path, capsys) -> dict:
    data = str(school.server.data_dir)
    roster = tmp_path / "roster.csv"
    roster.write_bytes(ROSTER)
    quiet("students", "import", "--data", data, "--uai", UAI, str(roster))
    quiet("org", "create", "--data", data, "--uai", OTHER_UAI, "--name", "Collège Voltaire",
          "--type", "collège")  # fmt: skip
    quiet("account", "create", "--data", data, "--login", "prof@ailleurs.fr", "--password",
          "un mot de passe de prof", "--role", "teacher", "--uai", OTHER_UAI)  # fmt: skip
    from server_stub.commands import main as pix_server

    capsys.readouterr()
    assert pix_server(["campaign", "create", "--data", data, "--uai", UAI, "--class", "Tle 2",
                       "--type", "profiles-collection", "--json"]) == 0  # fmt: skip
    code = re.search(r'"code": "([A-Z0-9]+)"', capsys.readouterr().out).group(1)
    assert pix_server(["campaign", "sheet", "--data", data, "--code", code, "--json"]) == 0
    sheet = capsys.readouterr().out
    codes = dict(re.findall(r'"login": "([a-z.0-9]+)", "first_login_code": "([A-Z0-9-]+)"', sheet))
    return {"code": code, "codes": codes}


def _student(school: WebSchool, login: str, code: str) -> httpx.Client:
    """A student's first sign-in: the code, then the password they choose."""
    client = httpx.Client(base_url=school.server.url, timeout=30)
    token = _csrf(client.get("/web/practice/").text)
    signed = client.post("/web/practice/sign-in",
                         data={"login": login, "code": code, "csrf_token": token})  # fmt: skip
    assert signed.status_code == 303 and signed.headers["location"] == "/web/practice/password"
    page = client.get("/web/practice/password")
    assert "12 caractères" in page.text and "12 characters" in page.text
    no_token = client.post("/web/practice/password",
                           data={"password": PASSWORD, "confirmation": PASSWORD})  # fmt: skip
    assert no_token.status_code == 403
    form = {"password": "court", "confirmation": "court", "csrf_token": _csrf(page.text)}
    short = client.post("/web/practice/password", data=form)
    assert short.status_code == 422
    assert "Mot de passe refusé" in short.text and "Password refused" in short.text
    form.update(password=PASSWORD, confirmation=PASSWORD)
    chosen = client.post("/web/practice/password", data=form)
    assert chosen.status_code == 303 and chosen.headers["location"] == "/web/practice/home"
    return client


def test_a_student_post_without_the_token_is_refused_and_a_wrong_code_is_bilingual(
    school: WebSchool, campaign
):
    with httpx.Client(base_url=school.server.url, timeout=30) as client:
        token = _csrf(client.get("/web/practice/").text)
        wrong = client.post("/web/practice/sign-in",
                            data={"login": "marie.dupont1203", "code": "AAAA-AAAA",
                                  "csrf_token": token})  # fmt: skip
        assert wrong.status_code == 422
        assert "Identifiant, code ou mot de passe incorrect" in wrong.text
        assert "Wrong login, code or password" in wrong.text
        # The password page is nobody's before a right code.
        early = client.get("/web/practice/password")
        assert early.status_code == 303 and early.headers["location"] == "/web/practice/"
    client = _student(school, "marie.dupont1203", campaign["codes"]["marie.dupont1203"])
    try:
        home = client.get("/web/practice/home")
        for form in ({"code": campaign["code"]}, {"code": campaign["code"], "csrf_token": "x"}):
            assert client.post("/web/practice/join", data=form).status_code == 403
        form = {"code": campaign["code"], "csrf_token": _csrf(home.text)}
        joined = client.post("/web/practice/join", data=form)
        assert joined.status_code == 303
        question = client.get(joined.headers["location"])
        item_id = re.search(r'name="item_id" value="([^"]+)"', question.text).group(1)
        form = {"item_id": item_id, "csrf_token": _csrf(question.text)}
        empty = client.post(f"/web/practice/campaigns/{campaign['code']}/answer", data=form)
        assert empty.status_code == 422 and "Choose or type an answer" in empty.text
        assert client.get("/web/practice/items/nope/illustration").status_code == 404
        # A student is no staff member: the school's pages send them to the staff sign-in.
        staff = client.get(f"/web/schools/{UAI}/campaigns")
        assert staff.status_code == 303 and staff.headers["location"] == "/web/"
    finally:
        client.close()


def test_a_teacher_of_another_school_sees_neither_its_pages_nor_its_campaigns(
    school: WebSchool, campaign
):
    with httpx.Client(base_url=school.server.url, timeout=30) as client:
        token = _csrf(client.get("/web/").text)
        client.post("/web/sign-in", data={"login": "prof@ailleurs.fr",
                                          "password": "un mot de passe de prof",
                                          "csrf_token": token})  # fmt: skip
        assert client.get(f"/web/schools/{OTHER_UAI}/campaigns").status_code == 200
        assert client.get(f"/web/schools/{UAI}/campaigns").status_code == 403
        other = client.get(f"/web/schools/{OTHER_UAI}/campaigns/{campaign['code']}/results")
        assert other.status_code == 404
        assert client.get(f"/web/schools/{OTHER_UAI}/roster").status_code == 403  # not a lead
        page = client.get(f"/web/schools/{OTHER_UAI}/campaigns")
        closing = client.post(f"/web/schools/{OTHER_UAI}/campaigns/{campaign['code']}/close",
                              data={"csrf_token": _csrf(page.text)})  # fmt: skip
        assert closing.status_code == 404
        live = client.get(f"/web/schools/{UAI}/campaigns/{campaign['code']}/participation.json")
        assert live.status_code == 403
        base = f"/web/schools/{OTHER_UAI}/campaigns/{campaign['code']}"
        assert client.get(f"{base}/participation.json").status_code == 404
        reset = client.post(f"{base}/students/any/reset", data={"csrf_token": _csrf(page.text)})
        assert reset.status_code == 404


def test_the_live_follow_and_a_reset_for_the_schools_teacher(school: WebSchool, campaign):
    marie_browser = _student(school, "marie.dupont1203", campaign["codes"]["marie.dupont1203"])
    assert marie_browser.get("/web/practice/home").status_code == 200
    with httpx.Client(base_url=school.server.url, timeout=30) as client:
        token = _csrf(client.get("/web/").text)
        client.post("/web/sign-in", data={"login": school.login, "password": school.password,
                                          "csrf_token": token})  # fmt: skip
        base = f"/web/schools/{UAI}/campaigns/{campaign['code']}"
        page = client.get(base)
        assert 'aria-live="polite"' in page.text and "/web/static/follow.js" in page.text
        script = client.get("/web/static/follow.js")
        assert script.status_code == 200 and "javascript" in script.headers["content-type"]
        live = client.get(f"{base}/participation.json").json()
        assert live["summary"].startswith("2 élève(s)")
        marie = re.search(r'data-student="([^"]+)"><th scope="row">Dupont', page.text).group(1)
        assert live["rows"][marie]["started"] == "non"
        without = client.post(f"{base}/students/{marie}/reset", data={})
        assert without.status_code == 403
        # A student not of the campaign's classes: nothing reset, told in both languages.
        unknown = client.post(
            f"{base}/students/nobody/reset", data={"csrf_token": _csrf(page.text)}
        )
        assert unknown.status_code == 303 and unknown.headers["location"] == base
        told = client.get(base).text
        assert "Élève inconnu dans cet établissement" in told and "Unknown student" in told
        reset = client.post(f"{base}/students/{marie}/reset", data={"csrf_token": _csrf(page.text)})
        assert reset.status_code == 200 and "marie.dupont1203" in reset.text
        new_code = re.search(r'<td class="mono">([A-Z0-9]{4}-[A-Z0-9]{4})</td>', reset.text)
    # Her open session ends with the reset; the old password no longer works; the new code
    # leads to a new password.
    ended = marie_browser.get("/web/practice/home")
    assert ended.status_code == 303 and ended.headers["location"] == "/web/practice/"
    marie_browser.close()
    with httpx.Client(base_url=school.server.url, timeout=30) as student:
        token = _csrf(student.get("/web/practice/").text)
        old = student.post(
            "/web/practice/sign-in",
            data={"login": "marie.dupont1203", "code": PASSWORD, "csrf_token": token},
        )
        assert old.status_code == 422
    _student(school, "marie.dupont1203", new_code.group(1)).close()


def test_the_lead_exports_the_french_csv_from_the_web(school: WebSchool, campaign):
    with httpx.Client(base_url=school.server.url, timeout=30) as client:
        token = _csrf(client.get("/web/").text)
        client.post("/web/sign-in", data={"login": school.login, "password": school.password,
                                          "csrf_token": token})  # fmt: skip
        csv = client.get(f"/web/schools/{UAI}/campaigns/{campaign['code']}/export.csv")
        assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf")
        assert csv.content.decode("utf-8-sig").startswith("Nom du participant;")


def test_a_rehearsal_campaign_from_the_form(school: WebSchool, campaign):
    with httpx.Client(base_url=school.server.url, timeout=30) as client:
        token = _csrf(client.get("/web/").text)
        client.post("/web/sign-in", data={"login": school.login, "password": school.password,
                                          "csrf_token": token})  # fmt: skip
        page = client.get(f"/web/schools/{UAI}/campaigns")
        assert 'id="rehearsal"' in page.text
        form = {"divisions": "Tle 2", "kind": "profiles-collection", "rehearsal": "on",
                "csrf_token": _csrf(page.text)}  # fmt: skip
        created = client.post(f"/web/schools/{UAI}/campaigns", data=form)
        assert created.status_code == 200 and 'table class="sheet"' in created.text
        listed = client.get(f"/web/schools/{UAI}/campaigns").text
        assert listed.count("(répétition)") == 1

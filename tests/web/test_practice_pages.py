"""The practice pages over plain HTTP against a real server on loopback (they never skip):
every POST needs the CSRF token, a student is no staff member, a teacher sees only their
school's campaigns, a wrong code is told in both languages, the item on screen is the one
answered."""

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
    client = httpx.Client(base_url=school.server.url, timeout=30)
    token = _csrf(client.get("/web/practice/").text)
    signed = client.post("/web/practice/sign-in",
                         data={"login": login, "code": code, "csrf_token": token})  # fmt: skip
    assert signed.status_code == 303 and signed.headers["location"] == "/web/practice/home"
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
        assert "Identifiant ou code incorrect" in wrong.text and "Wrong login or code" in wrong.text
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


def test_the_lead_exports_the_french_csv_from_the_web(school: WebSchool, campaign):
    with httpx.Client(base_url=school.server.url, timeout=30) as client:
        token = _csrf(client.get("/web/").text)
        client.post("/web/sign-in", data={"login": school.login, "password": school.password,
                                          "csrf_token": token})  # fmt: skip
        csv = client.get(f"/web/schools/{UAI}/campaigns/{campaign['code']}/export.csv")
        assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf")
        assert csv.content.decode("utf-8-sig").startswith("Nom du participant;")

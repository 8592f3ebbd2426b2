"""The students' practice API on a real server on loopback: the first sign-in with the printed
code and the password the student chooses (after which the code no longer works), the teacher's
reset, wrong attempts slowing down their source and never locking the student out, the item on
screen (resumable, no solution), immediate correction, the profile, sendings as the campaign
allows, the rehearsal door's refusals."""

import httpx
import pytest

from engine.canonical import BilingualError
from engine.training import correction, load_practice_bank
from server_stub.commands import main as pix_server
from server_stub.practice.student_accounts import code_key, reset_code, sign_in
from server_stub.sign_in_throttle import FREE_FAILURES
from tests.practice.conftest import create_campaign, export_json
from tests.server.school_helpers import LYCEE_UAI, run_json

BANK = load_practice_bank()
PASSWORD = "trois mots bleus"


def _sheet(capsys, data, code) -> dict[str, str]:
    sheet = run_json(capsys, "campaign", "sheet", "--data", str(data), "--code", code, "--json")
    return {s["login"]: s["first_login_code"] for s in sheet["students"]}


def _signed_in(client: httpx.Client, login: str, code: str) -> dict[str, str]:
    """The first sign-in: the code, and the password chosen with it."""
    body = {"login": login, "code": code, "new_password": PASSWORD}
    answer = client.post("/api/v1/practice/sign-in", json=body)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.fixture
def client(school, live_server):
    with httpx.Client(base_url=live_server.url, timeout=30) as http:
        yield http


def test_a_student_trains_resumes_and_sends_once(school, live_server, client, capsys):
    parcours = run_json(capsys, "parcours", "list", "--data", str(school), "--json")
    short = min(parcours, key=lambda p: p["max_items"])["id"]
    code = create_campaign(capsys, school, "--type", "assessment", "--parcours", short)
    codes = _sheet(capsys, school, code)
    auth = _signed_in(client, "marie.dupont1203", codes["marie.dupont1203"].lower())
    before = client.get(f"/api/v1/practice/campaigns/{code}/item", headers=auth)
    assert before.status_code == 409 and before.json()["error"]["code"] == "campaign_not_joined"
    joined = client.post(f"/api/v1/practice/campaigns/{code.lower()}/join", headers=auth)
    assert joined.status_code == 200 and joined.json()["code"] == code
    first = client.get(f"/api/v1/practice/campaigns/{code}/item", headers=auth).json()
    again = client.get(f"/api/v1/practice/campaigns/{code}/item", headers=auth).json()
    assert first["item"]["id"] == again["item"]["id"] and not first["done"]  # resumable
    assert "correct_choices" not in first["item"] and "accepted" not in first["item"]
    refused = client.post(f"/api/v1/practice/campaigns/{code}/sendings", headers=auth)
    assert refused.status_code == 409 and "terminez" in refused.json()["error"]["message_fr"]
    wrong_item = client.post(f"/api/v1/practice/campaigns/{code}/answers", headers=auth,
                             json={"item_id": "not-on-screen", "response": 0})  # fmt: skip
    assert wrong_item.status_code == 409
    screen, answered = first, 0
    while not screen["done"]:
        item_id = screen["item"]["id"]
        right = correction(BANK, item_id)["correct_answer"]
        feedback = client.post(f"/api/v1/practice/campaigns/{code}/answers", headers=auth,
                               json={"item_id": item_id, "response": right}).json()  # fmt: skip
        assert feedback["correct"] is True and feedback["explanation"]["fr"]
        answered += 1
        screen = client.get(f"/api/v1/practice/campaigns/{code}/item", headers=auth).json()
    assert answered == screen["answered"] >= 1
    profile = client.get("/api/v1/practice/profile", headers=auth).json()
    assert profile["pix_score"] > 0 and len(profile["competence_levels"]) == 16
    sent = client.post(f"/api/v1/practice/campaigns/{code}/sendings", headers=auth)
    assert sent.status_code == 200 and sent.json()["pix_score"] == profile["pix_score"]
    twice = client.post(f"/api/v1/practice/campaigns/{code}/sendings", headers=auth)
    assert twice.status_code == 409
    rows = {r["last_name"]: r for r in export_json(capsys, school, code)}
    assert rows["Dupont"]["sent"] is True and rows["Dupont"]["pix_score"] == profile["pix_score"]
    assert rows["Dupont"]["sent_at"].endswith("Z") and rows["Martin"]["sent"] is False


def test_multiple_sendings_and_a_closed_campaign(school, live_server, client, capsys):
    code = create_campaign(capsys, school, "--type", "profiles-collection", "--multiple-sendings")
    codes = _sheet(capsys, school, code)
    auth = _signed_in(client, "lucas.martin1707", codes["lucas.martin1707"])
    assert client.post(f"/api/v1/practice/campaigns/{code}/join", headers=auth).status_code == 200
    for _ in range(2):
        sent = client.post(f"/api/v1/practice/campaigns/{code}/sendings", headers=auth)
        assert sent.status_code == 200
    rows = {r["last_name"]: r for r in export_json(capsys, school, code)}
    assert rows["Martin"]["sendings"] == 2
    run_json_ok = ["campaign", "close", "--data", str(school), "--code", code]
    from server_stub.commands import main as pix_server

    assert pix_server(run_json_ok) == 0
    closed = client.post(f"/api/v1/practice/campaigns/{code}/sendings", headers=auth)
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "campaign_not_open"


def test_a_student_of_another_class_cannot_join(school, live_server, client, capsys):
    code = create_campaign(capsys, school, "--type", "profiles-collection")
    other = run_json(capsys, "campaign", "create", "--data", str(school), "--uai", "0750655E",
                     "--class", "2de 1", "--type", "profiles-collection", "--json")  # fmt: skip
    codes = _sheet(capsys, school, other["code"])
    auth = _signed_in(client, "jade.petit0101", codes["jade.petit0101"])
    refused = client.post(f"/api/v1/practice/campaigns/{code}/join", headers=auth)
    assert refused.status_code == 403 and refused.json()["error"]["message_en"]


def test_the_code_opens_once_then_the_password_and_the_teachers_reset(
    school, live_server, client, capsys
):
    code = create_campaign(capsys, school, "--type", "profiles-collection")
    first = _sheet(capsys, school, code)["marie.dupont1203"]
    sign = "/api/v1/practice/sign-in"
    asked = client.post(sign, json={"login": "marie.dupont1203", "code": first})
    assert asked.status_code == 409
    assert asked.json()["error"]["code"] == "practice_password_required"
    for weak in ("court", "marie.dupont1203", f"{first} ! ! ! !"):
        refused = client.post(sign, json={"login": "marie.dupont1203", "password": first,
                                          "new_password": weak})  # fmt: skip
        assert refused.status_code == 422, weak
        error = refused.json()["error"]
        assert error["message_fr"].startswith("Mot de passe refusé") and error["message_en"]
    before_reset = _signed_in(client, "marie.dupont1203", first)
    again = client.post(sign, json={"login": "marie.dupont1203", "code": first})
    assert again.status_code == 401  # the code no longer works
    mine = client.post(sign, json={"login": "marie.dupont1203", "password": PASSWORD})
    assert mine.status_code == 200
    # A new sheet leaves her alone: her password stands.
    assert _sheet(capsys, school, code)["marie.dupont1203"] is None
    ctx = live_server.ctx
    students = run_json(capsys, "students", "list", "--data", str(school), "--uai", LYCEE_UAI,
                        "--json")  # fmt: skip
    marie = next(s for s in students if s["last_name"] == "Dupont")
    line = reset_code(ctx.db, code_key(ctx.server_key), uai=LYCEE_UAI,
                      student_id=marie["student_id"], now=ctx.now(), actor="test")  # fmt: skip
    assert line["login"] == "marie.dupont1203" and line["first_login_code"] != first
    forgotten = client.post(sign, json={"login": "marie.dupont1203", "password": PASSWORD})
    assert forgotten.status_code == 401
    # The token opened before the reset stops too (a stolen password stops at once).
    assert client.get("/api/v1/practice/me", headers=before_reset).status_code == 401
    _signed_in(client, "marie.dupont1203", line["first_login_code"])


def test_wrong_attempts_slow_their_source_never_the_student(school, live_server, client, capsys):
    code = create_campaign(capsys, school, "--type", "profiles-collection")
    codes = _sheet(capsys, school, code)
    _signed_in(client, "marie.dupont1203", codes["marie.dupont1203"])
    wrong = {"login": "marie.dupont1203", "password": "pas le bon mot de passe"}
    for _ in range(FREE_FAILURES):
        assert client.post("/api/v1/practice/sign-in", json=wrong).status_code == 401
    right = {"login": "marie.dupont1203", "password": PASSWORD}
    slowed = client.post("/api/v1/practice/sign-in", json=right)
    assert slowed.status_code == 429 and "attendez" in slowed.json()["error"]["message_fr"]
    ctx, key = live_server.ctx, code_key(live_server.ctx.server_key)
    # From her own device, Marie is not slowed by the stranger's attempts.
    mine = sign_in(ctx.db, key, "marie.dupont1203", PASSWORD, source="192.0.2.44", now=ctx.now())
    assert mine["last_name"] == "Dupont"
    # Once the wait is over, the same source can try again.
    live_server.clock.advance(3)
    assert client.post("/api/v1/practice/sign-in", json=right).status_code == 200
    unknown = client.post("/api/v1/practice/sign-in", json={"login": "nobody", "code": "x"})
    assert unknown.status_code == 401
    assert client.get("/api/v1/practice/profile").status_code == 401
    forged = {"Authorization": "Bearer not.a.token"}
    assert client.get("/api/v1/practice/profile", headers=forged).status_code == 401


def test_a_stranger_guessing_all_day_gets_few_checked_attempts(school, live_server, capsys):
    """The brute-force bound, measured: one source trying a login every 30 s for a day (an
    attempt while it must wait is refused unchecked, so trying more often gains nothing)."""
    code = create_campaign(capsys, school, "--type", "profiles-collection")
    secret = _sheet(capsys, school, code)["lucas.martin1707"]
    ctx, key = live_server.ctx, code_key(live_server.ctx.server_key)
    start, checked, tries = ctx.now(), 0, 24 * 60 * 2
    for step in range(tries):
        try:
            sign_in(ctx.db, key, "lucas.martin1707", "AAAA-AAAA", source="203.0.113.9",
                    now=start + 30 * step)  # fmt: skip
        except BilingualError as refused:
            assert refused.code in ("practice_sign_in_refused", "practice_sign_in_throttled")
            checked += refused.code == "practice_sign_in_refused"
    assert checked <= 120, checked  # out of 2880 tries, and 30^8 possible codes
    # Lucas, from elsewhere, is not slowed: his code asks for his password at once.
    with pytest.raises(BilingualError) as asked:
        sign_in(ctx.db, key, "lucas.martin1707", secret, source="192.0.2.7", now=start + 86400)
    assert asked.value.code == "practice_password_required"


def test_the_rehearsal_door_serves_only_this_machine_and_never_an_account_in_use(
    school, live_server, client, capsys
):
    code = create_campaign(capsys, school, "--type", "profiles-collection", "--rehearsal")
    door = "/api/v1/practice/rehearsal/students"
    relayed = client.post(door, json={"code": code, "students": 1},
                          headers={"X-Forwarded-For": "10.0.0.7"})  # fmt: skip
    assert relayed.status_code == 403 and relayed.json()["error"]["code"] == "rehearsal_local_only"
    # A campaign that is not a rehearsal lends only students who never chose a password.
    real = create_campaign(capsys, school, "--type", "profiles-collection")
    lent = client.post(door, json={"code": real, "students": 1}).json()["students"][0]
    _signed_in(client, lent["login"], lent["first_login_code"])
    again = client.post(door, json={"code": real, "students": 50}).json()["students"]
    assert lent["login"] not in {line["login"] for line in again}
    local = client.post(door, json={"code": code, "students": 2})
    assert local.status_code == 200
    sheet = local.json()
    assert sheet["code"] == code and len(sheet["students"]) == 2
    line = sheet["students"][0]
    _signed_in(client, line["login"], line["first_login_code"])  # as a student does


def test_the_text_sheet_says_who_already_chose_a_password(school, client, capsys):
    code = create_campaign(capsys, school, "--type", "profiles-collection")
    _signed_in(client, "lucas.martin1707", _sheet(capsys, school, code)["lucas.martin1707"])
    assert pix_server(["campaign", "sheet", "--data", str(school), "--code", code]) == 0
    lucas = next(
        line for line in capsys.readouterr().out.splitlines() if "lucas.martin1707" in line
    )
    assert lucas.endswith("(mot de passe déjà choisi / password already chosen)")

"""The students' practice API on a real server on loopback: sign-in with the printed code and
its lockout, the item on screen (resumable, no solution), immediate correction, the profile,
sendings as the campaign allows, the rehearsal door's refusal to strangers."""

import httpx
import pytest

from engine.training import correction, load_practice_bank
from tests.practice.conftest import create_campaign, export_json
from tests.server.school_helpers import run_json

BANK = load_practice_bank()


def _sheet(capsys, data, code) -> dict[str, str]:
    sheet = run_json(capsys, "campaign", "sheet", "--data", str(data), "--code", code, "--json")
    return {s["login"]: s["first_login_code"] for s in sheet["students"]}


def _signed_in(client: httpx.Client, login: str, code: str) -> dict[str, str]:
    answer = client.post("/api/v1/practice/sign-in", json={"login": login, "code": code})
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


def test_wrong_codes_lock_the_account_and_tokens_are_checked(school, live_server, client, capsys):
    code = create_campaign(capsys, school, "--type", "profiles-collection")
    codes = _sheet(capsys, school, code)
    for _ in range(5):
        refused = client.post("/api/v1/practice/sign-in",
                              json={"login": "marie.dupont1203", "code": "AAAA-AAAA"})  # fmt: skip
        assert refused.status_code == 401
    right = {"login": "marie.dupont1203", "code": codes["marie.dupont1203"]}
    locked = client.post("/api/v1/practice/sign-in", json=right)
    assert locked.status_code == 429 and "bloqué" in locked.json()["error"]["message_fr"]
    unknown = client.post("/api/v1/practice/sign-in", json={"login": "nobody", "code": "x"})
    assert unknown.status_code == 401
    assert client.get("/api/v1/practice/profile").status_code == 401
    forged = {"Authorization": "Bearer not.a.token"}
    assert client.get("/api/v1/practice/profile", headers=forged).status_code == 401


def test_the_rehearsal_door_refuses_a_relayed_caller(school, live_server, client, capsys):
    code = create_campaign(capsys, school, "--type", "profiles-collection")
    relayed = client.post("/api/v1/practice/rehearsal/students",
                          json={"code": code, "students": 1},
                          headers={"X-Forwarded-For": "10.0.0.7"})  # fmt: skip
    assert relayed.status_code == 403 and relayed.json()["error"]["code"] == "rehearsal_local_only"
    local = client.post("/api/v1/practice/rehearsal/students", json={"code": code, "students": 2})
    assert local.status_code == 200 and len(local.json()) == 2

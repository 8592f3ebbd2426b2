"""Review before publication on a real server: robots sit a session, the invigilator reports
issues and finalises (and can no longer publish); reviewers decide through the API and from a
terminal, with their reason in the audit log; the lead publishes once nothing is pending."""

import asyncio

import httpx
import pytest

from kiosk.console.api import ConsoleApi, ConsoleApiError
from kiosk.robot import RobotSettings, read_candidates_csv, run_robots
from server_stub.exports import session_results
from server_stub.schools.audit import entries
from tests.server.review_helpers import PASSWORD
from tests.server.school_helpers import run_json, run_refused

DEFAULT_UAI = "0000000A"


@pytest.fixture
def finalised(live_server, tmp_path):
    """Three robots sat a session; two got an issue report; the invigilator finalised it."""
    planned = live_server.plan(3)
    settings = RobotSettings(
        server_url=live_server.url,
        session_number=planned.session_number,
        access_code=planned.access_code,
        enrol_token=planned.enrol_token,
        seed=11,
    )
    summary = asyncio.run(
        run_robots(
            settings,
            read_candidates_csv(planned.csv_text),
            planned.invigilator_code,
            tmp_path / "robots",
            count=3,
        )
    )
    assert summary["completed"] == 3, summary

    async def close_session() -> str:
        console = ConsoleApi(live_server.url)
        await console.sign_in(planned.session_number, planned.invigilator_code)
        for candidate_id in planned.candidate_ids[:2]:
            await console.report_issue(
                candidate_id, "NON_BLOCKING_TECHNICAL_ISSUE", None, None, "écran figé 2 min"
            )
        await console.finalise()
        with pytest.raises(ConsoleApiError) as refused:
            await console._post("/publish")  # the console has no such action any more
        await console.close()
        return refused.value

    refusal = asyncio.run(close_session())
    assert refusal.code == "publication_by_lead"
    assert "référent" in refusal.fr and "lead" in refusal.en
    return planned


def accounts(capsys, data: str) -> None:
    for login, role, uai in (
        ("jury@academie.fr", "reviewer", "*"),
        ("cpe@lycee.fr", "lead", DEFAULT_UAI),
    ):
        run_json(
            capsys, "account", "create", "--data", data, "--login", login,
            "--password", PASSWORD, "--role", role, "--uai", uai, "--json",
        )  # fmt: skip


def sign_in(url: str, login: str) -> dict:
    response = httpx.post(
        f"{url}/api/v1/accounts/sign-in", json={"login": login, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_reviewers_decide_and_the_lead_publishes_once_nothing_is_pending(
    live_server, finalised, capsys
):
    url, data, sid = live_server.url, str(live_server.data_dir), finalised.session_id
    first, second, clean = finalised.candidate_ids
    accounts(capsys, data)

    # The queue holds the two reported candidates, not the clean one.
    queue = run_json(capsys, "review", "list", "--data", data, "--json")
    assert {item["candidate_id"]: item["reasons"] for item in queue} == {
        first: ["issue_reports"],
        second: ["issue_reports"],
    }
    error = run_refused(capsys, "session", "publish", "--data", data, "--session", sid)
    assert "2 certification(s)" in error and first in error and second in error

    # The API: a bearer token per account, roles checked per route.
    assert httpx.get(f"{url}/api/v1/review/queue").status_code == 401
    bad = {"Authorization": "Bearer not-a-token"}
    assert httpx.post(f"{url}/api/v1/review/sessions/{sid}/publish", headers=bad).status_code == 401
    jury, lead = sign_in(url, "jury@academie.fr"), sign_in(url, "cpe@lycee.fr")
    listed = httpx.get(f"{url}/api/v1/review/queue", headers=jury).json()
    assert {item["candidate_id"] for item in listed} == {first, second}
    assert httpx.get(f"{url}/api/v1/review/queue", headers=lead).json() == []
    evidence = httpx.get(f"{url}/api/v1/review/certifications/{first}", headers=jury).json()
    assert evidence["replay"]["outcome"] == "verified"
    assert evidence["issue_reports"][0]["description"] == "écran figé 2 min"
    assert evidence["timeline"]["started_at"] is not None
    answers = evidence["replay"]["answers"]
    wrong = next(a["item_id"] for a in answers if a["status"] in ("ko", "aband"))
    right = next(a["item_id"] for a in answers if a["status"] == "ok")
    decisions = f"{url}/api/v1/review/certifications/{first}/decisions"
    body = {"decision": "neutralise", "item_id": wrong, "reason": "image absente (signalée)"}
    assert httpx.post(decisions, json=body, headers=lead).status_code == 403  # not a reviewer
    refused = httpx.post(decisions, json={**body, "item_id": right}, headers=jury)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "review_invalid_decision"
    assert httpx.post(decisions, json={**body, "reason": " "}, headers=jury).status_code == 422
    before = evidence["score"]
    neutralised = httpx.post(decisions, json=body, headers=jury)
    assert neutralised.status_code == 200, neutralised.text
    assert neutralised.json()["final_decision"] is None  # still pending: re-scored only
    assert neutralised.json()["score"] >= before
    assert [d["decision"] for d in neutralised.json()["decisions"]] == ["neutralise"]
    validated = httpx.post(
        decisions, json={"decision": "validate", "reason": "incident sans effet"}, headers=jury
    )
    assert validated.json()["final_decision"] == "validate"

    # The lead cannot publish while one is pending; a reviewer cannot publish at all.
    publish = f"{url}/api/v1/review/sessions/{sid}/publish"
    assert httpx.post(publish, headers=jury).status_code == 403
    pending = httpx.post(publish, headers=lead)
    assert pending.status_code == 409
    assert [d["candidate_id"] for d in pending.json()["error"]["details"]] == [second]

    # From a terminal: show, then cancel the second one in a reviewer's name.
    shown = run_json(capsys, "review", "show", "--data", data, "--candidate", second, "--json")
    assert shown["reasons"] == ["issue_reports"] and shown["final_decision"] is None
    run_refused(
        capsys, "review", "decide", "--data", data, "--certification", second,
        "--decision", "cancel", "--reason", "fraude", "--reviewer", "cpe@lycee.fr",
    )  # fmt: skip
    run_json(
        capsys, "review", "decide", "--data", data, "--certification", second,
        "--decision", "cancel", "--reason", "copie sur le voisin", "--reviewer",
        "jury@academie.fr", "--json",
    )  # fmt: skip
    assert run_json(capsys, "review", "list", "--data", data, "--json") == []

    published = httpx.post(publish, headers=lead)
    assert published.status_code == 200 and published.json()["state"] == "published"
    rows = {row["ine"]: row for row in session_results(live_server.ctx.db, sid)}
    by_id = dict(zip(finalised.candidate_ids, sorted(rows), strict=True))
    assert rows[by_id[first]]["status"] == "validated"
    assert rows[by_id[first]]["verification_code"] is not None
    assert rows[by_id[second]]["status"] == "cancelled"
    assert rows[by_id[second]]["verification_code"] is None
    assert rows[by_id[clean]]["status"] == "validated"

    log = {(e["action"], e["actor"], e["target"]): e["detail"] for e in entries(live_server.ctx.db)}
    assert log[("review.neutralise", "account:jury@academie.fr", first)]["item_id"] == wrong
    assert log[("review.cancel", "account:jury@academie.fr", second)]["reason"] == (
        "copie sur le voisin"
    )
    assert ("session.publish", "account:cpe@lycee.fr", sid) in log

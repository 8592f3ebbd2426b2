"""Review and publication in the web space over plain HTTP, against a real server on loopback
with robots' real exams: who may see and do what (a lead of another school, a reviewer of
another school, a lead who is no reviewer, a reviewer who is no lead), the CSRF check, the
required reason, Post/Redirect/Get, and every decision in the audit log with its author."""

import asyncio
import re

import httpx

from kiosk.console.api import ConsoleApi
from kiosk.robot import RobotSettings, read_candidates_csv, run_robots
from server_stub.enrolment import create_enrolment_token
from server_stub.schools.audit import entries
from server_stub.schools.sessions import list_sessions
from tests.web.conftest import FIXTURES, WebSchool, quiet

OTHER_UAI = "0931234J"
PASSWORD = "a long enough passphrase"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


class Visitor:
    """One account's browser, over plain HTTP (cookies kept, redirects not followed)."""

    def __init__(self, school: WebSchool, login: str, password: str = PASSWORD) -> None:
        self.http = httpx.Client(base_url=school.server.url)
        token = _csrf(self.http.get("/web/").text)
        signed = self.http.post(
            "/web/sign-in", data={"login": login, "password": password, "csrf_token": token}
        )
        assert signed.status_code == 303, signed.text
        self.token = _csrf(self.http.get("/web/home").text)

    def get(self, path: str) -> httpx.Response:
        return self.http.get(path)

    def post(self, path: str, data: dict | None = None, **kwargs) -> httpx.Response:
        return self.http.post(path, data={"csrf_token": self.token, **(data or {})}, **kwargs)


def account(school: WebSchool, login: str, *roles: str) -> None:
    """An account with `roles` as `--role R --uai U` pairs written "R@U"."""
    args = []
    for grant in roles:
        role, uai = grant.split("@")
        args += ["--role", role, "--uai", uai]
    quiet("account", "create", "--data", str(school.server.data_dir), "--login", login,
          "--name", login, "--password", PASSWORD, *args)  # fmt: skip


def sit_and_finalise(school: WebSchool, session: dict, tmp_path) -> list:
    """Robots sit the session; the invigilator reports an issue for the first candidate and
    finalises. Returns the candidates (rows) in name order."""
    db = school.server.ctx.db
    table = db.tables["candidates"]
    with db.read() as connection:
        sitting = connection.execute(
            table.select().where(table.c.session_id == session["id"]).order_by(table.c.last_name)
        ).all()
    csv = "last_name,first_names,birth_date,ine,extra_time_percent,accessibility\n" + "".join(
        f"{c.last_name},{c.first_names},{c.birth_date},{c.ine},0,false\n" for c in sitting
    )
    settings = RobotSettings(
        server_url=school.server.url,
        session_number=int(session["number"]),
        access_code=session["access"],
        enrol_token=create_enrolment_token(
            db, max_devices=len(sitting), valid_hours=1, now=school.server.clock()
        ),
        seed=2,
    )

    async def sit() -> None:
        summary = await run_robots(
            settings, read_candidates_csv(csv), session["invigilator"], tmp_path / "pcs",
            count=len(sitting),
        )  # fmt: skip
        assert summary["completed"] == len(sitting), summary
        console = ConsoleApi(school.server.url)
        await console.sign_in(int(session["number"]), session["invigilator"])
        await console.report_issue(
            sitting[0].candidate_id, "NON_BLOCKING_CANDIDATE_ISSUE", None, None, "Malaise"
        )
        await console.finalise()
        await console.close()

    asyncio.run(sit())
    return sitting


def test_review_and_publication_pages_keep_each_to_their_role(school: WebSchool, tmp_path):
    data = str(school.server.data_dir)
    quiet("org", "create", "--data", data, "--uai", OTHER_UAI, "--name", "Collège Voltaire",
          "--type", "collège")  # fmt: skip
    account(school, "lead-b@example.fr", f"lead@{OTHER_UAI}")
    account(school, "reviewer-a@example.fr", f"reviewer@{school.uai}")
    account(school, "reviewer-b@example.fr", f"reviewer@{OTHER_UAI}")
    lead = Visitor(school, school.login, school.password)

    # The lead imports the roster and plans a session: the POST answers with a redirect to the
    # session's page, and loading that page again plans nothing more.
    roster = (FIXTURES / "roster_3e.csv").read_bytes()
    imported = lead.post(
        f"/web/schools/{school.uai}/roster", files={"roster": ("e.csv", roster, "text/csv")}
    )
    assert imported.status_code == 303
    created = lead.post(
        f"/web/schools/{school.uai}/sessions",
        {"division": "3e B", "exam_date": "2026-06-12", "start_time": "09:00", "room": "B12"},
    )
    assert created.status_code == 303
    where = created.headers["location"]
    assert re.fullmatch(rf"/web/schools/{school.uai}/sessions/\d+", where)
    first, again = lead.get(where), lead.get(where)
    assert first.status_code == again.status_code == 200
    assert "Session créée pour la classe 3e B" in first.text
    assert "Session créée" not in again.text  # the notice was shown once
    assert len(list_sessions(school.server.ctx.db, school.uai)) == 1
    codes = re.findall(r'<dd class="code">([^<]+)</dd>', first.text)
    session = dict(zip(("number", "access", "invigilator"), codes, strict=True))
    session["id"] = session["number"]
    publication = f"/web/schools/{school.uai}/sessions/{session['id']}/publication"
    assert "pas encore finalisée" in lead.get(publication).text

    sitting = sit_and_finalise(school, session, tmp_path)
    reported = sitting[0]
    evidence = f"/web/review/{reported.candidate_id}"
    decide = f"{evidence}/decisions"

    # The lead is no reviewer; a lead of another school sees neither page of this one.
    assert lead.get("/web/review").status_code == 403
    assert lead.get(evidence).status_code == 403
    other_lead = Visitor(school, "lead-b@example.fr")
    assert other_lead.get(publication).status_code == 403
    other = f"/web/schools/{OTHER_UAI}/sessions/{session['id']}/publication"
    assert other_lead.get(other).status_code == 404  # not a session of that school
    assert other_lead.post(publication).status_code == 403

    # A reviewer of another school: an empty queue, no evidence, no decision.
    stranger = Visitor(school, "reviewer-b@example.fr")
    queue = stranger.get("/web/review")
    assert queue.status_code == 200 and reported.last_name not in queue.text
    assert stranger.get(evidence).status_code == 403
    refused = stranger.post(decide, {"decision": "validate", "reason": "ok"})
    assert refused.status_code == 403

    # While the certification is pending the lead's page lists it, and publishing is refused.
    page = lead.get(publication)
    assert reported.last_name in page.text and "signalements du surveillant" in page.text
    early = lead.post(publication)
    assert early.status_code == 409
    assert "Publication refusée" in early.text and "Publication refused" in early.text

    reviewer = Visitor(school, "reviewer-a@example.fr")
    queue = reviewer.get("/web/review")
    assert queue.status_code == 200 and reported.last_name in queue.text
    assert "Revue" in queue.text  # the navigation shows the queue to a reviewer
    # The invigilator's report by its label, as the printed report words it, not its code.
    shown = reviewer.get(evidence).text
    assert "Incident non bloquant (candidat)" in shown and "NON_BLOCKING" not in shown
    assert reviewer.get(f"/web/lang/en?next={evidence}").status_code == 303
    assert "Non-blocking issue (candidate)" in reviewer.get(evidence).text
    reviewer.get(f"/web/lang/fr?next={evidence}")
    # A reviewer is no lead: no publication.
    assert reviewer.get(publication).status_code == 403
    assert reviewer.post(publication).status_code == 403

    # Forms: the CSRF token, a decision, a reason and, to neutralise, a question.
    forged = reviewer.http.post(decide, data={"decision": "validate", "reason": "r"})
    assert forged.status_code == 403
    for form, french, english in (
        ({"reason": "motif"}, "Choisissez une décision", "Choose a decision"),
        ({"decision": "validate", "reason": "  "}, "Saisissez le motif", "Type the reason"),
        ({"decision": "neutralise", "reason": "motif"}, "Choisissez la question", "Choose the"),
        (
            {"decision": "neutralise", "item_id": "no-such-item", "reason": "motif"},
            "pas une réponse fausse ou passée",
            "is not a wrong or skipped answer",
        ),
    ):
        answer = reviewer.post(decide, form)
        assert answer.status_code == 422, form
        assert french in answer.text and english in answer.text, form
    assert entries(school.server.ctx.db, action_prefix="review.") == []

    validated = reviewer.post(decide, {"decision": "validate", "reason": "Malaise sans effet"})
    assert validated.status_code == 303 and validated.headers["location"] == evidence
    assert "Décision enregistrée" in reviewer.get(evidence).text
    (logged,) = entries(school.server.ctx.db, action_prefix="review.")
    assert logged["actor"] == "account:reviewer-a@example.fr"
    assert (logged["action"], logged["detail"]["reason"]) == (
        "review.validate",
        "Malaise sans effet",
    )
    assert reported.last_name not in reviewer.get("/web/review").text

    # Nothing pending: the lead publishes (a redirect), and the session is closed to decisions.
    assert "Publier les résultats" in lead.get(publication).text
    published = lead.post(publication)
    assert published.status_code == 303 and published.headers["location"] == publication
    assert "Résultats publiés" in lead.get(publication).text
    (publish,) = entries(school.server.ctx.db, action_prefix="session.publish")
    assert publish["actor"] == f"account:{school.login}"
    late = reviewer.post(decide, {"decision": "reject", "reason": "trop tard"})
    assert late.status_code == 409
    assert "pas en relecture" in late.text and "not under review" in late.text
    assert reviewer.get("/web/review/no-such-candidate").status_code == 404

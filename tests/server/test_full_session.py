"""A whole session on a real server: robots enrol, check in, are authorised, sit the exam and
upload; the session is finalised (by the robot invigilator), published (by its lead), exported;
certificates are found by code."""

import asyncio
import csv
import io
import json

import httpx

from kiosk.robot import RobotSettings, read_candidates_csv, run_robots
from server_stub.exports import export_csv, session_results
from server_stub.review.publication import publish_session


def test_full_session_with_several_candidates(live_server, tmp_path):
    planned = live_server.plan(4)
    settings = RobotSettings(
        server_url=live_server.url,
        session_number=planned.session_number,
        access_code=planned.access_code,
        enrol_token=planned.enrol_token,
        seed=7,
    )
    summary = asyncio.run(
        run_robots(
            settings,
            read_candidates_csv(planned.csv_text),
            planned.invigilator_code,
            tmp_path / "robots",
            count=4,
            finalize=True,
        )
    )
    assert summary["failed"] == []
    assert summary["completed"] == 4
    assert summary["answers"] == 4 * 32
    assert summary["session_state"] == "finalised"  # handed to review: nothing is pending
    assert publish_session(live_server.ctx.db, planned.session_id, actor="cli")["state"] == (
        "published"
    )
    assert summary["latency"]["stream_entries"]["count"] > 0

    rows = session_results(live_server.ctx.db, planned.session_id)
    assert {row["status"] for row in rows} == {"validated"}
    assert all(row["verification_code"].startswith("P-") for row in rows)
    assert all(len(row["competence_levels"]) == 16 for row in rows)
    assert all(row["unmeasured_competences"] == [] for row in rows)  # every competence measured
    table = list(csv.DictReader(io.StringIO(export_csv(rows))))
    assert len(table) == 4 and "competence_3.4" in table[0]
    assert table[0]["unmeasured_competences"] == ""

    code = rows[0]["verification_code"]
    certificate = httpx.get(f"{live_server.url}/api/v1/certificates/{code}").json()
    assert certificate["last_name"] == rows[0]["last_name"]
    assert certificate["score"] == rows[0]["score"]
    missing = httpx.get(f"{live_server.url}/api/v1/certificates/P-BCDFGHJK")
    assert missing.status_code == 404
    assert json.loads(missing.text)["error"]["code"] == "certificate_not_found"

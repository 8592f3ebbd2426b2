"""`pix-server export --format responses`: robots sit exams seeded with pretest items on a real
server; the anonymised response matrix lists every verified answer, pretest ones flagged."""

import asyncio
import csv
import dataclasses
import io
import json
import re
import time

from engine import ExamConfig
from engine.bank_source import load_demo_bank
from engine.itembank import ItemBank
from engine.sealed_bank import seal_bank
from kiosk.robot import RobotSettings, read_candidates_csv, run_robots
from server_stub.banks import publish_bank
from server_stub.commands import main as pix_server
from server_stub.datadir import DataDir
from server_stub.exports import session_results

PRETEST_PER_EXAM = 2


def publish_bank_with_pretest(live_server) -> tuple[str, set[str]]:
    """The demo bank plus 4 pretest copies of its items, offered with 2 pretest per exam."""
    directory = DataDir(live_server.data_dir)
    items = load_demo_bank()
    pretest = [
        dataclasses.replace(item, id=f"pretest-{number}", pretest=True)
        for number, item in enumerate(items[:: len(items) // 4][:4])
    ]
    items = [*items, *pretest]
    sealed = seal_bank(
        ItemBank.from_items(items).to_dict(),
        {item.id: item.to_dict() for item in items},
        directory.publisher_key(),
        label="pretest",
    )
    configs = {
        mode: dataclasses.replace(config, pretest_per_exam=PRETEST_PER_EXAM)
        for mode, config in (("default", ExamConfig.default()), ("pix", ExamConfig.pix()))
    }
    publish_bank(
        directory,
        live_server.ctx.db,
        sealed,
        item_count=len(items),
        configs=configs,
        now=time.time() + 1,
    )
    return sealed.bank_id, {item.id for item in pretest}


def export(data_dir, capsys, *extra: str) -> str:
    assert pix_server(["export", "--data", str(data_dir), *extra]) == 0
    return capsys.readouterr().out


def test_the_response_matrix_lists_every_verified_answer_anonymously(live_server, tmp_path, capsys):
    bank_id, pretest_ids = publish_bank_with_pretest(live_server)
    planned = live_server.plan(3)
    settings = RobotSettings(
        server_url=live_server.url,
        session_number=planned.session_number,
        access_code=planned.access_code,
        enrol_token=planned.enrol_token,
        seed=5,
    )
    candidates = read_candidates_csv(planned.csv_text)
    summary = asyncio.run(
        run_robots(settings, candidates, planned.invigilator_code, tmp_path / "pcs", count=3)
    )
    assert summary["failed"] == [] and summary["completed"] == 3
    results = session_results(live_server.ctx.db, planned.session_id)
    # Scored on the 32 operational answers: the pretest ones count nowhere.
    assert {row["status"] for row in results} == {"validated"}

    text = export(live_server.data_dir, capsys, "--format", "responses")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["exam_key", "item_id", "status", "pretest", "bank_version", "position"]
    by_exam: dict[str, list[dict]] = {}
    for row in rows:
        by_exam.setdefault(row["exam_key"], []).append(row)
    assert len(by_exam) == 3
    for answers in by_exam.values():
        assert len(answers) == 32 + PRETEST_PER_EXAM
        assert [int(row["position"]) for row in answers] == list(range(1, 35))
        flagged = [row["item_id"] for row in answers if row["pretest"] == "true"]
        assert len(flagged) == PRETEST_PER_EXAM and set(flagged) <= pretest_ids
        assert all(row["pretest"] == "false" for row in answers if row["item_id"] not in flagged)
    assert {row["bank_version"] for row in rows} == {bank_id}
    assert {row["status"] for row in rows} <= {"ok", "ko", "aband", "timedout", "focusedOut"}

    # Anonymous: opaque keys, nothing of the candidates, the session or the exams' ids.
    assert all(re.fullmatch(r"[0-9a-f]{32}", key) for key in by_exam)
    db = live_server.ctx.db
    with db.read() as connection:
        exam_ids = [row.exam_id for row in connection.execute(db.tables["exams"].select())]
    for secret in [*exam_ids, planned.session_id, *(c.last_name for c in candidates)]:
        assert secret not in text
    # The same keys at every export, the same rows in JSON, and one session's alone.
    assert export(live_server.data_dir, capsys, "--format", "responses") == text
    as_json = json.loads(export(live_server.data_dir, capsys, "--format", "responses-json"))
    assert [
        {**row, "pretest": str(row["pretest"]).lower(), "position": str(row["position"])}
        for row in as_json
    ] == rows
    one = export(
        live_server.data_dir, capsys, "--session", planned.session_id, "--format", "responses"
    )
    assert one == text


def test_the_response_matrix_of_an_unknown_session_is_refused_and_results_need_a_session(
    data_dir, capsys
):
    assert pix_server(["export", "--data", str(data_dir), "--format", "responses"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "exam_key,item_id,status,pretest,bank_version,position"
    ]
    args = ["export", "--data", str(data_dir), "--session", "999999", "--format", "responses"]
    assert pix_server(args) == 1
    assert pix_server(["export", "--data", str(data_dir), "--format", "csv"]) == 1
    assert "--session" in capsys.readouterr().err

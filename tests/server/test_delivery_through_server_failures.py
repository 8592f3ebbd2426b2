"""A finished exam's record reaches a real server that fails (its disk writes refused: HTTP
500) or stops and comes back: the kiosk tries again, with capped backoff, until the server takes
it. A refusal (4xx, with its reason) is final, and reaches the end screen the invigilator reads.

The server is a real `pix-server serve` process; its writes are made to fail by setting its
file size limit to 0 (what a full disk does to SQLite: every write of the database refused)."""

import asyncio
import json
import resource
import sqlite3
import subprocess
import time

import pytest

from kiosk.client import Backoff
from kiosk.console.api import ConsoleApi
from kiosk.core.exam_files import record_path, sent_marker
from kiosk.core.record_delivery import deliver_record
from kiosk.robot import RobotCandidate, RobotSettings, read_candidates_csv
from server_stub.datadir import DataDir
from tests.deploy.live_server import BIN, LISTENING, LiveServer
from tests.server.server_waits import eventually
from tests.server.test_client_and_sync import free_port

CANDIDATES = (
    "last_name,first_names,birth_date,ine,extra_time_percent,accessibility_adjustment\n"
    "Martin,Lucas,2008-01-10,INE000001,0,false\n"
)
FAST_RETRIES = Backoff(base_s=0.05, cap_s=0.4)


class Served:
    """A `pix-server serve` process on a port of its own, which a test can stop and restart."""

    def __init__(self, data_dir, tmp_path) -> None:
        self.data_dir, self.port = data_dir, free_port()
        self.server = self.start()
        csv = tmp_path / "candidates.csv"
        csv.write_text(CANDIDATES, encoding="utf-8")
        self.session = self.server.plan_session(csv)
        self.token = self.server.enrolment_token()

    def start(self) -> LiveServer:
        """Its tracebacks (one per failed write) to a file: a pipe nobody reads would fill
        up and block the server on its next line."""
        command = [str(BIN / "pix-server"), "serve", "--data", str(self.data_dir)]
        command += ["--port", str(self.port)]
        with (self.data_dir.parent / "server.log").open("a") as log:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True)
        line = process.stdout.readline()
        assert line.startswith(LISTENING), line
        return LiveServer(line.split()[-1], self.data_dir, process)

    def writes_fail(self, failing: bool) -> None:
        limit = 0 if failing else resource.RLIM_INFINITY
        resource.prlimit(
            self.server.process.pid, resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY)
        )

    def records(self) -> list[tuple[str, str]]:
        database = DataDir(self.data_dir).sqlite_path()
        with sqlite3.connect(database) as connection:
            return connection.execute("SELECT exam_id, outcome FROM records").fetchall()


@pytest.fixture
def served(data_dir, tmp_path):
    served = Served(data_dir, tmp_path)
    yield served
    served.server.stop()


async def finished_exam(served: Served, folder) -> RobotCandidate:
    """A robot that took its whole exam on the served session: its record sealed on disk."""
    invigilator = ConsoleApi(served.server.url)
    await invigilator.sign_in(served.session["session_number"], served.session["invigilator_code"])
    settings = RobotSettings(
        server_url=served.server.url,
        session_number=served.session["session_number"],
        access_code=served.session["access_code"],
        enrol_token=served.token,
        seed=21,
    )
    robot = RobotCandidate(0, read_candidates_csv(CANDIDATES)[0], settings, folder, invigilator)
    await robot.enrol()
    await robot.check_in()
    await robot.wait_for_ticket()
    await robot.take_exam()
    await robot.seal()
    await invigilator.close()
    robot.client.backoff = FAST_RETRIES
    return robot


@pytest.mark.sqlite_only  # the database file's size limit: SQLite's file
def test_a_record_gets_through_a_server_whose_disk_writes_fail(served, tmp_path):
    async def scenario():
        robot = await finished_exam(served, tmp_path / "pc")
        path = record_path(robot.core.exams_dir, robot.ticket.exam_id)
        served.writes_fail(True)
        answered = len(robot.timings.samples.get("upload_record", []))
        delivery = asyncio.create_task(deliver_record(robot.client, path, robot.outbox))
        # Three answers from the failing server (5xx), and the kiosk still at it.
        await eventually(
            lambda: len(robot.timings.samples.get("upload_record", [])) >= answered + 3, 60
        )
        assert not delivery.done()
        served.writes_fail(False)
        refusal = await asyncio.wait_for(delivery, 60)
        await robot.outbox.stop()
        await robot.close()
        return robot.ticket.exam_id, refusal, path

    exam_id, refusal, path = asyncio.run(scenario())
    assert refusal is None and sent_marker(path).exists()
    assert served.records() == [(exam_id, "verified")]


@pytest.mark.sqlite_only  # reads the stored records from the SQLite file
def test_a_record_gets_through_a_restarted_server_and_a_refusal_reaches_the_end_screen(
    served, tmp_path
):
    async def scenario():
        robot = await finished_exam(served, tmp_path / "pc")
        path = record_path(robot.core.exams_dir, robot.ticket.exam_id)
        served.server.stop()
        delivery = asyncio.create_task(deliver_record(robot.client, path, robot.outbox))
        await asyncio.sleep(2)  # connections refused, retried
        assert not delivery.done()
        served.server = await asyncio.to_thread(served.start)
        refusal = await asyncio.wait_for(delivery, 60)
        delivered = sent_marker(path).exists()
        # Then another record for the same exam (the kiosk's file tampered with): a refusal,
        # final at once, for the invigilator on the end screen.
        sent_marker(path).unlink()
        record = json.loads(path.read_text(encoding="utf-8"))
        record["signature"] = record["signature"][::-1]
        path.write_text(json.dumps(record), encoding="utf-8")
        started = time.monotonic()
        await robot.core._deliver(path)
        took = time.monotonic() - started
        state = robot.core.snapshot()
        await robot.outbox.stop()
        await robot.close()
        return robot.ticket.exam_id, refusal, delivered, state, took

    exam_id, refusal, delivered, state, took = asyncio.run(scenario())
    assert refusal is None and delivered
    assert served.records() == [(exam_id, "verified")]
    assert took < 10  # not retried
    assert state["record_refusal"]["code"] == "record_conflict"
    assert state["record_refusal"]["fr"] and state["record_refusal"]["en"]

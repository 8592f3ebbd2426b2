"""A real server on loopback for each test: its own data directory (copied from one made by
`pix-server init --no-calibrate` per worker), uvicorn in a thread, and a clock the test can move
forward (the server's clock is the authority on deadlines).

Every test whose server has a data directory runs on SQLite and, when PIX_TEST_POSTGRES_URL is
set, again on a fresh PostgreSQL database (tests/postgres_databases.py); a test about SQLite
itself says so with `@pytest.mark.sqlite_only`."""

import asyncio
import shutil
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn

from kiosk.console.api import ConsoleApi
from kiosk.robot import CandidateIdentity, RobotCandidate, RobotSettings, read_candidates_csv
from server_stub.app import create_app
from server_stub.commands import main as pix_server
from server_stub.commands.serve import KEEP_ALIVE_S
from server_stub.context import ServerContext
from server_stub.datadir import DataDir
from server_stub.enrolment import create_enrolment_token
from server_stub.intake import records
from server_stub.planning import create_session, import_candidates
from tests.postgres_databases import POSTGRES_URL, create_database, drop_database, fresh_name

FIRST_NAMES = ("Marie", "Lucas", "Aïssatou", "Étienne", "Chloé", "Noah", "Inès", "Hugo")
LAST_NAMES = ("Dupont", "Martin", "N'Diaye", "Lefèvre", "Bernard", "Petit", "Durand", "Moreau")


@dataclass
class SettableClock:
    offset: float = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@dataclass
class PlannedSession:
    session_id: str
    session_number: int
    access_code: str
    invigilator_code: str
    csv_text: str
    enrol_token: str
    candidate_ids: list[str] = field(default_factory=list)


@dataclass
class LiveServer:
    url: str
    ctx: ServerContext
    clock: SettableClock
    data_dir: Path

    def plan(
        self,
        candidates: int,
        *,
        mode: str = "default",
        extra_time_percent: int = 0,
        devices: int | None = None,
    ) -> PlannedSession:
        """A session with `candidates` candidates and a token enrolling as many devices."""
        codes = create_session(
            self.ctx.db,
            centre="Lycée Jean Moulin",
            room="B12",
            exam_date="2025-06-12",
            start_time="09:00",
            invigilator="M. Robot",
            mode=mode,
            now=self.clock(),
        )
        lines = ["last_name,first_names,birth_date,ine,extra_time_percent,accessibility_adjustment"]
        for index in range(candidates):
            last = f"{LAST_NAMES[index % len(LAST_NAMES)]}{'' if index < 8 else index}"
            first = FIRST_NAMES[(index * 3) % len(FIRST_NAMES)]
            lines.append(
                f"{last},{first},2008-0{1 + index % 9}-1{index % 10},INE{index:06d},"
                f"{extra_time_percent},false"
            )
        csv_text = "\n".join(lines) + "\n"
        ids = import_candidates(self.ctx.db, codes.session_id, csv_text.encode())
        token = create_enrolment_token(
            self.ctx.db, max_devices=devices or candidates, valid_hours=1, now=self.clock()
        )
        return PlannedSession(
            codes.session_id,
            codes.session_number,
            codes.access_code,
            codes.invigilator_code,
            csv_text,
            token,
            ids,
        )


def pytest_generate_tests(metafunc) -> None:
    if not POSTGRES_URL or metafunc.definition.get_closest_marker("sqlite_only"):
        return
    if "database_backend" in metafunc.fixturenames:
        metafunc.parametrize("database_backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(scope="session")
def postgres_template(tmp_path_factory):
    """(data directory, database, the tests' databases) made by `pix-server init` on
    PostgreSQL, once per process; the tests' copies are dropped at the end, all together
    (a drop costs as much as a copy)."""
    root = tmp_path_factory.mktemp("postgres-template") / "data"
    name = fresh_name("pix_template")
    url = create_database(name)
    assert pix_server(["init", "--data", str(root), "--no-calibrate", "--database", url]) == 0
    copies: list[str] = []
    yield root, name, copies
    for copy in [*copies, name]:
        drop_database(copy)


@pytest.fixture
def data_dir(template_data_dir: Path, tmp_path: Path, database_backend: str, request) -> Path:
    target = tmp_path / "data"
    if database_backend == "postgresql":
        template_root, template_name, copies = request.getfixturevalue("postgres_template")
        shutil.copytree(template_root, target)
        copies.append(fresh_name("pix_test"))
        DataDir(target).write_settings(create_database(copies[-1], template=template_name))
        return target
    shutil.copytree(template_data_dir, target)
    copy = DataDir(target)
    copy.write_settings(copy.default_database_url())
    return target


@pytest.fixture
def live_server(data_dir: Path, qapp):
    clock = SettableClock()
    ctx = ServerContext.open(DataDir(data_dir))
    ctx.clock = clock
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(512)
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(ctx),
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=1,
            timeout_keep_alive=KEEP_ALIVE_S,
            # The stdlib loop in this thread: uvloop is made for a process's main thread, and
            # this process also runs Qt.
            loop="asyncio",
        )
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    yield LiveServer(f"http://127.0.0.1:{port}", ctx, clock, data_dir)
    server.should_exit = True
    thread.join(timeout=20)
    assert not thread.is_alive(), "the server thread did not stop"
    ctx.close()
    sock.close()


class CountingVerifier:
    """The server's verdict, counting the records it verifies in full (those it did not see
    stream in whole: server_stub/live_exams.py)."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.calls = 0

    def __call__(self, job, banks, streamed=None):
        self.calls += streamed is None
        return self.inner(job, banks, streamed)


@dataclass
class Room:
    """Robots and a robot invigilator for one planned session (use inside `asyncio.run`)."""

    server: LiveServer
    planned: PlannedSession
    root: Path
    monkeypatch: pytest.MonkeyPatch

    def settings(self, **changes) -> RobotSettings:
        return RobotSettings(
            server_url=self.server.url,
            session_number=self.planned.session_number,
            access_code=self.planned.access_code,
            enrol_token=self.planned.enrol_token,
            seed=11,
            **changes,
        )

    def identity(self, index: int) -> CandidateIdentity:
        return read_candidates_csv(self.planned.csv_text)[index]

    async def invigilator(self) -> ConsoleApi:
        console = ConsoleApi(self.server.url)
        await console.sign_in(self.planned.session_number, self.planned.invigilator_code)
        return console

    def robot(self, index: int, invigilator: ConsoleApi, *, device: int | None = None):
        """Candidate `index` on lab PC `device` (default: a PC of its own)."""
        state = self.root / f"pc-{index if device is None else device}"
        return RobotCandidate(index, self.identity(index), self.settings(), state, invigilator)

    def run(self, body):
        """`asyncio.run` of `body(invigilator)`, with the robot invigilator signed in."""

        async def scenario():
            invigilator = await self.invigilator()
            try:
                return await body(invigilator)
            finally:
                await invigilator.close()

        return asyncio.run(scenario())

    def count_full_verifications(self) -> "CountingVerifier":
        """From now on, count the records the server verifies in full (the others, the live
        replay judged as they streamed in: server_stub/live_exams.py)."""
        counting = CountingVerifier(records.check_record)
        self.monkeypatch.setattr(records, "check_record", counting)
        return counting

    async def started(self, index: int, invigilator: ConsoleApi, **kwargs) -> RobotCandidate:
        robot = self.robot(index, invigilator, **kwargs)
        await robot.enrol()
        await robot.check_in()
        await robot.wait_for_ticket()
        return robot


@pytest.fixture
def room_factory(live_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def make(candidates: int = 2, **plan) -> Room:
        return Room(
            live_server, live_server.plan(candidates, **plan), tmp_path / "pcs", monkeypatch
        )

    return make

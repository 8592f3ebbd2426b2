"""Several `pix-server serve` processes on one PostgreSQL database (docs/deployment.md): the
kiosk on one, the console on another; one of them killed while robots stream their journals.
And the refusal of a second `serve` on one SQLite database."""

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from kiosk.console.api import ConsoleApi
from server_stub.commands.serve import LISTENING
from server_stub.context import ServerContext
from server_stub.datadir import DataDir
from tests.postgres_databases import POSTGRES_URL, create_database, drop_database, fresh_name
from tests.server.conftest import LiveServer, Room, SettableClock
from tests.server.server_waits import eventually

needs_postgres = pytest.mark.skipif(
    not POSTGRES_URL, reason="PIX_TEST_POSTGRES_URL not set (scripts/throwaway-postgres.sh)"
)


def serve(data: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "server_stub", "serve", "--data", str(data), *options]


class ServerProcess:
    """`pix-server serve` in a process of its own, on a port of its own (or the one given)."""

    def __init__(self, data: Path, port: int = 0, *extra: str) -> None:
        self.process = subprocess.Popen(
            serve(data, "--port", str(port), *extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line.startswith(LISTENING):
            self.process.kill()
            raise AssertionError(f"no server: {line!r} {self.process.stderr.read()}")
        self.url = line.split()[-1]
        self.port = int(self.url.rsplit(":", 1)[1])

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, as a crash."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def postgres_data_dir(postgres_template, tmp_path: Path) -> Path:
    """A data directory on a fresh PostgreSQL database (whatever the suite's backend)."""
    template_root, template_name, copies = postgres_template
    target = tmp_path / "data"
    shutil.copytree(template_root, target)
    copies.append(fresh_name("pix_test"))
    DataDir(target).write_settings(create_database(copies[-1], template=template_name))
    return target


@pytest.fixture
def two_servers(postgres_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """(room planned on the database, kiosk-side server, console-side server)."""
    ctx = ServerContext.open(DataDir(postgres_data_dir))
    servers = [ServerProcess(postgres_data_dir), ServerProcess(postgres_data_dir)]
    try:
        kiosk_side, console_side = servers
        server = LiveServer(kiosk_side.url, ctx, SettableClock(), postgres_data_dir)
        planned = server.plan(6)
        room = Room(server, planned, tmp_path / "pcs", monkeypatch)
        yield room, kiosk_side, console_side, servers
    finally:
        for process in servers:
            process.stop()
        ctx.close()


async def _console(url: str, room: Room) -> ConsoleApi:
    console = ConsoleApi(url)
    await console.sign_in(room.planned.session_number, room.planned.invigilator_code)
    return console


@needs_postgres
def test_a_ticket_and_a_pause_cross_processes_within_a_second(two_servers):
    room, _kiosk_side, console_side, _ = two_servers

    async def scenario():
        console = await _console(console_side.url, room)
        robot = room.robot(0, console)
        await robot.enrol()
        await robot.check_in()
        waiting = asyncio.create_task(robot.wait_for_ticket(authorise=False))
        await asyncio.sleep(1.0)  # the kiosk's long-poll is open on the other process
        assert not waiting.done()
        began = time.monotonic()
        await console.authorise(robot.candidate_id)
        await waiting
        ticket_s = time.monotonic() - began
        await robot.take_exam(stop_after=2)
        await asyncio.sleep(1.0)  # its command long-poll is open on the other process
        began = time.monotonic()
        await console.pause(robot.candidate_id)
        await eventually(robot.paused.is_set, timeout_s=10, every_s=0.01)
        pause_s = time.monotonic() - began
        await robot.close()
        await console.close()
        return ticket_s, pause_s

    ticket_s, pause_s = asyncio.run(scenario())
    assert ticket_s < 1.0, f"ticket after {ticket_s:.2f} s"
    assert pause_s < 1.0, f"pause after {pause_s:.2f} s"


@needs_postgres
def test_a_server_killed_mid_intake_loses_and_doubles_nothing(two_servers):
    room, kiosk_side, console_side, servers = two_servers
    db = room.server.ctx.db
    t = db.tables
    count = len(room.planned.candidate_ids)

    def stored_entries() -> int:
        with db.read() as connection:
            return connection.scalar(select(func.count()).select_from(t["journal_entries"]))

    async def scenario():
        console = await _console(console_side.url, room)
        robots = [room.robot(index, console) for index in range(count)]
        for robot in robots:
            await robot.enrol()
            await robot.check_in()
            await robot.wait_for_ticket()

        async def sit(robot):
            await robot.take_exam()
            return await robot.finish()

        sitting = [asyncio.create_task(sit(robot)) for robot in robots]
        await eventually(lambda: stored_entries() >= 4 * count, timeout_s=60)
        kiosk_side.kill()  # mid-stream: robots keep answering, their outboxes retry
        await asyncio.sleep(0.5)
        servers.append(ServerProcess(room.server.data_dir, kiosk_side.port))
        answers = await asyncio.gather(*sitting)
        journals = {robot.outcome.exam_id: len(robot.journal.entries()) for robot in robots}
        for robot in robots:
            await robot.close()
        await console.close()
        return answers, journals

    answers, journals = asyncio.run(scenario())
    assert [answer["outcome"] for answer in answers] == ["verified"] * count
    with db.read() as connection:
        per_exam = dict(
            connection.execute(
                select(t["journal_entries"].c.exam_id, func.count()).group_by(
                    t["journal_entries"].c.exam_id
                )
            ).all()
        )
        records = connection.execute(select(t["records"].c.exam_id, t["records"].c.outcome)).all()
    assert per_exam == journals  # every entry stored, once (the key is device, exam, seq)
    assert sorted(exam for exam, _ in records) == sorted(journals)  # one record per exam
    assert {outcome for _, outcome in records} == {"verified"}


@pytest.mark.sqlite_only
def test_a_second_serve_on_one_sqlite_database_is_refused(data_dir: Path):
    first = ServerProcess(data_dir)
    try:
        second = subprocess.run(
            serve(data_dir, "--port", "0"),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 1
        assert f"processus {first.process.pid}" in second.stderr
        assert "already uses the SQLite database" in second.stderr
        assert "PostgreSQL" in second.stderr
        workers = subprocess.run(
            serve(data_dir, "--port", "0", "--workers", "2"),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert workers.returncode == 1
        assert "--workers above 1 needs PostgreSQL" in workers.stderr
    finally:
        first.stop()
    # Once the first has stopped, the database is free again.
    again = ServerProcess(data_dir)
    again.stop()
    assert again.process.returncode == 0


def _workers(server: ServerProcess) -> set[int]:
    """The server processes `serve --workers` started (not multiprocessing's helpers)."""
    found = set()
    for child in psutil.Process(server.process.pid).children():
        try:  # a worker just killed is a zombie until the supervisor reaps it
            if "spawn_main" in " ".join(child.cmdline()):
                found.add(child.pid)
        except (psutil.ZombieProcess, psutil.NoSuchProcess):
            pass
    return found


@needs_postgres
def test_serve_workers_share_the_port_and_a_dead_one_is_started_again(postgres_data_dir):
    server = ServerProcess(postgres_data_dir, 0, "--workers", "2")
    try:
        first = _workers(server)
        assert len(first) == 2
        assert all(httpx.get(f"{server.url}/api/v1/health").status_code == 200 for _ in range(10))
        os.kill(min(first), signal.SIGKILL)

        def replaced():
            now = _workers(server)
            return len(now) == 2 and min(first) not in now

        asyncio.run(eventually(replaced, timeout_s=60, every_s=0.2))
        assert "started again" in _stderr_line(server)
        assert httpx.get(f"{server.url}/api/v1/health").status_code == 200
        workers = _workers(server)
        server.process.terminate()
        assert server.process.wait(timeout=30) == 0
        assert not any(psutil.pid_exists(pid) for pid in workers)
    finally:
        server.stop()


def _stderr_line(server: ServerProcess) -> str:
    return server.process.stderr.readline()


@needs_postgres
def test_processes_starting_together_migrate_a_new_database_once():
    from concurrent.futures import ThreadPoolExecutor

    from server_stub.db.database import Database, migration_scripts

    url = create_database(fresh_name("pix_migrate"))
    with ThreadPoolExecutor(4) as pool:
        databases = list(pool.map(lambda _: Database(url), range(4)))
    try:
        applied = sorted(version for db in databases for version in db.applied_migrations)
        assert applied == [version for version, _, _ in migration_scripts()]  # each once
        with databases[0].read() as connection:
            assert connection.scalar(
                select(func.count()).select_from(databases[0].tables["schema_version"])
            ) == len(applied)
    finally:
        for db in databases:
            db.close()
        drop_database(make_url(url).database)

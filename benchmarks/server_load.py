"""Load on the exam server on this machine: robots stream their answers, then upload records;
on SQLite (one process), then on PostgreSQL with 1 and with 2 server processes, in one run.

    bash scripts/throwaway-postgres.sh .venv/bin/python benchmarks/server_load.py \
        [--candidates 300] [--think 5] [--uploaders 32] [--backends sqlite,pg1,pg2] \
        [--peer ../main]

PostgreSQL is the server PIX_TEST_POSTGRES_URL names (scripts/throwaway-postgres.sh starts a
throwaway one and sets it); a fresh database is made on it for each run. Without it, only SQLite
runs, and the output says so.

1. `--candidates` robot kiosks (each its own enrolled device and journal) sit the exam against
   `pix-server serve` (enrolment, check-in, authorisation, ticket, the engine's questions),
   their outboxes held back. Then all of them stream their journals at once, entry by entry as
   a kiosk does, waiting a candidate's `--think` seconds (exponential, mean) before each
   answer. Streaming is measured apart from sitting so that the robots' own work (engine,
   signatures, journal writes) does not slow the load generator on a shared machine.
   Each robot starts within its first thinking time (candidates do not all begin in the same
   second). Figure: latency of streaming an answer (p50/p95/p99), target p99 ≤ 200 ms; the
   latency over every entry (item shown, locks...) is printed beside it.
2. Their sealed records are then uploaded all together by `--uploaders` concurrent uploaders,
   by their head as a kiosk sends them once its journal is acknowledged (`--whole-records`:
   with their entries, as after an outage). Figure: records verified (signatures, chain,
   ticket, clock, replay, re-scoring) and stored per second, target ≥ 200/s.
3. Nothing lost or duplicated: every entry each robot wrote is in the server's database exactly
   once, every record is verified, and the journals are all acknowledged.

CPU is counted for the server's processes (with their verification workers) and, on a local
PostgreSQL, for the database's processes apart; the load generator's own CPU is printed beside
it, with the cores each kept busy. A rate measures the server only while the server is short of
CPU: when its cores busy stay well under the machine's (other jobs take the rest, or the robots
wait on latency), records/s measures the share the machine gave it, and the CPU per record
(records per server CPU-second) is the figure to compare. Robots, server and database share
the machine (2 cores here), so the figures are a floor.
`--peer DIR` makes each run on the server of another checkout too (its own `server_stub`, the
same robots), right after this one's: a comparison made in the same hour on the same machine.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from engine.exam_events import ANSWER  # noqa: E402
from engine.journal_format import verify_receipt  # noqa: E402
from kiosk.client import ServerUnreachable  # noqa: E402
from kiosk.console.api import ConsoleApi  # noqa: E402
from kiosk.robot import (  # noqa: E402
    RobotCandidate,
    RobotSettings,
    Timings,
    latency_figures,
    read_candidates_csv,
)
from server_stub.datadir import DataDir  # noqa: E402

SERVER = [sys.executable, "-c", "from server_stub.commands import main; main()"]
STREAMING_P99_TARGET_MS = 200.0
RECORDS_PER_S_TARGET = 200.0


def pix_server(code: Path, *args: str) -> str:
    """Run a `pix-server` command of the checkout `code` (its own server_stub)."""
    return subprocess.run(
        [*SERVER, *args], capture_output=True, text=True, check=True, cwd=code
    ).stdout


def prepare(data: Path, candidates: int, database: str | None, code: Path) -> tuple[dict, str, str]:
    on_postgres = ["--database", database] if database else []
    pix_server(code, "init", "--data", str(data), "--no-calibrate", *on_postgres)
    session = json.loads(
        pix_server(
            code,
            "session",
            "create",
            "--data",
            str(data),
            "--centre",
            "Bench",
            "--room",
            "Hall",
            "--date",
            "2025-06-12",
            "--time",
            "09:00",
            "--json",
        )
    )
    lines = ["last_name,first_names,birth_date,ine,extra_time_percent,accessibility_adjustment"]
    lines += [
        f"Robot{i:04d},Candidate,2008-01-{1 + i % 28:02d},R{i},0,false" for i in range(candidates)
    ]
    csv_text = "\n".join(lines) + "\n"
    csv_path = data.parent / "candidates.csv"
    csv_path.write_text(csv_text, encoding="utf-8")
    pix_server(
        code,
        "candidates",
        "import",
        "--data",
        str(data),
        "--session",
        session["session_id"],
        str(csv_path),
    )
    token = pix_server(
        code, "device", "token", "--data", str(data), "--devices", str(candidates)
    ).strip()
    return session, csv_text, token


def cpu_s(pid: int | None) -> float:
    """CPU seconds used so far by process `pid` and all its descendants (0 without a pid)."""
    if pid is None:
        return 0.0
    top = psutil.Process(pid)
    total = 0.0
    for process in [top, *top.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            total += times.user + times.system
    return total


@dataclass
class Meter:
    """CPU of the server (its processes and verification workers) and of the database
    (PostgreSQL's processes, when it runs on this machine), between two readings."""

    server_pid: int
    database_pid: int | None

    def read(self) -> tuple[float, float]:
        return cpu_s(self.server_pid), cpu_s(self.database_pid)


async def sit_exams(
    url: str, session: dict, csv_text: str, token: str, args, root: Path, meter: Meter
):
    settings = RobotSettings(
        server_url=url,
        session_number=session["session_number"],
        access_code=session["access_code"],
        enrol_token=token,
        seed=1,
    )
    identities = read_candidates_csv(csv_text)
    invigilator = ConsoleApi(url)
    await invigilator.sign_in(session["session_number"], session["invigilator_code"])
    robots = [
        RobotCandidate(i, identities[i], settings, root / f"pc-{i:04d}", invigilator)
        for i in range(args.candidates)
    ]
    try:
        started = time.perf_counter()
        records = await prepare_exams(robots)
        prepare_s = time.perf_counter() - started
        timings = Timings()
        started, cpu_before = time.perf_counter(), meter.read()
        own_before = sum(psutil.Process().cpu_times()[:2])
        await asyncio.gather(*(stream(robot, args.think, timings) for robot in robots))
        stream_s = time.perf_counter() - started
        stream_cpu_s = _spent(cpu_before, meter.read())
        client_cpu_s = sum(psutil.Process().cpu_times()[:2]) - own_before
        uploaders = asyncio.Semaphore(args.uploaders)

        async def upload(robot: RobotCandidate, record: dict) -> dict:
            # As the kiosk: by its head when the server acknowledged the whole journal.
            acknowledged = not args.whole_records and (
                robot.journal.acknowledged_seq == record["record"]["head"]["seq"]
            )
            async with uploaders:
                return await robot.client.upload_record(
                    record, attempts=5, acknowledged=acknowledged
                )

        started, cpu_before = time.perf_counter(), meter.read()
        own_before = sum(psutil.Process().cpu_times()[:2])
        answers = await asyncio.gather(
            *(upload(robot, record) for robot, record in zip(robots, records, strict=True))
        )
        upload_s = time.perf_counter() - started
        upload_cpu_s = _spent(cpu_before, meter.read())
        upload_client_cpu_s = sum(psutil.Process().cpu_times()[:2]) - own_before
        written = {r.ticket.exam_id: [e.hash for e in r.journal.entries()] for r in robots}
        acknowledged = sum(r.journal.acknowledged_seq == r.journal.head().seq for r in robots)
    finally:
        for robot in robots:
            await robot.close()
        await invigilator.close()
    return Run(
        timings,
        records,
        answers,
        written,
        acknowledged,
        prepare_s,
        stream_s,
        upload_s,
        upload_cpu_s,
        stream_cpu_s,
        client_cpu_s,
        upload_client_cpu_s,
    )


def _spent(before: tuple[float, float], after: tuple[float, float]) -> tuple[float, float]:
    return after[0] - before[0], after[1] - before[1]


async def prepare_exams(robots: list[RobotCandidate]) -> list[dict]:
    """Every robot sits its exam with its outbox held back: journals full, nothing streamed."""
    room = asyncio.Semaphore(25)

    async def sit(robot: RobotCandidate) -> dict:
        async with room:
            for attempt in range(3):  # a connection the loaded machine did not accept in time
                try:
                    await robot.enrol()
                    break
                except ServerUnreachable:
                    if attempt == 2:
                        raise
            await robot.check_in()
            await robot.wait_for_ticket()
            await robot.outbox.stop()
            await robot.take_exam()
            return await robot.seal()

    return await asyncio.gather(*(sit(robot) for robot in robots))


async def stream(robot: RobotCandidate, think_s: float, timings: Timings) -> None:
    """Send the journal as the kiosk did during the exam: each entry as it is written, a
    candidate's thinking time before each answer (and before the first entry: candidates do
    not all start their first question in the same second); acknowledge from the last
    receipt. Answers and the other entries are timed apart."""
    rng = random.Random(robot.index)
    exam_id = robot.ticket.exam_id
    receipt = None
    await asyncio.sleep(rng.uniform(0, think_s))
    for entry in robot.journal.unacknowledged():
        if entry.kind == ANSWER:
            await asyncio.sleep(rng.expovariate(1.0 / think_s))
        started = time.perf_counter()
        receipt = await robot.client.stream_entries(exam_id, [entry], attempts=5)
        timings.record(
            "answers" if entry.kind == ANSWER else "other entries", time.perf_counter() - started
        )
    if receipt is not None:
        head = verify_receipt(
            receipt, robot.server_key, device_id=robot.identity.device_id, exam_id=exam_id
        )
        robot.journal.acknowledge(head.seq)


@dataclass
class Run:
    timings: Timings
    records: list[dict]
    answers: list[dict]
    written: dict[str, list[str]]
    acknowledged: int
    prepare_s: float
    stream_s: float
    upload_s: float
    upload_cpu_s: tuple[float, float]  # (server, database)
    stream_cpu_s: tuple[float, float]
    client_cpu_s: float
    upload_client_cpu_s: float


def stored_entries(data: Path) -> dict[str, list[tuple[int, str]]]:
    engine = create_engine(DataDir(data).database_url())
    found: dict[str, list[tuple[int, str]]] = {}
    with engine.connect() as connection:
        for exam_id, seq, digest in connection.execute(
            text("SELECT exam_id, seq, entry_hash FROM journal_entries ORDER BY exam_id, seq")
        ):
            found.setdefault(exam_id, []).append((seq, digest))
    engine.dispose()
    return found


BACKENDS = {"sqlite": ("SQLite, 1 process", 1), "pg1": ("PostgreSQL, 1 worker", 1)}
BACKENDS["pg2"] = ("PostgreSQL, 2 workers", 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=300)
    parser.add_argument("--think", type=float, default=5.0, help="mean seconds before an answer")
    parser.add_argument("--uploaders", type=int, default=32)
    parser.add_argument(
        "--whole-records", action="store_true", help="upload records with their entries"
    )
    parser.add_argument(
        "--backends", default="sqlite,pg1,pg2", help="which runs, of sqlite, pg1, pg2"
    )
    parser.add_argument(
        "--peer",
        type=Path,
        help="another checkout (say a clone of main): each run is made on its server too, "
        "right after this one's, with the same robots",
    )
    args = parser.parse_args()
    postgres = os.environ.get("PIX_TEST_POSTGRES_URL", "")
    chosen = [name for name in args.backends.split(",") if name in BACKENDS]
    if not postgres and any(name.startswith("pg") for name in chosen):
        print(
            "PostgreSQL: not measured (PIX_TEST_POSTGRES_URL not set; run this through "
            "scripts/throwaway-postgres.sh)"
        )
        chosen = [name for name in chosen if not name.startswith("pg")]
    sound = True
    codes = [(ROOT, "this checkout")]
    if args.peer is not None:
        codes.append((args.peer.resolve(), f"peer {args.peer}"))
    for name in chosen:
        label, workers = BACKENDS[name]
        for index, (code, whose) in enumerate(codes):
            database = (
                fresh_database(postgres, f"{name}_{index}") if name.startswith("pg") else None
            )
            print(f"== {label} ({whose})")
            sound &= measure(args, database, workers, code)
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end "
        "(other work on the machine slows every figure above)"
    )
    return 0 if sound else 1


def fresh_database(admin_url: str, name: str) -> str:
    """A new database on the PostgreSQL server of `admin_url`; its URL."""
    url = make_url(admin_url)
    database = f"pix_bench_{name}_{os.getpid()}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}"')
        connection.exec_driver_sql(f'CREATE DATABASE "{database}"')
    engine.dispose()
    return url.set(database=database).render_as_string(hide_password=False)


def postmaster_pid(database: str) -> int | None:
    """The PostgreSQL server's own process, when it runs on this machine."""
    engine = create_engine(database)
    with engine.connect() as connection:
        backend = connection.scalar(text("SELECT pg_backend_pid()"))
    engine.dispose()
    with contextlib.suppress(psutil.Error):
        parent = psutil.Process(backend).parent()
        return parent.pid if parent is not None else None
    return None


def measure(args, database: str | None, workers: int, code: Path) -> bool:
    """One run on one backend; prints its figures; False if anything was lost or refused."""
    with tempfile.TemporaryDirectory(prefix="pix-bench-") as workdir:
        data = Path(workdir) / "data"
        session, csv_text, token = prepare(data, args.candidates, database, code)
        server = subprocess.Popen(
            [*SERVER, "serve", "--data", str(data), "--port", "0", "--workers", str(workers)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=code,
        )
        try:
            url = re.search(r"(http://\S+)", server.stdout.readline()).group(1)
            meter = Meter(server.pid, postmaster_pid(database) if database else None)
            run = asyncio.run(
                sit_exams(url, session, csv_text, token, args, Path(workdir) / "robots", meter)
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
        stored = stored_entries(data)

    streaming = latency_figures(run.timings.samples["answers"])
    every_entry = latency_figures(
        run.timings.samples["answers"] + run.timings.samples["other entries"]
    )
    verified = sum(answer["outcome"] == "verified" for answer in run.answers)
    records_per_s = len(run.records) / run.upload_s
    lost = sum(
        [digest for _, digest in stored.get(exam_id, [])] != hashes
        for exam_id, hashes in run.written.items()
    )
    duplicated = sum(len({seq for seq, _ in rows}) != len(rows) for rows in stored.values())
    entries = sum(len(hashes) for hashes in run.written.values())
    p99_ratio = streaming["p99_ms"] / STREAMING_P99_TARGET_MS
    calls, records = every_entry["count"], len(run.records)
    per_call = [1000 * cpu / calls for cpu in run.stream_cpu_s]
    per_record = [1000 * cpu / records for cpu in run.upload_cpu_s]
    print(
        f"{args.candidates} candidates: exams sat in {run.prepare_s:.1f} s; {entries} journal "
        f"entries streamed in {run.stream_s:.1f} s (think {args.think} s before each answer)"
    )
    print(
        f"answer streaming latency: p50 {streaming['p50_ms']} ms, p95 {streaming['p95_ms']} ms, "
        f"p99 {streaming['p99_ms']} ms over {streaming['count']} answers — target p99 ≤ "
        f"{STREAMING_P99_TARGET_MS:.0f} ms (ratio {p99_ratio:.2f}); every entry: p50 "
        f"{every_entry['p50_ms']} ms, p99 {every_entry['p99_ms']} ms over {calls} calls"
    )
    print(
        f"  CPU per streamed call: server {per_call[0]:.2f} ms"
        + (f", database {per_call[1]:.2f} ms" if database else "")
        + f"; load generator {1000 * run.client_cpu_s / calls:.2f} ms"
        + busy(run.stream_cpu_s, run.client_cpu_s, run.stream_s)
    )
    print(
        f"records verified and stored: {records_per_s:.0f}/s ({verified}/{records} "
        f"verified, {args.uploaders} uploaders, {run.upload_s:.2f} s) — target ≥ "
        f"{RECORDS_PER_S_TARGET:.0f}/s (ratio {records_per_s / RECORDS_PER_S_TARGET:.2f})"
    )
    print(
        f"  CPU per record: server {per_record[0]:.2f} ms ({1000 / per_record[0]:.0f} records "
        "per server CPU-second)"
        + (f", database {per_record[1]:.2f} ms" if database else "")
        + f"; load generator {1000 * run.upload_client_cpu_s / records:.2f} ms"
        + busy(run.upload_cpu_s, run.upload_client_cpu_s, run.upload_s)
    )
    print(
        f"journals: {len(run.written) - lost}/{len(run.written)} stored exactly (lost or altered: "
        f"{lost}, duplicated: {duplicated}); outboxes acknowledged: "
        f"{run.acknowledged}/{len(run.written)}",
        flush=True,
    )
    return verified == records and lost == 0 and duplicated == 0


def busy(server_cpu_s: tuple[float, float], client_cpu_s: float, wall_s: float) -> str:
    """How many cores the server, the database and the load generator kept busy meanwhile: a
    rate is the server's only while the server is the one short of CPU (docs/server.md)."""
    server, database = (cpu / wall_s for cpu in server_cpu_s)
    return (
        f" — cores busy: server {server:.2f}, database {database:.2f}, "
        f"load generator {client_cpu_s / wall_s:.2f} (of {os.cpu_count()})"
    )


if __name__ == "__main__":
    sys.exit(main())

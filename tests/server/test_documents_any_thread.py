"""The documents render in any thread: a certificate downloaded from a running server (whose
renders run in its thread pool, the server itself not in the main thread) while other threads
render it at the same time."""

import asyncio
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx

from kiosk.robot import RobotSettings, read_candidates_csv, run_robots
from server_stub.documents import build_certificate
from server_stub.documents.loading import load_certificate
from server_stub.exports import session_results
from server_stub.review.publication import publish_session


def _pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, check=True, capture_output=True
    ).stdout.decode()


def test_certificate_renders_in_worker_threads_while_the_server_runs(live_server, tmp_path):
    planned = live_server.plan(1)
    settings = RobotSettings(
        server_url=live_server.url,
        session_number=planned.session_number,
        access_code=planned.access_code,
        enrol_token=planned.enrol_token,
        seed=3,
    )
    candidates = read_candidates_csv(planned.csv_text)
    summary = asyncio.run(
        run_robots(
            settings, candidates, planned.invigilator_code, tmp_path / "r", count=1, finalize=True
        )
    )
    assert summary["completed"] == 1 and summary["session_state"] == "finalised"
    publish_session(live_server.ctx.db, planned.session_id, actor="cli")
    row = session_results(live_server.ctx.db, planned.session_id)[0]
    code = row["verification_code"]
    data = load_certificate(
        live_server.ctx.db, code, "https://pix.example/api/v1/certificates/{code}"
    )
    threads: set[str] = set()

    def render_here() -> bytes:
        threads.add(threading.current_thread().name)
        return build_certificate(data).finished()

    url = f"{live_server.url}/api/v1/certificates/{code}/certificate.pdf"
    with ThreadPoolExecutor(max_workers=3) as pool:
        local = [pool.submit(render_here) for _ in range(2)]
        served = pool.submit(httpx.get, url, timeout=30)
        response = served.result()
        contents = [future.result() for future in local]
    assert threading.main_thread().name not in threads
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    for content in [response.content, *contents]:
        text = " ".join(_pdf_text(content).split())
        assert row["last_name"].upper() in text and code in text

"""`GET /health` says whether the server can take answers: a real server process whose file
writes start failing (its file size limit set to 0, as a full disk does) answers 503 with the
reason within a second, and 200 again once it can write."""

import resource
import time

import httpx
import pytest

from server_stub.db.readiness import PROBE_EVERY_S
from tests.deploy.live_server import LiveServer


def set_file_size_limit(pid: int, limit: int) -> None:
    resource.prlimit(pid, resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))


def health(url: str) -> httpx.Response:
    return httpx.get(f"{url}/api/v1/health", timeout=30)


@pytest.mark.sqlite_only  # the database file's size limit: SQLite's file
def test_a_server_that_cannot_write_is_not_ready_and_says_why(data_dir):
    server = LiveServer.start(data_dir)
    try:
        assert health(server.url).json()["status"] == "ok"
        set_file_size_limit(server.process.pid, 0)
        time.sleep(PROBE_EVERY_S)
        refused = health(server.url)
        assert refused.status_code == 503
        error = refused.json()["error"]
        assert error["code"] == "not_ready"
        assert "refuses to write" in error["message_en"]
        assert "refuse l'écriture" in error["message_fr"]
        set_file_size_limit(server.process.pid, resource.RLIM_INFINITY)
        time.sleep(PROBE_EVERY_S)
        assert health(server.url).status_code == 200
    finally:
        server.stop()


def test_health_probes_at_most_once_a_second(live_server):
    readiness = live_server.ctx.readiness
    probes = []
    probe = readiness._probe
    readiness._probe = lambda: probes.append(1) or probe()
    with httpx.Client(base_url=live_server.url) as client:
        for _ in range(20):
            assert client.get("/api/v1/health").status_code == 200
    assert len(probes) <= 2

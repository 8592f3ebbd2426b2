"""A stranger on the network (and a pupil holding a lab PC's device token): huge or deeply
nested bodies, guessed certificate codes, spreadsheet formulas in names, a revoked PC. Each is
refused with a clear reason and leaves the server answering and its data intact."""

import asyncio
import os
import socket
import stat
import threading
import time
from urllib.parse import urlsplit

import httpx
import pytest

from server_stub.commands import main as pix_server
from server_stub.csv_cells import spreadsheet_safe

MIB = 1024 * 1024


def raw_post(url: str, path: str, *, length: int | None, token: str | None = None) -> float:
    """POST `length` bytes of JSON-ish junk (chunked when None) as a bare socket client would,
    sending 1 MiB of it, then waiting for the answer: its status line, and how long it took."""
    parts = urlsplit(url)
    started = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        headers = [
            f"POST {path} HTTP/1.1",
            f"Host: {parts.netloc}",
            "Content-Type: application/json",
        ]
        if token:
            headers.append(f"Authorization: Bearer {token}")
        headers.append(f"Content-Length: {length}" if length else "Transfer-Encoding: chunked")
        sock.sendall(("\r\n".join(headers) + "\r\n\r\n").encode())
        chunk = b"[" * MIB
        try:
            sock.sendall(chunk if length else b"%x\r\n%s\r\n" % (len(chunk), chunk))
            if not length:  # a chunked body goes on streaming until the server says no
                for _ in range(19):
                    sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:
            pass  # the server answered and closed while we were still sending
        answer = sock.recv(4096).split(b"\r\n", 1)[0].decode()
    return answer, time.monotonic() - started


def test_an_unauthenticated_20_mb_post_is_refused_at_once_while_health_answers(live_server):
    url = live_server.url
    path = "/api/v1/kiosk/exams/exam_x/entries"
    results: list = []

    def attack(length):
        results.append(raw_post(url, path, length=length, token="forged-token"))

    attackers = [threading.Thread(target=attack, args=(n,)) for n in (20 * MIB, None, 20 * MIB)]
    health = []
    with httpx.Client(base_url=url) as client:
        assert client.get("/api/v1/health").status_code == 200  # connected before the attack
        for thread in attackers:
            thread.start()
        while any(thread.is_alive() for thread in attackers) or len(health) < 5:
            started = time.monotonic()
            assert client.get("/api/v1/health").status_code == 200
            health.append(time.monotonic() - started)
    for thread in attackers:
        thread.join()
    for status_line, took in results:
        assert status_line.split()[1] in ("401", "413"), status_line
        assert took < 1.0, took
    assert max(health) < 0.2, health


def test_bodies_are_capped_even_for_an_enrolled_pc(room_factory):
    room = room_factory(1)

    async def body(invigilator):
        robot = room.robot(0, invigilator)
        await robot.enrol()
        token = robot.client.device_token
        await robot.close()
        return token

    token = room.run(body)
    url, path = room.server.url, "/api/v1/kiosk/exams/exam_x/entries"
    announced, took = raw_post(url, path, length=3 * MIB, token=token)
    assert announced.split()[1] == "413" and took < 1.0
    streamed, took = raw_post(url, path, length=None, token=token)
    assert streamed.split()[1] == "413" and took < 2.0
    with httpx.Client(base_url=url) as client:
        answer = client.post(
            path,
            content=b'{"entries": []}',
            headers={"Content-Type": "application/json", "Authorization": "Bearer nope"},
        )
    assert answer.status_code == 401


@pytest.mark.parametrize("depth", [100_000, 3_000, 900])
def test_json_nested_too_deep_is_a_clear_400_never_a_500(room_factory, depth):
    room = room_factory(1)

    async def body(invigilator):
        robot = room.robot(0, invigilator)
        await robot.enrol()
        token = robot.client.device_token
        await robot.close()
        return token

    token = room.run(body)
    nested = "[" * depth + "]" * depth
    deep_entry = (
        '{"entries": [{"v": 1, "exam_id": "e", "seq": 1, "prev": "p", "elapsed_ms": 0, '
        '"wall_time": "2026-01-01T00:00:00Z", "kind": "answer", "hash": "h", "signature": "s", '
        f'"payload": {{"response": {nested}}}}}]}}'
    )
    kiosk = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=room.server.url + "/api/v1") as client:
        answers = [
            client.post("/kiosk/exams/exam_x/entries", content=deep_entry, headers=kiosk),
            client.post("/kiosk/exams/exam_x/record", content=nested, headers=kiosk),
            client.post("/kiosk/checkin", content=nested, headers=kiosk),
            client.post(
                "/console/sign-in",
                content='{"session_number": 1, "invigilator_code": ' + nested + "}",
                headers={"Content-Type": "application/json"},
            ),
        ]
        assert client.get("/health").status_code == 200
    for answer in answers:
        assert answer.status_code in (400, 404, 422), (answer.status_code, answer.text[:200])
        error = answer.json()["error"]
        assert error["message_fr"] and error["message_en"]
    if depth > 1_000:
        assert {answer.json()["error"]["code"] for answer in answers} == {"json_too_deep"}


def test_the_public_lookup_answers_429_after_30_misses_and_logs_them(live_server, tools):
    url = live_server.url + "/api/v1/certificates/"
    with httpx.Client() as client:
        misses = [
            client.get(url + f"P-BCDFGH{a}{b}").status_code for a in "2346" for b in "789BCDFGH"
        ]
        other = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"))
        with other:
            elsewhere = other.get(url + "P-BCDFGH23").status_code
    assert misses[:30] == [404] * 30
    assert set(misses[30:]) == {429}
    assert elsewhere == 404  # another address is not held back
    logged = tools.security_log(live_server, "certificate_lookup_miss")
    assert len(logged) >= 29 and logged[0]["address"] == "127.0.0.1"
    assert tools.security_log(live_server, "certificate_lookup_throttled")


def test_every_csv_cell_a_spreadsheet_could_run_is_neutralised(room_factory, tools):
    assert [spreadsheet_safe(v) for v in ("=1+1", "+x", "-2", "@SUM(1)", "\tx", "\rx")] == [
        "'=1+1",
        "'+x",
        "'-2",
        "'@SUM(1)",
        "'\tx",
        "'\rx",
    ]
    assert [spreadsheet_safe(v) for v in ("Dupont", 512, None, "")] == ["Dupont", "512", "", ""]
    room = room_factory(1)
    formula = '=HYPERLINK("http://evil.example","Cliquez")'

    async def body(invigilator):
        robot = room.robot(0, invigilator)
        await robot.enrol()
        identity = room.identity(0)
        answer = await robot.client._http.json(  # a kiosk sending its own version string
            "check_in",
            "POST",
            "/kiosk/checkin",
            json={
                "session_number": room.planned.session_number,
                "access_code": room.planned.access_code,
                "last_name": identity.last_name,
                "first_names": identity.first_names,
                "birth_date": identity.birth_date,
                "config_key": "0" * 64,
                "app_version": "@SUM(1+1)*cmd|' /C calc'!A0",
            },
        )
        await robot.close()
        return answer

    room.run(body)
    admin = {"Authorization": f"Bearer {room.server.ctx.admin_token}"}
    planned = room.server.ctx.db
    with httpx.Client(base_url=room.server.url + "/api/v1/admin", headers=admin) as client:
        created = client.post(
            "/sessions",
            json={"centre": "+cmd|calc", "room": "B12", "date": "2026-06-12", "time": "09:00"},
        ).json()
        imported = client.post(
            f"/sessions/{created['session_id']}/candidates",
            json={
                "csv": "last_name,first_names,birth_date,ine,extra_time_percent,"
                "accessibility_adjustment\n"
                f'"{formula.replace(chr(34), chr(34) * 2)}",-Marie,2008-01-10,INE1,0,false\n'
            },
        )
        assert imported.status_code == 201, imported.text
        exported = client.get(f"/sessions/{created['session_id']}/export?format=csv").text
    assert planned is not None
    cli = tools.exported(room, "csv")
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in cli
    assert "'=HYPERLINK" in exported and "'-Marie" in exported and "'+cmd|calc" in exported
    for text in (cli, exported):
        for line in text.splitlines()[1:]:
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in line.split(","))


def test_a_revoked_pc_is_refused_within_a_second(room_factory):
    room = room_factory(1)

    async def body(invigilator):
        robot = room.robot(0, invigilator)
        await robot.enrol()
        assert await robot.client.banks()
        device_id, token = robot.identity.device_id, robot.client.device_token
        await robot.close()
        return device_id, token

    device_id, token = room.run(body)
    assert (
        pix_server(["device", "revoke", "--data", str(room.server.data_dir), "--device", device_id])
        == 0
    )
    revoked_at = time.monotonic()
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=room.server.url + "/api/v1", headers=headers) as client:
        while client.get("/kiosk/banks").status_code != 401:
            assert time.monotonic() - revoked_at < 1.0, "still served after a second"
            time.sleep(0.05)
        refused = client.post("/kiosk/checkin", json={})
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthenticated"
    assert (
        pix_server(["device", "revoke", "--data", str(room.server.data_dir), "--device", "nope"])
        == 1
    )


def test_the_data_directory_is_private(live_server):
    root = live_server.data_dir
    for path in (root, *root.rglob("*")):
        mode = stat.S_IMODE(os.lstat(path).st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_a_session_number_gives_nothing_away(room_factory):
    """Console sign-in: an unknown session number is answered as a wrong code."""
    room = room_factory(1)
    url = room.server.url + "/api/v1/console/sign-in"
    number = room.planned.session_number

    async def body(_invigilator):
        async with httpx.AsyncClient() as client:
            real = await client.post(url, json={"session_number": number, "invigilator_code": "x"})
            unknown = await client.post(
                url, json={"session_number": number + 1, "invigilator_code": "x"}
            )
        return real, unknown

    real, unknown = asyncio.run(body(None))
    assert real.status_code == unknown.status_code == 403
    assert real.json() == unknown.json()

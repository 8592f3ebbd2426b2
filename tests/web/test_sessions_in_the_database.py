"""The web space's sessions live in the database (server_stub/web/web_sessions.py): a lead
signed in on one `pix-server serve` process continues on another and signs out there; a
restart of a SQLite server keeps them; the database holds no id in clear and no first-login
code; the server's clock ends them (idle, and twelve hours in all); a stranger's page views
store nothing; expired rows go."""

import hashlib
import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from server_stub.web.web_sessions import ABSOLUTE_S, COOKIE, IDLE_S
from tests.server.conftest import (  # noqa: F401  (the fixture and the hook, by name)
    postgres_template,
    pytest_generate_tests,  # each test again on PostgreSQL when PIX_TEST_POSTGRES_URL is set
)
from tests.server.test_scale_out import (  # noqa: F401  (fixtures, by name)
    ServerProcess,
    needs_postgres,
    postgres_data_dir,
)
from tests.web.conftest import LOGIN, PASSWORD, UAI, WebSchool, quiet
from tests.web.test_practice_pages import campaign  # noqa: F401  (the fixture, by name)

HOME = "Lycée Jean Moulin"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _add_lead(data: Path) -> None:
    quiet("org", "create", "--data", str(data), "--uai", UAI, "--name", HOME,
          "--type", "lycée")  # fmt: skip
    quiet("account", "create", "--data", str(data), "--login", LOGIN, "--name", "Mme Bernard",
          "--password", PASSWORD, "--role", "lead", "--uai", UAI)  # fmt: skip


def _sign_in(base_url: str) -> str:
    """The cookie of a lead signed in through the form at `base_url`."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        token = _csrf(client.get("/web/").text)
        signed = client.post(
            "/web/sign-in", data={"login": LOGIN, "password": PASSWORD, "csrf_token": token}
        )
        assert signed.status_code == 303 and signed.headers["location"] == "/web/home"
        return signed.cookies[COOKIE]


def _home(base_url: str, cookie: str) -> httpx.Response:
    return httpx.get(f"{base_url}/web/home", cookies={COOKIE: cookie}, timeout=30)


def _signed_in(base_url: str, cookie: str) -> bool:
    home = _home(base_url, cookie)
    if home.status_code == 303:
        assert home.headers["location"] == "/web/"
        return False
    assert home.status_code == 200 and HOME in home.text
    return True


@needs_postgres
def test_a_lead_signs_in_on_one_process_continues_and_signs_out_on_another(
    postgres_data_dir: Path,  # noqa: F811  (the fixture, by name)
):
    _add_lead(postgres_data_dir)
    first, second = ServerProcess(postgres_data_dir), ServerProcess(postgres_data_dir)
    try:
        cookie = _sign_in(first.url)
        assert _signed_in(first.url, cookie)
        assert _signed_in(second.url, cookie)  # the other process knows the session
        # A flash written by one process is shown by the other (Post/Redirect/Get across them).
        home = _home(second.url, cookie)
        out = httpx.post(
            f"{second.url}/web/sign-out",
            data={"csrf_token": _csrf(home.text)},
            cookies={COOKIE: cookie},
            timeout=30,
        )
        assert out.status_code == 303 and out.cookies[COOKIE] != cookie
        shown = httpx.get(f"{first.url}/web/", cookies={COOKIE: out.cookies[COOKIE]}, timeout=30)
        assert "Vous êtes déconnecté." in shown.text
        assert not _signed_in(first.url, cookie)  # signed out on the other: refused here
        assert not _signed_in(second.url, cookie)
    finally:
        first.stop()
        second.stop()


@pytest.mark.sqlite_only
def test_a_restarted_sqlite_server_keeps_its_sessions(data_dir: Path):
    _add_lead(data_dir)
    server = ServerProcess(data_dir)
    try:
        cookie = _sign_in(server.url)
    finally:
        server.stop()
    again = ServerProcess(data_dir)
    try:
        assert _signed_in(again.url, cookie)
    finally:
        again.stop()


def _rows(school: WebSchool) -> list:
    db = school.server.ctx.db
    with db.read() as connection:
        return connection.execute(select(db.tables["web_sessions"])).all()


def test_the_database_holds_neither_the_id_nor_the_first_login_code(school: WebSchool):
    assert not _rows(school)
    for _ in range(3):  # a stranger's page views store nothing
        assert httpx.get(school.url("/web/"), timeout=30).status_code == 200
    assert not _rows(school)
    cookie = _sign_in(school.server.url)
    (row,) = _rows(school)
    assert row.id_hash == hashlib.sha256(cookie.encode()).hexdigest()
    assert cookie not in " ".join(str(value) for value in row)
    assert row.account_login == LOGIN


def test_the_servers_clock_ends_idle_and_old_sessions_and_expired_rows_go(school: WebSchool):
    clock = school.server.clock
    idle = _sign_in(school.server.url)
    clock.advance(IDLE_S - 120)
    assert _signed_in(school.server.url, idle)  # still within two idle hours
    clock.advance(IDLE_S + 1)
    assert not _signed_in(school.server.url, idle)
    busy = _sign_in(school.server.url)  # storing a new session deletes the expired one
    assert [row.account_login for row in _rows(school)] == [LOGIN]
    for _ in range(ABSOLUTE_S // 3600 - 1):  # in use every hour: still signed in
        clock.advance(3600)
        assert _signed_in(school.server.url, busy)
    clock.advance(3600)
    assert not _signed_in(school.server.url, busy)  # twelve hours in all


def test_the_first_login_code_is_sealed_and_a_reset_deletes_the_students_sessions(
    school: WebSchool,
    campaign: dict,  # noqa: F811  (the fixture, by name)
):
    login = "marie.dupont1203"
    code = campaign["codes"][login]
    with httpx.Client(base_url=school.server.url, timeout=30) as student:
        token = _csrf(student.get("/web/practice/").text)
        step = student.post(
            "/web/practice/sign-in", data={"login": login, "code": code, "csrf_token": token}
        )
        assert step.headers["location"] == "/web/practice/password"
        (row,) = _rows(school)
        assert row.pending and row.student_id is None
        stored = " ".join(str(value) for value in row)
        assert code not in stored and code.replace("-", "") not in stored
        page = student.get("/web/practice/password")
        chosen = student.post(
            "/web/practice/password",
            data={
                "password": "mon mot de passe à moi",
                "confirmation": "mon mot de passe à moi",
                "csrf_token": _csrf(page.text),
            },
        )
        assert chosen.headers["location"] == "/web/practice/home"
        (row,) = _rows(school)
        assert row.pending is None and row.student_id is not None
        marie = row.student_id
    lead = _sign_in(school.server.url)
    base = f"/web/schools/{UAI}/campaigns/{campaign['code']}"
    page = httpx.get(school.url(base), cookies={COOKIE: lead}, timeout=30)
    reset = httpx.post(
        school.url(f"{base}/students/{marie}/reset"),
        data={"csrf_token": _csrf(page.text)},
        cookies={COOKIE: lead},
        timeout=30,
    )
    assert reset.status_code == 200
    assert [row.account_login for row in _rows(school)] == [LOGIN]  # hers are gone

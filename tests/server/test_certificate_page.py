"""The certificate prints the server's public address (set at `pix-server init --public-url`),
and that address opens a readable page, French first, not JSON (issue 22, item 14)."""

import asyncio
import subprocess

import httpx

from kiosk.robot import RobotSettings, read_candidates_csv, run_robots
from server_stub.commands import main as pix_server
from server_stub.datadir import DataDir
from server_stub.exports import session_results
from server_stub.review.publication import publish_session

PUBLIC = "https://certif.lycee-exemple.fr"


def _pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, check=True, capture_output=True
    ).stdout.decode()


def test_the_certificate_sends_people_to_a_page_at_the_public_address(live_server, tmp_path):
    directory = live_server.ctx.data_dir
    directory.write_settings(directory.database_url(), PUBLIC)
    planned = live_server.plan(1)
    settings = RobotSettings(
        server_url=live_server.url,
        session_number=planned.session_number,
        access_code=planned.access_code,
        enrol_token=planned.enrol_token,
        seed=5,
    )
    candidates = read_candidates_csv(planned.csv_text)
    summary = asyncio.run(
        run_robots(
            settings, candidates, planned.invigilator_code, tmp_path / "r", count=1, finalize=True
        )
    )
    assert summary["session_state"] == "finalised"
    publish_session(live_server.ctx.db, planned.session_id, actor="cli")  # the lead publishes
    row = session_results(live_server.ctx.db, planned.session_id)[0]
    code = row["verification_code"]

    pdf = httpx.get(f"{live_server.url}/api/v1/certificates/{code}/certificate.pdf", timeout=30)
    text = _pdf_text(pdf.content)
    assert f"{PUBLIC}/certificates/{code}" in text
    assert "/api/v1/" not in text and "127.0.0.1" not in text

    page = httpx.get(f"{live_server.url}/certificates/{code}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.text.index("Certificat authentique") < page.text.index("Genuine certificate")
    assert row["last_name"] in page.text and str(row["score"]) in page.text
    missing = httpx.get(f"{live_server.url}/certificates/P-BCDFGHJK")
    assert missing.status_code == 404 and "Certificat introuvable" in missing.text
    # The JSON lookup stays as it was, for the tools that read it.
    assert (
        httpx.get(f"{live_server.url}/api/v1/certificates/{code}").json()["score"] == row["score"]
    )


def test_init_stores_the_public_address(tmp_path, capsys):
    target = tmp_path / "data"
    argv = ["init", "--data", str(target), "--no-calibrate", "--public-url", PUBLIC + "/"]
    assert pix_server(argv) == 0
    assert PUBLIC in capsys.readouterr().out
    assert DataDir(target).public_url() == PUBLIC


def test_init_refuses_an_address_that_is_not_http(tmp_path, capsys):
    argv = ["init", "--data", str(tmp_path / "d"), "--no-calibrate", "--public-url", "lycee.fr"]
    try:
        pix_server(argv)
    except SystemExit as exit_:
        assert exit_.code == 2
    assert "n'est pas une adresse" in capsys.readouterr().err
    assert not (tmp_path / "d" / "server.json").exists()

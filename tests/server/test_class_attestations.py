"""Results a school reads: a class's attestations in one PDF (one page per student, drawn as
the certificate is), by command and by route, and the certificate stating the grade's expected
level — on a real server where robots sat the class's session."""

import subprocess

import httpx

from server_stub.commands import main as pix_server
from server_stub.documents.loading import load_certificate
from tests.server.school_helpers import LYCEE_UAI, run_json, run_refused
from tests.server.test_feeds import school  # noqa: F401  (fixture: TG1 sat a session)


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def pdf_pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    return int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )


def test_a_class_s_attestations_come_in_one_pdf_with_the_expected_level(
    live_server,
    school,  # noqa: F811  (the fixture imported above)
    capsys,
    tmp_path,
):
    data = str(school.data_dir)
    out = tmp_path / "TG1.pdf"
    args = ("results", "--data", data, "--uai", LYCEE_UAI, "--class", "TG1")
    # Nothing published yet: nothing to print, and no file written.
    run_refused(capsys, *args, "--format", "pdf", "--out", str(out))
    assert not out.exists()
    school.publish()
    run_refused(capsys, *args, "--format", "pdf")  # a PDF needs --out

    assert pix_server([*args, "--format", "pdf", "--out", str(out)]) == 0
    assert pdf_pages(out) == 2  # one page per student
    pages = pdf_text(out).split("\f")
    rows = {row["last_name"]: row for row in run_json(capsys, *args)}
    for page, name in zip(pages, ("DUPONT", "MARTIN"), strict=False):
        flat = " ".join(page.split())
        row = rows[name]
        assert name in flat and row["verification_code"] in flat
        reached = "atteint" if row["expected_level_reached"] else "non atteint"
        assert f"Niveau attendu en Tle : 4 (Indépendant 2) — {reached}." in flat

    english = tmp_path / "TG1-en.pdf"
    assert pix_server([*args, "--format", "pdf", "--lang", "en", "--out", str(english)]) == 0
    assert "Level expected in Tle: 4 (Independent 2)" in " ".join(pdf_text(english).split())

    certificate = load_certificate(
        live_server.ctx.db, rows["DUPONT"]["verification_code"], "http://x/{code}"
    )
    assert (certificate.grade, certificate.expected_level) == ("Tle", 4)

    # The same PDF from the API, with the admin token only.
    route = f"{school.url}/api/v1/admin/organizations/{LYCEE_UAI}/classes/TG1/attestations.pdf"
    assert httpx.get(route).status_code == 401
    token = (school.data_dir / "admin.token").read_text().strip()
    served = httpx.get(route, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert served.status_code == 200 and served.headers["content-type"] == "application/pdf"
    assert served.content.startswith(b"%PDF")
    unknown = httpx.get(route.replace("TG1", "TG9"), headers={"Authorization": f"Bearer {token}"})
    assert unknown.status_code == 404

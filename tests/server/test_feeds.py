"""The livret scolaire and Parcoursup feeds on a real server: OAuth2 client credentials, bearer
JWTs with their scope, published certifications only, in Pix's shapes, every access audited;
and the same shapes written offline by `pix-server export --format lsu|parcoursup`."""

import asyncio
from dataclasses import dataclass

import httpx
import pytest

from kiosk.console.api import ConsoleApi
from kiosk.robot import RobotSettings, read_candidates_csv, run_robots
from server_stub.commands import main as pix_server
from server_stub.datadir import DataDir
from server_stub.enrolment import create_enrolment_token
from server_stub.review.publication import publish_session
from server_stub.schools.audit import entries
from tests.server.school_helpers import LYCEE_UAI, add_school, run_json, run_refused, siecle_xml

TOKEN_URL = "/api/v1/oauth/token"
LSU_URL = "/api/v1/livret-scolaire/organizations/{uai}/certifications"
SEARCH_URL = "/api/v1/parcoursup/certification/search"
STUDENTS = [
    {
        "ine": "123456789AB",
        "last": "DUPONT",
        "first": "Maëlle",
        "first2": "Rose",
        "born": "14/03/2008",
        "sex": "2",
        "mef": "20212001110",
        "division": "TG1",
    },
    {
        "ine": "98765432101",
        "last": "MARTIN",
        "first": "Lucas",
        "born": "02/11/2007",
        "mef": "20212001110",
        "division": "TG1",
    },
]
LIVRET_FIELDS = {
    "id",
    "firstName",
    "middleName",
    "thirdName",
    "lastName",
    "birthdate",
    "nationalStudentId",
    "status",
    "pixScore",
    "verificationCode",
    "date",
    "deliveredAt",
    "certificationCenter",
    "competenceResults",
}
PARCOURSUP_FIELDS = {
    "organizationUai",
    "ine",
    "lastName",
    "firstName",
    "birthdate",
    "status",
    "pixScore",
    "globalLevel",
    "certificationDate",
    "competences",
}


@dataclass
class School:
    url: str
    data_dir: object
    session: dict
    publish: object


@pytest.fixture
def school(live_server, capsys, tmp_path) -> School:
    """A lycée whose class TG1 (two students from SIECLE) sat a session; `publish()` finalises
    and publishes it."""
    data = str(live_server.data_dir)
    add_school(capsys, live_server.data_dir)
    roster = tmp_path / "ElevesSansAdresses.xml"
    roster.write_bytes(siecle_xml(LYCEE_UAI, STUDENTS))
    run_json(
        capsys, "students", "import", "--data", data, "--uai", LYCEE_UAI, "--json", str(roster)
    )
    session = run_json(
        capsys,
        "session",
        "create",
        "--data",
        data,
        "--uai",
        LYCEE_UAI,
        "--class",
        "TG1",
        "--room",
        "B12",
        "--date",
        "2026-06-12",
        "--time",
        "09:00",
        "--json",
    )
    identities = (
        "last_name,first_names,birth_date,ine,extra_time_percent,accessibility\n"
        + "".join(
            f"{s['last']},{s['first']},{'-'.join(reversed(s['born'].split('/')))},{s['ine']},0,false\n"
            for s in STUDENTS
        )
    )
    settings = RobotSettings(
        server_url=live_server.url,
        session_number=session["session_number"],
        access_code=session["access_code"],
        enrol_token=create_enrolment_token(
            live_server.ctx.db, max_devices=2, valid_hours=1, now=live_server.clock()
        ),
        seed=5,
    )
    summary = asyncio.run(
        run_robots(
            settings,
            read_candidates_csv(identities),
            session["invigilator_code"],
            tmp_path / "pcs",
            count=2,
        )
    )
    assert summary["completed"] == 2, summary

    def publish() -> None:
        async def close_session():
            console = ConsoleApi(live_server.url)
            await console.sign_in(session["session_number"], session["invigilator_code"])
            await console.finalise()
            await console.close()

        asyncio.run(close_session())
        publish_session(live_server.ctx.db, session["session_id"], actor="cli")

    return School(live_server.url, live_server.data_dir, session, publish)


def new_client(capsys, data_dir, scope: str) -> dict:
    return run_json(capsys, "client", "create", "--data", str(data_dir), "--scope", scope, "--json")


def bearer(url: str, client: dict) -> dict:
    answer = httpx.post(
        url + TOKEN_URL,
        data={
            "grant_type": "client_credentials",
            "client_id": client["client_id"],
            "client_secret": client["client_secret"],
        },
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert (body["token_type"], body["expires_in"], body["scope"]) == (
        "Bearer",
        3600,
        client["scope"],
    )
    return {"Authorization": f"Bearer {body['access_token']}"}


def test_the_livret_scolaire_pulls_a_school_s_published_certifications(school, capsys):
    lsu = new_client(capsys, school.data_dir, "livret-scolaire")
    assert set(lsu) >= {"client_id", "client_secret"}
    headers = bearer(school.url, lsu)
    url = school.url + LSU_URL.format(uai=LYCEE_UAI)
    before = httpx.get(url, headers=headers).json()
    assert before["certifications"] == []  # sat, not yet published
    school.publish()
    answer = httpx.get(url, headers=headers)
    assert answer.status_code == 200
    body = answer.json()
    assert [c["id"] for c in body["competences"]][:3] == ["1.1", "1.2", "1.3"]
    assert len(body["competences"]) == 16
    assert body["competences"][0]["area"] == {"id": "1", "name": "Information et données"}
    by_ine = {c["nationalStudentId"]: c for c in body["certifications"]}
    assert set(by_ine) == {"123456789AB", "98765432101"}
    maelle = by_ine["123456789AB"]
    assert set(maelle) == LIVRET_FIELDS
    assert (maelle["firstName"], maelle["middleName"], maelle["thirdName"]) == (
        "Maëlle",
        "Rose",
        None,
    )
    assert (maelle["lastName"], maelle["birthdate"], maelle["status"]) == (
        "DUPONT",
        "2008-03-14",
        "validated",
    )
    assert maelle["certificationCenter"] == "Lycée Jean Moulin"
    assert maelle["verificationCode"].startswith("P-") and 0 <= maelle["pixScore"] <= 895
    assert maelle["date"].endswith("Z") and maelle["deliveredAt"].endswith("Z")
    assert [r["competenceId"] for r in maelle["competenceResults"]][-1] == "5.2"
    assert len(maelle["competenceResults"]) == 16
    # HTTP Basic authentication works as the form does.
    basic = httpx.post(
        school.url + TOKEN_URL,
        data={"grant_type": "client_credentials"},
        auth=(lsu["client_id"], lsu["client_secret"]),
    )
    assert basic.status_code == 200
    # Another school's UAI: 404; the default school has no published certification.
    unknown = httpx.get(school.url + LSU_URL.format(uai="0999999Z"), headers=headers)
    assert unknown.status_code == 404
    error = unknown.json()["error"]
    assert error["code"] == "organisation_not_found" and error["message_fr"] and error["message_en"]
    default = httpx.get(school.url + LSU_URL.format(uai="0000000A"), headers=headers).json()
    assert default["certifications"] == []
    # The offline export is the same document.
    offline = run_json(
        capsys, "export", "--data", str(school.data_dir), "--format", "lsu", "--uai", LYCEE_UAI
    )
    assert offline == body
    accesses = [e for e in entries_of(school) if e["action"] == "feed.livret_scolaire"]
    assert [e["detail"]["outcome"] for e in accesses] == [
        "ok",
        "ok",
        "organisation_not_found",
        "ok",
    ]
    assert {e["actor"] for e in accesses} == {f"client:{lsu['client_id']}"}


def test_parcoursup_searches_by_ine_identity_or_verification_code(school, capsys):
    school.publish()
    client = new_client(capsys, school.data_dir, "parcoursup")
    headers = bearer(school.url, client)

    def search(body: dict) -> httpx.Response:
        return httpx.post(school.url + SEARCH_URL, json=body, headers=headers)

    by_ine = search({"ine": "98765432101"})
    assert by_ine.status_code == 200, by_ine.text
    found = by_ine.json()
    assert set(found) == PARCOURSUP_FIELDS
    assert (found["organizationUai"], found["ine"], found["lastName"], found["firstName"]) == (
        LYCEE_UAI,
        "98765432101",
        "MARTIN",
        "Lucas",
    )
    assert found["birthdate"] == "2007-11-02" and found["status"] == "validated"
    assert found["globalLevel"] in (
        None,
        "Novice 1",
        "Novice 2",
        "Indépendant 1",
        "Indépendant 2",
        "Avancé 1",
        "Avancé 2",
        "Expert 1",
    )
    assert len(found["competences"]) == 16
    assert set(found["competences"][0]) == {"code", "name", "areaName", "level"}
    by_identity = search(
        {
            "organizationUai": LYCEE_UAI,
            "lastName": "martin",
            "firstName": "LUCAS",
            "birthdate": "2007-11-02",
        }
    )
    assert by_identity.json() == found
    rows = run_json(
        capsys,
        "export",
        "--data",
        str(school.data_dir),
        "--session",
        school.session["session_id"],
        "--format",
        "json",
    )
    code = next(r["verification_code"] for r in rows if r["ine"] == "98765432101")
    assert search({"verificationCode": code}).json() == found
    for body, status, code_name in [
        ({"ine": "00000000000"}, 404, "certification_not_found"),
        ({"ine": "98765432101", "lastName": "MARTIN"}, 422, "invalid_search"),
        (
            {
                "organizationUai": LYCEE_UAI,
                "lastName": "MARTIN",
                "firstName": "Lucas",
                "birthdate": "02/11/2007",
            },
            422,
            "invalid_search",
        ),
        ({"verificationCode": "P-BCDFGHJK"}, 404, "certification_not_found"),
    ]:
        refused = search(body)
        assert refused.status_code == status, (body, refused.text)
        assert refused.json()["error"]["code"] == code_name
    offline = run_json(
        capsys,
        "export",
        "--data",
        str(school.data_dir),
        "--format",
        "parcoursup",
        "--uai",
        LYCEE_UAI,
    )
    assert sorted(offline, key=lambda r: r["ine"]) == sorted(
        [search({"ine": "123456789AB"}).json(), found], key=lambda r: r["ine"]
    )
    searches = [e for e in entries_of(school) if e["action"] == "feed.parcoursup"]
    assert len(searches) >= 8 and searches[0]["detail"]["searched"] == ["ine"]


def test_tokens_are_refused_without_the_right_client_scope_or_time(school, capsys, live_server):
    school.publish()
    lsu_url = school.url + LSU_URL.format(uai=LYCEE_UAI)
    parcoursup = new_client(capsys, school.data_dir, "parcoursup")
    lsu = new_client(capsys, school.data_dir, "livret-scolaire")
    wrong_scope = httpx.get(lsu_url, headers=bearer(school.url, parcoursup))
    assert wrong_scope.status_code == 403
    assert wrong_scope.json()["error"]["code"] == "insufficient_scope"
    wrong_scope = httpx.post(
        school.url + SEARCH_URL, json={"ine": "98765432101"}, headers=bearer(school.url, lsu)
    )
    assert wrong_scope.status_code == 403
    for headers in ({}, {"Authorization": "Bearer not.a.jwt"}):
        refused = httpx.get(lsu_url, headers=headers)
        assert refused.status_code == 401
        assert refused.json()["error"]["message_fr"]
    # The token endpoint answers as RFC 6749 says.
    for form, status, error in [
        (
            {
                "grant_type": "client_credentials",
                "client_id": lsu["client_id"],
                "client_secret": "wrong",
            },
            401,
            "invalid_client",
        ),
        (
            {
                "grant_type": "password",
                "client_id": lsu["client_id"],
                "client_secret": lsu["client_secret"],
            },
            400,
            "unsupported_grant_type",
        ),
        (
            {
                "grant_type": "client_credentials",
                "client_id": lsu["client_id"],
                "client_secret": lsu["client_secret"],
                "scope": "parcoursup",
            },
            400,
            "invalid_scope",
        ),
    ]:
        answer = httpx.post(school.url + TOKEN_URL, data=form)
        assert answer.status_code == status
        body = answer.json()
        assert body["error"] == error and body["message_fr"] and body["error_description"]
    as_json = httpx.post(school.url + TOKEN_URL, json={"grant_type": "client_credentials"})
    assert as_json.json()["error"] == "invalid_request"
    # Tokens expire on the server's clock; a revoked client's tokens stop at once.
    headers = bearer(school.url, lsu)
    live_server.clock.advance(3601)
    assert httpx.get(lsu_url, headers=headers).status_code == 401
    headers = bearer(school.url, lsu)
    assert httpx.get(lsu_url, headers=headers).status_code == 200
    assert run_json(capsys, "client", "list", "--data", str(school.data_dir), "--json")
    assert (
        pix_server(
            ["client", "revoke", "--data", str(school.data_dir), "--client", lsu["client_id"]]
        )
        == 0
    )
    assert httpx.get(lsu_url, headers=headers).status_code == 401
    refused = [e for e in entries_of(school) if e["action"] in ("feed.refused", "oauth.refused")]
    reasons = [e["detail"]["reason"] for e in refused]
    assert reasons.count("insufficient_scope") == 2 and "invalid_client" in reasons
    assert "client.revoke" in [e["action"] for e in entries_of(school)]


def test_offline_exports_need_a_known_school(data_dir, capsys):
    error = run_refused(capsys, "export", "--data", str(data_dir), "--format", "lsu")
    assert "--uai" in error
    error = run_refused(
        capsys, "export", "--data", str(data_dir), "--format", "parcoursup", "--uai", "0999999Z"
    )
    assert "Établissement inconnu" in error and "Unknown school" in error
    error = run_refused(capsys, "export", "--data", str(data_dir), "--format", "json")
    assert "--session" in error
    empty = ["export", "--data", str(data_dir), "--format", "parcoursup", "--uai", "0000000A"]
    assert run_json(capsys, *empty) == []


def entries_of(school: School) -> list[dict]:
    database = DataDir(school.data_dir).open_database()
    try:
        return entries(database)
    finally:
        database.close()


def test_results_by_class_as_json_csv_and_over_the_api(school, capsys, live_server, tmp_path):
    school.publish()
    data = str(school.data_dir)
    newcomer = tmp_path / "arrivee.csv"
    newcomer.write_bytes(
        "nom;prénom;date de naissance;INE;classe;niveau\r\n"
        '=HYPERLINK("x");Zoé;05/05/2008;11111111111;TG1;Tle\r\n'.encode("cp1252")
    )
    run_json(
        capsys,
        "students",
        "import",
        "--data",
        data,
        "--uai",
        LYCEE_UAI,
        "--partial",
        "--json",
        str(newcomer),
    )
    rows = run_json(capsys, "results", "--data", data, "--uai", LYCEE_UAI, "--class", "TG1")
    by_ine = {row["ine"]: row for row in rows}
    assert set(by_ine) == {"123456789AB", "98765432101", "11111111111"}
    assert by_ine["11111111111"]["status"] == "not_certified"
    assert by_ine["11111111111"]["competence_levels"] == {}
    for ine in ("123456789AB", "98765432101"):
        row = by_ine[ine]
        assert (row["grade"], row["expected_level"], row["status"]) == ("Tle", 4, "validated")
        assert row["expected_level_reached"] == (row["global_level"] >= 4)
        assert len(row["competence_levels"]) == 16
        assert row["session_id"] == school.session["session_id"]
    out = tmp_path / "TG1.csv"
    assert (
        pix_server(
            [
                "results",
                "--data",
                data,
                "--uai",
                LYCEE_UAI,
                "--class",
                "TG1",
                "--format",
                "csv",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    sheet = out.read_bytes()
    assert sheet.startswith(b"\xef\xbb\xbf")
    lines = sheet.decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith("Nom;Prénom;INE;Date de naissance;Classe;Niveau;Statut;Score Pix")
    assert lines[0].endswith("Compétence 5.2")
    assert any(line.startswith("\"'=HYPERLINK") for line in lines)  # shown as text, not run
    answer = httpx.get(
        f"{school.url}/api/v1/admin/organizations/{LYCEE_UAI}/classes/TG1/results",
        headers={"Authorization": f"Bearer {live_server.ctx.admin_token}"},
    )
    assert answer.status_code == 200 and answer.json() == rows
    as_csv = httpx.get(
        f"{school.url}/api/v1/admin/organizations/{LYCEE_UAI}/classes/TG1/results",
        params={"format": "csv"},
        headers={"Authorization": f"Bearer {live_server.ctx.admin_token}"},
    )
    assert as_csv.content == sheet
    unknown = httpx.get(
        f"{school.url}/api/v1/admin/organizations/0999999Z/classes/TG1/results",
        headers={"Authorization": f"Bearer {live_server.ctx.admin_token}"},
    )
    assert unknown.status_code == 404
    assert (
        httpx.get(
            f"{school.url}/api/v1/admin/organizations/{LYCEE_UAI}/classes/TG1/results"
        ).status_code
        == 401
    )

"""Strangers at the feeds' doors: their refusals cannot grow the audit log without bound (each
address is logged until it is throttled, then answered 429 without a row, even with the right
secret), and every 401 names the bearer scheme as RFC 6750 asks."""

import httpx

from server_stub.lookup_throttle import MAX_MISSES, WINDOW_S
from server_stub.schools.audit import entries
from tests.server.school_helpers import LYCEE_UAI, add_school, run_json

TOKEN_URL = "/api/v1/oauth/token"
LSU_URL = f"/api/v1/livret-scolaire/organizations/{LYCEE_UAI}/certifications"
SEARCH_URL = "/api/v1/parcoursup/certification/search"


def refusal_rows(live_server) -> list[dict]:
    return [
        e
        for e in entries(live_server.ctx.db)
        if e["action"].startswith(("feed.", "oauth.")) and e["action"] != "oauth.token"
    ]


def test_a_stranger_cannot_grow_the_audit_log_without_bound(live_server, capsys):
    add_school(capsys, live_server.data_dir)
    client = run_json(
        capsys, "client", "create", "--data", str(live_server.data_dir),
        "--scope", "livret-scolaire", "--json",
    )  # fmt: skip
    wrong_secret = {
        "grant_type": "client_credentials",
        "client_id": client["client_id"],
        "client_secret": "not-the-secret",
    }
    with httpx.Client(base_url=live_server.url, timeout=60) as http:
        for attempt in range(MAX_MISSES + 20):
            if attempt % 2:
                answer = http.post(TOKEN_URL, data={**wrong_secret, "client_id": "x" * 500})
            else:
                answer = http.get(LSU_URL, headers={"Authorization": "Bearer forged.token.here"})
            if attempt < MAX_MISSES:
                assert answer.status_code == 401, answer.text
            else:
                assert answer.status_code == 429, attempt
                assert answer.headers["retry-after"] == str(int(WINDOW_S))
                body = answer.json()["error"]
                assert body["code"] == "feed_throttled"
                assert "réessayez" in body["message_fr"] and "try again" in body["message_en"]
        rows = refusal_rows(live_server)
        assert len(rows) == MAX_MISSES
        assert rows[-1]["action"] in ("feed.throttled", "oauth.throttled")
        assert {row["detail"]["address"] for row in rows} == {"127.0.0.1"}
        # A client id chosen by a stranger is cut before it reaches the log.
        assert max(len(row["actor"]) for row in rows) <= len("client:") + 64
        # Throttled, even the right secret waits: no secret is checked from this address.
        right = {**wrong_secret, "client_secret": client["client_secret"]}
        assert http.post(TOKEN_URL, data=right).status_code == 429
        assert len(refusal_rows(live_server)) == MAX_MISSES
        # A minute later (the server's clock) the address is forgiven.
        live_server.clock.advance(WINDOW_S + 1)
        token = http.post(TOKEN_URL, data=right)
        assert token.status_code == 200, token.text


def test_401_names_the_bearer_scheme(live_server, capsys):
    add_school(capsys, live_server.data_dir)
    with httpx.Client(base_url=live_server.url, timeout=60) as http:
        missing = http.get(LSU_URL)
        assert missing.status_code == 401
        assert missing.headers["www-authenticate"] == 'Bearer realm="pix-server"'
        forged = http.post(
            SEARCH_URL, json={"ine": "123"}, headers={"Authorization": "Bearer abc.def.ghi"}
        )
        assert forged.status_code == 401
        assert forged.json()["error"]["code"] == "invalid_token"
        assert forged.headers["www-authenticate"] == (
            'Bearer realm="pix-server", error="invalid_token"'
        )
        # The rest of the API's bearer routes say it too.
        for method, path in (
            ("GET", "/api/v1/review/queue"),
            ("POST", "/api/v1/review/sessions/1/publish"),
            ("GET", "/api/v1/admin/sessions/1"),
        ):
            answer = http.request(method, path)
            assert answer.status_code == 401, path
            assert answer.headers["www-authenticate"].startswith("Bearer"), path
        # The token endpoint wants Basic, and says so.
        refused = http.post(
            TOKEN_URL,
            data={"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"},
        )
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"].startswith("Basic")


def test_the_wrong_scope_is_told_in_the_challenge(live_server, capsys):
    add_school(capsys, live_server.data_dir)
    client = run_json(
        capsys, "client", "create", "--data", str(live_server.data_dir),
        "--scope", "parcoursup", "--json",
    )  # fmt: skip
    with httpx.Client(base_url=live_server.url, timeout=60) as http:
        token = http.post(
            TOKEN_URL,
            data={
                "grant_type": "client_credentials",
                "client_id": client["client_id"],
                "client_secret": client["client_secret"],
            },
        ).json()["access_token"]
        answer = http.get(LSU_URL, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 403
    assert answer.headers["www-authenticate"] == (
        'Bearer realm="pix-server", error="insufficient_scope", scope="livret-scolaire"'
    )

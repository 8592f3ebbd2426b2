"""`make demo` prints the web space's address and a lead account that signs in."""

import re

import httpx

from kiosk.commands.demo import DEMO_LEAD, DEMO_LEAD_PASSWORD, EmbeddedServer, web_space_notice


def test_the_demo_account_signs_in_to_the_printed_address(tmp_path):
    with EmbeddedServer(tmp_path / "server") as server:
        server.start()
        notice = web_space_notice(server)
        assert web_space_notice(server) == notice  # a second demo on the same folder
        url = re.search(r"(http://\S+/web/)", notice).group(1)
        assert DEMO_LEAD in notice and DEMO_LEAD_PASSWORD in notice
        with httpx.Client() as client:
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text)
            signed_in = client.post(
                f"{url}sign-in",
                data={"login": DEMO_LEAD, "password": DEMO_LEAD_PASSWORD, "csrf_token": token[1]},
            )
            assert signed_in.status_code == 303
            assert "Établissement par défaut" in client.get(f"{url}home").text

"""The web space against a real server on loopback (tests/server's fixtures), a school with a
lead account, and Debian's Chromium driven by Playwright (skipped with a reason without it)."""

import io
import shutil
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from server_stub.commands import main as pix_server
from tests.server.conftest import (  # noqa: F401  (fixtures, by name)
    LiveServer,
    data_dir,
    live_server,
)

UAI = "0750655E"
LOGIN = "cpe@lycee-jean-moulin.fr"
PASSWORD = "correct horse battery staple"
FIXTURES = Path(__file__).parent
CHROMIUM = shutil.which("chromium")


@dataclass
class WebSchool:
    server: LiveServer
    uai: str = UAI
    login: str = LOGIN
    password: str = PASSWORD

    def url(self, path: str) -> str:
        return f"{self.server.url}{path}"


def quiet(*args: str) -> None:
    """Run `pix-server ARGS`, its output swallowed; it must succeed."""
    with redirect_stdout(io.StringIO()):
        assert pix_server(list(args)) == 0


@pytest.fixture
def school(live_server: LiveServer) -> WebSchool:  # noqa: F811  (the fixture, by name)
    """A lycée and its lead, made with the commands an administrator runs."""
    data = str(live_server.data_dir)
    quiet("org", "create", "--data", data, "--uai", UAI, "--name", "Lycée Jean Moulin",
          "--type", "lycée")  # fmt: skip
    quiet("account", "create", "--data", data, "--login", LOGIN, "--name", "Mme Bernard",
          "--password", PASSWORD, "--role", "lead", "--uai", UAI)  # fmt: skip
    return WebSchool(live_server)


@pytest.fixture
def browser():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # --no-sandbox: CI and the dev machines run the tests as root, where Chromium's sandbox
        # refuses to start.
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()

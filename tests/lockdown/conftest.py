"""Fixtures of the lockdown tests: per worker, a real X server per module, and one lab (a server
on loopback, a planned session, an enrolled lab PC) for the whole run."""

from collections.abc import Iterator

import pytest
from exam_lab import Lab
from x11_kiosk import MISSING_X_TOOLS, XSession


def require_x_tools() -> None:
    if MISSING_X_TOOLS:
        pytest.skip(f"needs {', '.join(MISSING_X_TOOLS)} (CI installs them)")


@pytest.fixture(scope="module")
def x_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[XSession]:
    require_x_tools()
    session = XSession(tmp_path_factory.mktemp("x"))
    yield session
    session.stop()


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """One lab PC takes many candidates in a day: enrolled once, one candidate per test."""
    require_x_tools()
    lab = Lab(tmp_path_factory.mktemp("lab"))
    yield lab
    lab.stop()

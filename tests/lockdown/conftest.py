"""Fixtures of the lockdown tests: a real X server per worker for the escape suite."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from x11_kiosk import MISSING_X_TOOLS, XSession


@pytest.fixture(scope="module")
def x_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[XSession]:
    if MISSING_X_TOOLS:
        pytest.skip(f"needs {', '.join(MISSING_X_TOOLS)} (CI installs them)")
    session = XSession(tmp_path_factory.mktemp("x"))
    yield session
    session.stop()


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"

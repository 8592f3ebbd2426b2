"""Suite-wide settings: Qt renders offscreen unless a test starts its own X server.

Garbage is collected in the main thread after each test. Qt objects left in reference cycles
by a test (a kiosk window after `run_kiosk`, say) are otherwise freed by whichever thread
happens to trigger Python's collector — in a later test, a server's writer thread — while their
timers stay registered in the main thread, whose next event loop turn then crashes the process
(a segmentation fault in QTimerInfoList::activateTimers).

What is alive once the tests are collected (the modules every test imports: classes, functions,
tables) lives until the process ends: it is moved out of the collector's sight (`gc.freeze`),
so that each of those collections looks only at what tests made, not at the whole heap again.

The server's tests run on SQLite, and on PostgreSQL too when PIX_TEST_POSTGRES_URL names a
server (`make test` starts a throwaway one when PostgreSQL is installed): `database_backend`
says which, parametrized by tests/server/conftest.py.

With PIX_FAULT_LOG_DIR set (CI does), a test process that dies of a fatal signal writes the
traceback of every thread to a file of its own there: pytest-xdist reports only that the worker
crashed, and its stderr reaches CI's log cut short.
"""

import faulthandler
import gc
import os
from pathlib import Path

import pytest

from tests.postgres_databases import POSTGRES_URL

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_report_header(config) -> str:
    if POSTGRES_URL:
        return f"server suite on SQLite and PostgreSQL ({POSTGRES_URL})"
    return "server suite on SQLite only (PIX_TEST_POSTGRES_URL not set: PostgreSQL not tested)"


@pytest.fixture
def database_backend(request) -> str:
    """ "sqlite" or "postgresql": where this test's server keeps its data."""
    return getattr(request, "param", "sqlite")


def pytest_collection_finish(session) -> None:
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="session")
def template_data_dir(tmp_path_factory) -> Path:
    """A server data directory made by `pix-server init --no-calibrate` once per test process,
    for tests to copy (its database path is relative: a copy serves its own database)."""
    from server_stub.commands import main as pix_server

    root = tmp_path_factory.mktemp("template") / "data"
    assert pix_server(["init", "--data", str(root), "--no-calibrate"]) == 0
    return root


@pytest.fixture(autouse=True)
def garbage_collected_in_the_main_thread():
    yield
    gc.collect()


@pytest.fixture(scope="session", autouse=True)
def fatal_errors_to_a_file():
    """After pytest's own faulthandler set-up (which writes to stderr), when asked to."""
    folder = os.environ.get("PIX_FAULT_LOG_DIR")
    if not folder:
        yield
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with open(Path(folder) / f"{worker}-{os.getpid()}.log", "w") as log:
        faulthandler.enable(file=log, all_threads=True)
        yield
        faulthandler.enable(all_threads=True)  # back to stderr before the file closes

"""`pix-server serve` is one process: killed outright (SIGKILL, the system's out-of-memory
killer), it leaves nothing running behind it — no worker holding the database or a port."""

import os
import re
import signal
import subprocess
import sys

import httpx
import psutil
import pytest

from server_stub.commands import main as pix_server
from server_stub.commands.serve import LISTENING, VERIFY_WORKERS_NOTICE


def test_a_killed_server_leaves_no_process_behind(data_dir):
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from server_stub.commands import main; main()",
            "serve",
            "--data",
            str(data_dir),
            "--port",
            "0",
            "--verify-workers",
            "2",  # accepted for existing scripts: still one process
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    try:
        first_line = process.stdout.readline()
        match = re.fullmatch(rf"{LISTENING} (http://127\.0\.0\.1:\d+)\n", first_line)
        assert match, first_line + process.stderr.read()
        assert process.stderr.readline() == VERIFY_WORKERS_NOTICE + "\n"  # deprecated, one line
        assert httpx.get(f"{match.group(1)}/api/v1/health", timeout=10).status_code == 200
        children = psutil.Process(process.pid).children(recursive=True)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=20)
    _, alive = psutil.wait_procs(children, timeout=5)
    assert children == [] and alive == []


def test_verify_workers_says_in_its_help_that_it_is_deprecated(capsys):
    with pytest.raises(SystemExit):
        pix_server(["serve", "--help"])
    assert "--verify-workers N deprecated" in " ".join(capsys.readouterr().out.split())

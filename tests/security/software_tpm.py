"""A real TPM 2.0 for the tests: `swtpm` (Debian's software TPM, the reference implementation's
code) on a loopback port, reached by tpm2-tools through its swtpm TCTI. Each `SoftwareTpm` has
its own state, hence its own seeds: a second one is another chip."""

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from kiosk.key_sealing import TpmSealer

NEEDED = ("swtpm",)


def free_port_pair() -> int:
    """A port P with P+1 also free (swtpm's command and control ports)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with socket.socket() as other:
            try:
                other.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no free pair of ports")


class SoftwareTpm:
    def __init__(self) -> None:
        if not (all(shutil.which(tool) for tool in NEEDED) and TpmSealer.available()):
            pytest.fail("swtpm and tpm2-tools are needed: bash scripts/install-system-packages.sh")
        self.state = Path(tempfile.mkdtemp(prefix="pix-swtpm-"))
        self.port = free_port_pair()
        self.process = subprocess.Popen(
            [
                "swtpm", "socket", "--tpm2",
                "--tpmstate", f"dir={self.state}",
                "--server", f"type=tcp,port={self.port},bindaddr=127.0.0.1",
                "--ctrl", f"type=tcp,port={self.port + 1},bindaddr=127.0.0.1",
                "--flags", "not-need-init,startup-clear",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)

    @property
    def tcti(self) -> str:
        return f"swtpm:host=127.0.0.1,port={self.port}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.state, ignore_errors=True)

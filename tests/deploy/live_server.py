"""A real `pix-server` on loopback, driven as IT drives it: `init`, `serve --port 0`, `device
token`, `session create`, `candidates import`, each a subprocess."""

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent
LISTENING = "pix-server listening on"


def pix_server(*args: str) -> str:
    result = subprocess.run(
        [str(BIN / "pix-server"), *args], capture_output=True, text=True, check=True, timeout=120
    )
    return result.stdout


@dataclass
class LiveServer:
    url: str
    data_dir: Path
    process: subprocess.Popen
    token: str = ""  # an enrolment token a test module shares between its PCs

    @classmethod
    def start(cls, data_dir: Path, *extra: str) -> "LiveServer":
        if not (data_dir / "server.json").exists():
            pix_server("init", "--data", str(data_dir), "--no-calibrate")
        process = subprocess.Popen(
            [str(BIN / "pix-server"), "serve", "--data", str(data_dir), "--port", "0", *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = process.stdout.readline() if process.stdout else ""
        if not line.startswith(LISTENING):
            process.kill()
            raise RuntimeError(f"pix-server did not start: {line}{process.stderr.read()}")
        return cls(line.split()[-1], data_dir, process)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if a long-poll keeps uvicorn's graceful shutdown waiting."""
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def enrolment_token(self, devices: int = 1) -> str:
        return pix_server(
            "device", "token", "--data", str(self.data_dir), "--devices", str(devices)
        ).strip()

    def plan_session(self, csv_path: Path) -> dict:
        """A session with the candidates of `csv_path`; its codes (session create --json)."""
        created = json.loads(
            pix_server(
                "session",
                "create",
                "--data",
                str(self.data_dir),
                "--centre",
                "Lycée Test",
                "--room",
                "B12",
                "--date",
                "2026-06-12",
                "--time",
                "09:00",
                "--json",
            )
        )
        pix_server(
            "candidates",
            "import",
            "--data",
            str(self.data_dir),
            "--session",
            created["session_id"],
            str(csv_path),
        )
        return created

"""What the kiosk's controller tests share: a real server process with a session, and one lab PC
provisioned for it (as `pix-kiosk enroll` does), secure mode off."""

import asyncio
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.commands.demo import EmbeddedServer
from kiosk.console.api import ConsoleApi
from kiosk.exam_session import ExamSession
from kiosk.lab_config import LabConfig
from kiosk.rehearsal import SimulatedCandidate, provision_kiosk
from kiosk.robot import read_candidates_csv


@dataclass
class Lab:
    """A server with a session, and one provisioned kiosk for it."""

    server: EmbeddedServer
    codes: dict
    config: LabConfig

    def candidate(self, session: ExamSession, row: int, pace_s: float) -> SimulatedCandidate:
        identity = read_candidates_csv(Path(self.codes["candidates_csv"]).read_text())[row]
        return SimulatedCandidate(
            session,
            identity,
            str(self.codes["session_number"]),
            self.codes["access_code"],
            self.codes["invigilator_code"],
            pace_s=pace_s,
            say=lambda _: None,
        )

    async def console(self) -> ConsoleApi:
        console = ConsoleApi(self.server.url)
        await console.sign_in(self.codes["session_number"], self.codes["invigilator_code"])
        return console

    def exported(self, last_name: str) -> dict:
        rows = json.loads(self.server.command("export", "--session", self.codes["session_id"]))
        return next(row for row in rows if row["last_name"] == last_name)


@pytest.fixture
def lab(qapp, tmp_path, template_data_dir):
    shutil.copytree(template_data_dir, tmp_path / "server")  # initialised: `start` serves it
    with EmbeddedServer(tmp_path / "server") as server:
        server.start()
        codes = server.create_session()
        config = asyncio.run(
            provision_kiosk(
                tmp_path / "pc", server.url, server.enrolment_token(), secure_mode=False, label="t"
            )
        )
        yield Lab(server, codes, config)

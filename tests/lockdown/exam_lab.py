"""A lab in a box for the escape suite: a real `pix-server` on loopback with one planned session,
an enrolled lab PC, the invigilator at the console API, and candidates sitting down at the kiosk.

Everything is driven from outside, as on exam day: IT's commands (`pix-server session create`,
`candidates import`, `device token`, `pix-kiosk enroll`), the invigilator's console calls
(kiosk.console.api.ConsoleApi), the candidate's keyboard (xdotool, in `Sitting`). What the tests
read is what those people can see: the server's room, the exam journals in STATE, the X server.
"""

import asyncio
import contextlib
import json
import sqlite3
import subprocess
import sys
import time
import tomllib
import uuid
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import tomli_w
from x11_kiosk import KioskProcess, wait_until

from engine.exam_events import (
    FINISHED,
    ITEM_SHOWN,
    LOCKED,
    RESUME_AUTHORISED,
    UNLOCKED,
)
from kiosk.commands.demo import EmbeddedServer
from kiosk.commands.incidents import Incident
from kiosk.console.api import ConsoleApi
from kiosk.core.exam_files import journal_path
from kiosk.journal import read_journal
from kiosk.paths import LAB_CONFIG_NAME
from kiosk.robot import CandidateIdentity

BIN = Path(sys.executable).parent
# A process name (comm) keeps 15 characters; processes are machine-wide: unique per worker.
FORBIDDEN = f"pixf{uuid.uuid4().hex[:8]}"
# The lab's policy: CI runners are virtual machines; a program of our own is prohibited, and
# processes are checked often, so that the suite sees it start within a second.
LAB_POLICY = {
    "virtual_machine": "allow",
    "prohibited_processes": [FORBIDDEN],
    "check_interval_s": 0.2,
}
CANDIDATES = 40  # more than a worker's tests need: each sitting takes a new candidate
WINDOW_SETTLE_S = 0.5
STEP_TIMEOUT_S = 20.0  # a step of the exam flow (check-in, authorisation, start) on a busy CI


class Lab:
    """The school's server with one session of CANDIDATES, and one enrolled lab PC (STATE) whose
    lab configuration (`config_path`) has the lockdown policy LAB_POLICY."""

    def __init__(self, root: Path) -> None:
        (root / "server").mkdir(parents=True)
        self.server = EmbeddedServer(root / "server")
        try:
            self._set_up(root)
        except BaseException:
            self.server.stop()
            raise

    def _set_up(self, root: Path) -> None:
        self.server.start()
        self.session = json.loads(
            self.server.command(
                *("session", "create", "--centre", "Lycée Test", "--room", "B12"),
                *("--date", "2030-06-12", "--time", "09:00", "--json"),
            )
        )
        csv_path = root / "candidates.csv"
        csv_path.write_text(
            "last_name,first_names,birth_date,ine,extra_time_percent,accessibility_adjustment\n"
            + "".join(f"Nom{n:02d},Prenom{n:02d},2008-07-14,,0,false\n" for n in range(CANDIDATES)),
            encoding="utf-8",
        )
        self.server.command(
            "candidates", "import", "--session", self.session["session_id"], str(csv_path)
        )
        self._unseated = [
            CandidateIdentity(f"Nom{n:02d}", f"Prenom{n:02d}", "2008-07-14")
            for n in range(CANDIDATES)
        ]
        self.state_dir = root / "pc"
        token = self.server.command("device", "token").strip()
        subprocess.run(
            [
                *(str(BIN / "pix-kiosk"), "enroll", "--server", self.server.url),
                *(f"--token={token}", "--state", str(self.state_dir)),  # tokens may start with -
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        self.config_path = self.config(LAB_POLICY)
        self.invigilator = Invigilator(
            self.server.url, int(self.session["session_number"]), self.session["invigilator_code"]
        )

    def config(self, lockdown: dict[str, Any], name: str = LAB_CONFIG_NAME) -> Path:
        """A lab configuration of this PC (STATE/`name`) with this `[lockdown]` table."""
        document = tomllib.loads((self.state_dir / LAB_CONFIG_NAME).read_text(encoding="utf-8"))
        document["lockdown"] = lockdown
        path = self.state_dir / name
        path.write_text(tomli_w.dumps(document), encoding="utf-8")
        return path

    def next_candidate(self) -> CandidateIdentity:
        return self._unseated.pop(0)

    def stop(self) -> None:
        self.invigilator.close()
        self.server.stop()


class Invigilator:
    """The invigilator's console calls (ConsoleApi), signed in once, made from a test's thread."""

    def __init__(self, url: str, session_number: int, invigilator_code: str) -> None:
        self._loop = asyncio.new_event_loop()
        self.api = ConsoleApi(url)
        self.code = invigilator_code
        self._run(self.api.sign_in(session_number, invigilator_code))

    def _run(self, call: Coroutine[Any, Any, Any]) -> Any:
        return self._loop.run_until_complete(call)

    def candidate(self, identity: CandidateIdentity) -> dict[str, Any]:
        """The candidate's line in the room, as the console shows it."""
        room = self._run(self.api.room())
        return next(
            line
            for line in room["candidates"]
            if (line["last_name"], line["first_names"])
            == (identity.last_name, identity.first_names)
        )

    def authorise(self, candidate_id: str) -> None:
        self._run(self.api.authorise(candidate_id))

    def unlock(self, incident_id: str) -> None:
        self._run(self.api.unlock(incident_id))

    def end(self, candidate_id: str) -> None:
        self._run(self.api.end(candidate_id, "technical"))

    def close(self) -> None:
        self._run(self.api.close())
        self._loop.close()


class Sitting:
    """One candidate's exam at the kiosk: checks in by typing, is authorised by the invigilator,
    starts the exam (the lockdown is applied at the first question), and what came of it."""

    def __init__(self, kiosk: KioskProcess, lab: Lab) -> None:
        self.kiosk = kiosk
        self.lab = lab
        self.invigilator = lab.invigilator
        self.identity = lab.next_candidate()
        self.candidate_id = ""
        self.exam_id = ""

    # --- the exam flow ------------------------------------------------------------------------

    def check_in(self) -> None:
        """Type the check-in form as the candidate does (the kiosk shows it, focused)."""
        x, session = self.kiosk.x, self.lab.session
        self.kiosk.activate()
        birth = "/".join(reversed(self.identity.birth_date.split("-")))
        fields = (
            str(session["session_number"]),
            session["access_code"],
            self.identity.last_name,
            self.identity.first_names,
            birth,
        )
        x.run("xdotool", "type", "--delay", "15", "\t".join(fields))
        x.run("xdotool", "key", "Return")
        line = wait_until(self._waiting, STEP_TIMEOUT_S, every_s=0.1)
        assert line, f"the check-in did not reach the server: {self._line()}"
        self.candidate_id = line["candidate_id"]

    def authorise(self) -> None:
        """The invigilator authorises the start (or the resume); the kiosk takes its ticket and
        shows the instructions (the clock starts with « Commencer »), or, resuming, journals
        the resume."""
        self.invigilator.authorise(self.candidate_id)
        taken = wait_until(self.ticket_taken, STEP_TIMEOUT_S, every_s=0.1)
        assert taken, f"the kiosk did not take the ticket: {self._line()}"
        # The exam core takes the ticket, then the window shows the instructions: a key typed
        # in between would reach the waiting screen.
        time.sleep(WINDOW_SETTLE_S)

    def ticket_taken(self) -> bool:
        """The server issued this exam's ticket and the kiosk moved on (its status, as the
        server's database holds it: the room shows it "authorised" until the clock starts)."""
        database = self.lab.server.data_dir / "pix-server.sqlite3"
        with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
            row = db.execute(
                "SELECT status FROM candidates WHERE candidate_id = ?", (self.candidate_id,)
            ).fetchone()
        return row is not None and row[0] == "in_progress"

    def start(self) -> None:
        """Enter on the instructions' start button: the first question, under lockdown."""
        self.kiosk.x.run("xdotool", "key", "Return")
        shown = wait_until(lambda: ITEM_SHOWN in self.kinds(), STEP_TIMEOUT_S, every_s=0.1)
        assert shown, f"no first question: {self.kinds()}\n{self.kiosk.log()}"
        assert wait_until(self.kiosk.in_order, STEP_TIMEOUT_S, every_s=0.1), "not locked down"

    def resume(self) -> None:
        """After a restart: check in again; the invigilator authorises the resume and the exam
        goes on at the same question, under lockdown again."""
        self.check_in()
        self.authorise()
        resumed = wait_until(lambda: RESUME_AUTHORISED in self.kinds(), STEP_TIMEOUT_S, 0.1)
        assert resumed, f"not resumed: {self.kinds()}\n{self.kiosk.log()}"
        assert wait_until(self.kiosk.in_order, STEP_TIMEOUT_S, every_s=0.1), "not locked down"

    def sit_down(self) -> "Sitting":
        self.check_in()
        self.authorise()
        self.start()
        return self

    def end(self) -> None:
        """The invigilator ends the exam; the candidate goes back to check-in for the next one
        (Space: the end screen focuses its link)."""
        self.invigilator.end(self.candidate_id)
        ended = wait_until(lambda: FINISHED in self.kinds(), STEP_TIMEOUT_S, every_s=0.1)
        assert ended, f"the exam did not end: {self.kinds()}"
        # The core journals the end, then the window shows the end screen and lets go.
        released = wait_until(lambda: not self.kiosk.x.keyboard_grabbed(), STEP_TIMEOUT_S, 0.1)
        assert released, "the lockdown was not released at the end"
        time.sleep(WINDOW_SETTLE_S)
        self.kiosk.activate()
        self.kiosk.x.run("xdotool", "key", "space")

    # --- what can be seen ---------------------------------------------------------------------

    def _line(self) -> dict[str, Any]:
        return self.invigilator.candidate(self.identity)

    def _waiting(self) -> dict[str, Any] | None:
        line = self._line()
        return line if line["status"] == "waiting" else None

    def kinds(self) -> list[str]:
        """The kinds of this exam's journal entries so far."""
        if not self.exam_id:
            self.exam_id = self._line()["exam_id"] or ""
            if not self.exam_id:
                return []
        path = journal_path(self.kiosk.state_dir / "exams", self.exam_id)
        if not path.exists():
            return []
        return [entry.kind for entry in read_journal(path).entries]

    def locked(self) -> bool:
        """The kiosk shows its lock screen: its journal's last lock event is `locked`."""
        return [kind for kind in self.kinds() if kind in (LOCKED, UNLOCKED)][-1:] == [LOCKED]

    def incidents(self) -> list[Incident]:
        """The incidents journaled for this exam (what `pix-kiosk incidents` lists)."""
        return [i for i in self.kiosk.incidents() if i.exam_id == self.exam_id]

    def reported(self) -> list[dict[str, Any]]:
        """The open incidents the invigilator sees on this candidate."""
        return self._line()["incidents"]

    def status(self) -> str:
        return self._line()["status"]

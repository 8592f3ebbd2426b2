"""`pix-kiosk demo`: try the whole kiosk on this machine, with no network at all.

It starts a real exam server on loopback in a fresh data directory (`pix-server init`, then
`pix-server serve --port 0` as a separate process, exactly as in a school), creates a session
with a few demo candidates, enrols this PC, and opens the kiosk with the codes shown, and the
invigilator console beside it, from which you authorise the candidate. With `--no-console` (and
always with `--secure`, whose lockdown forbids leaving the kiosk window) the demo plays the
invigilator and authorises the candidate itself, and says so. Secure mode is off unless
`--secure`.

It needs a display (a desktop session, or Xvfb: `xvfb-run -a make demo`) and Qt's X11 libraries
(`sudo bash scripts/install-system-packages.sh`); without them it says so before starting
anything. Whatever ends it (the window closed, an error, Ctrl+C, SIGTERM) stops the server it
started: the server runs in its own process group, out of reach of the terminal's Ctrl+C, and
the demo stops it itself.
"""

import argparse
import asyncio
import ctypes
import datetime
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO

import httpx

from engine.canonical import BilingualError
from kiosk.commands.display_check import display_problem
from kiosk.commands.run import Kiosk, report_failure, run_kiosk
from kiosk.console.api import ConsoleApi
from kiosk.rehearsal import authorise_each_arrival, provision_kiosk
from kiosk.robot import read_candidates_csv

LISTENING = "listening on"
PR_SET_PDEATHSIG = 1  # linux/prctl.h
ADMIN_TOKEN_FILE = "admin.token"
DEMO_CANDIDATES = (
    "last_name,first_names,birth_date,ine,extra_time_percent,accessibility_adjustment\n"
    """Dupont,Jeanne,2008-07-14,,0,false
Martin,Lucas,2007-03-02,,33,false
Nguyen,Amélie,2009-11-30,,0,true
"""
)


class EmbeddedServerError(BilingualError):
    """The demo's own server could not be started or set up."""


class EmbeddedServer:
    """A `pix-server` of our own on 127.0.0.1, run as a separate process (the kiosk never
    imports the server). Use as a context manager: the process stops on exit."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.url = ""
        self._process: subprocess.Popen[str] | None = None
        self._log: IO[str] | None = None

    def __enter__(self) -> "EmbeddedServer":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def command(self, *args: str) -> str:
        """Run one `pix-server` command on this data directory; its standard output."""
        done = subprocess.run(
            [_pix_server(), *args, "--data", str(self.data_dir)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise EmbeddedServerError(
                "server_command",
                f"pix-server {' '.join(args)} a échoué : {done.stderr.strip()}",
                f"pix-server {' '.join(args)} failed: {done.stderr.strip()}",
            )
        return done.stdout

    def start(self, calibrate: bool = False, port: int = 0) -> str:
        """Initialise the data directory (once) and serve it on loopback (`port` 0: a free
        one; the port of a previous start brings the same server back at the same address)."""
        if not (self.data_dir / "pix-server.sqlite3").exists():
            self.command("init", *(() if calibrate else ("--no-calibrate",)))
        self._log = open(self.data_dir / "server.log", "a", encoding="utf-8")  # noqa: SIM115
        self._process = subprocess.Popen(
            [_pix_server(), "serve", "--data", str(self.data_dir), "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            start_new_session=True,  # Ctrl+C reaches the demo, which stops the server itself
            preexec_fn=_die_with_parent,
        )
        assert self._process.stdout is not None
        self.url = ""
        for line in self._process.stdout:
            self._log.write(line)
            if LISTENING in line:
                self.url = line.split()[-1]
                break
        if not self.url:
            log = self.data_dir / "server.log"
            raise EmbeddedServerError(
                "server_start",
                f"Le serveur de démonstration n'a pas démarré : voir {log}.",
                f"The demo server did not start: see {log}.",
            )
        threading.Thread(
            target=_copy_lines, args=(self._process.stdout, self._log), daemon=True
        ).start()
        return self.url

    def admin(self, path: str, body: dict) -> dict:
        """One call to the lead's planning API (admin token), as `pix-server` IT would make."""
        token = (self.data_dir / ADMIN_TOKEN_FILE).read_text(encoding="ascii").strip()
        response = httpx.post(
            f"{self.url}/api/v1/admin{path}",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=30.0,
        )
        if response.status_code >= 400:
            raise EmbeddedServerError(
                "server_setup",
                f"Le serveur de démonstration refuse {path} : {response.text}",
                f"The demo server refuses {path}: {response.text}",
            )
        return response.json()

    def create_session(self, mode: str = "default") -> dict[str, str]:
        """A session with the demo candidates: its id, number and codes."""
        created = self.admin(
            "/sessions",
            {
                "centre": "Lycée de démonstration",
                "room": "Salle 1",
                "date": datetime.date.today().isoformat(),
                "time": "09:00",
                "invigilator": "",
                "mode": mode,
            },
        )
        self.admin(f"/sessions/{created['session_id']}/candidates", {"csv": DEMO_CANDIDATES})
        csv_path = self.data_dir / f"candidates-{created['session_id']}.csv"
        csv_path.write_text(DEMO_CANDIDATES, encoding="utf-8")
        return created | {"candidates_csv": str(csv_path)}

    def enrolment_token(self) -> str:
        return self.admin("/device-tokens", {"devices": 1, "valid_hours": 24})["token"]

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
            self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None


def _copy_lines(source: IO[str], log: IO[str]) -> None:
    """Keep the server's output flowing into its log (a full pipe would block the server)."""
    try:
        for line in source:
            log.write(line)
    except ValueError:  # the log was closed: the server is stopping
        return


def _die_with_parent() -> None:
    """In the server's process, before it runs (Linux): the kernel sends it SIGTERM when the
    demo's process ends, even by a crash or SIGKILL that runs no clean-up of ours."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def _pix_server() -> str:
    beside = Path(sys.executable).with_name("pix-server")
    return str(beside) if beside.exists() else shutil.which("pix-server") or "pix-server"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="try the kiosk with its own local server / essayer le poste avec un serveur local",
        description=__doc__,
    )
    parser.add_argument("--secure", action="store_true", help="secure mode on (lockdown)")
    parser.add_argument(
        "--no-console",
        dest="console",
        action="store_false",
        help="no invigilator console: the demo authorises the candidate itself",
    )
    parser.add_argument(
        "--data", type=Path, metavar="DIR", help="keep the demo here (default: a new temp folder)"
    )
    parser.set_defaults(func=run)


def demo_notice(session: dict[str, str], console: bool) -> str:
    """What the person trying the demo needs to type, in both languages."""
    people = ", ".join(
        f"{c.first_names} {c.last_name} ({'/'.join(reversed(c.birth_date.split('-')))})"
        for c in read_candidates_csv(DEMO_CANDIDATES)
    )
    number, code = session["session_number"], session["access_code"]
    if console:
        who_fr = (
            "Autorisez le candidat dans la console surveillant (code surveillant "
            f"{session['invigilator_code']})."
        )
        who_en = (
            "Authorise the candidate in the invigilator console (invigilator code "
            f"{session['invigilator_code']})."
        )
    else:
        who_fr = (
            "Le surveillant est simulé : la démonstration autorise elle-même le candidat "
            f"(code surveillant {session['invigilator_code']}, pour déverrouiller ou quitter "
            "le poste)."
        )
        who_en = (
            "The invigilator is simulated: the demo authorises the candidate itself "
            f"(invigilator code {session['invigilator_code']}, to unlock or quit the kiosk)."
        )
    return (
        f"Démonstration — session {number}, code d'accès {code}, candidats : {people}. {who_fr}\n"
        f"Demo — session {number}, access code {code}, candidates: {people}. {who_en}"
    )


def open_console(server: EmbeddedServer, geometry: str) -> subprocess.Popen:
    """The invigilator console, in its own process and window, as on the invigilator's PC."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "invigilate",
            "--server",
            server.url,
            "--admin-token-file",
            str(server.data_dir / ADMIN_TOKEN_FILE),
            "--geometry",
            geometry,
        ],
        start_new_session=True,  # stopped by the demo, not by the terminal's Ctrl+C
    )


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    """Before the windows open, SIGTERM unwinds like Ctrl+C: the server gets stopped."""
    raise SystemExit(128 + signum)


def run(args: argparse.Namespace) -> int:
    problem = display_problem()
    if problem is not None:
        return report_failure(problem)
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        return _run(args)
    except KeyboardInterrupt:
        return 128 + signal.SIGINT
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(args: argparse.Namespace) -> int:
    root = args.data or Path(tempfile.mkdtemp(prefix="pix-demo-"))
    (root / "server").mkdir(parents=True, exist_ok=True)
    try:
        with EmbeddedServer(root / "server") as server:
            server.start()
            session = server.create_session()
            config = asyncio.run(
                provision_kiosk(
                    root / "kiosk",
                    server.url,
                    server.enrolment_token(),
                    secure_mode=args.secure,
                    label="demo",
                )
            )
            with_console = args.console and not args.secure
            notice = demo_notice(session, console=with_console)
            print(notice)
            print(f"Dossier / folder: {root}")
            print(web_space_notice(server))

            async def demo(kiosk: Kiosk) -> int:
                kiosk.window.set_notice(notice)
                if args.secure:
                    kiosk.window.showFullScreen()
                else:
                    kiosk.window.show()
                if with_console:
                    area = kiosk.window.screen().availableGeometry()
                    half = area.width() // 2
                    kiosk.window.setGeometry(area.x(), area.y(), half, area.height())
                    console_window = open_console(
                        server, f"{half}x{area.height()}+{area.x() + half}+{area.y()}"
                    )
                    try:
                        await kiosk.closed.wait()
                    finally:
                        console_window.terminate()
                    return 0
                console = ConsoleApi(server.url)
                await console.sign_in(int(session["session_number"]), session["invigilator_code"])
                invigilator = asyncio.ensure_future(authorise_each_arrival(kiosk.session, console))
                try:
                    await kiosk.closed.wait()
                finally:
                    invigilator.cancel()
                    await console.close()
                return 0

            return run_kiosk(config, demo, stop_signals=(signal.SIGTERM, signal.SIGINT))
    except BilingualError as error:
        return report_failure(error)


DEMO_LEAD, DEMO_LEAD_PASSWORD = "demo-lead", "demo-web-space"


def web_space_notice(server: EmbeddedServer) -> str:
    """The web space's address and a lead account of the default school (created once)."""
    if DEMO_LEAD not in server.command("account", "list"):
        server.command("account", "create", "--login", DEMO_LEAD, "--password",
                       DEMO_LEAD_PASSWORD, "--role", "lead", "--uai", "0000000A")  # fmt: skip
    return (
        f"Espace établissement / school web space: {server.url}/web/ — "
        f"{DEMO_LEAD} / {DEMO_LEAD_PASSWORD}"
    )

"""`pix-kiosk run --config FILE`: the candidate kiosk of a lab PC (see docs/kiosk.md).

Everything the kiosk needs is checked before the window opens (lab configuration, device keys
and token, the sealed bank signed by the pinned publisher), so a badly set-up PC says what to
fix instead of failing in front of a candidate. `open_kiosk` is shared with `demo` and
`rehearse`: the same window, controller and client, whatever drives them.
"""

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import qasync
from PySide6.QtWidgets import QApplication

from engine.canonical import BilingualError
from engine.sealed_bank import SealedBank
from kiosk.client import KioskClient
from kiosk.config_key import kiosk_config_key
from kiosk.exam_session import ExamSession, LockdownFactory
from kiosk.i18n import LanguageSwitcher
from kiosk.identity import DeviceIdentity
from kiosk.lab_config import LabConfig, LabConfigError, load_lab_config
from kiosk.lockdown import (
    LockdownPolicy,
    LockdownSession,
    prepare_kiosk_window,
    recover_after_crash,
)
from kiosk.paths import default_lab_config_path
from kiosk.termination import SIGTERM_STATUS, SigtermHandler
from kiosk.tls import trusted_authorities
from kiosk.ui.main_thread_gc import MainThreadCollection
from kiosk.ui.main_window import KioskWindow
from kiosk.ui.theme import apply_theme

LOCKDOWN_STATE_DIR = "lockdown"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run",
        help="open the candidate kiosk / ouvrir le poste candidat",
        description=__doc__,
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="FILE",
        help=f"lab configuration (default: {default_lab_config_path()})",
    )
    parser.add_argument(
        "--windowed",
        action="store_true",
        help="a normal window instead of fullscreen (secure mode off only)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        config = load_lab_config(args.config or default_lab_config_path())
    except BilingualError as error:
        return report_failure(error)

    async def until_closed(kiosk: "Kiosk") -> int:
        if args.windowed and not config.secure_mode:
            kiosk.window.show()
        else:
            kiosk.window.showFullScreen()
        await kiosk.closed.wait()
        return 0

    return run_kiosk(config, until_closed)


def report_failure(error: BilingualError) -> int:
    """An expected failure, said in both languages, without a traceback."""
    print(f"pix-kiosk: {error.fr}\npix-kiosk: {error.en}", file=sys.stderr)
    return 2


@dataclass
class Kiosk:
    """One open kiosk: its window, its controller, its connection to the server."""

    app: QApplication
    window: KioskWindow
    session: ExamSession
    client: KioskClient
    closed: asyncio.Event


def run_kiosk(config: LabConfig, main: Callable[[Kiosk], Awaitable[int]]) -> int:
    """Open the kiosk described by `config` and run `main` in the Qt event loop (qasync)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    # The last window closing ends `main` (Kiosk.closed), which then cleans up: Qt quitting the
    # event loop by itself would stop it under `main` (a traceback instead of status 0).
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        with loop, MainThreadCollection(app):
            return loop.run_until_complete(_open_and_run(app, config, main))
    except BilingualError as error:
        return report_failure(error)


async def _open_and_run(
    app: QApplication, config: LabConfig, main: Callable[[Kiosk], Awaitable[int]]
) -> int:
    kiosk = open_kiosk(app, config)
    running = asyncio.ensure_future(main(kiosk))
    sigterm = SigtermHandler(running.cancel)
    try:
        with sigterm:
            return await running
    except asyncio.CancelledError:
        if not sigterm.received:
            raise
        return SIGTERM_STATUS  # stopped (systemd, a shutdown): closed as on a normal exit
    finally:
        await kiosk.session.close()
        await kiosk.client.aclose()
        kiosk.window.close_for_good()


def open_kiosk(app: QApplication, config: LabConfig) -> Kiosk:
    """Load what the lab configuration names and build the window and its controller."""
    identity = DeviceIdentity.load(config.data_dir)
    policy = lockdown_policy(config)
    client = KioskClient(
        config.server_url,
        config.device_token(),
        config_key=kiosk_config_key(config, policy),
        verify=trusted_authorities(config.ca_file),
    )
    bank = SealedBank.open(config.bank_path, config.publisher_public_key)
    switcher = LanguageSwitcher(app)
    switcher.set_language(config.language)
    apply_theme(app, config.high_contrast, config.font_scale)
    window = KioskWindow(switcher, config.font_scale, config.high_contrast)
    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)
    session = ExamSession(
        window,
        switcher,
        client,
        identity,
        bank,
        config.server_public_key,
        config.data_dir,
        lockdown_factory=_lockdown_factory(config, policy, window),
    )
    session.quit_accepted.connect(window.close_for_good)
    session.start()
    return Kiosk(app, window, session, client, closed)


def lockdown_policy(config: LabConfig) -> LockdownPolicy:
    """The configuration's `[lockdown]` table, checked (secure mode or not: it enters the
    configuration key either way)."""
    try:
        return LockdownPolicy.from_dict(config.lockdown)
    except (ValueError, TypeError) as error:
        raise LabConfigError(
            f"Table [lockdown] de la configuration invalide : {error}.",
            f"Invalid [lockdown] table in the configuration: {error}.",
        ) from None


def _lockdown_factory(
    config: LabConfig, policy: LockdownPolicy, window: KioskWindow
) -> LockdownFactory | None:
    """Secure mode on: a lockdown around the window for each exam (None: no lockdown)."""
    if not config.secure_mode:
        return None
    prepare_kiosk_window(window)
    state_dir = config.data_dir / LOCKDOWN_STATE_DIR
    state_dir.mkdir(parents=True, exist_ok=True)
    recover_after_crash(state_dir)
    return lambda on_violation: LockdownSession(window, policy, on_violation, state_dir=state_dir)

"""`pix-kiosk run --config FILE`: the candidate kiosk of a lab PC (see docs/kiosk.md).

The window is one of two processes: it connects to the PC's exam core (kiosk.core) — the
installed service named by `[kiosk] core_socket`, or one it starts as its child — which holds the
keys, the journal and the engine. Everything the kiosk needs is checked before the window opens
(lab configuration, then, by the core, the device keys and token and the sealed bank signed by
the pinned publisher), so a badly set-up PC says what to fix instead of failing in front of a
candidate. `open_kiosk` is shared with `demo` and `rehearse`: the same window, controller and
core, whatever drives them.
"""

import argparse
import asyncio
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import qasync
from PySide6.QtWidgets import QApplication

from engine.canonical import BilingualError
from kiosk.config_key import lockdown_policy
from kiosk.core.launcher import CoreHandle, launch_core
from kiosk.core.link import CoreLink
from kiosk.exam_session import ExamSession, LockdownFactory
from kiosk.i18n import LanguageSwitcher
from kiosk.lab_config import LabConfig, load_lab_config
from kiosk.lockdown import (
    LockdownPolicy,
    LockdownSession,
    prepare_kiosk_window,
    recover_after_crash,
)
from kiosk.paths import default_lab_config_path
from kiosk.termination import SigtermHandler
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
    """One open kiosk: its window, its controller, its exam core and the link to it."""

    app: QApplication
    window: KioskWindow
    session: ExamSession
    core: CoreHandle
    link: CoreLink
    closed: asyncio.Event


def run_kiosk(
    config: LabConfig,
    main: Callable[[Kiosk], Awaitable[int]],
    *,
    core_in_thread: bool = False,
    stop_signals: tuple[int, ...] = (signal.SIGTERM,),
) -> int:
    """Open the kiosk described by `config` and run `main` in the Qt event loop (qasync).
    `core_in_thread`: the tests' core, in a thread of this process (kiosk.core.launcher).
    `stop_signals`: the signals that close the kiosk as a normal exit does."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    # The last window closing ends `main` (Kiosk.closed), which then cleans up: Qt quitting the
    # event loop by itself would stop it under `main` (a traceback instead of status 0).
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        with loop, MainThreadCollection(app):
            return loop.run_until_complete(
                _open_and_run(app, config, main, core_in_thread, stop_signals)
            )
    except BilingualError as error:
        return report_failure(error)


async def _open_and_run(
    app: QApplication,
    config: LabConfig,
    main: Callable[[Kiosk], Awaitable[int]],
    core_in_thread: bool,
    stop_signals: tuple[int, ...],
) -> int:
    kiosk = await open_kiosk(app, config, core_in_thread=core_in_thread)
    running = asyncio.ensure_future(main(kiosk))
    sigterm = SigtermHandler(running.cancel, stop_signals)
    try:
        with sigterm:
            return await running
    except asyncio.CancelledError:
        if not sigterm.received:
            raise
        return sigterm.status  # stopped (systemd, a shutdown): closed as on a normal exit
    finally:
        await kiosk.session.close()
        await kiosk.link.close()
        await kiosk.core.stop()
        kiosk.window.close_for_good()


async def open_kiosk(
    app: QApplication, config: LabConfig, *, core_in_thread: bool = False
) -> Kiosk:
    """Start (or reach) the exam core and build the window while it loads; then the
    controller, on the core's link."""
    policy = lockdown_policy(config)
    core = launch_core(config, in_thread=core_in_thread)
    try:
        switcher = LanguageSwitcher(app)
        switcher.set_language(config.language)
        apply_theme(app, config.high_contrast, config.font_scale)
        window = KioskWindow(switcher, config.font_scale, config.high_contrast)
        await core.ready()
        link = await CoreLink(core.socket_path, core.transport()).connect()
    except BaseException:
        await core.stop()
        raise
    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)
    session = ExamSession(
        window, switcher, link, lockdown_factory=_lockdown_factory(config, policy, window)
    )
    session.quit_accepted.connect(window.close_for_good)
    session.start()
    return Kiosk(app, window, session, core, link, closed)


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

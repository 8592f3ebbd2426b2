"""`pix-kiosk core`: the exam core of a lab PC, serving the candidate window on a Unix socket.

    pix-kiosk core --data DIR --socket PATH [--allow-uid UID ...] [--allow-sid SID ...]
                   [--config FILE] [--service]

The core holds the device keys and the journals (in DIR), verifies tickets, runs the engine,
checks answers and syncs with the server; the window (`pix-kiosk run`) only shows what it hands
over. An installed lab PC runs it as a system service under its own account (docs/kiosk.md);
`pix-kiosk run`, `demo` and `rehearse` start one of their own when the lab configuration names
no installed core (`[kiosk] core_socket`). Only the processes of the `--allow-uid` accounts are
served (default: this account); on Windows `--socket` names a named pipe
(the last part of PATH) and `--allow-sid` the accounts served. Prints one JSON line,
`{"ready": true, ...}`, once it listens; stops on SIGTERM or SIGINT (status 0).
`--service` (Windows): run as the service `pix-kiosk-core` the Service Control Manager starts
(kiosk.core.windows_service): running once the pipe listens, stopped on STOP or SHUTDOWN as on
SIGTERM, what it prints appended to DIR/core-service.log.
"""

import argparse
import asyncio
import contextlib
import json
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from engine.canonical import BilingualError
from kiosk.core.runner import default_allowed_uids, serve, state_lock
from kiosk.core.service import CoreService
from kiosk.core.windows_service import (
    NotUnderServiceManager,
    ServiceHost,
    Win32ServiceManager,
)
from kiosk.lab_config import LabConfig, load_lab_config, parse_lab_config
from kiosk.paths import LAB_CONFIG_NAME, default_lab_config_path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "core",
        help="run the exam core (keys, journal, engine) / lancer le cœur d'examen",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", required=True, type=Path, metavar="DIR", help="state directory")
    parser.add_argument("--socket", required=True, type=Path, metavar="PATH", help="Unix socket")
    parser.add_argument(
        "--allow-uid",
        type=int,
        action="append",
        default=None,
        metavar="UID",
        help="an account whose windows may connect (repeatable; default: this account)",
    )
    parser.add_argument(
        "--allow-sid",
        action="append",
        default=None,
        metavar="SID",
        help="Windows: an account (SID) whose windows may connect to the named pipe (repeatable; "
        "default: this account)",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="FILE",
        help=f"lab configuration (default: DIR/{LAB_CONFIG_NAME}, else "
        f"{default_lab_config_path()})",
    )
    parser.add_argument(
        "--config-stdin",
        action="store_true",
        help="read the configuration as one JSON line on standard input, and stop when standard "
        "input closes (a window's own core: it stops with its window)",
    )
    parser.add_argument(
        "--service",
        action="store_true",
        help=f"Windows: run as the service the Service Control Manager starts (what it prints "
        f"goes to DIR/{SERVICE_LOG})",
    )
    parser.set_defaults(func=run)


SERVICE_LOG = "core-service.log"
Listening = Callable[[Callable[[], None]], None]


def run(args: argparse.Namespace) -> int:
    if args.service:
        return run_as_service(args)
    return _run_core(args)


def run_as_service(args: argparse.Namespace, scm: Win32ServiceManager | None = None) -> int:
    """The core as a Windows service (kiosk.core.windows_service); `scm`: the Service Control
    Manager's calls (tests give stand-ins)."""
    host = ServiceHost(args.data / SERVICE_LOG, scm=scm)
    try:
        if scm is None and sys.platform != "win32":
            raise NotUnderServiceManager()
        return host.run(lambda service: _run_core(args, listening=service.running))
    except BilingualError as error:
        return _report(error)


def _run_core(args: argparse.Namespace, listening: Listening | None = None) -> int:
    """Serve until stopped; `listening(stop)` is told, once the socket listens, how to stop the
    core from another thread (the Windows service's control handler)."""
    try:
        config = _configuration(args)
        with state_lock(args.data):
            asyncio.run(_serve_until_stopped(args, config, listening))
    except BilingualError as error:
        return _report(error)
    return 0


def _report(error: BilingualError) -> int:
    print(json.dumps({"error": {"code": error.code, "fr": error.fr, "en": error.en}}))
    print(f"pix-kiosk core: {error.fr}\npix-kiosk core: {error.en}", file=sys.stderr)
    return 2


def _configuration(args: argparse.Namespace) -> LabConfig:
    if args.config_stdin:
        table = json.loads(sys.stdin.readline())
        return parse_lab_config(table, base_dir=args.data.resolve(), source="<stdin>")
    path = args.config
    if path is None:
        beside = args.data / LAB_CONFIG_NAME
        path = beside if beside.exists() else default_lab_config_path()
    return load_lab_config(path)


async def _serve_until_stopped(
    args: argparse.Namespace, config: LabConfig, listening: Listening | None = None
) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        # Windows (NotImplementedError), or not the main thread (a service's): the pipe or the
        # service stops it.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    if args.config_stdin:
        threading.Thread(target=_stop_when_stdin_closes, args=(loop, stop), daemon=True).start()
    allowed = frozenset(args.allow_uid) if args.allow_uid else default_allowed_uids()

    def ready(service: CoreService) -> None:
        ready_line = {"ready": True, "socket": str(service.socket_path), "allowed": sorted(allowed)}
        print(json.dumps(ready_line), flush=True)
        if listening is not None:
            listening(lambda: _call_soon(loop, stop.set))

    await serve(
        config,
        args.data.resolve(),
        args.socket,
        allowed,
        until=stop,
        ready=ready,
        allowed_sids=frozenset(args.allow_sid or ()),
    )


def _call_soon(loop: asyncio.AbstractEventLoop, function: Callable[[], object]) -> None:
    """`function` in `loop`'s thread, from any thread; nothing once the loop has closed."""
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(function)


def _stop_when_stdin_closes(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    while sys.stdin.readline():
        pass
    _call_soon(loop, stop.set)

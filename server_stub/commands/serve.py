"""`pix-server serve --data DIR`: run the API with uvicorn.

The first line on stdout is `pix-server listening on <URL>` once the socket accepts connections;
with `--port 0` the system picks a free port and that line says which (tests and the demo parse
it). TLS: give both `--tls-cert` and `--tls-key` (PEM); otherwise put a reverse proxy in front
(docs/server.md).

`--workers N` runs N server processes on one listening socket: PostgreSQL only (they share the
database, and wake each other's long-polls through it: notifier.py). A worker that dies is
started again. On SQLite one `serve` runs per database; a second is refused (serve_lock.py).
"""

import argparse
import contextlib
import multiprocessing
import os
import signal
import socket
import sys
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import uvicorn

from server_stub.command_support import add_data_argument, data_dir, fail, reporting_failures
from server_stub.datadir import DataDir
from server_stub.db.integrity import check_database
from server_stub.exam_evidence import DEFAULT_OFFLINE_REVIEW_S
from server_stub.serve_lock import hold_serve_lock

if TYPE_CHECKING:
    from server_stub.context import ServerContext

LISTENING = "pix-server listening on"
# An idle connection is kept this long: a kiosk streams an answer every minute or two, and a new
# connection each time costs a TCP and TLS handshake. Kiosks let go first (kiosk/client.py).
KEEP_ALIVE_S = 75


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="run the HTTP API", description=__doc__)
    add_data_argument(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port; 0 picks a free one")
    parser.add_argument("--tls-cert", type=Path, metavar="FILE", help="certificate chain (PEM)")
    parser.add_argument("--tls-key", type=Path, metavar="FILE", help="private key (PEM)")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="server processes (default 1; more needs PostgreSQL: docs/deployment.md)",
    )
    parser.add_argument(
        "--verify-workers",
        type=int,
        metavar="N",
        help="deprecated, accepted for existing scripts and ignored (a notice on stderr says "
        "so): records are verified in the server process (docs/server.md, capacity)",
    )
    parser.add_argument(
        "--offline-review-minutes",
        type=float,
        default=DEFAULT_OFFLINE_REVIEW_S / 60,
        metavar="MIN",
        help="an exam whose kiosk is out of contact longer than this goes to review "
        "(default 5; docs/security.md)",
    )
    parser.add_argument("--access-log", action="store_true", help="log every request")
    parser.set_defaults(func=reporting_failures(run))


VERIFY_WORKERS_NOTICE = (
    "attention : --verify-workers est obsolète et sans effet, les enregistrements sont vérifiés "
    "dans le processus du serveur / warning: --verify-workers is deprecated and has no effect, "
    "records are verified in the server process"
)


def run(args: argparse.Namespace) -> int:
    if args.verify_workers is not None:
        print(VERIFY_WORKERS_NOTICE, file=sys.stderr, flush=True)
    if (args.tls_cert is None) != (args.tls_key is None):
        return fail(
            "--tls-cert et --tls-key vont ensemble.", "--tls-cert and --tls-key go together."
        )
    if not 0 < args.offline_review_minutes <= 24 * 60:
        return fail(
            "--offline-review-minutes va de 0 à 1440 minutes.",
            "--offline-review-minutes ranges from 0 to 1440 minutes.",
        )
    if not 1 <= args.workers <= 64:
        return fail("--workers va de 1 à 64.", "--workers ranges from 1 to 64.")
    database_url = data_dir(args).database_url()
    check_database(database_url, args.data)  # a damaged one is refused here
    if args.workers > 1 and database_url.startswith("sqlite"):
        return fail(
            "--workers au-delà de 1 demande PostgreSQL : une base SQLite ne sert qu'un "
            "processus (docs/deployment.md).",
            "--workers above 1 needs PostgreSQL: a SQLite database serves one process only "
            "(docs/deployment.md).",
        )
    serve_lock = hold_serve_lock(database_url)  # noqa: F841  (held until the process ends)
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as error:
        return fail(
            f"impossible d'écouter sur {args.host}:{args.port} ({error.strerror}).",
            f"cannot listen on {args.host}:{args.port} ({error.strerror}).",
        )
    sock.listen(2048)
    port = sock.getsockname()[1]
    scheme = "https" if args.tls_cert else "http"
    host = f"[{args.host}]" if family == socket.AF_INET6 else args.host
    settings = {
        "data": str(args.data),
        "offline_review_s": args.offline_review_minutes * 60,
        "tls_cert": str(args.tls_cert) if args.tls_cert else None,
        "tls_key": str(args.tls_key) if args.tls_key else None,
        "access_log": args.access_log,
    }
    listening = f"{LISTENING} {scheme}://{host}:{port}"
    if args.workers == 1:
        _serve(settings, sock, lambda: print(listening, flush=True))
    else:
        _supervise(settings, sock, args.workers, listening)
    return 0


def _serve(settings: dict[str, Any], sock: socket.socket, on_ready) -> None:
    """One server process: its context on the data directory, then uvicorn on `sock`.

    The web application is imported here, not with the module: every other `pix-server`
    command registers `serve`'s options too, and would otherwise load the whole API to start."""
    from server_stub.app import create_app
    from server_stub.context import ServerContext

    ctx = ServerContext.open(DataDir(Path(settings["data"])))
    ctx.offline_review_s = settings["offline_review_s"]
    config = uvicorn.Config(
        create_app(ctx),
        log_level="info" if settings["access_log"] else "warning",
        access_log=settings["access_log"],
        ssl_certfile=settings["tls_cert"],
        ssl_keyfile=settings["tls_key"],
        backlog=2048,
        timeout_keep_alive=KEEP_ALIVE_S,
        timeout_graceful_shutdown=5,
    )
    try:
        # uvicorn stops gracefully on SIGTERM, then raises it again: make that an orderly exit,
        # so that the database is closed below.
        signal.signal(signal.SIGTERM, _exit_on_terminate)
        StoppingServer(config, ctx, on_ready).run(sockets=[sock])
    except SystemExit:
        pass
    finally:
        ctx.close()
        sys.stdout.flush()


def _worker(settings: dict[str, Any], sock: socket.socket, ready) -> None:
    """A server process started by `--workers` (in a fresh interpreter)."""
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C before uvicorn took the signals
        _serve(settings, sock, ready.release)


def _supervise(settings: dict[str, Any], sock: socket.socket, count: int, listening: str) -> None:
    """Start `count` server processes on `sock`, say the address once all are ready, start
    again any that dies, and stop them all on SIGTERM or Ctrl+C."""
    context = multiprocessing.get_context("spawn")
    ready = context.Semaphore(0)

    def start() -> multiprocessing.process.BaseProcess:
        process = context.Process(target=_worker, args=(settings, sock, ready), daemon=False)
        process.start()
        return process

    workers = [start() for _ in range(count)]
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    started = 0
    while not stopping:
        if ready.acquire(timeout=0.2):
            started += 1
            if started == count:  # the address once, when the first `count` are all ready
                print(listening, flush=True)
            continue
        for index, process in enumerate(workers):
            if process.exitcode is not None and not stopping:
                print(
                    f"processus serveur {process.pid} arrêté ({process.exitcode}) : relancé / "
                    f"server process {process.pid} ended ({process.exitcode}): started again",
                    file=sys.stderr,
                    flush=True,
                )
                workers[index] = start()
    for process in workers:
        if process.exitcode is None:
            os.kill(process.pid, signal.SIGTERM)
    for process in workers:
        process.join(timeout=15)
        if process.exitcode is None:
            process.kill()
            process.join()


class StoppingServer(uvicorn.Server):
    """uvicorn's server, which says it is ready only once it has started (its signal handlers
    in place, so a SIGTERM right after the ready line stops it gracefully), and answers the open
    long-polls as soon as it is told to stop (otherwise they outlive the grace period and end in
    a 500)."""

    def __init__(self, config: uvicorn.Config, ctx: "ServerContext", on_ready) -> None:
        super().__init__(config)
        self.ctx = ctx
        self.on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and not self.should_exit:
            self.on_ready()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        self.ctx.notifier.close()


def _exit_on_terminate(_signum: int, _frame: object) -> None:
    raise SystemExit(0)

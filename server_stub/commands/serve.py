"""`pix-server serve --data DIR`: run the API with uvicorn.

The first line on stdout is `pix-server listening on <URL>` once the socket accepts connections;
with `--port 0` the system picks a free port and that line says which (tests and the demo parse
it). TLS: give both `--tls-cert` and `--tls-key` (PEM); otherwise put a reverse proxy in front
(docs/server.md). Run one process per database: long-polls are woken within the process.
"""

import argparse
import signal
import socket
import sys
from pathlib import Path
from types import FrameType

import uvicorn

from server_stub.app import create_app
from server_stub.command_support import add_data_argument, data_dir, fail, reporting_failures
from server_stub.context import ServerContext
from server_stub.db.integrity import check_database
from server_stub.exam_evidence import DEFAULT_OFFLINE_REVIEW_S

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
        "--verify-workers",
        type=int,
        default=0,
        metavar="N",
        help="accepted for existing scripts and ignored: records are verified in the server "
        "process (docs/server.md, capacity)",
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


def run(args: argparse.Namespace) -> int:
    if (args.tls_cert is None) != (args.tls_key is None):
        return fail(
            "--tls-cert et --tls-key vont ensemble.", "--tls-cert and --tls-key go together."
        )
    if not 0 < args.offline_review_minutes <= 24 * 60:
        return fail(
            "--offline-review-minutes va de 0 à 1440 minutes.",
            "--offline-review-minutes ranges from 0 to 1440 minutes.",
        )
    check_database(data_dir(args).database_url(), args.data)  # a damaged one is refused here
    ctx = ServerContext.open(data_dir(args))
    ctx.offline_review_s = args.offline_review_minutes * 60
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
    config = uvicorn.Config(
        create_app(ctx),
        log_level="info" if args.access_log else "warning",
        access_log=args.access_log,
        ssl_certfile=str(args.tls_cert) if args.tls_cert else None,
        ssl_keyfile=str(args.tls_key) if args.tls_key else None,
        backlog=2048,
        timeout_keep_alive=KEEP_ALIVE_S,
        timeout_graceful_shutdown=5,
    )
    print(f"{LISTENING} {scheme}://{host}:{port}", flush=True)
    # uvicorn stops gracefully on SIGTERM, then raises it again: make that an orderly exit, so
    # that the database is closed below.
    signal.signal(signal.SIGTERM, _exit_on_terminate)
    try:
        StoppingServer(config, ctx).run(sockets=[sock])
    except SystemExit:
        pass
    finally:
        ctx.close()
        sys.stdout.flush()
    return 0


class StoppingServer(uvicorn.Server):
    """uvicorn's server, which answers the open long-polls as soon as it is told to stop
    (otherwise they outlive the grace period and end in a 500)."""

    def __init__(self, config: uvicorn.Config, ctx: ServerContext) -> None:
        super().__init__(config)
        self.ctx = ctx

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        self.ctx.notifier.close()


def _exit_on_terminate(_signum: int, _frame: object) -> None:
    raise SystemExit(0)

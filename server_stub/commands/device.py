"""`pix-server device token --data DIR [--devices N] [--valid-hours H]`: an enrolment token.

Prints the token alone on stdout. It enrols at most N lab PCs (default 1) within H hours
(default 24); IT types or pastes it into `pix-kiosk enroll`.
"""

import argparse
import time

from server_stub.command_support import add_data_argument, data_dir, fail, reporting_failures
from server_stub.enrolment import create_enrolment_token


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("device", help="lab PC enrolment", description=__doc__)
    actions = parser.add_subparsers(dest="device_command", required=True)
    token = actions.add_parser("token", help="make an enrolment token")
    add_data_argument(token)
    token.add_argument("--devices", type=int, default=1, help="PCs it may enrol (default 1)")
    token.add_argument("--valid-hours", type=float, default=24, help="validity (default 24)")
    token.set_defaults(func=reporting_failures(run_token))


def run_token(args: argparse.Namespace) -> int:
    if not 1 <= args.devices <= 1000 or not 0 < args.valid_hours <= 720:
        return fail(
            "--devices va de 1 à 1000 et --valid-hours de 0 à 720.",
            "--devices ranges from 1 to 1000 and --valid-hours from 0 to 720.",
        )
    db = data_dir(args).open_database()
    try:
        token = create_enrolment_token(
            db, max_devices=args.devices, valid_hours=args.valid_hours, now=time.time()
        )
    finally:
        db.close()
    print(token)
    return 0

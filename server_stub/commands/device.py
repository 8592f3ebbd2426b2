"""Lab PCs: enrolment tokens, and revoking a PC.

`pix-server device token --data DIR [--devices N] [--valid-hours H]` prints an enrolment token
alone on stdout. It enrols at most N lab PCs (default 1) within H hours (default 24); IT types
or pastes it into `pix-kiosk enroll`.

`pix-server device revoke --data DIR --device ID` revokes a lab PC (lost, stolen, or its keys
copied off it): a running server refuses its device token (401) within a second, and the same
keys cannot enrol again. The device id is the one `pix-kiosk doctor` shows.
"""

import argparse
import time

from server_stub.command_support import add_data_argument, fail, opened_database, reporting_failures
from server_stub.enrolment import create_enrolment_token, revoke_device


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("device", help="lab PC enrolment", description=__doc__)
    actions = parser.add_subparsers(dest="device_command", required=True)
    token = actions.add_parser("token", help="make an enrolment token")
    add_data_argument(token)
    token.add_argument("--devices", type=int, default=1, help="PCs it may enrol (default 1)")
    token.add_argument("--valid-hours", type=float, default=24, help="validity (default 24)")
    token.set_defaults(func=reporting_failures(run_token))
    revoke = actions.add_parser("revoke", help="revoke a lab PC's device token")
    add_data_argument(revoke)
    revoke.add_argument("--device", required=True, help="the device id")
    revoke.set_defaults(func=reporting_failures(run_revoke))


def run_token(args: argparse.Namespace) -> int:
    if not 1 <= args.devices <= 1000 or not 0 < args.valid_hours <= 720:
        return fail(
            "--devices va de 1 à 1000 et --valid-hours de 0 à 720.",
            "--devices ranges from 1 to 1000 and --valid-hours from 0 to 720.",
        )
    with opened_database(args) as db:
        token = create_enrolment_token(
            db, max_devices=args.devices, valid_hours=args.valid_hours, now=time.time()
        )
    print(token)
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    with opened_database(args) as db:
        found = revoke_device(db, args.device.strip(), now=time.time())
    if not found:
        return fail(
            f"aucun poste enrôlé « {args.device} ».", f"no enrolled device '{args.device}'."
        )
    print(f"Poste révoqué / device revoked: {args.device}")
    return 0

"""`pix-server session create`: plan a session and get its codes.

    pix-server session create --data DIR --centre NAME --room NAME --date YYYY-MM-DD
        --time HH:MM [--invigilator NAME] [--mode pix|default] [--rehearsal] [--minutes N]
        [--edition NAME] [--json] [--uai UAI] [--class DIVISION] [--student INE]...

The session is planned on one edition of the item bank (`--edition`, a name or bank id from
`pix-server bank list`; default: the newest published for the mode): its tickets release that
edition's content key only, and only kiosks holding that edition may check its candidates in.
With `--json` the output is one object: session_id, session_number, access_code,
invigilator_code. `--rehearsal` plans a rehearsal (the day before, with IT): it runs like a
session but its results are never published as certificates; `--minutes` sets the time
allowed before extra time (default 105). With a roster option the JSON also carries uai and
enrolled: `--class` enrols the class from the school's roster (session_roster.py); `--centre`
defaults to the school's name.
"""

import argparse
import time

from server_stub.banks import bank_editions
from server_stub.command_support import (
    add_data_argument,
    data_dir,
    opened_database,
    print_json_or_text,
    reporting_failures,
)
from server_stub.commands import session_publish
from server_stub.commands.session_roster import (
    add_create_options,
    centre_for,
    enrol_pick,
    register_actions,
    roster_pick,
)
from server_stub.commands.session_sheet import register_action
from server_stub.planning import MODES, create_session, session_row
from server_stub.timeline import BASE_MINUTES


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("session", help="plan exam sessions", description=__doc__)
    actions = parser.add_subparsers(dest="session_command", required=True)
    create = actions.add_parser("create", help="create a session and print its codes")
    add_data_argument(create)
    create.add_argument("--centre", help="certification centre (default: the --uai's name)")
    create.add_argument("--room", required=True)
    create.add_argument("--date", required=True, help="YYYY-MM-DD")
    create.add_argument("--time", required=True, help="HH:MM")
    create.add_argument("--invigilator", default="", help="invigilator's name")
    create.add_argument("--mode", choices=MODES, default="default", help="exam mode")
    create.add_argument(
        "--rehearsal", action="store_true", help="a rehearsal: never published as certificates"
    )
    create.add_argument(
        "--minutes",
        type=int,
        default=BASE_MINUTES,
        help=f"time allowed before extra time (default {BASE_MINUTES})",
    )
    create.add_argument(
        "--edition", help="bank edition (name or bank id; default: the newest for the mode)"
    )
    create.add_argument("--json", action="store_true", help="print JSON")
    add_create_options(create)
    create.set_defaults(func=reporting_failures(run_create))
    register_action(actions)
    register_actions(actions)
    session_publish.register_action(actions)


def run_create(args: argparse.Namespace) -> int:
    directory = data_dir(args)
    with opened_database(directory) as db:
        editions = bank_editions(directory, db)
        chosen = None
        if args.edition is not None:
            named = [bank_id for bank_id, name in editions.items() if name == args.edition]
            chosen = named[0] if named else args.edition
        pick = roster_pick(db, args)
        centre = centre_for(args, pick)
        created = create_session(
            db,
            centre=centre,
            room=args.room,
            exam_date=args.date,
            start_time=args.time,
            invigilator=args.invigilator,
            mode=args.mode,
            now=time.time(),
            rehearsal=args.rehearsal,
            minutes=args.minutes,
            bank_id=chosen,
        )
        bank_id = session_bank(db, created.session_id)
        enrolled = enrol_pick(db, created.session_id, pick)
    roster = {} if pick is None else {"uai": pick.school.uai, "enrolled": len(enrolled)}
    kind = " — répétition / rehearsal" if args.rehearsal else ""
    lines = [
        f"Session {created.session_number} ({centre}, {args.room}, {args.date} {args.time}){kind}",
        f"  édition de la banque / bank edition: {editions[bank_id]} ({bank_id})",
    ]
    if roster:
        lines.append(
            f"  {len(enrolled)} candidat(s) inscrit(s) / candidate(s) enrolled ({roster['uai']})"
        )
    lines += [
        f"  code d'accès candidats / candidates' access code: {created.access_code}",
        f"  code surveillant / invigilator code: {created.invigilator_code}",
    ]
    return print_json_or_text(args.json, {**created.__dict__, **roster}, lines, ascii_only=True)


def session_bank(db, session_id: str) -> str:
    with db.read() as connection:
        return session_row(connection, db, session_id).bank_id

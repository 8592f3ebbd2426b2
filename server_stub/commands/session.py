"""`pix-server session create`: plan a session and get its codes.

    pix-server session create --data DIR --centre NAME --room NAME --date YYYY-MM-DD
        --time HH:MM [--invigilator NAME] [--mode pix|default] [--json]
        [--uai UAI] [--class DIVISION] [--student INE]...

With `--json` the output is one object: session_id, session_number, access_code,
invigilator_code (and, with a roster option, uai and enrolled). `--class` enrols the class from
the school's roster (session_roster.py); `--centre` defaults to the school's name.
"""

import argparse
import json
import time

from server_stub.command_support import add_data_argument, data_dir, reporting_failures
from server_stub.commands.session_roster import (
    add_create_options,
    centre_for,
    enrol_pick,
    register_actions,
    roster_pick,
)
from server_stub.commands.session_sheet import register_action
from server_stub.planning import MODES, create_session


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
    create.add_argument("--json", action="store_true", help="print JSON")
    add_create_options(create)
    create.set_defaults(func=reporting_failures(run_create))
    register_action(actions)
    register_actions(actions)


def run_create(args: argparse.Namespace) -> int:
    db = data_dir(args).open_database()
    try:
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
        )
        enrolled = enrol_pick(db, created.session_id, pick)
    finally:
        db.close()
    roster = {} if pick is None else {"uai": pick.school.uai, "enrolled": len(enrolled)}
    if args.json:
        print(json.dumps({**created.__dict__, **roster}))
        return 0
    print(f"Session {created.session_number} ({centre}, {args.room}, {args.date} {args.time})")
    if roster:
        print(f"  {len(enrolled)} candidat(s) inscrit(s) / candidate(s) enrolled ({roster['uai']})")
    print(f"  code d'accès candidats / candidates' access code: {created.access_code}")
    print(f"  code surveillant / invigilator code: {created.invigilator_code}")
    return 0

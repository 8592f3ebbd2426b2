"""`pix-server session list|edit|delete|enrol`, and the roster options of `session create`.

    pix-server session create ... [--uai UAI] [--class DIVISION] [--student INE]...
    pix-server session list   --data DIR [--uai UAI] [--json]
    pix-server session edit   --data DIR --session ID [--centre] [--room] [--date] [--time]
                              [--invigilator]
    pix-server session delete --data DIR --session ID
    pix-server session enrol  --data DIR --session ID [--class DIVISION] [--student INE]...

A session created with `--class` enrols the class's current students (their grade and expected
level travel with them); without `--uai` it belongs to the server's default school. Edit and
delete only before the session starts (no candidate checked in). Actions of the `session`
command: `session.py` calls `register_actions(actions)` and `add_create_options(create)`.
"""

import argparse
import time

from server_stub.command_support import (
    add_data_argument,
    opened_database,
    print_json_or_text,
    reporting_failures,
)
from server_stub.db.database import Database
from server_stub.schools.audit import CLI_ACTOR
from server_stub.schools.sessions import (
    RosterPick,
    SessionPlanError,
    delete_session,
    edit_session,
    enrol,
    list_sessions,
    note_created,
    pick_students,
    session_uai,
)


def add_create_options(create: argparse.ArgumentParser) -> None:
    _add_pick_options(create)


def register_actions(actions: argparse._SubParsersAction) -> None:
    listing = actions.add_parser("list", help="list the sessions")
    add_data_argument(listing)
    listing.add_argument("--uai", help="one school's sessions")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=reporting_failures(run_list))

    edit = actions.add_parser("edit", help="change a session before it starts")
    add_data_argument(edit)
    edit.add_argument("--session", required=True, metavar="ID")
    edit.add_argument("--centre")
    edit.add_argument("--room")
    edit.add_argument("--date", help="YYYY-MM-DD")
    edit.add_argument("--time", help="HH:MM")
    edit.add_argument("--invigilator")
    edit.set_defaults(func=reporting_failures(run_edit))

    remove = actions.add_parser("delete", help="delete a session before it starts")
    add_data_argument(remove)
    remove.add_argument("--session", required=True, metavar="ID")
    remove.set_defaults(func=reporting_failures(run_delete))

    enrolling = actions.add_parser("enrol", help="enrol a class or students from the roster")
    add_data_argument(enrolling)
    enrolling.add_argument("--session", required=True, metavar="ID")
    _add_pick_options(enrolling)  # --uai: default, the session's school
    enrolling.add_argument("--json", action="store_true", help="print JSON")
    enrolling.set_defaults(func=reporting_failures(run_enrol))


def _add_pick_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--uai", help="the school (default: the server's default school)")
    parser.add_argument("--class", dest="division", metavar="DIVISION", help="enrol this class")
    parser.add_argument(
        "--student", action="append", default=[], metavar="INE", help="enrol this student"
    )


def roster_pick(db: Database, args: argparse.Namespace) -> RosterPick | None:
    """The school and students `session create` will enrol, checked before it creates anything
    (None: no roster option given, the session is planned as before)."""
    if args.uai is None and args.division is None and not args.student:
        return None
    return pick_students(db, args.uai, args.division, args.student)


def centre_for(args: argparse.Namespace, pick: RosterPick | None) -> str:
    if args.centre:
        return args.centre
    if pick is not None:
        return pick.school.name
    raise SessionPlanError(
        "centre_missing",
        "donnez --centre (le centre de certification) ou --uai (son nom est repris).",
        "give --centre (the certification centre) or --uai (its name is used).",
    )


def enrol_pick(db: Database, session_id: str, pick: RosterPick | None) -> list[str]:
    """After `session create`: enrol the pick (if any), and log the creation."""
    enrolled = [] if pick is None else enrol(db, session_id, pick, now=time.time(), actor=CLI_ACTOR)
    note_created(db, session_id, now=time.time(), actor=CLI_ACTOR)
    return enrolled


def run_list(args: argparse.Namespace) -> int:
    with opened_database(args) as db:
        found = list_sessions(db, args.uai)
    return print_json_or_text(
        args.json,
        found,
        (
            f"{s['session_id']:>8}  {s['date']} {s['time']}  {s['uai']}  {s['centre']}, "
            f"{s['room']}  {s['state']}  {s['candidate_count']} candidat(s)"
            for s in found
        ),
    )


def run_edit(args: argparse.Namespace) -> int:
    changes = {
        "centre": args.centre,
        "room": args.room,
        "exam_date": args.date,
        "start_time": args.time,
        "invigilator": args.invigilator,
    }
    with opened_database(args) as db:
        edit_session(db, args.session, changes, now=time.time(), actor=CLI_ACTOR)
    print(f"Session {args.session} modifiée / updated.")
    return 0


def run_delete(args: argparse.Namespace) -> int:
    with opened_database(args) as db:
        count = delete_session(db, args.session, now=time.time(), actor=CLI_ACTOR)
    print(f"Session {args.session} supprimée / deleted ({count} candidat(s) / candidate(s)).")
    return 0


def run_enrol(args: argparse.Namespace) -> int:
    with opened_database(args) as db:
        uai = args.uai or session_uai(db, args.session)
        pick = pick_students(db, uai, args.division, args.student)
        ids = enrol(db, args.session, pick, now=time.time(), actor=CLI_ACTOR)
    return print_json_or_text(
        args.json,
        {"enrolled": len(ids), "candidate_ids": ids},
        [f"{len(ids)} candidat(s) inscrit(s) / candidate(s) enrolled."],
        ascii_only=True,
    )

"""`pix-server campaign`: practice campaigns of a school's classes (docs/campaigns.md).

    pix-server campaign create --data DIR --uai UAI --class DIVISION [--class DIVISION]...
        --type assessment|profiles-collection [--parcours ID] [--multiple-sendings]
        [--title TEXT] [--rehearsal] [--json]
    pix-server campaign list    --data DIR --uai UAI [--archived] [--json]
    pix-server campaign sheet   --data DIR --code CODE [--json]
    pix-server campaign close   --data DIR --code CODE
    pix-server campaign archive --data DIR --code CODE
    pix-server campaign export  --data DIR --code CODE --format csv|json [--out FILE]

`create` prints the campaign code students type. `sheet` prints the class sheet: each student's
login and a new first-login code for those who never signed in (the printed sheet's codes are
the valid ones). `export`: one row per student of the campaign's classes with `sent`,
`sent_at`, `pix_score`, `certifiable`, `certifiable_competences` and the 16 levels (JSON), or
the same as a CSV with French headers, `;`, UTF-8 with a BOM.
"""

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from server_stub.command_support import (
    add_data_argument,
    data_dir,
    opened_database,
    print_json_or_text,
    reporting_failures,
)
from server_stub.practice.campaigns import (
    KINDS,
    Campaign,
    change_status,
    create_campaign,
    get_campaign,
    school_campaigns,
)
from server_stub.practice.sendings import campaign_csv, campaign_rows
from server_stub.practice.student_accounts import class_sheet, code_key
from server_stub.schools.audit import CLI_ACTOR


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "campaign",
        help="practice campaigns",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="campaign_command", required=True)
    create = actions.add_parser("create", help="open a campaign for one or more classes")
    add_data_argument(create)
    create.add_argument("--uai", required=True)
    create.add_argument(
        "--class", dest="divisions", action="append", required=True, metavar="DIVISION"
    )
    create.add_argument("--type", dest="kind", required=True, choices=KINDS)
    create.add_argument("--parcours", metavar="ID", help="the parcours (pix-server parcours list)")
    create.add_argument("--multiple-sendings", action="store_true")
    create.add_argument("--title", default="", help="the name the teacher and students see")
    create.add_argument(
        "--rehearsal",
        action="store_true",
        help="lend the classes' accounts to pix-kiosk practice-robot on this machine",
    )
    create.add_argument("--json", action="store_true", help="print JSON")
    create.set_defaults(func=reporting_failures(run_create))

    listing = actions.add_parser("list", help="the school's campaigns")
    add_data_argument(listing)
    listing.add_argument("--uai", required=True)
    listing.add_argument("--archived", action="store_true", help="include archived campaigns")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=reporting_failures(run_list))

    sheet = actions.add_parser("sheet", help="logins and first-login codes of the classes")
    add_data_argument(sheet)
    sheet.add_argument("--code", required=True)
    sheet.add_argument("--json", action="store_true")
    sheet.set_defaults(func=reporting_failures(run_sheet))

    for status, verb in (("closed", "close"), ("archived", "archive")):
        step = actions.add_parser(verb, help=f"{verb} a campaign")
        add_data_argument(step)
        step.add_argument("--code", required=True)
        step.set_defaults(func=reporting_failures(run_status), target=status)

    export = actions.add_parser("export", help="one row per student: sendings and levels")
    add_data_argument(export)
    export.add_argument("--code", required=True)
    export.add_argument("--format", choices=("csv", "json"), required=True)
    export.add_argument("--out", type=Path, metavar="FILE", help="write here instead of stdout")
    export.set_defaults(func=reporting_failures(run_export))


def run_create(args: argparse.Namespace) -> int:
    with opened_database(args) as db:
        created = create_campaign(
            db,
            uai=args.uai,
            divisions=args.divisions,
            kind=args.kind,
            parcours_id=args.parcours,
            multiple_sendings=args.multiple_sendings,
            title=args.title,
            now=time.time(),
            actor=CLI_ACTOR,
            rehearsal=args.rehearsal,
        )
    return print_json_or_text(
        args.json, created.to_dict(), [f"Campagne / campaign: {created.code}  ({created.title})"]
    )


def run_list(args: argparse.Namespace) -> int:
    with opened_database(args) as db:
        found = school_campaigns(db, args.uai, archived=args.archived)
    return print_json_or_text(
        args.json,
        [c.to_dict() for c in found],
        (
            f"{c.code}  {c.status:<8} {c.kind:<20} {','.join(c.divisions):<12} {c.title}"
            for c in found
        ),
    )


def run_sheet(args: argparse.Namespace) -> int:
    directory = data_dir(args)
    with opened_database(directory) as db:
        found = get_campaign(db, args.code)
        sheet = class_sheet(
            db,
            code_key(directory.server_key()),
            uai=found.uai,
            divisions=found.divisions,
            now=time.time(),
            actor=CLI_ACTOR,
        )
    return print_json_or_text(
        args.json, {"code": found.code, "students": sheet}, _sheet_lines(found, sheet)
    )


def _sheet_lines(found: Campaign, sheet: list[dict]) -> Iterator[str]:
    yield f"Campagne / campaign {found.code} — {found.title}"
    for row in sheet:
        code = row["first_login_code"] or "(mot de passe déjà choisi / password already chosen)"
        name = f"{row['last_name']} {row['first_name']}"
        yield f"{row['division']:<8} {name:<32} {row['login']:<28} {code}"


def run_status(args: argparse.Namespace) -> int:
    with opened_database(args) as db:
        changed = change_status(db, args.code, args.target, now=time.time(), actor=CLI_ACTOR)
    print(f"{changed.code}: {changed.status}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    with opened_database(args) as db:
        rows = campaign_rows(db, args.code)
    if args.format == "csv":
        data = campaign_csv(rows)
    else:
        data = (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if args.out is not None:
        args.out.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0

"""`pix-kiosk practice-robot`: headless students train on a practice campaign and send their
profiles, for load tests and rehearsals (the counterpart of `pix-kiosk robot`).

    pix-kiosk practice-robot --server URL --code CODE --students N [--seed S] [--json]
                             [--sheet FILE]

The robots are the first N students of the class sheet that have a first-login code; each
signs in as a student does (login, code, then a password of its own). The sheet is FILE (what
`pix-server campaign sheet --code CODE --json` prints: a real class's rehearsal), or, without
--sheet, one the server draws, only for a caller on the server's own machine (run the robots
there, against a loopback address): for a campaign the teacher created as a rehearsal
(`campaign create --rehearsal`) its first students, their passwords reset; for any other, only
students who never chose a password (a student's account in use is never taken over). Each one
joins the campaign, answers until its parcours ends (right with the probability its simulated
ability gives), and sends its profile.
Prints a summary: completed, failed with reasons, each student's score, latency per call.
"""

import argparse
import asyncio
import json
import sys
from pathlib import Path

import httpx

from kiosk.practice_robot import PracticeRobotError, run_practice_robots


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "practice-robot",
        help="run headless students on a practice campaign",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--server", required=True, metavar="URL")
    parser.add_argument("--code", required=True, help="the campaign code")
    parser.add_argument("--students", type=int, default=1, metavar="N", help="robots (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="abilities and answers (default 0)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument(
        "--sheet", type=Path, metavar="FILE", help="the class sheet (campaign sheet --json)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.students < 1:
        print(
            "erreur : --students N demande N ≥ 1.\nerror: --students N needs N ≥ 1.",
            file=sys.stderr,
        )
        return 1
    try:
        sheet = json.loads(args.sheet.read_text(encoding="utf-8")) if args.sheet else None
    except (OSError, ValueError) as error:
        print(
            f"erreur : fiche illisible ({error}).\nerror: unreadable sheet ({error}).",
            file=sys.stderr,
        )
        return 1
    try:
        summary = asyncio.run(
            run_practice_robots(
                args.server.rstrip("/"),
                args.code,
                students=args.students,
                seed=args.seed,
                sheet=sheet,
            )
        )
    except PracticeRobotError as refused:
        print(f"erreur : {refused.fr}\nerror: {refused.en}", file=sys.stderr)
        return 1
    except httpx.HTTPError as error:
        print(
            f"erreur : serveur injoignable ({error!r}).\nerror: server unreachable ({error!r}).",
            file=sys.stderr,
        )
        return 1
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"{summary['completed']}/{summary['robots']} robots completed and sent")
        for failure in summary["failed"]:
            print(f"  robot {failure['index']} ({failure['login']}): {failure['reason']}")
    return 0 if not summary["failed"] else 1

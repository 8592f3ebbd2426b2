"""`pix-kiosk rehearse`: prove a lab PC works before exam day, with a simulated candidate.

The real kiosk window opens and a simulated candidate sits the exam through it with real mouse
and keyboard events, from check-in to the end screen; the invigilator's part (authorising) is
played through the invigilator API with the invigilator code. One line `answered N/32` per
answer, then a summary (JSON with --json). Killed half-way, run it again with the same --state:
it resumes the same exam, as a real kiosk does after a crash.
"""

import argparse
import asyncio
import json
from pathlib import Path

from engine.canonical import BilingualError
from kiosk.commands.run import Kiosk, report_failure, run_kiosk
from kiosk.console.api import ConsoleApi
from kiosk.rehearsal import SimulatedCandidate, authorise_each_arrival, provision_kiosk
from kiosk.robot import read_candidates_csv

RECORD_WAIT_S = 120.0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rehearse",
        help="sit a simulated exam through the real window / répétition avec un candidat simulé",
        description=__doc__,
    )
    parser.add_argument("--server", required=True, metavar="URL", help="the exam server")
    parser.add_argument("--session", required=True, type=int, metavar="NUMBER")
    parser.add_argument("--access-code", required=True, metavar="CODE")
    parser.add_argument("--invigilator-code", required=True, metavar="CODE")
    parser.add_argument("--candidates-csv", required=True, type=Path, metavar="FILE")
    parser.add_argument("--candidate", type=int, default=1, metavar="N", help="CSV row (1 = first)")
    parser.add_argument("--enroll-token", required=True, metavar="TOKEN")
    parser.add_argument("--state", required=True, type=Path, metavar="DIR", help="this PC's data")
    parser.add_argument("--pace", type=float, default=0.0, metavar="SECONDS", help="per question")
    parser.add_argument("--screenshots", type=Path, metavar="DIR", help="a PNG of each screen")
    parser.add_argument("--secure", action="store_true", help="secure mode on (lockdown)")
    parser.add_argument("--seed", type=int, default=1, help="the simulated candidate's choices")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        candidates = read_candidates_csv(args.candidates_csv.read_text(encoding="utf-8"))
        if not 1 <= args.candidate <= len(candidates):
            print(f"pix-kiosk: --candidate {args.candidate}: the CSV has {len(candidates)} rows")
            return 2
        config = asyncio.run(
            provision_kiosk(
                args.state,
                args.server,
                args.enroll_token,
                secure_mode=args.secure,
                label="rehearsal",
            )
        )
    except OSError as error:
        print(f"pix-kiosk: {error}")
        return 2
    except BilingualError as error:
        return report_failure(error)

    async def rehearse(kiosk: Kiosk) -> int:
        kiosk.window.show()
        console = ConsoleApi(config.server_url)
        await console.sign_in(args.session, args.invigilator_code)
        invigilator = asyncio.ensure_future(authorise_each_arrival(kiosk.session, console))
        candidate = SimulatedCandidate(
            kiosk.session,
            candidates[args.candidate - 1],
            str(args.session),
            args.access_code,
            args.invigilator_code,
            pace_s=args.pace,
            screenshots=args.screenshots,
            seed=args.seed,
        )
        try:
            report = await candidate.run()
            if report.completed:  # a refused check-in has no record to wait for
                await kiosk.session.wait_record_sent(RECORD_WAIT_S)
        finally:
            invigilator.cancel()
            await console.close()
        summary = report.to_dict() | {"record_sent": kiosk.session.record_sent}
        print(json.dumps(summary) if args.json else json.dumps(summary, indent=2))
        return 0 if report.completed else 1

    return run_kiosk(config, rehearse)

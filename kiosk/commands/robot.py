"""`pix-kiosk robot`: headless candidates against a real server, for load tests and rehearsals.

    pix-kiosk robot --server URL --session ID --access-code CODE --invigilator-code CODE
        --candidates-csv FILE --enroll-token TOKEN [--count N] [--seed S] [--think S]
        [--offline-after N --offline-for S] [--finalize] [--json]

Each robot enrols as its own lab PC (identity and journal in a temporary directory), checks in
as one candidate of the CSV (in file order), is authorised by the robot invigilator (who signs
in with the invigilator code), sits the exam from a simulated ability and uploads its record.
With `--offline-after N --offline-for S` each robot loses the network after its N-th answer for S
seconds (its exam core's client fails as a pulled cable would), keeps answering offline, then
syncs. `--finalize` then finalises the session (handing it to review: its lead publishes).
The enrolment token must allow N devices. Prints a summary: completed, failed with reasons,
latency figures per call.
"""

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path

from engine.canonical import BilingualError
from kiosk.robot import ROBOT_CONFIG_KEY, RobotSettings, read_candidates_csv, run_robots


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "robot",
        help="run headless candidates against a server",
        description=__doc__,
        epilog=f"clé de configuration des robots / the robots' configuration key: "
        f"{ROBOT_CONFIG_KEY.key} (pix-server config-key allow)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--server", required=True, metavar="URL")
    parser.add_argument("--session", required=True, metavar="ID", help="session id (its number)")
    parser.add_argument("--access-code", required=True)
    parser.add_argument("--invigilator-code", required=True)
    parser.add_argument("--candidates-csv", required=True, type=Path, metavar="FILE")
    parser.add_argument("--enroll-token", required=True, metavar="TOKEN")
    parser.add_argument("--count", type=int, default=1, help="robots (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="abilities and answers (default 0)")
    parser.add_argument(
        "--think", type=float, default=0.0, metavar="S", help="mean seconds before each answer"
    )
    parser.add_argument(
        "--offline-after",
        type=int,
        default=None,
        metavar="N",
        help="cut each robot's network after its N-th answer (with --offline-for)",
    )
    parser.add_argument(
        "--offline-for",
        type=float,
        default=0.0,
        metavar="S",
        help="how long the network stays cut, in seconds",
    )
    parser.add_argument("--finalize", action="store_true", help="finalise the session at the end")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if (args.offline_after is None) != (args.offline_for <= 0) or (
        args.offline_after is not None and args.offline_after < 1
    ):
        print(
            "erreur : --offline-after N (N ≥ 1) et --offline-for S (S > 0) vont ensemble.\n"
            "error: --offline-after N (N ≥ 1) and --offline-for S (S > 0) go together.",
            file=sys.stderr,
        )
        return 1
    try:
        candidates = read_candidates_csv(args.candidates_csv.read_text(encoding="utf-8-sig"))
        session_number = int(args.session)
    except (OSError, ValueError, IndexError) as error:
        print(
            f"erreur : fichier de candidats ou session illisible ({error}).\n"
            f"error: unreadable candidates file or session ({error}).",
            file=sys.stderr,
        )
        return 1
    settings = RobotSettings(
        server_url=args.server,
        session_number=session_number,
        access_code=args.access_code,
        enrol_token=args.enroll_token,
        seed=args.seed,
        think_s=args.think,
        offline_after=args.offline_after,
        offline_for_s=args.offline_for,
    )
    with tempfile.TemporaryDirectory(prefix="pix-robots-") as state_root:
        try:
            summary = asyncio.run(
                run_robots(
                    settings,
                    candidates,
                    args.invigilator_code,
                    Path(state_root),
                    count=args.count,
                    finalize=args.finalize,
                )
            )
        except BilingualError as error:
            print(f"erreur : {error.fr}\nerror: {error.en}", file=sys.stderr)
            return 1
        except ValueError as error:
            print(f"erreur / error: {error}", file=sys.stderr)
            return 1
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"{summary['completed']}/{summary['robots']} robots completed")
        for failure in summary["failed"]:
            print(f"  robot {failure['index']} ({failure['candidate']}): {failure['reason']}")
    return 0 if not summary["failed"] else 1

"""`pix-server review`: the reviewers' queue and their decisions, from a terminal.

    pix-server review list   --data DIR [--session ID] [--uai UAI] [--json]
    pix-server review show   --data DIR --candidate ID [--json]
    pix-server review decide --data DIR --candidate ID --decision validate|cancel|reject|neutralise
                             [--item ID] --reason TEXT --reviewer LOGIN [--json]

`list` prints every certification of a finalised session waiting for a decision, with why;
`show` its evidence (timeline, incidents, issue reports, the replay's verdict, decisions so
far); `decide` records a decision in the name of a reviewer account (review/decisions.py), in
the audit log with its reason. `--certification` is another name for `--candidate`.
"""

import argparse
import itertools
from collections.abc import Iterator

from server_stub.banks import BankStore
from server_stub.command_support import (
    add_data_argument,
    data_dir,
    opened_database,
    print_json_or_text,
    reporting_failures,
)
from server_stub.review.decisions import DECISIONS, decide
from server_stub.review.queue import certification_evidence, pending_certifications


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("review", help="review before publication", description=__doc__)
    actions = parser.add_subparsers(dest="review_command", required=True)
    listing = actions.add_parser("list", help="the pending certifications")
    add_data_argument(listing)
    listing.add_argument("--session", metavar="ID")
    listing.add_argument("--uai", help="one school's sessions")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=reporting_failures(run_list))

    show = actions.add_parser("show", help="one certification and its evidence")
    add_data_argument(show)
    _candidate_option(show)
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(func=reporting_failures(run_show))

    deciding = actions.add_parser("decide", help="record a reviewer's decision")
    add_data_argument(deciding)
    _candidate_option(deciding)
    deciding.add_argument("--decision", required=True, choices=DECISIONS)
    deciding.add_argument("--item", metavar="ID", help="the question to neutralise")
    deciding.add_argument("--reason", required=True, metavar="TEXT")
    deciding.add_argument("--reviewer", required=True, metavar="LOGIN")
    deciding.add_argument("--json", action="store_true", help="print JSON")
    deciding.set_defaults(func=reporting_failures(run_decide))


def _candidate_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--candidate", "--certification", dest="candidate", required=True, metavar="ID"
    )


def run_list(args: argparse.Namespace) -> int:
    with opened_database(args) as db:
        pending = pending_certifications(db, session_id=args.session, uai=args.uai)
    return print_json_or_text(args.json, pending, _pending_lines(pending), indent=2)


def _pending_lines(pending: list[dict]) -> Iterator[str]:
    if not pending:
        yield "Aucune certification en attente / No pending certification."
    for item in pending:
        yield (
            f"{item['candidate_id']}  session {item['session_number']}  "
            f"{item['last_name']} {item['first_names']}  {', '.join(item['reasons'])}"
        )


def run_show(args: argparse.Namespace) -> int:
    directory = data_dir(args)
    with opened_database(directory) as db:
        evidence = certification_evidence(
            db, args.candidate, BankStore(directory, directory.publisher_public_key())
        )
    return print_json_or_text(args.json, evidence, _evidence_lines(evidence), indent=2)


def run_decide(args: argparse.Namespace) -> int:
    directory = data_dir(args)
    with opened_database(directory) as db:
        evidence = decide(
            db,
            BankStore(directory, directory.publisher_public_key()),
            candidate_id=args.candidate,
            decision=args.decision,
            reason=args.reason,
            reviewer=args.reviewer,
            item_id=args.item,
        )
    recorded = f"Décision enregistrée / Decision recorded: {args.decision} ({args.candidate})"
    return print_json_or_text(
        args.json, evidence, itertools.chain([recorded], _evidence_lines(evidence)), indent=2
    )


def _evidence_lines(evidence: dict) -> Iterator[str]:
    name = f"{evidence['last_name']} {evidence['first_names']}"
    yield f"{name} — session {evidence['session_number']}"
    yield f"  résultat / result: {evidence['result_status']} score {evidence['score']}"
    yield f"  en attente pour / pending for: {', '.join(evidence['reasons']) or '—'}"
    yield f"  décision / decision: {evidence['final_decision'] or '—'}"
    yield f"  rejeu / replay: {evidence['replay']}"
    for incident in evidence["incidents"]:
        yield f"  incident: {incident['kind']} {incident['detail']}"
    for report in evidence["issue_reports"]:
        yield f"  signalement / report: {report['category']} {report['subcategory'] or ''}"
    for decision in evidence["decisions"]:
        yield f"  {decision['reviewer']}: {decision['decision']} — {decision['reason']}"

"""`pix-server session publish --data DIR --session ID [--json]`: the lead's publication from a
terminal, refused with the list of what is still pending (review/publication.py)."""

import argparse
import sys

from server_stub.command_support import add_data_argument, fail, opened_database, print_json_or_text
from server_stub.errors import ApiError
from server_stub.schools.audit import CLI_ACTOR


def register_action(actions: argparse._SubParsersAction) -> None:
    publish = actions.add_parser("publish", help="publish a reviewed session", description=__doc__)
    add_data_argument(publish)
    publish.add_argument("--session", required=True, metavar="ID")
    publish.add_argument("--json", action="store_true", help="print JSON")
    publish.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Here, not with the module: every `pix-server` command registers this one's options.
    from server_stub.review.publication import publish_session

    with opened_database(args) as db:
        try:
            state = publish_session(db, args.session, actor=CLI_ACTOR)
        except ApiError as error:
            status = fail(error.fr, error.en)
            for item in error.details or []:
                print(
                    f"  - {item['candidate_id']} {item['name']}: {', '.join(item['reasons'])}",
                    file=sys.stderr,
                )
            return status
    return print_json_or_text(
        args.json, state, [f"Session {args.session} publiée / published."], ascii_only=True
    )

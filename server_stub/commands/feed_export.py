"""`pix-server export --format lsu|parcoursup --uai UAI`: the feeds as files, for schools that
must upload them (the same JSON as GET /api/v1/livret-scolaire/organizations/{uai}/certifications
and, one object per student, as POST /api/v1/parcoursup/certification/search).

Called by `export.py`; the export is in the audit log as the API accesses are.
"""

import argparse
import json
import time

from engine.canonical import BilingualError
from server_stub.command_support import opened_database
from server_stub.schools import audit
from server_stub.schools.feeds import livret_scolaire, parcoursup_school
from server_stub.schools.uai import normalise_uai

FEED_FORMATS = ("lsu", "parcoursup")


def feed_export_text(args: argparse.Namespace) -> str:
    if not args.uai:
        raise BilingualError(
            "uai_missing",
            f"--format {args.format} demande --uai (l'établissement).",
            f"--format {args.format} needs --uai (the school).",
        )
    uai = normalise_uai(args.uai)
    with opened_database(args) as db:
        found = livret_scolaire(db, uai) if args.format == "lsu" else parcoursup_school(db, uai)
        with db.write() as connection:
            audit.record(
                connection,
                db,
                at=time.time(),
                actor=audit.CLI_ACTOR,
                action=f"export.{args.format}",
                uai=uai,
            )
    return json.dumps(found, ensure_ascii=False, indent=2) + "\n"

"""`pix-server candidates import --data DIR --session ID FILE.csv`: add a session's candidates.
`pix-server candidates template [FILE.csv]`: an empty file to fill in, as a spreadsheet opens it.

The file / le fichier — what a spreadsheet in France saves works as it is:
  - separator `;`, `,` or tab (sniffed); UTF-8 (a BOM is fine) or Windows-1252 (Excel's
    « CSV (séparateur : point-virgule) »);
  - one header line naming the columns, in any order, case and accents ignored:
      nom (last_name)                       required / obligatoire
      prénoms / prénom (first_names)        required / obligatoire
      date de naissance (birth_date)        required, jj/mm/aaaa or / ou aaaa-mm-jj
      INE (ine)                             optional / facultatif
      tiers-temps (extra_time_percent)      0–99, empty = 0 (the usual third: 33)
      aménagement (accessibility_adjustment)  oui/non, true/false; empty = non
    Other columns are ignored, with a warning / les autres colonnes sont ignorées (avertissement).
  - example / exemple:
      nom;prénoms;date de naissance;INE;tiers-temps (%);aménagement accessibilité
      Dupont;Marie Claire;10/01/2008;123456789AB;33;non

One bad line and nothing is imported: every bad line is listed with its reason and its column,
in French and English. Une seule ligne fausse et rien n'est importé : chaque ligne fausse est
listée avec sa raison et sa colonne.
"""

import argparse
import sys
from pathlib import Path

from server_stub.candidate_import import candidates_template, import_warnings
from server_stub.command_support import add_data_argument, fail, opened_database, reporting_failures
from server_stub.planning import import_candidates


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "candidates",
        help="import a session's candidates",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="candidates_command", required=True)
    importing = actions.add_parser(
        "import",
        help="import a candidates CSV file",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_data_argument(importing)
    importing.add_argument("--session", required=True, metavar="ID", help="session id")
    importing.add_argument("file", type=Path, metavar="FILE.csv")
    importing.set_defaults(func=reporting_failures(run_import))
    template = actions.add_parser(
        "template",
        help="write an empty candidates file to fill in / un modèle de fichier à remplir",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    template.add_argument(
        "file", type=Path, nargs="?", metavar="FILE.csv", help="default: standard output"
    )
    template.set_defaults(func=reporting_failures(run_template))


def run_import(args: argparse.Namespace) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as error:
        return fail(
            f"lecture impossible de {args.file} ({error.strerror}).",
            f"cannot read {args.file} ({error.strerror}).",
        )
    with opened_database(args) as db:
        imported = import_candidates(db, args.session, data)
    for fr, en in import_warnings(data):
        print(f"attention : {fr}\nwarning: {en}", file=sys.stderr)
    print(f"{len(imported)} candidat(s) importé(s) / candidate(s) imported.")
    return 0


def run_template(args: argparse.Namespace) -> int:
    if args.file is None:
        sys.stdout.buffer.write(candidates_template())
        return 0
    try:
        args.file.write_bytes(candidates_template())
    except OSError as error:
        return fail(
            f"écriture impossible de {args.file} ({error.strerror}).",
            f"cannot write {args.file} ({error.strerror}).",
        )
    print(f"Modèle écrit / template written: {args.file}")
    return 0

"""`pix-kiosk incidents`: the security incidents recorded on this PC, read from its exam journals
(STATE/exams/*.journal): kind, time, detail, exam, and whether the server has acknowledged them.
"""

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from engine.exam_events import SECURITY_INCIDENT
from engine.journal_format import JournalError
from kiosk.core.exam_files import JOURNAL_SUFFIX
from kiosk.journal import read_journal
from kiosk.paths import machine_data_dir


@dataclass(frozen=True)
class Incident:
    time: str  # the kiosk's wall time, UTC ISO 8601
    exam_id: str
    seq: int  # the journal entry's sequence number
    kind: str  # a kiosk.lockdown.ViolationKind value
    detail: str
    acknowledged: bool  # the server has acknowledged the entry


@dataclass(frozen=True)
class UnreadableJournal:
    path: Path
    error: JournalError


def collect_incidents(state_dir: Path) -> tuple[list[Incident], list[UnreadableJournal]]:
    """Every security incident journaled under `state_dir`, oldest first, and the journals that
    could not be read (left as they are)."""
    incidents: list[Incident] = []
    unreadable: list[UnreadableJournal] = []
    for path in sorted((state_dir / "exams").glob(f"*{JOURNAL_SUFFIX}")):
        try:  # read-only: the kiosk may be writing it right now
            journal = read_journal(path)
        except JournalError as error:
            unreadable.append(UnreadableJournal(path, error))
            continue
        incidents += [
            Incident(
                time=entry.wall_time,
                exam_id=entry.exam_id,
                seq=entry.seq,
                kind=str(entry.payload.get("kind", "")),
                detail=str(entry.payload.get("detail", "")),
                acknowledged=entry.seq <= journal.acknowledged_seq,
            )
            for entry in journal.entries
            if entry.kind == SECURITY_INCIDENT
        ]
    incidents.sort(key=lambda incident: (incident.time, incident.exam_id, incident.seq))
    return incidents, unreadable


def render_table(incidents: list[Incident]) -> str:
    if not incidents:
        return "Aucun incident de sécurité sur ce poste. / No security incident on this PC."
    header = ("time", "exam", "kind", "acknowledged", "detail")
    rows = [
        (
            incident.time,
            incident.exam_id,
            incident.kind,
            "yes" if incident.acknowledged else "no",
            incident.detail,
        )
        for incident in incidents
    ]
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(4)]
    lines = [
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[4]])
        for row in [header, *rows]
    ]
    return "\n".join(line.rstrip() for line in lines)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "incidents",
        help="security incidents recorded on this PC / incidents de sécurité de ce poste",
        description="List the security incidents journaled by the kiosk on this PC.",
    )
    parser.add_argument(
        "--state",
        type=Path,
        default=None,
        help=f"the kiosk's data directory (default: {machine_data_dir()})",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    state_dir = args.state or machine_data_dir()
    if not state_dir.is_dir():
        print(
            f"Dossier de données introuvable : {state_dir}. Indiquez-le avec --state.\n"
            f"Data directory not found: {state_dir}. Give it with --state.",
            file=sys.stderr,
        )
        return 2
    incidents, unreadable = collect_incidents(state_dir)
    if args.json:
        print(json.dumps([asdict(incident) for incident in incidents], indent=2))
    else:
        print(render_table(incidents))
    for journal in unreadable:
        print(
            f"{journal.path}: {journal.error.fr}\n{journal.path}: {journal.error.en}",
            file=sys.stderr,
        )
    return 1 if unreadable else 0

"""The counts line above the room table: every candidate accounted for, in the order an
invigilator reads the room (before the start, answering, to handle now, done, absent).

The words are the table's status words, counted with their plural. French is the source
language and has no catalogue of its own, so Qt's numerus forms (`%n`) would leave the French
as written; each group holds its singular and plural instead, both translated. Counts start at
1 (an empty group is left out), where French and English agree: 1 is singular, more is plural.
"""

from collections import Counter

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from kiosk.console.labels import status_label
from kiosk.console.room_state import RoomSnapshot

CONTEXT = "RoomCounts"

GROUPS: tuple[tuple[str, str, str], ...] = (
    # status, singular, plural
    ("not_arrived", QT_TRANSLATE_NOOP("RoomCounts", "{n} pas arrivé"),
     QT_TRANSLATE_NOOP("RoomCounts", "{n} pas arrivés")),
    ("waiting", QT_TRANSLATE_NOOP("RoomCounts", "{n} attend l'autorisation"),
     QT_TRANSLATE_NOOP("RoomCounts", "{n} attendent l'autorisation")),
    ("authorised", QT_TRANSLATE_NOOP("RoomCounts", "{n} démarre"),
     QT_TRANSLATE_NOOP("RoomCounts", "{n} démarrent")),
    ("in_progress", QT_TRANSLATE_NOOP("RoomCounts", "{n} en cours"),
     QT_TRANSLATE_NOOP("RoomCounts", "{n} en cours")),
    ("paused", QT_TRANSLATE_NOOP("RoomCounts", "{n} en pause"),
     QT_TRANSLATE_NOOP("RoomCounts", "{n} en pause")),
    ("locked", QT_TRANSLATE_NOOP("RoomCounts", "{n} poste verrouillé"),
     QT_TRANSLATE_NOOP("RoomCounts", "{n} postes verrouillés")),
    ("start_refused", QT_TRANSLATE_NOOP("RoomCounts", "{n} départ refusé"),
     QT_TRANSLATE_NOOP("RoomCounts", "{n} départs refusés")),
    ("live_alert", QT_TRANSLATE_NOOP("RoomCounts", "{n} signalement"),
     QT_TRANSLATE_NOOP("RoomCounts", "{n} signalements")),
    ("finished", QT_TRANSLATE_NOOP("RoomCounts", "{n} terminé"),
     QT_TRANSLATE_NOOP("RoomCounts", "{n} terminés")),
    ("record_received", QT_TRANSLATE_NOOP("RoomCounts", "{n} résultat reçu"),
     QT_TRANSLATE_NOOP("RoomCounts", "{n} résultats reçus")),
    ("record_rejected", QT_TRANSLATE_NOOP("RoomCounts", "{n} résultat refusé"),
     QT_TRANSLATE_NOOP("RoomCounts", "{n} résultats refusés")),
    ("absent", QT_TRANSLATE_NOOP("RoomCounts", "{n} absent"),
     QT_TRANSLATE_NOOP("RoomCounts", "{n} absents")),
)  # fmt: skip
"""Every status server_stub/room.py `_shown_status` sends, in reading order."""


NOBODY = QT_TRANSLATE_NOOP("RoomCounts", "Aucun candidat inscrit dans cette session.")
ONE_CANDIDATE = QT_TRANSLATE_NOOP("RoomCounts", "{n} candidat : {summary}")
CANDIDATES = QT_TRANSLATE_NOOP("RoomCounts", "{n} candidats : {summary}")


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def counts_text(snapshot: RoomSnapshot) -> str:
    """« 8 candidats : 1 pas arrivé · 4 en cours · 1 poste verrouillé… », in the current
    language; a status this console does not know yet is counted under the server's code."""
    if not snapshot.lines:
        return _tr(NOBODY)
    counts = Counter(line.status for line in snapshot.lines)
    parts = []
    for status, singular, plural in GROUPS:
        count = counts.pop(status, 0)
        if count:
            parts.append(_tr(singular if count == 1 else plural).format(n=count))
    parts += [f"{count} {status_label(status)}" for status, count in counts.items()]
    total = len(snapshot.lines)
    return _tr(ONE_CANDIDATE if total == 1 else CANDIDATES).format(
        n=total, summary=" · ".join(parts)
    )

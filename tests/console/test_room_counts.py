"""The counts line without a server: every status the server sends is counted, in reading
order, singular or plural, in French and in English; an unknown status is still counted."""

import ast
import inspect

import pytest

from kiosk.console.language import ConsoleLanguage
from kiosk.console.room_counts import GROUPS, counts_text
from kiosk.console.room_state import RoomSnapshot
from server_stub import candidate_states
from server_stub import room as server_room


def wire_line(status: str, number: int) -> dict:
    return {
        "candidate_id": f"{status}-{number}",
        "last_name": "Dupont",
        "first_names": "Marie",
        "birth_date": "2009-04-04",
        "status": status,
        "remaining_s": None,
    }


def room(statuses: dict[str, int]) -> RoomSnapshot:
    lines = [wire_line(status, i) for status, count in statuses.items() for i in range(count)]
    status = {
        "session_id": "482913",
        "session_state": "planned",
        "version": "boot-7",
        "server_time": "2026-03-12T14:30:00Z",
        "candidates": lines,
    }
    return RoomSnapshot.from_wire(status, received_at=0.0)


ROOM = {
    "not_arrived": 1,
    "waiting": 2,
    "authorised": 1,
    "in_progress": 4,
    "paused": 1,
    "locked": 2,
    "start_refused": 1,
    "live_alert": 3,
    "finished": 1,
    "record_received": 2,
    "record_rejected": 1,
    "absent": 2,
    "teleported": 1,  # from a newer server
}


@pytest.fixture
def language(qapp):
    language = ConsoleLanguage(qapp)
    yield language
    language.set_language("fr")


def test_every_status_the_server_sends_has_its_group():
    """The statuses `_shown_status` returns: its string constants, and the two it passes on."""
    tree = ast.parse(inspect.getsource(server_room._shown_status))
    returned = {
        node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Constant)
    }
    passed_on = {candidate_states.NOT_ARRIVED, candidate_states.ABSENT}
    assert len(returned) == 10
    assert {status for status, _, _ in GROUPS} == returned | passed_on


def test_every_candidate_counted_in_french_and_english(language):
    language.set_language("fr")
    assert counts_text(room(ROOM)) == (
        "22 candidats : 1 pas arrivé · 2 attendent l'autorisation · 1 démarre · 4 en cours"
        " · 1 en pause · 2 postes verrouillés · 1 départ refusé · 3 signalements · 1 terminé"
        " · 2 résultats reçus · 1 résultat refusé · 2 absents · 1 teleported"
    )
    assert counts_text(room({"waiting": 1})) == "1 candidat : 1 attend l'autorisation"
    assert counts_text(room({})) == "Aucun candidat inscrit dans cette session."
    language.set_language("en")
    assert counts_text(room(ROOM)) == (
        "22 candidates: 1 not arrived · 2 waiting for authorisation · 1 starting · 4 in progress"
        " · 1 paused · 2 kiosks locked · 1 start refused · 3 live alerts · 1 finished"
        " · 2 results received · 1 result rejected · 2 absent · 1 teleported"
    )
    assert counts_text(room({"locked": 1})) == "1 candidate: 1 kiosk locked"


def test_the_most_urgent_come_first_alerts_then_locks_then_refused_starts():
    snapshot = room({"start_refused": 1, "in_progress": 1, "locked": 2, "live_alert": 1})
    assert [line.candidate_id for line in snapshot.urgent()] == [
        "live_alert-0",
        "locked-0",
        "locked-1",
        "start_refused-0",
    ]

"""Finalisation with the invigilators' remarks, and the invigilator actions the attendance report
lists from the server's log (extra time, absences), on a real server with its settable clock."""

import asyncio
import json
from datetime import UTC, datetime

import httpx
import pytest
from server_waits import eventually
from sqlalchemy import select

from engine.canonical import utc_text
from server_stub.documents.loading import load_attendance_report

REMARKS = "Coupure réseau de 14 h 10 à 14 h 12.\nLe poste PC03 est à vérifier."


class Invigilator:
    """Plain HTTP calls with the console token, to send bodies the console never would."""

    def __init__(self, room) -> None:
        self.url = room.server.url + "/api/v1/console"
        signed = httpx.post(
            self.url + "/sign-in",
            json={
                "session_number": room.planned.session_number,
                "invigilator_code": room.planned.invigilator_code,
            },
        ).json()
        self.session = f"{self.url}/sessions/{signed['session_id']}"
        self.headers = {"Authorization": f"Bearer {signed['token']}"}

    def finalise(self, **body) -> httpx.Response:
        return httpx.post(self.session + "/finalise", json=body or None, headers=self.headers)

    def report(self) -> dict:
        return httpx.get(self.session + "/report", headers=self.headers).json()


def session_row(room):
    sessions = room.server.ctx.db.tables["sessions"]
    with room.server.ctx.db.read() as connection:
        return connection.execute(
            select(sessions).where(sessions.c.session_id == room.planned.session_id)
        ).one()


def candidate_statuses(room) -> set[str]:
    candidates = room.server.ctx.db.tables["candidates"]
    with room.server.ctx.db.read() as connection:
        return set(
            connection.scalars(
                select(candidates.c.status).where(
                    candidates.c.session_id == room.planned.session_id
                )
            )
        )


@pytest.mark.parametrize(
    "remarks",
    ["x" * 2001, 42, ["une", "liste"], "binaire\x00"],
    ids=["too-long", "number", "list", "nul"],
)
def test_remarks_that_are_too_long_or_not_text_are_refused_and_change_nothing(
    room_factory, remarks
):
    room = room_factory(2)
    invigilator = Invigilator(room)
    answer = invigilator.finalise(remarks=remarks)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid_remarks"
    assert "2 000 caractères" in error["message_fr"]
    assert "n'a pas été modifiée" in error["message_fr"]
    assert "2,000 characters" in error["message_en"]
    session = session_row(room)
    assert (session.state, session.finalised_at, session.finalisation_remarks) == (
        "planned",
        None,
        None,
    )
    assert candidate_statuses(room) == {"not_arrived"}  # nobody marked absent


def test_remarks_are_stored_and_a_second_finalisation_keeps_them_unless_it_gives_new_ones(
    room_factory,
):
    room = room_factory(2)
    invigilator = Invigilator(room)
    exactly_long_enough = invigilator.finalise(remarks="é" * 2000)
    assert exactly_long_enough.status_code == 200, exactly_long_enough.text
    assert exactly_long_enough.json()["remarks"] == "é" * 2000

    room = room_factory(2)
    invigilator = Invigilator(room)
    first = invigilator.finalise(remarks=f"  {REMARKS}\n")
    assert first.status_code == 200, first.text
    assert first.json() == {
        "session_id": room.planned.session_id,
        "state": "finalised",
        "remarks": REMARKS,  # trimmed, line breaks kept
    }
    assert session_row(room).finalisation_remarks == REMARKS
    assert candidate_statuses(room) == {"absent"}
    finalised_at = session_row(room).finalised_at
    for keeps in ({}, {"remarks": None}, {"remarks": "  \n "}):
        again = invigilator.finalise(**keeps)
        assert again.status_code == 200 and again.json()["remarks"] == REMARKS, keeps
    assert invigilator.report()["remarks"] == REMARKS
    replaced = invigilator.finalise(remarks="Rectificatif : PC03 fonctionne.")
    assert replaced.json()["remarks"] == "Rectificatif : PC03 fonctionne."
    assert session_row(room).finalised_at == finalised_at  # the rest stays as it was
    assert load_attendance_report(room.server.ctx.db, room.planned.session_id).comment == (
        "Rectificatif : PC03 fonctionne."
    )


def logged(room, kind: str) -> list:
    log = room.server.ctx.db.tables["security_log"]
    with room.server.ctx.db.read() as connection:
        return connection.execute(
            select(log).where(log.c.kind == kind, log.c.session_id == room.planned.session_id)
        ).all()


def test_extra_time_and_absences_are_logged_with_the_server_time_for_the_report(room_factory):
    room = room_factory(3)
    clock = room.server.clock
    moments: dict[str, float] = {}

    async def scenario():
        invigilator = await room.invigilator()
        robot = await room.started(0, invigilator)
        clock.advance(7 * 60)
        moments["extra"] = clock()
        await invigilator.add_extra_time(robot.candidate_id, 10)
        clock.advance(3 * 60)
        moments["absent"] = clock()
        absent_id = room.planned.candidate_ids[1]
        await invigilator.mark_absent(absent_id)
        await invigilator.mark_absent(absent_id)  # already absent: one event
        await invigilator.end(robot.candidate_id, "candidate")
        await eventually(lambda: robot.abort_reason)
        await robot.take_exam()
        await robot.finish()
        await robot.close()
        await invigilator.finalise("RAS")
        report = await invigilator.report()
        await invigilator.close()
        return robot.candidate_id, absent_id, report

    extra_id, absent_id, report = asyncio.run(scenario())
    (extra,) = logged(room, "extra_time_added")
    assert extra.at == pytest.approx(moments["extra"], abs=2)
    assert json.loads(extra.detail) == {
        "candidate_id": extra_id,
        "minutes": 10,
        "by": "invigilator_console",
    }
    (absent,) = logged(room, "marked_absent")
    assert absent.at == pytest.approx(moments["absent"], abs=2)
    assert json.loads(absent.detail)["candidate_id"] == absent_id

    kinds = [incident["kind"] for incident in report["incidents"]]
    assert kinds.index("EXTRA_TIME") < kinds.index("MARKED_ABSENT") < kinds.index("TEST_ENDED")
    listed = {incident["kind"]: incident for incident in report["incidents"]}
    assert listed["EXTRA_TIME"]["description"] == "+10 min"
    assert listed["EXTRA_TIME"]["at"] == utc_text(datetime.fromtimestamp(extra.at, UTC))
    assert listed["EXTRA_TIME"]["candidate_name"] == "DUPONT Marie"
    assert listed["MARKED_ABSENT"]["candidate_name"] == "MARTIN Étienne"
    assert report["remarks"] == "RAS"

"""A kiosk that refused to start its lockdown is not a locked kiosk: the room shows it
`start_refused`, the exam's first question resolves it (waking the console's long-poll), a real
lock still shows `locked`, and the attendance report lists the refusal as such. The migration
that brought the `locked` column applies to a database made before it."""

import asyncio
import json
import sqlite3
from pathlib import Path

from server_waits import eventually
from sqlalchemy import select

from server_stub.db.database import Database, migration_scripts

REFUSAL = "environment_refused: a prohibited program is open: anydesk (pid 7)"


def line_of(room: dict) -> dict:
    return room["candidates"][0]


def test_a_refused_start_shows_as_such_until_the_first_question(room_factory):
    room = room_factory(1)

    async def scenario():
        invigilator = await room.invigilator()
        robot = await room.started(0, invigilator)
        assert await robot.outbox.flush(timeout_s=10)  # exam_started is in: the room is still
        exam_id = robot.ticket.exam_id
        refused = await robot.client.report_incident(
            exam_id, "prohibited_process", REFUSAL, locked=False
        )
        before = await invigilator.room()
        # The console waits for the next change; the PC fixed, the candidate starts again.
        waiting = asyncio.ensure_future(invigilator.room(since=before["version"], wait_s=20))
        await asyncio.sleep(0.3)
        assert not waiting.done()
        item_id = await robot.show_next()
        woken = await asyncio.wait_for(waiting, 10)
        await robot.close()
        await invigilator.close()
        return refused, before, woken, item_id

    refused, before, woken, item_id = asyncio.run(scenario())
    assert refused["locked"] is False
    shown = line_of(before)
    assert shown["status"] == "start_refused"
    assert [(i["kind"], i["detail"], i["locked"]) for i in shown["incidents"]] == [
        ("prohibited_process", REFUSAL, False)
    ]
    assert item_id is not None
    assert line_of(woken)["status"] == "in_progress" and line_of(woken)["incidents"] == []
    assert [entry["locked"] for entry in _security_log(room, "security_incident")] == [False]


async def _settled(invigilator) -> bool:
    return not line_of(await invigilator.room())["incidents"]


def test_a_lock_stays_a_lock_and_the_report_tells_them_apart(room_factory):
    room = room_factory(1)

    async def scenario():
        invigilator = await room.invigilator()
        robot = await room.started(0, invigilator)
        exam_id = robot.ticket.exam_id
        await robot.client.report_incident(exam_id, "screen_changed", "refused", locked=False)
        await robot.show_next()  # the exam begins: the refusal is resolved
        await eventually(lambda: _settled(invigilator))
        lock = await robot.client.report_incident(exam_id, "focus_lost", "Alt+Tab")
        locked = line_of(await invigilator.room())
        item_id = robot.exam.current
        await robot.answer(item_id)
        await robot.show_next()  # a question streamed does not unlock a lock
        assert await robot.outbox.flush(timeout_s=10)
        still = line_of(await invigilator.room())
        # A refusal while a lock is open (a resume refused, say): the lock wins.
        await robot.client.report_incident(exam_id, "remote_session", "refused", locked=False)
        both = line_of(await invigilator.room())
        await invigilator.unlock(lock["incident_id"])
        refusal_left = line_of(await invigilator.room())
        report = await invigilator.report()
        await robot.close()
        await invigilator.close()
        return lock, locked, still, both, refusal_left, report

    lock, locked, still, both, refusal_left, report = asyncio.run(scenario())
    assert lock["locked"] is True
    assert locked["status"] == "locked" and locked["incidents"][0]["locked"] is True
    assert still["status"] == "locked"
    assert both["status"] == "locked" and len(both["incidents"]) == 2
    assert refusal_left["status"] == "start_refused"
    listed = sorted(
        (i["kind"], i["subcategory"], i["resolution"])
        for i in report["incidents"]
        if i["kind"] in ("KIOSK_LOCKED", "START_REFUSED")
    )
    assert listed == [
        ("KIOSK_LOCKED", "focus_lost", "unlocked"),
        ("START_REFUSED", "remote_session", "open"),
        ("START_REFUSED", "screen_changed", "resolved"),
    ]


def _security_log(room, kind: str) -> list[dict]:
    log = room.server.ctx.db.tables["security_log"]
    with room.server.ctx.db.read() as connection:
        rows = connection.execute(
            select(log.c.detail).where(
                log.c.kind == kind, log.c.session_id == room.planned.session_id
            )
        ).all()
    return [json.loads(row.detail) for row in rows]


def test_the_locked_column_is_added_to_an_existing_database(tmp_path: Path):
    """A database made before migration 0004, with an incident in it: migrated on opening,
    that incident is a lock (what every incident was) and new rows default to one too."""
    path = tmp_path / "old.sqlite3"
    older = [script for script in migration_scripts() if script[0] < 4]
    assert [version for version, _, _ in older] == [1, 2, 3]
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "applied_at DOUBLE PRECISION NOT NULL)"
        )
        for version, name, script in older:
            connection.executescript(script)
            connection.execute("INSERT INTO schema_version VALUES (?, ?, 0)", (version, name))
        connection.execute(
            "INSERT INTO incidents (incident_id, exam_id, kind, detail, reported_at) "
            "VALUES ('inc-old', 'exam-old', 'focus_lost', 'Alt+Tab', 1)"
        )
    connection.close()
    db = Database(f"sqlite:///{path}")
    try:
        assert 4 in db.applied_migrations and not {1, 2, 3} & set(db.applied_migrations)
        incidents = db.tables["incidents"]
        with db.read() as reading:
            assert reading.execute(select(incidents.c.locked)).scalar_one() is True
        reopened = Database(f"sqlite:///{path}")
        assert reopened.applied_migrations == []
        reopened.close()
    finally:
        db.close()

"""Journal streaming is idempotent per (device, exam, seq) with signed receipts; codes are
checked with lockouts and every failure is logged."""

import asyncio

import pytest
from server_waits import eventually
from sqlalchemy import select

from engine.canonical import BilingualError
from engine.journal_format import sign_entry, verify_receipt
from kiosk.client import ServerError
from kiosk.console.api import ConsoleApi
from server_stub.security import LOCKOUT_S


def test_streaming_is_idempotent_and_refuses_a_rewrite(room_factory):
    room = room_factory(1)

    async def scenario():
        invigilator = await room.invigilator()
        robot = await room.started(0, invigilator)
        await robot.outbox.stop()
        await robot.take_exam(stop_after=3)
        entries = robot.journal.entries()
        exam_id = robot.ticket.exam_id
        first = await robot.client.stream_entries(exam_id, entries[:4])
        again = await robot.client.stream_entries(exam_id, entries[:4])
        overlap = await robot.client.stream_entries(exam_id, entries[2:])
        rewritten = sign_entry(
            exam_id=exam_id,
            seq=entries[3].seq,
            prev=entries[2].hash,
            elapsed_ms=entries[3].elapsed_ms,
            wall_time=entries[3].wall_datetime,
            kind=entries[3].kind,
            payload={**entries[3].payload, "position": 99},
            signing_key=robot.identity.signing_key,
        )
        with pytest.raises(ServerError) as conflict:
            await robot.client.stream_entries(exam_id, [rewritten])
        await robot.close()
        await invigilator.close()
        return robot, entries, first, again, overlap, conflict.value

    robot, entries, first, again, overlap, conflict = asyncio.run(scenario())
    key, device_id = robot.server_key, robot.identity.device_id
    exam_id = robot.ticket.exam_id
    assert verify_receipt(first, key, device_id=device_id, exam_id=exam_id).seq == 4
    assert again == first
    head = verify_receipt(overlap, key, device_id=device_id, exam_id=exam_id)
    assert (head.seq, head.hash) == (entries[-1].seq, entries[-1].hash)
    assert (conflict.status, conflict.code) == (422, "entry_conflict")


def test_a_gap_in_the_stream_says_where_to_resume(room_factory):
    room = room_factory(1)

    async def scenario():
        invigilator = await room.invigilator()
        robot = await room.started(0, invigilator)
        await robot.outbox.flush(timeout_s=10)  # the server holds entry 1
        await robot.outbox.stop()
        await robot.take_exam(stop_after=5)
        entries = robot.journal.entries()
        with pytest.raises(ServerError) as gap:
            await robot.client.stream_entries(robot.ticket.exam_id, entries[5:])
        await robot.close()
        await invigilator.close()
        return gap.value

    gap = asyncio.run(scenario())
    assert (gap.status, gap.code) == (409, "entry_gap")
    assert gap.details == [{"expected_seq": 2}]


def test_five_wrong_invigilator_codes_lock_the_session(room_factory):
    room = room_factory(1)
    planned = room.planned

    async def attempt(code):
        api = ConsoleApi(room.server.url)
        try:
            return await api.sign_in(planned.session_number, code)
        finally:
            await api.close()

    async def scenario():
        codes = []
        for _ in range(5):
            with pytest.raises(BilingualError) as wrong:
                await attempt("zzzzzz")
            codes.append(wrong.value.code)
        with pytest.raises(BilingualError) as locked:
            await attempt(planned.invigilator_code)
        room.server.clock.advance(LOCKOUT_S + 1)
        signed_in = await attempt(planned.invigilator_code)
        return codes, locked.value, signed_in

    codes, locked, signed_in = asyncio.run(scenario())
    assert codes == ["wrong_invigilator_code"] * 4 + ["invigilator_locked"]
    assert locked.code == "invigilator_locked" and locked.status == 429
    assert "15 min" in locked.en and "15 min" in locked.fr
    assert signed_in.session_id == planned.session_id
    log = room.server.ctx.db.tables["security_log"]
    with room.server.ctx.db.read() as connection:
        kinds = list(connection.scalars(select(log.c.kind)))
    assert kinds.count("wrong_invigilator_code") == 5
    assert kinds.count("invigilator_sign_in_while_locked") == 1


def test_access_code_failures_lock_one_device_only(room_factory):
    room = room_factory(2)

    async def scenario():
        invigilator = await room.invigilator()
        guesser = room.robot(0, invigilator)
        honest = room.robot(1, invigilator)
        await guesser.enrol()
        await honest.enrol()
        refusals = []
        for _ in range(6):
            with pytest.raises(ServerError) as wrong:
                await guesser.client.check_in(
                    session_number=room.planned.session_number,
                    access_code="BBBB22",
                    last_name="Dupont",
                    first_names="Marie",
                    birth_date="2008-01-10",
                )
            refusals.append(wrong.value.code)
        checked_in = await honest.check_in()
        for robot in (guesser, honest):
            await robot.close()
        await invigilator.close()
        return refusals, checked_in

    refusals, checked_in = asyncio.run(scenario())
    assert refusals == ["wrong_access_code"] * 5 + ["checkin_locked"]
    assert checked_in["status"] == "waiting"


def test_check_in_tolerates_case_and_accents_but_not_another_birth_date(room_factory):
    room = room_factory(4)
    candidate = room.identity(3)  # "Lefèvre"

    async def scenario():
        invigilator = await room.invigilator()
        robot = room.robot(3, invigilator)
        await robot.enrol()
        matched = await robot.client.check_in(
            session_number=room.planned.session_number,
            access_code=room.planned.access_code.lower(),
            last_name=candidate.last_name.upper().replace("È", "E"),
            first_names=f"  {candidate.first_names.lower()} ",
            birth_date=candidate.birth_date,
        )
        with pytest.raises(ServerError) as unknown:
            await robot.client.check_in(
                session_number=room.planned.session_number,
                access_code=room.planned.access_code,
                last_name=candidate.last_name,
                first_names=candidate.first_names,
                birth_date="1999-12-31",
            )
        await robot.close()
        await invigilator.close()
        return matched, unknown.value

    matched, unknown = asyncio.run(scenario())
    assert matched["last_name"] == "Lefèvre"
    assert unknown.code == "candidate_not_found"


def test_a_locked_kiosk_is_unlocked_remotely_or_with_the_code(room_factory):
    room = room_factory(1)

    async def scenario():
        invigilator = await room.invigilator()
        robot = await room.started(0, invigilator)
        exam_id = robot.ticket.exam_id
        first = await robot.client.report_incident(exam_id, "focus_lost", "Alt+Tab")
        lines = (await invigilator.room())["candidates"]
        assert lines[0]["status"] == "locked"
        await invigilator.unlock(first["incident_id"])
        await robot.client.report_incident(exam_id, "window_switch", "")
        with pytest.raises(ServerError) as wrong:
            await robot.client.unlock_with_code(exam_id, "nope")
        unlocked = await robot.client.unlock_with_code(exam_id, room.planned.invigilator_code)
        status = (await invigilator.room())["candidates"][0]["status"]
        await eventually(lambda: any(c["kind"] == "unlock" for c in robot.commands_seen))
        await robot.close()
        await invigilator.close()
        return wrong.value, unlocked, status

    wrong, unlocked, status = asyncio.run(scenario())
    assert wrong.code == "wrong_invigilator_code"
    assert len(unlocked["incident_ids"]) == 1
    assert status == "in_progress"

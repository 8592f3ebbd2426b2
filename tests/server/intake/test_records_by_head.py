"""A record sent by its head, without the entries the server already holds (records.py): the
same record as the whole one for verification, storage and idempotency; when the server does
not hold them all it says so (409) and the kiosk's client sends the whole record."""

import httpx
from sqlalchemy import select

from engine.canonical import exact_text
from engine.journal_format import JournalEntry
from engine.record import build_record
from server_stub.exports import session_results


def stored_record(room, exam_id: str) -> str:
    records = room.server.ctx.db.tables["records"]
    with room.server.ctx.db.read() as connection:
        return connection.scalar(select(records.c.record).where(records.c.exam_id == exam_id))


async def post_by_head(room, record: dict, device_token: str) -> httpx.Response:
    """The record without its entries, sent by hand (the client would then send it whole)."""
    async with httpx.AsyncClient(base_url=room.server.url) as http:
        return await http.post(
            f"/api/v1/kiosk/exams/{record['record']['exam_id']}/record",
            json={"record": record["record"], "signature": record["signature"]},
            headers={"Authorization": f"Bearer {device_token}"},
        )


async def streamed_exam(room, invigilator, index: int = 0):
    """A robot that sat its exam and whose whole journal the server acknowledged."""
    robot = await room.started(index, invigilator)
    await robot.take_exam()
    record = await robot.seal()
    assert await robot.outbox.flush(timeout_s=10)
    return robot, record


def test_a_record_by_its_head_is_the_whole_record(room_factory):
    room = room_factory(1)
    verifier = room.count_full_verifications()

    async def body(invigilator):
        robot, record = await streamed_exam(room, invigilator)
        first = await robot.client.upload_record(record, acknowledged=True)
        again = await robot.client.upload_record(record, acknowledged=True)
        whole = await robot.client.upload_record(record)
        await robot.close()
        return record, first, again, whole

    record, first, again, whole = room.run(body)
    assert first["outcome"] == "verified"
    assert again == first and whole == first  # one record, whichever way it comes again
    assert verifier.calls == 0  # checked against the exam as it streamed in
    assert stored_record(room, record["record"]["exam_id"]) == exact_text(record)
    [row] = session_results(room.server.ctx.db, room.planned.session_id)
    assert row["score"] == record["record"]["result"]["score"]


def test_entries_the_server_lacks_are_asked_for_then_sent(room_factory):
    room = room_factory(1)

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await robot.take_exam()
        await robot.outbox.stop()  # the end of the exam never streams: the server lacks it
        record = await robot.seal()
        refused = await post_by_head(room, record, robot.client.device_token)
        answer = await robot.client.upload_record(record, acknowledged=True)
        await robot.close()
        return record, refused, answer

    record, refused, answer = room.run(body)
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "record_entries_missing"
    assert error["message_fr"] and error["message_en"]
    assert answer["outcome"] == "verified"  # the whole record followed
    assert stored_record(room, record["record"]["exam_id"]) == exact_text(record)


def test_after_a_restart_a_record_by_its_head_is_checked_against_the_rebuilt_replay(
    room_factory,
):
    room = room_factory(1)
    verifier = room.count_full_verifications()

    async def body(invigilator):
        robot, record = await streamed_exam(room, invigilator)
        room.server.ctx.live_exams.forget(record["record"]["exam_id"])  # as after a restart
        answer = await robot.client.upload_record(record, acknowledged=True)
        await robot.close()
        return record, answer

    record, answer = room.run(body)
    assert answer["outcome"] == "verified"
    assert verifier.calls == 0  # the replay rebuilt from the stored journal (catch_up.py)
    assert stored_record(room, record["record"]["exam_id"]) == exact_text(record)


def test_a_record_by_its_head_cannot_borrow_another_devices_entries(room_factory):
    room = room_factory(2)

    async def body(invigilator):
        first, record = await streamed_exam(room, invigilator)
        second = await room.started(1, invigilator)
        borrowed = await post_by_head(room, record, second.client.device_token)
        own = await first.client.upload_record(record, acknowledged=True)
        await first.close()
        await second.close()
        return borrowed, own

    borrowed, own = room.run(body)
    # another PC's exam: refused at the door, whole or by its head
    assert (borrowed.status_code, borrowed.json()["error"]["code"]) == (403, "forbidden")
    assert own["outcome"] == "verified"


def test_a_record_by_its_head_with_a_forged_result_is_quarantined(room_factory):
    """The kiosk signs its result; the server's entries end with the true one."""
    room = room_factory(1)

    async def body(invigilator):
        robot, record = await streamed_exam(room, invigilator)
        last = JournalEntry.from_dict(record["entries"][-1])
        forged_result = dict(last.payload["result"], score=last.payload["result"]["score"] + 100)
        forged = build_record(
            ticket=robot.signed_ticket,
            entries=[JournalEntry.from_dict(raw) for raw in record["entries"]],
            result=forged_result,
            signing_key=robot.identity.signing_key,
        )
        answer = await robot.client.upload_record(forged, acknowledged=True)
        await robot.close()
        return answer

    answer = room.run(body)
    assert answer["outcome"] == "quarantined"
    assert answer["reason"]["code"] == "result_mismatch"

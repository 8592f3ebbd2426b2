"""A record sent with all its entries completes the server's copy of the journal (records.py):
when streaming stopped short (a kill, a cut network), the entries only the record brings are
stored too, and the console's answered count follows them."""

from sqlalchemy import select

from engine.exam_events import ANSWER


def stored_journal(room, exam_id: str) -> list[tuple[int, str]]:
    journal = room.server.ctx.db.tables["journal_entries"]
    with room.server.ctx.db.read() as connection:
        rows = connection.execute(
            select(journal.c.seq, journal.c.entry_hash)
            .where(journal.c.exam_id == exam_id)
            .order_by(journal.c.seq)
        )
        return [(row.seq, row.entry_hash) for row in rows]


def test_a_whole_record_stores_the_entries_streaming_never_brought(room_factory):
    room = room_factory(1)

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await robot.take_exam(stop_after=5)
        assert await robot.outbox.flush(timeout_s=10)
        await robot.outbox.stop()  # streaming stops short: the rest comes with the record only
        await robot.take_exam()
        record = await robot.seal()
        exam_id = record["record"]["exam_id"]
        streamed = stored_journal(room, exam_id)
        answer = await robot.client.upload_record(record)
        status = await invigilator.room()
        await robot.close()
        return record, streamed, answer, status

    record, streamed, answer, status = room.run(body)
    entries = record["entries"]
    assert answer["outcome"] == "verified"
    assert 0 < len(streamed) < len(entries)  # the server lacked the end of the journal
    exam_id = record["record"]["exam_id"]
    assert stored_journal(room, exam_id) == [(e["seq"], e["hash"]) for e in entries]
    exams = room.server.ctx.db.tables["exams"]
    with room.server.ctx.db.read() as connection:
        exam = connection.execute(select(exams).where(exams.c.exam_id == exam_id)).one()
    answered = sum(entry["kind"] == ANSWER for entry in entries)
    assert (exam.head_seq, exam.head_hash) == (entries[-1]["seq"], entries[-1]["hash"])
    assert exam.answered == answered
    [line] = status["candidates"]
    assert line["answered"] == answered

"""Exams replayed as their journals stream in (server_stub/live_exams.py): a streamed exam's
record is verified without hashing and replaying it again, with the same verdicts (the
rejections of test_server_checks.py go through it); what it missed (a restart, another
process's uploads) is read from the database (test_catch_up.py); what it cannot follow is
verified in full, as before."""

from dataclasses import replace

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.canonical import exact_text
from engine.exam_events import ANSWER
from engine.journal_format import JournalEntry
from engine.ticket import signed_message
from server_stub.exports import session_results
from server_stub.intake.replay_inputs import exam_start
from server_stub.live_exams import LiveExams
from server_stub.results import score


def test_a_streamed_exam_is_verified_and_scored_without_a_second_replay(room_factory):
    room = room_factory(1)
    verifier = room.count_full_verifications()

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await robot.take_exam()
        record = await robot.seal()
        answer = await robot.upload(record)  # the outbox is flushed first: all streamed
        await robot.close()
        return record, answer

    record, answer = room.run(body)
    assert answer["outcome"] == "verified"
    assert verifier.calls == 0
    assert len(room.server.ctx.live_exams) == 0  # forgotten once stored
    [row] = session_results(room.server.ctx.db, room.planned.session_id)
    kiosk_result = record["record"]["result"]
    assert (row["status"], row["score"]) == ("validated", kiosk_result["score"])
    assert row["competence_levels"] == kiosk_result["competence_levels"]


def test_the_score_made_as_the_exam_ended_serves_only_if_nothing_changed_since(room_factory):
    """An issue report filed between the end of the exam and its record: the record is scored
    again with it, not given the score computed as its last entry arrived."""
    room = room_factory(1)

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await robot.take_exam()
        record = await robot.seal()
        await robot.outbox.flush(timeout_s=10)
        streamed = room.server.ctx.live_exams.finished(
            robot.ticket.exam_id, robot.identity.device_id
        )
        statuses = [status for _, status in streamed.exam.answers]
        number = statuses.index("ko") + 1  # a wrong answer, neutralised by the report
        await invigilator.report_issue(
            room.planned.candidate_ids[0],
            "IN_CHALLENGE",
            "IMAGE_NOT_DISPLAYING",
            number,
            "L'image ne s'affichait pas.",
        )
        answer = await robot.upload(record)
        await robot.close()
        return streamed, number, answer

    streamed, number, answer = room.run(body)
    assert answer["outcome"] == "verified"
    reported = [("IMAGE_NOT_DISPLAYING", f"#{number}")]
    expected = score(streamed.exam, None, reported, ())
    assert expected != streamed.scored.result
    [row] = session_results(room.server.ctx.db, room.planned.session_id)
    assert (row["score"], row["competence_levels"]) == (
        expected.score,
        expected.competence_levels,
    )


def test_after_a_restart_the_replay_is_rebuilt_from_the_stored_journal(room_factory):
    room = room_factory(1)
    verifier = room.count_full_verifications()

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await robot.take_exam()
        record = await robot.seal()
        await robot.outbox.flush(timeout_s=10)
        ctx = room.server.ctx
        ctx.live_exams = LiveExams(ctx.server_public_key)  # what a restart leaves
        answer = await robot.upload(record)
        await robot.close()
        return answer

    assert room.run(body)["outcome"] == "verified"
    assert verifier.calls == 0  # compared with the replay rebuilt (intake/catch_up.py)


def test_the_live_replay_lets_go_of_what_it_cannot_follow(room_factory):
    room = room_factory(3)

    async def body(invigilator):
        robots = [await room.started(i, invigilator) for i in range(3)]
        journals = []
        for robot in robots:
            await robot.outbox.stop()
            await robot.take_exam()
            record = await robot.seal()
            journals.append([JournalEntry.from_dict(raw) for raw in record["entries"]])
            await robot.close()
        return journals

    journals = room.run(body)
    ctx = room.server.ctx
    exams = ctx.db.tables["exams"]
    with ctx.db.read() as connection:
        rows = {row.exam_id: row for row in connection.execute(exams.select())}
        starts = {e: exam_start(connection, ctx.banks, row) for e, row in rows.items()}

    def feed(live: LiveExams, entries: list[JournalEntry], device: str = "pc") -> None:
        exam_id = entries[0].exam_id
        texts = [exact_text(entry.to_dict()) for entry in entries]
        start = starts[exam_id] if entries[0].seq == 1 else None
        live.extend(exam_id, device, entries, texts, start)

    first, second, third = journals
    exam_id = first[0].exam_id

    whole = LiveExams(ctx.server_public_key)
    feed(whole, first[:-1])
    assert whole.finished(exam_id, "pc") is None  # not over yet
    feed(whole, first[-1:])
    streamed = whole.finished(exam_id, "pc")
    assert streamed is not None and streamed.replay_error is None
    assert streamed.exam.result().to_dict() == first[-1].payload["result"]
    assert streamed.scored.inputs == (None, (), frozenset())  # scored as its end arrived
    assert streamed.scored.result == streamed.exam.result()
    assert streamed.status_disagrees is None
    # its start ticket's signature checked as it arrived: the record's check does not repeat it
    assert streamed.server_signed == {signed_message(first[0].payload["ticket"])}
    forged = LiveExams(Ed25519PrivateKey.generate().public_key())  # not this server's key
    feed(forged, first)
    assert forged.finished(exam_id, "pc").server_signed == frozenset()
    assert whole.finished(exam_id, "another pc") is None

    joined = LiveExams(ctx.server_public_key)  # joined mid-exam without the entries missed
    feed(joined, first[5:])
    assert len(joined) == 0 and joined.held_seq(exam_id, "pc") == 0  # to be read (catch_up.py)

    for broken in (
        [first[:3], first[4:]],  # a gap (the caller reads the missed entries: never happens)
        [first, [replace(first[-1], seq=len(first) + 1)]],  # entries after the end
        [first[:3], [replace(first[2], hash="0" * 64)]],  # another entry 3 than the one held
    ):
        live = LiveExams(ctx.server_public_key)
        for part in broken:
            feed(live, part)
        assert len(live) == 0 and live.finished(exam_id, "pc") is None
        # given up: not read and replayed again at each upload, its record verified in full
        assert live.held_seq(exam_id, "pc") is None
        live.forget(exam_id)  # its record stored
        assert live.held_seq(exam_id, "pc") == 0

    overlapping = LiveExams(ctx.server_public_key)  # two uploads caught up with the same entries
    feed(overlapping, first[:6])
    feed(overlapping, first[3:])
    assert overlapping.finished(exam_id, "pc").entries == tuple(first)  # each counted once
    assert overlapping.held_seq(exam_id, "pc") == len(first)
    assert overlapping.held_seq(exam_id, "another pc") == 0

    idle = LiveExams(ctx.server_public_key, idle_s=0.0)  # an exam that stopped streaming
    feed(idle, first[:3])
    feed(idle, second[:3])
    assert len(idle) == 1 and idle.held_seq(exam_id, "pc") == 0  # dropped, to be rebuilt

    answer_seq = next(entry.seq for entry in first if entry.kind == ANSWER)
    odd = replace(first[answer_seq - 1], payload={**first[answer_seq - 1].payload, "item_id": []})
    garbled = LiveExams(
        ctx.server_public_key
    )  # what the record's full check will refuse, the live one lets go of
    feed(garbled, [*first[: answer_seq - 1], odd])
    assert len(garbled) == 0

    switched = LiveExams(ctx.server_public_key)
    feed(switched, first[:3])
    feed(switched, first[3:], device="another pc")
    assert len(switched) == 0

    small = LiveExams(
        ctx.server_public_key, capacity=2
    )  # the exam that streamed least recently goes first
    feed(small, first[:3])
    feed(small, second[:3])
    feed(small, first[3:])
    feed(small, third[:3])
    feed(small, second[3:])  # too late: it was dropped, and is not picked up mid-exam
    assert len(small) == 2
    assert small.finished(exam_id, "pc") is not None
    assert small.finished(second[0].exam_id, "pc") is None

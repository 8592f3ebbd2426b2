"""A pupil who controls the lab PC: answers sent after the server's deadline, an offline
stretch, a forged clock, a journal rewritten with the PC's own key after its heads were
committed. Each is refused or held for review with a clear reason, in French and English, and
what the server stored is kept."""

import asyncio
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.exam_events import ANSWER
from engine.head_commitment import sign_head
from engine.journal_format import ChainHead, JournalEntry, genesis_hash, sign_entry
from engine.record import build_record
from kiosk.client import ServerError
from server_stub.errors import ApiError
from server_stub.review.decisions import decide
from server_stub.review.publication import publish_session
from server_stub.review.queue import pending_certifications
from tests.server.review_helpers import reviewer_account

MINUTE = 60


def resigned(entries: list[JournalEntry], key, change=lambda entry: entry) -> list[JournalEntry]:
    """The journal rewritten and re-signed with `key` (the PC's own), `change` applied."""
    out, prev = [], genesis_hash(entries[0].exam_id)
    for entry in entries:
        changed = change(entry)
        signed = sign_entry(
            exam_id=changed.exam_id,
            seq=changed.seq,
            prev=prev,
            elapsed_ms=changed.elapsed_ms,
            wall_time=changed.wall_datetime,
            kind=changed.kind,
            payload=changed.payload,
            signing_key=key,
        )
        out.append(signed)
        prev = signed.hash
    return out


def record_of(robot, entries: list[JournalEntry]) -> dict:
    return build_record(
        ticket=robot.signed_ticket,
        entries=entries,
        result=entries[-1].payload["result"],
        signing_key=robot.identity.signing_key,
    )


def test_answers_streamed_after_the_servers_deadline_hold_the_result_for_review(
    room_factory, tools
):
    """The kiosk writes small elapsed times (its own clock) but its answers reach the server
    hours after the start: the record verifies on its own terms, the result goes to review."""
    room = room_factory(2)

    async def body(invigilator):
        late = await room.started(0, invigilator)
        honest = await room.started(1, invigilator)
        await honest.take_exam()
        clean = await honest.finish()
        await late.take_exam(stop_after=5)
        await late.outbox.flush(timeout_s=20)
        for _ in range(27):  # 108 min on the server's clock, the kiosk in touch all along
            room.server.clock.advance(4 * MINUTE)
            assert await late.outbox.send_head()
        await late.take_exam()
        answer = await late.finish()
        for robot in (late, honest):
            await robot.close()
        await invigilator.finalise()
        return answer, clean

    answer, clean = room.run(body)
    assert answer["outcome"] == clean["outcome"] == "verified"
    rows = {row["last_name"]: row for row in tools.exported(room)}
    late_row = next(row for row in rows.values() if row["status"] == "pending")
    assert late_row["review_reasons"] == ["late_entries"]
    # Held for review: the lead cannot publish until a reviewer decides; rejected, no code.
    with pytest.raises(ApiError) as held:
        publish_session(room.server.ctx.db, room.planned.session_id, actor="cli")
    assert held.value.code == "review_still_pending"
    pending = pending_certifications(room.server.ctx.db, session_id=room.planned.session_id)
    assert [item["reasons"] for item in pending] == [["late_entries"]]
    decide(
        room.server.ctx.db,
        room.server.ctx.banks,
        candidate_id=pending[0]["candidate_id"],
        decision="reject",
        reason="réponses arrivées après l'heure",
        reviewer=reviewer_account(room.server.ctx.db),
    )
    publish_session(room.server.ctx.db, room.planned.session_id, actor="cli")
    rows = {row["last_name"]: row for row in tools.exported(room)}
    late_row = next(row for row in rows.values() if row["review_reasons"])
    assert (late_row["status"], late_row["verification_code"]) == ("rejected", None)
    honest_row = next(row for row in rows.values() if row is not late_row)
    assert (honest_row["status"], honest_row["review_reasons"]) == ("validated", [])
    assert honest_row["verification_code"]
    csv_text = tools.exported(room, "csv")
    assert ",review_reasons," in csv_text.splitlines()[0]
    assert any(",late_entries," in line for line in csv_text.splitlines())


def test_entries_committed_before_the_deadline_are_not_late_when_they_arrive_after_it(
    room_factory, tools
):
    """Entries that lag behind are fine once a head covering them reached the server in time."""
    room = room_factory(1)

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await tools.go_offline(robot)  # the entries stop streaming...
        await robot.take_exam()
        assert await robot.outbox.send_head()  # ...but the heartbeat gets through
        for _ in range(27):
            room.server.clock.advance(4 * MINUTE)
            assert await robot.outbox.send_head()
        answer = await robot.finish()
        await robot.close()
        return answer

    assert room.run(body)["outcome"] == "verified"
    (row,) = tools.exported(room)
    assert (row["status"], row["review_reasons"]) == ("validated", [])


def test_a_short_offline_stretch_before_the_deadline_leaves_a_clean_exam_validated(
    room_factory, tools
):
    room = room_factory(1)

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await robot.take_exam(stop_after=8)
        await robot.outbox.flush(timeout_s=20)
        await tools.go_offline(robot)
        room.server.clock.advance(4 * MINUTE)  # under the 5 minutes
        await robot.take_exam(stop_after=16)
        await tools.come_back(robot)
        await robot.take_exam()
        answer = await robot.finish()
        await robot.close()
        return answer

    assert room.run(body)["outcome"] == "verified"
    (row,) = tools.exported(room)
    assert (row["status"], row["review_reasons"]) == ("validated", [])


def test_a_long_offline_stretch_holds_the_result_for_review(room_factory, tools):
    room = room_factory(1)

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await robot.take_exam(stop_after=8)
        await robot.outbox.flush(timeout_s=20)
        await tools.go_offline(robot)
        room.server.clock.advance(6 * MINUTE)
        await robot.take_exam(stop_after=16)
        await tools.come_back(robot)
        live = await invigilator.room()
        await robot.take_exam()
        answer = await robot.finish()
        await robot.close()
        return answer, live

    answer, live = room.run(body)
    assert answer["outcome"] == "verified"
    assert live["candidates"][0]["review_reasons"] == ["offline_stretch"]  # live on the console
    (row,) = tools.exported(room)
    assert (row["status"], row["review_reasons"], row["score"]) == (
        "pending",
        ["offline_stretch"],
        None,
    )


def test_a_journal_rewritten_after_its_heads_were_committed_is_refused(room_factory):
    """The issue's third attack: streaming stopped after the start, every answer given, then the
    journal's end rewritten and re-signed with the PC's own key. The heads it committed while
    online betray it, streamed or in a record."""
    room = room_factory(1)

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await robot.outbox.flush(timeout_s=20)
        await robot.outbox.stop()  # the entries stop at exam_started...
        await robot.take_exam()
        genuine = await robot.seal()
        assert await robot.outbox.send_head()  # ...but the head went out with the heartbeat
        entries = [JournalEntry.from_dict(raw) for raw in genuine["entries"]]
        last_answer = max(e.seq for e in entries if e.kind == ANSWER)

        def improved(entry: JournalEntry) -> JournalEntry:
            if entry.seq != last_answer:
                return entry
            return replace(entry, payload={**entry.payload, "status": "ok"})

        forged = resigned(entries, robot.identity.signing_key, improved)
        with pytest.raises(ServerError) as streamed:
            await robot.client.stream_entries(robot.ticket.exam_id, forged[1:])
        answer = await robot.client.upload_record(record_of(robot, forged))
        await robot.close()
        return streamed.value, answer

    streamed, answer = room.run(body)
    assert (streamed.status, streamed.code) == (422, "entry_rejected")
    assert "rewritten past" in streamed.en and "passé réécrit" in streamed.fr
    assert answer["outcome"] == "quarantined"
    assert answer["reason"]["code"] == "head_commitment_broken"
    assert "réécrit" in answer["reason"]["message_fr"]
    assert "rewritten" in answer["reason"]["message_en"]
    entries = room.server.ctx.db.tables["journal_entries"]
    with room.server.ctx.db.read() as connection:
        kept = connection.execute(entries.select()).all()
    assert [row.seq for row in kept] == [1]  # the exam_started streamed before: kept as it was


def test_a_journal_cut_short_below_a_committed_head_is_quarantined(room_factory):
    room = room_factory(1)

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await robot.outbox.stop()
        await robot.take_exam()
        record = await robot.seal()
        assert await robot.outbox.send_head()
        entries = [JournalEntry.from_dict(raw) for raw in record["entries"]]
        shorter = [*entries[:-3], entries[-1]]  # three answers dropped, the end re-signed
        forged = resigned(
            shorter, robot.identity.signing_key, lambda e: replace(e, seq=shorter.index(e) + 1)
        )
        answer = await robot.client.upload_record(record_of(robot, forged))
        await robot.close()
        return answer

    answer = room.run(body)
    assert (answer["outcome"], answer["reason"]["code"]) == (
        "quarantined",
        "head_commitment_broken",
    )


def test_a_head_that_contradicts_the_stored_journal_is_refused_and_sent_to_review(
    room_factory, tools
):
    room = room_factory(1)

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await robot.take_exam(stop_after=4)
        await robot.outbox.flush(timeout_s=20)
        head = robot.journal.head()
        forged = sign_head(
            device_id=robot.identity.device_id,
            exam_id=robot.ticket.exam_id,
            head=ChainHead(head.seq, "0" * 64),
            signing_key=robot.identity.signing_key,
        )
        with pytest.raises(ServerError) as refused:
            await robot.client.send_head(robot.ticket.exam_id, forged)
        stranger = sign_head(  # and a head signed by any other key
            device_id=robot.identity.device_id,
            exam_id=robot.ticket.exam_id,
            head=head,
            signing_key=Ed25519PrivateKey.generate(),
        )
        with pytest.raises(ServerError) as unsigned:
            await robot.client.send_head(robot.ticket.exam_id, stranger)
        live = await invigilator.room()
        await robot.close()
        return refused.value, unsigned.value, live

    refused, unsigned, live = room.run(body)
    assert (refused.status, refused.code) == (422, "head_conflict")
    assert "réécrit" in refused.fr and "rewritten" in refused.en
    assert (unsigned.status, unsigned.code) == (422, "head_rejected")
    assert live["candidates"][0]["review_reasons"] == ["journal_conflict"]
    assert tools.security_log(room.server, "head_conflict")


def test_a_forged_clock_and_unknown_events_are_refused_at_the_door(room_factory):
    """Entries a record would fail are refused as they stream: elapsed time going back, an
    event the engine does not know."""
    room = room_factory(1)

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await robot.take_exam(stop_after=3)
        await robot.outbox.flush(timeout_s=20)
        await robot.outbox.stop()
        stored = robot.journal.entries()
        last = stored[-1]
        key, exam_id = robot.identity.signing_key, robot.ticket.exam_id

        def following(kind: str, payload: dict, elapsed_ms: int) -> JournalEntry:
            return sign_entry(
                exam_id=exam_id,
                seq=last.seq + 1,
                prev=last.hash,
                elapsed_ms=elapsed_ms,
                wall_time=last.wall_datetime,
                kind=kind,
                payload=payload,
                signing_key=key,
            )

        refusals = []
        for entry in (
            following("paused", {}, max(0, last.elapsed_ms - 60_000)),  # the clock set back
            following("extra_points", {"points": 100}, last.elapsed_ms + 1),
        ):
            with pytest.raises(ServerError) as refused:
                await robot.client.stream_entries(exam_id, [entry])
            refusals.append(refused.value)
        await robot.close()
        return refusals, last.seq

    (clock, unknown), head_seq = room.run(body)
    assert clock.code == unknown.code == "entry_rejected"
    assert "goes back" in clock.en and "recule" in clock.fr
    assert "unknown or incomplete 'extra_points'" in unknown.en and "inconnu" in unknown.fr
    exams = room.server.ctx.db.tables["exams"]
    with room.server.ctx.db.read() as connection:
        assert connection.execute(exams.select()).one().head_seq == head_seq  # nothing stored


def test_a_record_whose_clock_goes_back_is_quarantined(room_factory):
    room = room_factory(1)

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await robot.outbox.stop()
        await robot.take_exam()
        record = await robot.seal()
        entries = [JournalEntry.from_dict(raw) for raw in record["entries"]]
        middle = entries[len(entries) // 2].seq
        forged = resigned(
            entries,
            robot.identity.signing_key,
            lambda e: replace(e, elapsed_ms=0) if e.seq == middle else e,
        )
        answer = await robot.client.upload_record(record_of(robot, forged))
        await robot.close()
        return answer

    answer = room.run(body)
    assert (answer["outcome"], answer["reason"]["code"]) == ("quarantined", "clock_backwards")


def test_heads_flow_with_the_heartbeat_while_online(room_factory):
    """The kiosk's outbox commits its head every few seconds, beside the entries."""
    room = room_factory(1)

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        robot.outbox.head_every_s = 0.05
        await robot.take_exam(stop_after=3)
        await asyncio.sleep(0.5)
        sent = robot.outbox.heads_sent
        await robot.close()
        return sent

    assert room.run(body) >= 2

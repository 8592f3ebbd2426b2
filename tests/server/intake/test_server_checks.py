"""Every way a record can fail verification, on a real server: each is quarantined with its
reason and never scored (DESIGN §5). Forgers here hold real keys and sign real entries."""

import base64
import json
from collections.abc import Callable
from dataclasses import replace

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from engine.config import ExamConfig
from engine.exam import Exam
from engine.exam_events import ANSWER
from engine.journal_format import JournalEntry, genesis_hash, sign_entry
from engine.record import build_record
from kiosk.client import ServerError
from kiosk.robot import simulated_response
from server_stub.exports import session_results

HOURS_MS = 3600 * 1000


def forged(entries: list[JournalEntry], key: Ed25519PrivateKey, change: Callable) -> list:
    """The journal re-signed after `change(entry) -> entry` (a forger holding `key`)."""
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


def rebuilt(robot, entries: list[JournalEntry], key: Ed25519PrivateKey) -> dict:
    return build_record(
        ticket=robot.signed_ticket,
        entries=entries,
        result=entries[-1].payload["result"],
        signing_key=key,
    )


def statuses(room) -> list[str]:
    return [row["status"] for row in session_results(room.server.ctx.db, room.planned.session_id)]


def test_a_bad_record_signature_is_quarantined(room_factory):
    room = room_factory(1)

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await robot.take_exam()
        record = await robot.seal()
        other = Ed25519PrivateKey.generate().sign(b"something else")
        record["signature"] = base64.b64encode(other).decode()
        answer = await robot.upload(record)
        await robot.close()
        return answer

    answer = room.run(body)
    assert answer["outcome"] == "quarantined"
    assert answer["reason"]["code"] == "bad_signature"
    assert answer["reason"]["message_fr"] and answer["reason"]["message_en"]
    assert statuses(room) == ["rejected"]


def test_an_altered_entry_is_quarantined(room_factory):
    room = room_factory(1)

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await robot.outbox.stop()  # nothing streamed: only the record can tell
        await robot.take_exam()
        record = await robot.seal()
        answers = [e for e in record["entries"] if e["kind"] == ANSWER]
        answers[4]["payload"]["status"] = "ok" if answers[4]["payload"]["status"] != "ok" else "ko"
        answer = await robot.upload(record)
        await robot.close()
        return answer

    answer = room.run(body)
    assert (answer["outcome"], answer["reason"]["code"]) == ("quarantined", "chain_broken")
    assert answer["reason"]["seq"] is not None


def test_a_record_for_another_devices_exam_is_refused_at_the_door(room_factory):
    room = room_factory(3)

    async def body(invigilator):
        honest = await room.started(0, invigilator)
        other = await room.started(1, invigilator)
        third = await room.started(2, invigilator)
        await honest.take_exam()
        genuine = await honest.seal()
        entries = [JournalEntry.from_dict(raw) for raw in genuine["entries"]]
        key = other.identity.signing_key
        stolen = rebuilt(honest, forged(entries, key, lambda e: e), key)
        refusals = []
        # device 1 sends exam 0's record re-signed; device 2 relays it as it is
        for sender, record in ((other, stolen), (third, genuine)):
            with pytest.raises(ServerError) as refused:
                await sender.client.upload_record(record)
            refusals.append((refused.value.status, refused.value.code))
        answer = await honest.upload(genuine)  # the candidate's own PC is still heard
        for robot in (honest, other, third):
            await robot.close()
        return refusals, answer

    refusals, answer = room.run(body)
    assert refusals == [(403, "forbidden")] * 2
    assert answer["outcome"] == "verified"
    records = room.server.ctx.db.tables["records"]
    with room.server.ctx.db.read() as connection:
        stored = connection.execute(select(records.c.device_id)).scalars().all()
    assert len(stored) == 1  # only the candidate's own PC's record was stored


def test_items_the_engine_would_not_pick_are_quarantined(room_factory):
    room = room_factory(1)

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        # A kiosk running another selection than the ticket's: a valid journal of wrong items.
        robot.exam = Exam(robot.exam.bank, ExamConfig.pix(), robot.ticket.selection_seed)
        await robot.take_exam()
        answer = await robot.finish()
        await robot.close()
        return answer

    answer = room.run(body)
    assert answer["reason"]["code"] == "not_engine_items"
    assert statuses(room) == ["rejected"]


def test_a_record_is_replayed_with_the_configuration_its_ticket_carries(room_factory):
    room = room_factory(1)
    db = room.server.ctx.db
    configs = db.tables["bank_configs"]

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await robot.outbox.stop()  # nothing streamed: the record is verified in full
        await robot.take_exam()
        record = await robot.seal()
        with db.write() as connection:  # the bank's configuration changed since the ticket
            connection.execute(
                configs.update()
                .where(configs.c.bank_id == robot.ticket.bank_id)
                .values(config=json.dumps(ExamConfig.pix().to_dict()))
            )
        answer = await robot.client.upload_record(record)
        await robot.close()
        return answer

    assert room.run(body)["outcome"] == "verified"


def test_answers_after_the_deadline_are_quarantined(room_factory):
    room = room_factory(1)

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await robot.outbox.stop()
        await robot.take_exam()
        record = await robot.seal()
        entries = [JournalEntry.from_dict(raw) for raw in record["entries"]]
        late_from = [e.seq for e in entries if e.kind == ANSWER][24]  # from the 25th answer

        def two_hours_later(entry: JournalEntry) -> JournalEntry:
            if entry.seq < late_from:
                return entry
            return replace(entry, elapsed_ms=entry.elapsed_ms + 2 * HOURS_MS)

        key = robot.identity.signing_key
        answer = await robot.upload(rebuilt(robot, forged(entries, key, two_hours_later), key))
        await robot.close()
        return answer

    answer = room.run(body)
    assert answer["reason"]["code"] == "answer_after_deadline"


def test_a_record_replayed_for_another_candidate_is_quarantined(room_factory):
    room = room_factory(2)

    async def body(invigilator):
        first = await room.started(0, invigilator)
        await first.take_exam()
        record = await first.seal()
        assert (await first.upload(record))["outcome"] == "verified"
        await first.close()
        second = await room.started(1, invigilator, device=0)  # same PC, next candidate
        async with httpx.AsyncClient(base_url=room.server.url) as http:
            replayed = await http.post(
                f"/api/v1/kiosk/exams/{second.ticket.exam_id}/record",
                json=record,
                headers={"Authorization": f"Bearer {second.client.device_token}"},
            )
        await second.close()
        return replayed.json()

    answer = room.run(body)
    assert answer["reason"]["code"] == "record_for_another_exam"
    assert sorted(statuses(room)) == ["rejected", "validated"]


def test_a_replacement_without_a_validated_alert_is_quarantined(room_factory):
    room = room_factory(1)

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await robot.take_exam(stop_after=6)
        await robot.replace(await robot.show_next())  # the kiosk skips a hard question
        await robot.take_exam()
        answer = await robot.finish()
        await robot.close()
        return answer

    assert room.run(body)["reason"]["code"] == "replacement_not_validated"


def test_a_status_that_contradicts_the_response_is_quarantined(room_factory):
    room = room_factory(1)
    full = room.count_full_verifications()

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await robot.take_exam(stop_after=3)
        item_id = await robot.show_next()
        item = robot.unlocked.item(item_id)
        right = simulated_response(item, True, robot.rng)
        await robot.append(
            ANSWER, {"item_id": item_id, "response": right, "status": "ko", "time_spent_s": 9}
        )
        robot.exam.record(item_id, "ko")
        await robot.take_exam()
        answer = await robot.finish()
        await robot.close()
        return answer

    answer = room.run(body)
    assert (answer["outcome"], answer["reason"]["code"]) == ("quarantined", "status_mismatch")
    assert answer["reason"]["seq"] is not None
    assert full.calls == 0  # judged as the answers streamed in, by the live replay


def test_a_record_that_rewrites_streamed_entries_is_quarantined(room_factory):
    room = room_factory(1)

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await robot.take_exam()
        record = await robot.seal()
        await robot.outbox.flush(timeout_s=10)  # the server holds the true journal
        entries = [JournalEntry.from_dict(raw) for raw in record["entries"]]

        def slower(entry: JournalEntry) -> JournalEntry:
            return replace(entry, elapsed_ms=entry.elapsed_ms + 1) if entry.seq == 10 else entry

        key = robot.identity.signing_key
        answer = await robot.upload(rebuilt(robot, forged(entries, key, slower), key))
        await robot.close()
        return answer

    assert room.run(body)["reason"]["code"] == "streamed_entries_differ"


def test_a_ticket_the_server_did_not_sign_is_quarantined_though_it_streamed_in(room_factory):
    """The live replay checks the tickets' signatures as they stream in and the record's
    check skips only those that passed: a doctored ticket is still caught there. The exam core
    streams its genuine first entry at once, so the forgery may instead be refused at the door
    (another entry holds its number) and the record checked in full: quarantined all the same."""
    room = room_factory(1)
    verifier = room.count_full_verifications()

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await robot.outbox.stop()
        await robot.take_exam()
        genuine = await robot.seal()
        entries = [JournalEntry.from_dict(raw) for raw in genuine["entries"]]

        def longer(entry: JournalEntry) -> JournalEntry:  # twice the time the server allowed
            if entry.seq != 1:
                return entry
            signed = entry.payload["ticket"]
            body = {**signed["ticket"], "time_allowed_s": 2 * signed["ticket"]["time_allowed_s"]}
            return replace(entry, payload={"ticket": {**signed, "ticket": body}})

        key = robot.identity.signing_key
        journal = forged(entries, key, longer)
        streamed_in = True
        try:
            await robot.client.stream_entries(journal[0].exam_id, journal)
        except ServerError as refused:  # the genuine ticket streamed first: the door keeps it
            assert refused.code == "entry_conflict"
            streamed_in = False
        record = build_record(
            ticket=journal[0].payload["ticket"],
            entries=journal,
            result=journal[-1].payload["result"],
            signing_key=key,
        )
        answer = await robot.client.upload_record(record)
        await robot.close()
        return answer, streamed_in

    answer, streamed_in = room.run(body)
    assert (answer["outcome"], answer["reason"]["code"]) == ("quarantined", "ticket_invalid")
    if streamed_in:  # the doctored ticket got in before the core's genuine one
        assert verifier.calls == 0  # judged on what streamed in
    assert statuses(room) == ["rejected"]


def test_uploads_are_idempotent_and_a_different_record_is_refused(room_factory):
    room = room_factory(1)

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await robot.take_exam()
        record = await robot.seal()
        first = await robot.upload(record)
        again = await robot.client.upload_record(record)
        changed = dict(record, signature=base64.b64encode(b"\0" * 64).decode())
        with pytest.raises(ServerError) as refused:
            await robot.client.upload_record(changed)
        await robot.close()
        return first, again, refused.value

    first, again, refused = room.run(body)
    assert first["outcome"] == "verified"
    assert again == first
    assert (refused.status, refused.code) == (422, "record_conflict")
    assert refused.fr and refused.en

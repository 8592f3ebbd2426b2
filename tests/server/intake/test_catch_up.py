"""An exam's uploads spread over two server processes (server_stub/intake/catch_up.py): each
process's live replay reads the entries the other stored and replays on, so the record is
checked against the replay, not verified in full, with the verdict a full verification gives.

Two processes' memories on one database: two `LiveExams`, each upload (and the record) taken by
the other in turn, as the kernel spreads a kiosk's connections."""

from kiosk.core.phase import Phase
from server_stub.exports import session_results
from server_stub.intake import records
from server_stub.live_exams import LiveExams


class TwoProcesses:
    """The live replays of two server processes, taking an exam's requests in turn (every
    intake request asks `held_seq` once, first)."""

    def __init__(self, server_key) -> None:
        self.replays = [LiveExams(server_key), LiveExams(server_key)]
        self.turn = 0
        self.requests = [0, 0]

    def held_seq(self, exam_id: str, device_id: str) -> int | None:
        self.turn ^= 1
        self.requests[self.turn] += 1
        return self.replays[self.turn].held_seq(exam_id, device_id)

    def extend(self, *args) -> None:
        self.replays[self.turn].extend(*args)

    def finished(self, exam_id: str, device_id: str):
        return self.replays[self.turn].finished(exam_id, device_id)

    def forget(self, exam_id: str) -> None:
        self.replays[self.turn].forget(exam_id)

    def __len__(self) -> int:
        return sum(len(replay) for replay in self.replays)


class ComparedVerdicts:
    """The server's verdict, beside the one a full verification of the same record gives."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.pairs = []

    def __call__(self, job, banks, streamed=None):
        verdict = self.inner(job, banks, streamed)
        self.pairs.append((streamed is not None, verdict, self.inner(job, banks, None)))
        return verdict


def test_an_exam_streamed_to_two_processes_in_turn_is_checked_live(room_factory):
    room = room_factory(1)
    ctx = room.server.ctx
    processes = ctx.live_exams = TwoProcesses(ctx.server_public_key)
    compared = ComparedVerdicts(records.check_record)
    room.monkeypatch.setattr(records, "check_record", compared)

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        answered = 0
        while robot.core.phase != Phase.FINISHED:  # an upload per answer
            answered += 1
            await robot.take_exam(stop_after=answered)
            await robot.outbox.flush(timeout_s=10)
        record = await robot.seal()
        answer = await robot.upload(record)
        await robot.close()
        return record, answer

    record, answer = room.run(body)
    assert answer["outcome"] == "verified"
    assert min(processes.requests) >= 5  # each process took part of the journal
    [(live, verdict, full)] = compared.pairs
    assert live  # compared with the replay the second process caught up with
    assert verdict == full
    [row] = session_results(ctx.db, room.planned.session_id)
    assert row["score"] == record["record"]["result"]["score"]
    assert len(processes.replays[processes.turn]) == 0  # forgotten where it was stored

"""A rehearsal session (`pix-server session create --rehearsal --minutes N`): its own time
allowed, its results never published; and the head commitment's wire format."""

import io
import json
from contextlib import redirect_stdout

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.head_commitment import HeadCommitmentError, sign_head, verify_head
from engine.journal_format import ChainHead
from server_stub.commands import main as pix_server
from server_stub.exports import session_results
from server_stub.planning import import_candidates
from server_stub.review.publication import publish_session


def test_a_rehearsal_has_its_own_time_and_is_never_published(room_factory):
    room = room_factory(1)
    data = str(room.server.data_dir)
    out = io.StringIO()
    with redirect_stdout(out):
        assert (
            pix_server(
                [
                    "session",
                    "create",
                    "--data",
                    data,
                    "--centre",
                    "Lycée",
                    "--room",
                    "B12",
                    "--date",
                    "2026-06-11",
                    "--time",
                    "14:00",
                    "--rehearsal",
                    "--minutes",
                    "20",
                    "--json",
                ]
            )
            == 0
        )
    created = json.loads(out.getvalue())
    import_candidates(room.server.ctx.db, created["session_id"], room.planned.csv_text.encode())
    room.planned.session_id = created["session_id"]
    room.planned.session_number = created["session_number"]
    room.planned.access_code = created["access_code"]
    room.planned.invigilator_code = created["invigilator_code"]

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        allowed = robot.ticket.time_allowed_s
        await robot.take_exam()
        answer = await robot.finish()
        await robot.close()
        await invigilator.finalise()
        return allowed, answer

    allowed, answer = room.run(body)
    publish_session(room.server.ctx.db, created["session_id"], actor="cli")
    assert allowed == 20 * 60
    assert answer["outcome"] == "verified"
    (row,) = session_results(room.server.ctx.db, created["session_id"])
    assert row["status"] == "validated" and row["verification_code"] is None


def test_a_head_commitment_verifies_for_its_device_and_exam_only():
    key = Ed25519PrivateKey.generate()
    head = ChainHead(7, "ab" * 32)
    signed = sign_head(device_id="dev", exam_id="exam_1", head=head, signing_key=key)
    assert verify_head(signed, key.public_key(), device_id="dev", exam_id="exam_1").head == head
    cases = {
        "head_mismatch": (signed, "dev", "exam_2"),
        "head_bad_signature": (
            {**signed, "commitment": {**signed["commitment"], "seq": 8}},
            "dev",
            "exam_1",
        ),
        "head_malformed": (
            {**signed, "commitment": {**signed["commitment"], "hash": "x"}},
            "dev",
            "exam_1",
        ),
    }
    for code, (value, device_id, exam_id) in cases.items():
        with pytest.raises(HeadCommitmentError) as refused:
            verify_head(value, key.public_key(), device_id=device_id, exam_id=exam_id)
        assert refused.value.code == code and refused.value.fr and refused.value.en

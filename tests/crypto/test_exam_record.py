"""The final record: a sound one verifies into replay events; each fault has its own code."""

import copy
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.canonical import b64encode, canonical_json
from engine.record import RECORD_DOMAIN, RecordError, build_record, verify_record
from engine.ticket import issue_ticket
from kiosk.journal import Journal

RESULT = {"score": 412, "level": 4, "competences": {"1.1": 3}}


def _ticket(device, server_key, grant_for, **changes):
    return issue_ticket(
        grant_for(device, **changes),
        content_key=bytes(32),
        device_exchange_key=device.exchange_public_key,
        server_key=server_key,
    )


def _exam(journal, ticket, resume_ticket, result=RESULT):
    journal.append("exam_started", {"ticket": ticket})
    journal.append("item_shown", {"item_id": "rec1", "position": 1})
    journal.append(
        "answer", {"item_id": "rec1", "response": [0], "status": "ok", "time_spent_s": 31.5}
    )
    journal.append("item_shown", {"item_id": "rec2", "position": 2})
    journal.append("live_alert_raised", {"item_id": "rec2"})
    journal.append("item_replaced", {"item_id": "rec2"})
    journal.append("paused", {"reason": "invigilator"})
    journal.append("resumed", {})
    journal.append("resume_authorised", {"ticket": resume_ticket})
    journal.append("item_shown", {"item_id": "rec3", "position": 2})
    journal.append(
        "answer", {"item_id": "rec3", "response": "", "status": "aband", "time_spent_s": 4}
    )
    journal.append("finished", {"abort_reason": None, "result": result})


@pytest.fixture
def made(tmp_path, device, server_key, grant_for):
    """(record as received over HTTP, start ticket, journal entries)."""
    ticket = _ticket(device, server_key, grant_for)
    resume = _ticket(device, server_key, grant_for, kind="resume")
    with Journal.open(tmp_path / "j", device.signing_key, exam_id="exam-0001") as journal:
        _exam(journal, ticket, resume)
        entries = journal.entries()
    record = build_record(
        ticket=ticket, entries=entries, result=RESULT, signing_key=device.signing_key
    )
    return json.loads(json.dumps(record)), ticket, entries


def _code(record, device, server_key):
    with pytest.raises(RecordError) as caught:
        verify_record(record, device.signing_public_key, server_key.public_key())
    assert caught.value.fr and caught.value.en
    return caught.value.code


def _resign(record, device):
    record["signature"] = b64encode(
        device.signing_key.sign(RECORD_DOMAIN + canonical_json(record["record"]))
    )
    return record


def test_a_sound_record_verifies_into_replay_events(made, device, server_key):
    record, ticket, entries = made
    verified = verify_record(record, device.signing_public_key, server_key.public_key())
    assert verified.device_id == device.device_id
    assert verified.exam_id == "exam-0001"
    assert verified.ticket.signed == ticket
    assert verified.ticket.selection_seed == 2**53 - 1
    assert [t.kind for t in verified.resume_tickets] == ["resume"]
    assert verified.events == [
        {"kind": "answer", "item_id": "rec1", "status": "ok"},
        {"kind": "replace", "item_id": "rec2"},
        {"kind": "answer", "item_id": "rec3", "status": "aband"},
    ]
    assert [e.kind for e in verified.timeline] == [
        "exam_started",
        "live_alert_raised",
        "item_replaced",
        "paused",
        "resumed",
        "resume_authorised",
        "finished",
    ]
    assert verified.result == RESULT
    assert verified.head == entries[-1].head
    assert list(verified.entries) == entries


def test_the_record_signature_must_be_the_devices(made, device, other_device, server_key):
    record, _, _ = made
    with pytest.raises(RecordError) as caught:
        verify_record(record, other_device.signing_public_key, server_key.public_key())
    assert caught.value.code == "bad_signature"
    forged = copy.deepcopy(record)
    forged["record"]["result"]["score"] = 895
    assert _code(forged, device, server_key) == "bad_signature"


def test_an_altered_entry_is_caught(made, device, server_key):
    record, _, _ = made
    record["entries"][2]["payload"]["status"] = "ko"
    with pytest.raises(RecordError) as caught:
        verify_record(record, device.signing_public_key, server_key.public_key())
    assert (caught.value.code, caught.value.seq) == ("chain_broken", 3)


def test_a_removed_entry_is_caught(made, device, server_key):
    record, _, _ = made
    del record["entries"][4]
    assert _code(record, device, server_key) == "chain_broken"


def test_dropping_entries_at_the_end_is_caught_by_the_signed_head(made, device, server_key):
    record, _, _ = made
    del record["entries"][-2:]
    assert _code(record, device, server_key) == "chain_broken"


def test_entries_after_the_signed_head_are_caught(made, device, server_key):
    record, _, entries = made
    record["record"]["head"] = {"seq": entries[-2].seq, "hash": entries[-2].hash}
    assert _code(_resign(record, device), device, server_key) == "chain_broken"


def test_entries_signed_by_another_device_are_caught(
    tmp_path, made, device, other_device, server_key, grant_for
):
    """The other device's entries, under this device's record signature."""
    record, ticket, _ = made
    resume = _ticket(device, server_key, grant_for, kind="resume")
    with Journal.open(tmp_path / "o", other_device.signing_key, exam_id="exam-0001") as journal:
        _exam(journal, ticket, resume)
        record["entries"] = [entry.to_dict() for entry in journal.entries()]
    record["record"]["head"] = {"seq": 12, "hash": record["entries"][-1]["hash"]}
    assert _code(_resign(record, device), device, server_key) == "bad_signature"


def test_a_ticket_for_another_device(tmp_path, device, other_device, server_key, grant_for):
    ticket = _ticket(other_device, server_key, grant_for)
    with Journal.open(tmp_path / "j", device.signing_key, exam_id="exam-0001") as journal:
        _exam(journal, ticket, ticket)
        record = build_record(
            ticket=ticket, entries=journal.entries(), result=RESULT, signing_key=device.signing_key
        )
    assert _code(record, device, server_key) == "wrong_device"


def test_a_record_claiming_another_device(made, device, other_device, server_key):
    record, _, _ = made
    record["record"]["device_id"] = other_device.device_id
    assert _code(_resign(record, device), device, server_key) == "wrong_device"


def test_a_ticket_from_another_server(tmp_path, device, server_key, grant_for):
    rogue = Ed25519PrivateKey.generate()
    ticket = _ticket(device, rogue, grant_for)
    with Journal.open(tmp_path / "j", device.signing_key, exam_id="exam-0001") as journal:
        _exam(journal, ticket, ticket)
        record = build_record(
            ticket=ticket, entries=journal.entries(), result=RESULT, signing_key=device.signing_key
        )
    assert _code(record, device, server_key) == "ticket_invalid"


def test_a_resume_ticket_from_another_server(tmp_path, device, server_key, grant_for):
    ticket = _ticket(device, server_key, grant_for)
    rogue = _ticket(device, Ed25519PrivateKey.generate(), grant_for, kind="resume")
    with Journal.open(tmp_path / "j", device.signing_key, exam_id="exam-0001") as journal:
        _exam(journal, ticket, rogue)
        record = build_record(
            ticket=ticket, entries=journal.entries(), result=RESULT, signing_key=device.signing_key
        )
    with pytest.raises(RecordError) as caught:
        verify_record(record, device.signing_public_key, server_key.public_key())
    assert (caught.value.code, caught.value.seq) == ("ticket_invalid", 9)


def test_entries_of_another_exam(tmp_path, device, server_key, grant_for):
    ticket = _ticket(device, server_key, grant_for)
    with Journal.open(tmp_path / "j", device.signing_key, exam_id="exam-0002") as journal:
        _exam(journal, ticket, ticket)
        record = build_record(
            ticket=ticket, entries=journal.entries(), result=RESULT, signing_key=device.signing_key
        )
    assert _code(record, device, server_key) == "exam_mismatch"


def test_the_journal_must_start_with_the_records_ticket(tmp_path, device, server_key, grant_for):
    ticket = _ticket(device, server_key, grant_for)
    other = _ticket(device, server_key, grant_for)  # same grant, another ticket
    with Journal.open(tmp_path / "j", device.signing_key, exam_id="exam-0001") as journal:
        _exam(journal, other, other)
        record = build_record(
            ticket=ticket, entries=journal.entries(), result=RESULT, signing_key=device.signing_key
        )
    assert _code(record, device, server_key) == "ticket_mismatch"


def test_the_result_must_be_the_journals(tmp_path, device, server_key, grant_for):
    ticket = _ticket(device, server_key, grant_for)
    with Journal.open(tmp_path / "j", device.signing_key, exam_id="exam-0001") as journal:
        _exam(journal, ticket, ticket, result={"score": 100})
        record = build_record(
            ticket=ticket, entries=journal.entries(), result=RESULT, signing_key=device.signing_key
        )
    assert _code(record, device, server_key) == "result_mismatch"


def test_an_unfinished_journal_is_not_a_record(tmp_path, device, server_key, grant_for):
    ticket = _ticket(device, server_key, grant_for)
    with Journal.open(tmp_path / "j", device.signing_key, exam_id="exam-0001") as journal:
        journal.append("exam_started", {"ticket": ticket})
        record = build_record(
            ticket=ticket, entries=journal.entries(), result=RESULT, signing_key=device.signing_key
        )
    assert _code(record, device, server_key) == "not_finished"


def test_unknown_or_incomplete_events(tmp_path, device, server_key, grant_for):
    ticket = _ticket(device, server_key, grant_for)
    for kind, payload in (("teleported", {}), ("answer", {"item_id": "rec1"})):
        path = tmp_path / kind
        with Journal.open(path, device.signing_key, exam_id="exam-0001") as journal:
            journal.append("exam_started", {"ticket": ticket})
            journal.append(kind, payload)
            journal.append("finished", {"abort_reason": "technical", "result": RESULT})
            record = build_record(
                ticket=ticket,
                entries=journal.entries(),
                result=RESULT,
                signing_key=device.signing_key,
            )
        with pytest.raises(RecordError) as caught:
            verify_record(record, device.signing_public_key, server_key.public_key())
        assert (caught.value.code, caught.value.seq) == ("bad_event", 2)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda r: r.pop("entries"),
        lambda r: r.update(signature="%%%"),
        lambda r: r["record"].update(version=2),
        lambda r: r["record"].pop("head"),
        lambda r: r.update(entries={"not": "a list"}),
    ],
)
def test_malformed_records(made, device, server_key, mangle):
    record, _, _ = made
    mangle(record)
    assert _code(record, device, server_key) == "malformed"


@pytest.mark.parametrize(
    ("kind", "payload", "incomplete"),
    [
        ("extra_time", {"added_s": 600, "remaining_s": 1234.5, "command_seq": 3}, {"added_s": 600}),
        ("alert_dismissed", {"item_id": "rec1", "command_seq": 4}, {"command_seq": 4}),
        ("quit", {"phase": "locked"}, {}),
    ],
)
def test_invigilator_decisions_are_timeline_events(
    tmp_path, device, server_key, grant_for, kind, payload, incomplete
):
    """Extra time, a dismissed alert and a quit with the invigilator code verify, reach the
    timeline and leave the replay alone; without their required keys they are refused like any
    incomplete event."""
    ticket = _ticket(device, server_key, grant_for)
    records = []
    for name, journaled in (("complete", payload), ("incomplete", incomplete)):
        with Journal.open(tmp_path / name, device.signing_key, exam_id="exam-0001") as journal:
            journal.append("exam_started", {"ticket": ticket})
            journal.append("item_shown", {"item_id": "rec1", "position": 1})
            journal.append("live_alert_raised", {"item_id": "rec1"})
            journal.append(kind, journaled)
            journal.append("finished", {"abort_reason": "technical", "result": RESULT})
            journal.verify(device.signing_public_key)
            records.append(
                build_record(
                    ticket=ticket,
                    entries=journal.entries(),
                    result=RESULT,
                    signing_key=device.signing_key,
                )
            )
    complete, incomplete_record = (json.loads(json.dumps(record)) for record in records)
    verified = verify_record(complete, device.signing_public_key, server_key.public_key())
    assert [e.kind for e in verified.timeline] == [
        "exam_started",
        "live_alert_raised",
        kind,
        "finished",
    ]
    assert verified.timeline[2].payload == payload
    assert verified.events == []
    with pytest.raises(RecordError) as caught:
        verify_record(incomplete_record, device.signing_public_key, server_key.public_key())
    assert (caught.value.code, caught.value.seq) == ("bad_event", 4)

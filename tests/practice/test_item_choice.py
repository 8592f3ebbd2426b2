"""The next item is chosen outside the write transaction and written only if the participation
did not move meanwhile (its sequence): a request that loses the race reads again, an answer is
taken once, on SQLite and PostgreSQL alike."""

import threading

import pytest

from engine.training import correction, load_practice_bank
from server_stub.practice import training
from server_stub.practice.errors import PracticeError
from server_stub.practice.student_accounts import get_student
from tests.practice.conftest import create_campaign, export_json

BANK = load_practice_bank()


@pytest.fixture
def marie(school, live_server, capsys):
    code = create_campaign(capsys, school, "--type", "profiles-collection")
    row = next(r for r in export_json(capsys, school, code) if r["last_name"] == "Dupont")
    student = get_student(live_server.ctx.db, row["student_id"])
    training.join(live_server.ctx.db, student, code, now=live_server.clock())
    return live_server.ctx.db, student, code


def test_a_choice_overtaken_by_another_tab_is_read_again(marie, monkeypatch):
    db, student, code = marie
    engine_choice = training.next_training_item
    overtaken: list[str] = []
    calls: list[int] = []

    def choose_while_another_tab_answers(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            # The other tab, while this one is choosing: it writes (no write lock is held
            # here, or this would wait forever on SQLite), chooses and answers an item.
            overtaken.append(training.current_item(db, student, code, now=1.0)["item"]["id"])
            right = correction(BANK, overtaken[0])["correct_answer"]
            training.submit_answer(db, student, code, item_id=overtaken[0], response=right, now=2)
        return engine_choice(*args, **kwargs)

    monkeypatch.setattr(training, "next_training_item", choose_while_another_tab_answers)
    screen = training.current_item(db, student, code, now=3.0)
    assert len(calls) == 3  # this tab, the other tab, then this tab again after the answer
    assert screen["answered"] == 1
    assert screen["item"]["id"] != overtaken[0]
    again = training.current_item(db, student, code, now=4.0)
    assert again["item"]["id"] == screen["item"]["id"]  # the one written stays on screen


def test_concurrent_answers_to_one_item_are_taken_once(marie):
    db, student, code = marie
    item_id = training.current_item(db, student, code, now=1.0)["item"]["id"]
    right = correction(BANK, item_id)["correct_answer"]
    outcomes: list[str] = []

    def answer() -> None:
        try:
            training.submit_answer(db, student, code, item_id=item_id, response=right, now=2)
            outcomes.append("taken")
        except PracticeError as refused:
            outcomes.append(refused.code)

    threads = [threading.Thread(target=answer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("taken") == 1
    assert set(outcomes) <= {"taken", "practice_item_mismatch"}
    with db.read() as connection:
        run, _ = training.answered_items(connection, db, student["student_id"], code=code)
    assert run == [(item_id, True)]

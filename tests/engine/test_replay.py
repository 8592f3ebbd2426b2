"""Replay: the same bank, configuration, seed and events rebuild the same exam, bit for bit."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import Exam, ExamConfig, ReplayError, replay
from engine.itembank import ExposureParameters

CONFIGS = {"pix": ExamConfig.pix(), "default": ExamConfig.default()}
STATUSES = ["ok", "ko", "aband", "timedout", "focusedOut"]

actions = st.lists(st.one_of(st.sampled_from(STATUSES), st.just("replace")), max_size=45)


def play(bank, config, seed, steps, accessibility_needs=False):
    exam = Exam(bank, config, seed, accessibility_needs=accessibility_needs)
    for action in steps:
        item_id = exam.next_item()
        if item_id is None:
            break
        if action == "replace":
            exam.replace(item_id)
        else:
            exam.record(item_id, action)
    return exam


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    mode=st.sampled_from(sorted(CONFIGS)),
    seed=st.one_of(st.integers(0, 2**53 - 1), st.text(max_size=12)),
    steps=actions,
    needs=st.booleans(),
)
def test_replaying_the_events_reproduces_every_item_and_estimate(
    psy_bank, mode, seed, steps, needs
):
    config = CONFIGS[mode]
    original = play(psy_bank, config, seed, steps, needs)
    again = replay(psy_bank, config, seed, original.events, accessibility_needs=needs)
    assert again.administered == original.administered
    assert again.answers == original.answers
    assert again.events == original.events
    assert again.capacity == original.capacity
    assert again.error == original.error
    assert again.next_item() == original.next_item()
    assert again.result() == original.result()


def test_replay_names_the_first_event_that_does_not_match(psy_bank):
    exam = play(psy_bank, CONFIGS["pix"], 5, ["ok"] * 10)
    events = exam.events
    wrong = next(i for i in psy_bank.ids if i not in exam.administered)
    events[6] = {"kind": "answer", "item_id": wrong, "status": "ok"}
    with pytest.raises(ReplayError) as caught:
        replay(psy_bank, CONFIGS["pix"], 5, events)
    assert caught.value.index == 6
    assert caught.value.event == events[6]
    assert "event 6" in str(caught.value) and wrong in str(caught.value)


def test_replay_with_another_seed_fails_early(psy_bank):
    exam = play(psy_bank, CONFIGS["pix"], 5, ["ok"] * 10)
    with pytest.raises(ReplayError) as caught:
        replay(psy_bank, CONFIGS["pix"], 6, exam.events)
    assert caught.value.index < 10


@pytest.mark.parametrize(
    "event",
    [
        {"kind": "answer", "item_id": "x"},
        {"kind": "answer", "item_id": "x", "status": "ok", "extra": 1},
        {"kind": "skip", "item_id": "x"},
        ["answer", "x", "ok"],
    ],
)
def test_malformed_events_are_refused(psy_bank, event):
    with pytest.raises(ReplayError) as caught:
        replay(psy_bank, CONFIGS["default"], 0, [event])
    assert caught.value.index == 0


def test_an_unknown_status_is_refused_at_its_event(psy_bank):
    first = Exam(psy_bank, CONFIGS["default"], 0).next_item()
    with pytest.raises(ReplayError, match="status"):
        replay(
            psy_bank, CONFIGS["default"], 0, [{"kind": "answer", "item_id": first, "status": "?"}]
        )


def test_events_after_the_end_are_refused(psy_bank):
    exam = play(psy_bank, CONFIGS["default"], 1, ["ok"] * 32)
    extra = {"kind": "answer", "item_id": psy_bank.ids[0], "status": "ok"}
    with pytest.raises(ReplayError, match="over") as caught:
        replay(psy_bank, CONFIGS["default"], 1, [*exam.events, extra])
    assert caught.value.index == 32


def test_exposure_controlled_exams_replay_too(psy_bank):
    rng = np.random.default_rng(0)
    parameters = ExposureParameters(
        edges=(-1.0, 0.0, 1.0),
        k=rng.uniform(0.2, 1.0, (len(psy_bank), 4)),
        prices=rng.uniform(0.0, 0.2, len(psy_bank)),
        target=0.25,
    )
    bank = psy_bank.with_exposure(parameters)
    exam = play(bank, CONFIGS["default"], "ticket-42", ["ok", "ko", "replace"] * 12)
    assert exam._cohort.tickets is not None
    again = replay(bank, CONFIGS["default"], "ticket-42", exam.events)
    assert again.administered == exam.administered
    assert again.capacity == exam.capacity

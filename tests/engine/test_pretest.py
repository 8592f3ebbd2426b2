"""Pretest items: seeded into exams at the configured rate, never scored, replayed bit for bit."""

import dataclasses
import json

import numpy as np
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import Exam, ExamConfig, replay
from engine.bank_source import load_bank_source, load_demo_bank
from engine.config import ConfigError
from engine.itembank import BankIndexError, ItemBank
from engine.items import ItemError
from engine.sealed_bank import SealedBank, seal_bank

PRETEST_ITEMS = 24
STATUSES = ["ok", "ko", "aband", "timedout", "focusedOut"]
CONFIGS = {
    "pix": dataclasses.replace(ExamConfig.pix(), pretest_per_exam=3),
    "default": dataclasses.replace(ExamConfig.default(), pretest_per_exam=3),
}


def with_pretest(bank: ItemBank, count: int = PRETEST_ITEMS, seed: int = 3) -> ItemBank:
    """`bank` plus `count` pretest items (ids `p…`, every third not accessible)."""
    rng = np.random.default_rng(seed)
    codes = bank.competence_codes
    ids = [f"p{number:03d}" for number in range(count)]
    return ItemBank.from_arrays(
        [*bank.ids, *ids],
        [*codes, *(codes[number % len(codes)] for number in range(count))],
        [*bank.discrimination, *rng.lognormal(0, 0.3, count)],
        [*bank.difficulty, *rng.normal(0, 1.2, count)],
        tubes=[*(bank.tube_names[t] for t in bank.tube), *ids],
        skills=[*(bank.skill_names[s] for s in bank.skill), *ids],
        accessible=[*bank.accessible, *(number % 3 != 0 for number in range(count))],
        pretest=[False] * len(bank) + [True] * count,
    )


def play(bank, config, seed, answer, accessibility_needs=False, steps=200):
    """An exam answered by `answer(item_id)` ("replace" replaces) until it ends."""
    exam = Exam(bank, config, seed, accessibility_needs=accessibility_needs)
    for _ in range(steps):
        item_id = exam.next_item()
        if item_id is None:
            break
        action = answer(item_id)
        if action == "replace":
            exam.replace(item_id)
        else:
            exam.record(item_id, action)
    return exam


def by_id(item_id: str) -> str:
    """A fixed answer per item, so two exams answer an item alike wherever it comes."""
    return STATUSES[sum(map(ord, item_id)) % 3]


@pytest.fixture(scope="module")
def pretest_bank(psy_bank):
    return with_pretest(psy_bank)


@pytest.mark.parametrize("mode", sorted(CONFIGS))
def test_pretest_items_come_on_top_and_leave_the_exam_as_it_was(psy_bank, pretest_bank, mode):
    config = CONFIGS[mode]
    without = dataclasses.replace(config, pretest_per_exam=0)
    for seed in range(12):
        plain = play(psy_bank, without, seed, by_id)
        seeded = play(pretest_bank, config, seed, by_id)
        shown = seeded.administered
        pretest = [item for item in shown if seeded.is_pretest(item)]
        assert len(pretest) == 3 == len(set(pretest))
        assert len(shown) == seeded.planned_items == config.length + 3
        assert [item for item in shown if not seeded.is_pretest(item)] == plain.administered
        assert seeded.result() == plain.result()
        assert seeded.result().answered == config.length


def test_with_no_rate_the_pretest_items_are_never_shown(pretest_bank):
    for seed in range(20):
        exam = play(pretest_bank, ExamConfig.default(), seed, by_id)
        assert not any(exam.is_pretest(item) for item in exam.administered)
        assert exam.planned_items == 32


def test_positions_and_items_vary_with_the_seed_and_cover_the_pretest_items(pretest_bank):
    config = CONFIGS["default"]
    positions, counts = set(), {}
    for seed in range(300):
        exam = play(pretest_bank, config, f"exam-{seed}", by_id)
        for position, item in enumerate(exam.administered):
            if exam.is_pretest(item):
                positions.add(position)
                counts[item] = counts.get(item, 0) + 1
    assert len(positions) > 25  # spread over the whole exam
    assert len(counts) == PRETEST_ITEMS
    # 900 administrations over 24 items: each near 37.5
    assert min(counts.values()) > 15 and max(counts.values()) < 65


def test_a_candidate_with_accessibility_needs_gets_only_accessible_pretest_items(pretest_bank):
    config = CONFIGS["default"]
    for seed in range(40):
        exam = play(pretest_bank, config, seed, by_id, accessibility_needs=True)
        for item in exam.administered:
            assert pretest_bank.accessible[pretest_bank.position[item]]


def test_a_replaced_pretest_item_hands_its_place_to_the_next_one(pretest_bank):
    config = CONFIGS["default"]
    replaced = []

    def answer(item_id):
        if item_id.startswith("p") and not replaced:
            replaced.append(item_id)
            return "replace"
        return by_id(item_id)

    exam = play(pretest_bank, config, 7, answer)
    pretest = [item for item in exam.administered if exam.is_pretest(item)]
    assert len(pretest) == 3 and replaced[0] not in pretest
    assert {"kind": "replace", "item_id": replaced[0]} in exam.events
    assert replay(pretest_bank, config, 7, exam.events).administered == exam.administered


def test_the_bank_running_out_of_pretest_items_leaves_their_places_to_the_selection(psy_bank):
    bank = with_pretest(psy_bank, count=2)
    exam = play(bank, dataclasses.replace(ExamConfig.default(), pretest_per_exam=5), 1, by_id)
    assert sum(exam.is_pretest(item) for item in exam.administered) == 2
    assert len(exam.administered) == exam.planned_items == 34


def test_pretest_answers_are_never_scored_nor_neutralisable_into_the_score(pretest_bank):
    config = CONFIGS["default"]
    exam = play(pretest_bank, config, 11, lambda item_id: "ok" if item_id[0] == "p" else "ko")
    pretest = [item for item in exam.administered if exam.is_pretest(item)]
    all_ko = play(pretest_bank, config, 11, lambda item_id: "ko")
    assert exam.result() == all_ko.result()
    assert exam.result(neutralised=pretest[:1]) == exam.result()


def test_an_exam_stopped_short_counts_only_its_operational_answers(pretest_bank):
    config = CONFIGS["default"]
    exam = Exam(pretest_bank, config, 2)
    while sum(not exam.is_pretest(item) for item in exam.administered) < 19:
        exam.record(exam.next_item(), "ok")
    assert exam.result(abort_reason="candidate").status == "rejected"
    assert exam.result(abort_reason="candidate").answered == 19


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    mode=st.sampled_from(sorted(CONFIGS)),
    seed=st.one_of(st.integers(0, 2**53 - 1), st.text(max_size=12)),
    steps=st.lists(st.one_of(st.sampled_from(STATUSES), st.just("replace")), max_size=45),
    needs=st.booleans(),
)
def test_replay_reproduces_an_exam_with_pretest_bit_for_bit(pretest_bank, mode, seed, steps, needs):
    config = CONFIGS[mode]
    actions = iter(steps)
    original = play(pretest_bank, config, seed, lambda _: next(actions), needs, len(steps))
    again = replay(pretest_bank, config, seed, original.events, accessibility_needs=needs)
    assert again.answers == original.answers
    assert again.events == original.events
    assert (again.capacity, again.error) == (original.capacity, original.error)
    assert again.next_item() == original.next_item()
    assert again.result() == original.result()


def test_configuration_rate_is_checked_and_absent_at_its_default():
    assert "pretest_per_exam" not in ExamConfig.default().to_dict()
    seeded = dataclasses.replace(ExamConfig.default(), pretest_per_exam=4)
    assert seeded.to_dict()["pretest_per_exam"] == 4
    assert ExamConfig.from_dict(seeded.to_dict()) == seeded
    assert ExamConfig.from_dict(ExamConfig.default().to_dict()).pretest_per_exam == 0
    for wrong in (-1, 33, 2.0, True):
        with pytest.raises(ConfigError):
            dataclasses.replace(ExamConfig.default(), pretest_per_exam=wrong)


def test_the_index_keeps_the_flag_through_sealing_and_only_when_set(psy_bank, pretest_bank):
    assert "pretest" not in psy_bank.to_dict()
    key = Ed25519PrivateKey.generate()
    sealed = seal_bank(pretest_bank.to_dict(), {}, key, label="pretest")
    unlocked = SealedBank.from_bytes(sealed.data, key.public_key()).unlock(sealed.content_key)
    reopened = unlocked.item_bank()
    assert reopened.pretest.tolist() == pretest_bank.pretest.tolist()
    assert reopened.ids == pretest_bank.ids
    broken = {**pretest_bank.to_dict(), "pretest": ["yes"] * len(pretest_bank)}
    with pytest.raises(BankIndexError, match="pretest"):
        ItemBank.from_dict(broken)


def test_the_bank_source_flag_reaches_the_index(tmp_path):
    demo = load_demo_bank()
    source = demo[0].to_dict()
    for media in ("illustration",):
        source[media] = None
    source["attachments"] = []
    flagged = {**source, "pretest": True}
    (tmp_path / f"{source['competence']}.json").write_text(json.dumps([flagged]), "utf-8")
    items = load_bank_source(tmp_path)
    assert items[0].pretest and items[0].to_dict()["pretest"] is True
    assert ItemBank.from_items(items).pretest.tolist() == [True]
    assert "pretest" not in demo[0].to_dict()
    (tmp_path / f"{source['competence']}.json").write_text(
        json.dumps([{**source, "pretest": "yes"}]), "utf-8"
    )
    with pytest.raises(ItemError, match="pretest"):
        load_bank_source(tmp_path)

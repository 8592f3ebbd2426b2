"""Selection rules, one test per rule, in both modes; the 51 % draw; deterministic ranking."""

import numpy as np
import pytest

from engine import Exam, ExamConfig, ItemBank
from engine.itembank import ExposureParameters
from engine.referential import COMPETENCE_CODES
from engine.selection import (
    ExamDraws,
    allowed_items,
    binary_tree_picks,
    information,
    ranked_candidates,
    ranked_one,
    seed_entropy,
)


def run(exam, answer=lambda item_id: "ok"):
    while (item_id := exam.next_item()) is not None:
        exam.record(item_id, answer(item_id))
    return exam


def competences_of(bank, item_ids):
    return [bank.competence_codes[bank.position[item_id]] for item_id in item_ids]


def test_binary_tree_draw_gives_51_24_99_12_25_6_00_5_76_percent():
    uniforms = np.random.default_rng(0).random((400_000, 4))
    ranks = binary_tree_picks(np.full(len(uniforms), 5), 51, uniforms)
    shares = np.bincount(ranks, minlength=5) / len(ranks)
    expected = [0.51, 0.49 * 0.51, 0.49**2 * 0.51, 0.49**3 * 0.51, 0.49**4]
    assert expected == pytest.approx([0.51, 0.2499, 0.122451, 0.06000099, 0.05764801])
    assert shares == pytest.approx(expected, abs=0.003)


def test_binary_tree_draw_takes_the_first_when_floor_100u_is_below_p():
    levels = np.array([[0.5099, 0.0, 0.0, 0.0], [0.51, 0.0, 0.0, 0.0], [0.9, 0.9, 0.9, 0.9]])
    assert binary_tree_picks(np.array([5, 5, 5]), 51, levels).tolist() == [0, 1, 4]


def test_binary_tree_draw_over_fewer_candidates_gives_the_rest_to_the_last():
    levels = np.full((3, 4), 0.99)
    assert binary_tree_picks(np.array([1, 2, 3]), 51, levels).tolist() == [0, 1, 2]


def test_draws_are_pcg64_streams_fixed_by_the_seed():
    first = ExamDraws(1234)
    assert first.tickets(3).tolist() == ExamDraws(1234).tickets(3).tolist()
    assert first.picks(5).tolist() == ExamDraws(1234).picks(5).tolist()
    assert first.picks(2).tolist() == first.picks(5)[:2].tolist()
    assert ExamDraws("abc").picks(3).tolist() != ExamDraws("abd").picks(3).tolist()
    # Pinned values: a change here breaks the replay of every exam already taken.
    assert ExamDraws(0).picks(2).tolist() == pytest.approx(PINNED_PICKS, abs=0)
    assert seed_entropy("x") == int(
        "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881", 16
    )


PINNED_PICKS = [0.6771968569751019, 0.2429867485428212]


def test_a_seed_is_a_non_negative_int_or_a_str():
    with pytest.raises(ValueError):
        seed_entropy(-1)
    with pytest.raises(TypeError):
        seed_entropy(1.5)
    with pytest.raises(TypeError):
        seed_entropy(True)


def two_competence_bank(tubes=None, skills=None, accessible=None):
    ids = [f"q{index:02d}" for index in range(12)]
    competences = ["1.1"] * 6 + ["1.2"] * 6
    a = [1.0] * 12
    b = [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5] * 2
    return ItemBank.from_arrays(ids, competences, a, b, tubes, skills, accessible)


def greedy(config):
    return ExamConfig.from_dict({**config.to_dict(), "pick_probability": 100})


def test_pix_one_question_per_tube(psy_bank):
    for seed in range(5):
        exam = run(Exam(psy_bank, ExamConfig.pix(), seed))
        tubes = [psy_bank.tube[psy_bank.position[i]] for i in exam.administered]
        assert len(tubes) == len(set(tubes)) == 32


def test_pix_one_per_tube_is_a_hard_rule_that_can_end_the_exam():
    bank = two_competence_bank(tubes=["t1"] * 6 + ["t2"] * 6)
    exam = run(Exam(bank, ExamConfig.pix(), 0))
    assert len(exam.administered) == 2
    assert exam.result().status == "rejected"


def test_pix_without_one_per_tube_asks_one_question_per_skill():
    skills = [f"s{index // 2}" for index in range(12)]
    bank = two_competence_bank(tubes=["t1"] * 6 + ["t2"] * 6, skills=skills)
    config = ExamConfig.from_dict(
        {**ExamConfig.pix().to_dict(), "limit_to_one_question_per_tube": False}
    )
    exam = run(Exam(bank, config, 0))
    answered_skills = [bank.skill[bank.position[item]] for item in exam.administered]
    assert len(answered_skills) == len(set(answered_skills)) == 6


def test_pix_passes_by_every_competence_before_any_second_question(psy_bank):
    for seed in range(5):
        exam = run(Exam(psy_bank, ExamConfig.pix(), seed))
        assert sorted(competences_of(psy_bank, exam.administered[:16])) == list(COMPETENCE_CODES)


def test_pix_asks_no_competence_of_the_last_two_answers(psy_bank):
    for seed in range(5):
        answered = competences_of(
            psy_bank, run(Exam(psy_bank, ExamConfig.pix(), seed)).administered
        )
        for index in range(2, len(answered)):
            assert answered[index] not in answered[index - 2 : index]


def test_pix_recent_competence_rule_yields_when_nothing_else_is_left():
    # Two competences only: after one of each, both are "recent", yet the exam goes on.
    exam = run(Exam(two_competence_bank(), greedy(ExamConfig.pix()), 0))
    assert len(exam.administered) == 12


def test_pix_keeps_the_five_most_informative_items_and_draws_among_them(psy_bank):
    ranks = []
    for seed in range(40):
        exam = Exam(psy_bank, ExamConfig.pix(), seed)
        for _ in range(20):
            cohort = exam._cohort
            rows = np.zeros(1, dtype=np.intp)
            allowed = allowed_items(
                psy_bank, exam.config, cohort.state, rows, cohort.capacity, None
            )[0]
            info = information(psy_bank, cohort.capacity)[0]
            order = sorted(np.flatnonzero(allowed), key=lambda p: (-round(info[p], 9), p))
            item_id = exam.next_item()
            ranks.append(order.index(psy_bank.position[item_id]))
            exam.record(item_id, "ok" if seed % 3 else "ko")
    shares = np.bincount(ranks, minlength=5) / len(ranks)
    assert max(ranks) <= 4
    assert shares[0] == pytest.approx(0.51, abs=0.06)
    assert shares[1] == pytest.approx(0.25, abs=0.06)


def test_pix_with_pick_probability_100_always_takes_the_best(psy_bank):
    exam = Exam(psy_bank, greedy(ExamConfig.pix()), 5)
    for _ in range(10):
        cohort = exam._cohort
        rows = np.zeros(1, dtype=np.intp)
        allowed = allowed_items(psy_bank, exam.config, cohort.state, rows, cohort.capacity, None)
        info = np.where(allowed[0], np.round(information(psy_bank, cohort.capacity)[0], 9), -1)
        item_id = exam.next_item()
        assert psy_bank.position[item_id] == int(np.argmax(info))
        exam.record(item_id, "ko")


def test_ranking_breaks_ties_by_item_id():
    bank = ItemBank.from_arrays(["b", "a", "c"], ["1.1", "1.2", "1.3"], [1, 1, 1], [0, 0, 0])
    exam = Exam(bank, ExamConfig.default(), 0)
    assert exam.next_item() == "a"


def test_accessibility_filter_keeps_compatible_items_only(psy_bank):
    accessible = [index % 3 != 0 for index in range(len(psy_bank))]
    bank = ItemBank.from_arrays(
        psy_bank.ids,
        psy_bank.competence_codes,
        psy_bank.discrimination,
        psy_bank.difficulty,
        [psy_bank.tube_names[t] for t in psy_bank.tube],
        accessible=accessible,
    )
    for config in (ExamConfig.pix(), ExamConfig.default()):
        exam = run(Exam(bank, config, 3, accessibility_needs=True))
        assert len(exam.administered) == 32
        assert all(accessible[bank.position[i]] for i in exam.administered)
        plain = run(Exam(bank, config, 3))
        assert not all(accessible[bank.position[i]] for i in plain.administered)


def test_default_mode_gives_exactly_two_questions_per_competence(psy_bank):
    for seed in range(8):
        status = "ok" if seed % 2 else "ko"
        exam = run(Exam(psy_bank, ExamConfig.default(), seed), lambda _, status=status: status)
        counts = {code: 0 for code in COMPETENCE_CODES}
        for code in competences_of(psy_bank, exam.administered):
            counts[code] += 1
        assert set(counts.values()) == {2}


def test_default_mode_gives_the_most_informative_allowed_item(psy_bank):
    exam = Exam(psy_bank, ExamConfig.default(), 0)
    first = exam.next_item()
    info = information(psy_bank, np.array([0.0]))[0]
    assert psy_bank.position[first] == int(np.argmax(np.round(info, 9)))


def test_default_mode_plan_yields_when_a_competence_runs_out():
    exam = run(Exam(two_competence_bank(), ExamConfig.default(), 0))
    assert len(exam.administered) == 12


@pytest.mark.parametrize("kept", [1, 5])
def test_one_exam_ranks_exactly_as_the_batch_does_with_its_value_table(kept):
    """One exam ranks only the contenders its value table leaves (see
    selection.OneExamRanking), or reads every item's order at a crowded capacity met again: the
    same items in the same order as the batch, which keys every allowed item, on banks with
    steep and flat items, prices, ties, and capacities between and beyond the grid."""
    rng = np.random.default_rng(23)
    config = ExamConfig(mode="pix", candidates_kept=kept)
    for trial in range(30):
        size = int(rng.integers(5, 200))
        a = rng.uniform(0.2, 3.0, size)
        if trial % 5 == 0:  # a few steep items: a wide margin, hence many contenders
            a[rng.random(size) < 0.05] = 50.0
        a[: size // 10] = a[size // 10 : 2 * (size // 10)]  # twins: ties broken by id
        b = np.round(rng.normal(0, 2, size), int(rng.integers(1, 4)))
        b[: size // 10] = b[size // 10 : 2 * (size // 10)]
        ids = [f"i{index:03d}" for index in range(size)]
        bank = ItemBank.from_arrays(ids, ["1.1"] * size, a, b)
        prices = None
        if trial % 2:
            prices = rng.uniform(0, 0.3, size) * (rng.random(size) < 0.5)
            k = np.ones((size, 2))
            bank = bank.with_exposure(ExposureParameters((0.0,), k, prices, 0.2))
            prices = bank.exposure.prices
        capacities = [*rng.uniform(-10, 10, 20).tolist(), 0.0, 0.01, -9.0, 9.0]
        # Each capacity three times: a crowded one met again is ranked from every item's order.
        for capacity in capacities * 3:
            allowed = rng.random(size) < rng.uniform(0.05, 1)
            batch = ranked_candidates(
                bank, config, np.stack([allowed, allowed]), np.array([capacity, capacity]), prices
            )[0]
            assert ranked_one(bank, config, allowed, capacity, prices) == [
                item for item in batch.tolist() if item >= 0
            ]

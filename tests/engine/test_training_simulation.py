"""The practice-versus-certification simulation runs both on the same students, repeatably.
(The figures themselves come from benchmarks/training_levels.py, in docs/psychometrics.md.)"""

import numpy as np

from engine import ExamConfig, ItemBank
from engine.bank_source import load_demo_bank
from engine.parcours import find, load_catalogue
from engine.scoring import ScoringConfig
from engine.training import load_practice_bank
from engine.training_simulation import compare, population, true_levels


def test_both_sides_run_on_the_same_students_and_repeat_exactly():
    practice = load_practice_bank()
    parcours = find(load_catalogue(), "rentree-tle")
    certification = ItemBank.from_items(load_demo_bank())
    truth = population(12, spread=0.5, seed=4)
    assert truth.shape == (12, 16)
    first = compare(practice, parcours, certification, ExamConfig.default(), truth, seed=4)
    again = compare(practice, parcours, certification, ExamConfig.default(), truth, seed=4)
    assert first == again
    assert first.practice_items == 40 and first.certification_items == 32
    assert 0.3 < first.practice <= 1 and 0.3 < first.certification <= 1
    expected = true_levels(truth, ScoringConfig.shipped())
    assert expected.min() >= 0 and expected.max() <= 7
    assert np.array_equal(expected[0] > 0, truth[0] >= -2)

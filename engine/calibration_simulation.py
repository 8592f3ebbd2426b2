"""Simulated answers for calibration: exams as the engine runs them, pretest items included.

The operational part comes from `engine.simulation.simulate_exams` (the very selection of
`engine.Exam`); each simulated candidate's pretest items are those its exam's pretest plan gives
(engine.pretest), answered from the 2PL model at his true ability. Pretest answers change
nothing in the operational part, so running the two apart is the same as running whole exams.
"""

import numpy as np

from engine.calibration import ResponseMatrix
from engine.config import ExamConfig
from engine.estimation import probability_correct
from engine.itembank import ItemBank
from engine.pretest import PretestPlan
from engine.simulation import candidate_seed, simulate_exams


def simulated_responses(
    bank: ItemBank, config: ExamConfig, theta: np.ndarray, *, seed: int
) -> ResponseMatrix:
    """Items × candidates answers of simulated exams (NaN where an item was not shown)."""
    run = simulate_exams(bank, config, theta, seed=seed)
    values = np.full((len(bank), theta.size), np.nan)
    rows, steps = np.nonzero(run.items >= 0)
    values[run.items[rows, steps], rows] = run.correct[rows, steps]
    answers = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(9,))))
    for candidate in range(theta.size):
        plan = PretestPlan.for_exam(bank, config, candidate_seed(seed, candidate), False)
        if plan is None:
            continue
        items = plan.order[: plan.planned]
        p = probability_correct(
            theta[candidate], bank.discrimination[items], bank.difficulty[items]
        )
        values[items, candidate] = answers.random(items.size) < p
    return ResponseMatrix(bank.ids, values)

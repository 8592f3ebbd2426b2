"""Simulated exams: a population of known abilities sits the engine's exams, and we measure.

The candidates are rows of one `engine.exam.Cohort`, so the items they get are exactly what
`engine.Exam` would give them with the same seeds and answers. Answers are drawn from the 2PL
model at each candidate's true ability. The oracle floor is the error of the same fixed-prior
EAP when each candidate gets, knowing his true ability, the 2 most informative items of every
competence: the best any selection with the 2-per-competence plan could hope for.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.config import ExamConfig
from engine.estimation import NormalPriorEstimator, probability_correct
from engine.exam import Cohort
from engine.itembank import ItemBank
from engine.referential import COMPETENCE_CODES
from engine.scoring import ScoringConfig

Progress = Callable[[int, int], None]
ORACLE_REPLICATIONS = 4


def candidate_seed(seed: int, index: int) -> str:
    """The exam seed of simulated candidate `index` in a simulation seeded `seed`."""
    return f"simulation:{seed}:{index}"


@dataclass(frozen=True)
class SimulationRun:
    """What happened: per candidate, true and estimated ability, items and answers in order."""

    theta: np.ndarray
    estimate: np.ndarray
    error: np.ndarray
    items: np.ndarray  # candidates × steps, −1 after the end of a shorter exam
    correct: np.ndarray  # candidates × steps
    selected_at: np.ndarray  # candidates × steps: the estimate each item was selected at
    seconds: float

    @property
    def steps(self) -> int:
        return int((self.items >= 0).sum())


def simulate_exams(
    bank: ItemBank,
    config: ExamConfig,
    theta: np.ndarray,
    *,
    seed: int,
    progress: Progress | None = None,
) -> SimulationRun:
    """Run one exam per true ability in `theta`; `progress(done, total)` after each step."""
    size = theta.size
    cohort = Cohort(bank, config, [candidate_seed(seed, index) for index in range(size)])
    answers = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(7,))))
    items = np.full((size, config.length), -1, dtype=np.intp)
    correct = np.zeros((size, config.length), dtype=bool)
    selected_at = np.full((size, config.length), np.nan)
    rows = np.arange(size)
    started = time.perf_counter()
    for step in range(config.length):
        selected_at[rows, step] = cohort.capacity[rows]
        chosen = cohort.select(rows)
        going = chosen >= 0
        rows, chosen = rows[going], chosen[going]
        if rows.size == 0:
            break
        p = probability_correct(theta[rows], bank.discrimination[chosen], bank.difficulty[chosen])
        success = answers.random(rows.size) < p
        cohort.answer(rows, chosen, success)
        items[rows, step] = chosen
        correct[rows, step] = success
        if progress is not None:
            progress(step + 1, config.length)
    return SimulationRun(
        theta=theta,
        estimate=cohort.capacity.copy(),
        error=cohort.error.copy(),
        items=items,
        correct=correct,
        selected_at=selected_at,
        seconds=time.perf_counter() - started,
    )


def _rmse(estimate: np.ndarray, theta: np.ndarray) -> float:
    return float(np.sqrt(np.mean((estimate - theta) ** 2)))


def oracle_items(bank: ItemBank, theta: np.ndarray, per_competence: int) -> np.ndarray:
    """Per candidate, the `per_competence` most informative items of each competence at θ."""
    a, b = bank.discrimination, bank.difficulty
    p = probability_correct(theta[:, None], a[None, :], b[None, :])
    info = p * (1 - p) * bank.information_scale[None, :]
    chosen = []
    for competence in range(len(COMPETENCE_CODES)):
        members = np.flatnonzero(bank.competence == competence)
        if members.size == 0:
            continue
        take = min(per_competence, members.size)
        best = np.argpartition(-info[:, members], take - 1, axis=1)[:, :take]
        chosen.append(members[best])
    return np.concatenate(chosen, axis=1)


def oracle_rmse(
    bank: ItemBank,
    theta: np.ndarray,
    *,
    seed: int,
    per_competence: int = 2,
    replications: int = ORACLE_REPLICATIONS,
) -> float:
    """RMSE of the default estimator when every candidate gets his oracle items.

    Each candidate answers them `replications` times (independent answers): the oracle is cheap,
    and this takes most of the sampling noise out of the floor the engine is compared with.
    """
    reference = ExamConfig.default()
    items = np.tile(oracle_items(bank, theta, per_competence), (replications, 1))
    truth = np.tile(theta, replications)
    answers = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(8,))))
    estimator = NormalPriorEstimator(
        truth.size, reference.default_candidate_capacity, reference.prior_sd
    )
    rows = np.arange(truth.size)
    for column in items.T:
        a, b = bank.discrimination[column], bank.difficulty[column]
        estimator.update(rows, a, b, answers.random(truth.size) < probability_correct(truth, a, b))
    return _rmse(estimator.capacity, truth)


@dataclass(frozen=True)
class SimulationReport:
    """The figures `pix-engine simulate` prints."""

    mode: str
    candidates: int
    items_in_bank: int
    rmse: float
    bias: float
    correlation: float
    mean_reported_error: float
    oracle_rmse: float
    rmse_over_oracle: float
    max_exposure: float
    mean_exposure: float
    items_used: int
    min_items_per_competence: int
    level_agreement: float
    microseconds_per_step: float

    def to_dict(self) -> dict[str, float | int | str]:
        return dict(self.__dict__)


def exposure_rates(bank: ItemBank, run: SimulationRun) -> np.ndarray:
    """Share of the candidates who got each item."""
    given = run.items[run.items >= 0]
    return np.bincount(given, minlength=len(bank)) / run.theta.size


def report(
    bank: ItemBank, config: ExamConfig, run: SimulationRun, *, seed: int
) -> SimulationReport:
    """Accuracy, exposure, plan coverage and level agreement of a run, against the oracle."""
    rates = exposure_rates(bank, run)
    oracle = oracle_rmse(bank, run.theta, seed=seed)
    rmse = _rmse(run.estimate, run.theta)
    per_competence = np.zeros((run.theta.size, len(COMPETENCE_CODES)), dtype=np.intp)
    rows, steps = np.nonzero(run.items >= 0)
    np.add.at(per_competence, (rows, bank.competence[run.items[rows, steps]]), 1)
    present = np.unique(bank.competence)
    scoring = ScoringConfig.shipped()
    agreement = np.mean(
        [
            scoring.global_level(float(estimate)) == scoring.global_level(float(theta))
            for estimate, theta in zip(run.estimate, run.theta, strict=True)
        ]
    )
    return SimulationReport(
        mode=config.mode,
        candidates=int(run.theta.size),
        items_in_bank=len(bank),
        rmse=rmse,
        bias=float(np.mean(run.estimate - run.theta)),
        correlation=float(np.corrcoef(run.estimate, run.theta)[0, 1]),
        mean_reported_error=float(np.mean(run.error)),
        oracle_rmse=oracle,
        rmse_over_oracle=rmse / oracle,
        max_exposure=float(rates.max()),
        mean_exposure=float(rates.mean()),
        items_used=int((rates > 0).sum()),
        min_items_per_competence=int(per_competence[:, present].min()),
        level_agreement=float(agreement),
        microseconds_per_step=run.seconds / max(run.steps, 1) * 1e6,
    )

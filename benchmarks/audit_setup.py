"""The independent audit's set-up (issue 23), shared by the engine benchmarks.

Bank: 16 competences × 60 items, a ~ U(0.6, 2.2), b ~ N(0, 1.3), each item its own tube;
candidates θ ~ N(0.3, 1.1); 32 items each. The peer is a bare numpy engine: EAP with a N(0, 1)
prior on 81 points from −4 to 4, maximum-information selection over the whole bank, no rule.
"""

import numpy as np

from engine.itembank import ItemBank
from engine.referential import COMPETENCE_CODES

LENGTH = 32
ITEMS_PER_COMPETENCE = 60
THETA_MEAN, THETA_SD = 0.3, 1.1
BANDS = tuple((low, low + 1) for low in range(-3, 3))
REFERENCE_GRID = np.linspace(-4.0, 4.0, 81)
REFERENCE_PRIOR = np.exp(-0.5 * REFERENCE_GRID**2)


def audit_bank(seed: int = 0) -> ItemBank:
    """16 × 60 items, a ~ U(0.6, 2.2), b ~ N(0, 1.3)."""
    rng = np.random.default_rng(seed)
    size = len(COMPETENCE_CODES) * ITEMS_PER_COMPETENCE
    ids = [f"c{code}-s{index:03d}" for code in COMPETENCE_CODES for index in range(60)]
    competences = [code for code in COMPETENCE_CODES for _ in range(ITEMS_PER_COMPETENCE)]
    return ItemBank.from_arrays(
        ids, competences, rng.uniform(0.6, 2.2, size), rng.normal(0.0, 1.3, size)
    )


def audit_population(size: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed + 1000).normal(THETA_MEAN, THETA_SD, size)


class ReferenceExam:
    """The bare numpy peer, one candidate: EAP (N(0, 1), 81 points) + maximum information."""

    def __init__(self, a: np.ndarray, b: np.ndarray) -> None:
        self.a, self.b = a, b
        self.posterior = REFERENCE_PRIOR / REFERENCE_PRIOR.sum()
        self.open = np.ones(a.size, dtype=bool)
        self.capacity = 0.0

    def next_item(self) -> int:
        p = 1 / (1 + np.exp(-self.a * (self.capacity - self.b)))
        info = np.where(self.open, self.a * self.a * p * (1 - p), -1.0)
        return int(info.argmax())

    def record(self, item: int, correct: bool) -> None:
        self.open[item] = False
        p = 1 / (1 + np.exp(-self.a[item] * (REFERENCE_GRID - self.b[item])))
        self.posterior = self.posterior * (p if correct else 1 - p)
        self.posterior /= self.posterior.sum()
        self.capacity = float(self.posterior @ REFERENCE_GRID)


def reference_batch(bank: ItemBank, theta: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(estimates, items given) of the peer for every candidate, vectorised."""
    a, b = bank.discrimination, bank.difficulty
    size = theta.size
    rng = np.random.default_rng(seed)
    posterior = np.tile(REFERENCE_PRIOR / REFERENCE_PRIOR.sum(), (size, 1))
    capacity = np.zeros(size)
    open_ = np.ones((size, a.size), dtype=bool)
    rows = np.arange(size)
    given = np.empty((size, LENGTH), dtype=np.intp)
    for step in range(LENGTH):
        p = 1 / (1 + np.exp(-a * (capacity[:, None] - b)))
        info = np.where(open_, a * a * p * (1 - p), -1.0)
        item = info.argmax(axis=1)
        open_[rows, item] = False
        given[:, step] = item
        correct = rng.random(size) < 1 / (1 + np.exp(-a[item] * (theta - b[item])))
        q = 1 / (1 + np.exp(-a[item, None] * (REFERENCE_GRID - b[item, None])))
        posterior *= np.where(correct[:, None], q, 1 - q)
        posterior /= posterior.sum(axis=1, keepdims=True)
        capacity = posterior @ REFERENCE_GRID
    return capacity, given


def band_rmse(estimate: np.ndarray, theta: np.ndarray) -> list[float]:
    """RMSE in each band of BANDS (θ in [low, high))."""
    return [
        float(np.sqrt(np.mean((estimate - theta)[(theta >= low) & (theta < high)] ** 2)))
        for low, high in BANDS
    ]


def rmse(estimate: np.ndarray, theta: np.ndarray) -> float:
    return float(np.sqrt(np.mean((estimate - theta) ** 2)))


def answer_table(size: int, n_items: int, seed: int) -> np.ndarray:
    """One uniform per candidate and item: candidate c answers item i right iff u[c, i] < P.

    Every engine reads the same table, so they differ only by the items they choose."""
    return np.random.default_rng(seed + 2000).random((size, n_items))


def engine_batch(bank: ItemBank, config, theta: np.ndarray, uniforms: np.ndarray, seed: int = 0):
    """(estimates, items given, answers) of our engine for every candidate (a `Cohort`, as a
    kiosk runs); `theta` is one ability per candidate, or one per candidate and competence."""
    from engine.exam import Cohort

    size = theta.shape[0]
    per_competence = theta if theta.ndim == 2 else np.repeat(theta[:, None], 16, axis=1)
    cohort = Cohort(bank, config, [f"audit:{seed}:{index}" for index in range(size)])
    rows = np.arange(size)
    given = np.full((size, config.length), -1, dtype=np.intp)
    correct = np.zeros((size, config.length), dtype=bool)
    for step in range(config.length):
        chosen = cohort.select(rows)
        going = chosen >= 0
        rows, chosen = rows[going], chosen[going]
        if rows.size == 0:
            break
        ability = per_competence[rows, bank.competence[chosen]]
        p = 1 / (1 + np.exp(bank.discrimination[chosen] * (bank.difficulty[chosen] - ability)))
        success = uniforms[rows, chosen] < p
        cohort.answer(rows, chosen, success)
        given[rows, step] = chosen
        correct[rows, step] = success
    return cohort.capacity.copy(), given, correct


def reference_with_table(bank: ItemBank, theta: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """The peer's estimates with the shared answer table."""
    a, b = bank.discrimination, bank.difficulty
    size = theta.size
    posterior = np.tile(REFERENCE_PRIOR / REFERENCE_PRIOR.sum(), (size, 1))
    capacity = np.zeros(size)
    open_ = np.ones((size, a.size), dtype=bool)
    rows = np.arange(size)
    for _ in range(LENGTH):
        p = 1 / (1 + np.exp(-a * (capacity[:, None] - b)))
        item = np.where(open_, a * a * p * (1 - p), -1.0).argmax(axis=1)
        open_[rows, item] = False
        correct = uniforms[rows, item] < 1 / (1 + np.exp(-a[item] * (theta - b[item])))
        q = 1 / (1 + np.exp(-a[item, None] * (REFERENCE_GRID - b[item, None])))
        posterior *= np.where(correct[:, None], q, 1 - q)
        posterior /= posterior.sum(axis=1, keepdims=True)
        capacity = posterior @ REFERENCE_GRID
    return capacity


def exposure(bank: ItemBank, given: np.ndarray) -> np.ndarray:
    return np.bincount(given[given >= 0], minlength=len(bank)) / given.shape[0]

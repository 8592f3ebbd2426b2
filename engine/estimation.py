"""Ability ("capacity") estimation: expected a posteriori (EAP) on a grid, in two modes.

- `pix` reproduces Pix's "flash" estimator step by step: 81-point grid from −9 to 9, a Gaussian
  prior of variance 1.5 re-centred on the previous estimate at every answer, the likelihood of
  all answers so far, the optional `variationPercent` cap on each step, and Pix's error formula
  (posterior standard deviation with Sheppard's correction for the 9/80 class interval). Sums
  run left to right, as JavaScript's `lodash.sum` does, so the arithmetic follows Pix's order.
- `default` is a textbook EAP with a *fixed* normal prior N(mean, sd²) on a 0.1-wide grid
  from −6 to 6: the posterior after n answers does not depend on the order of the answers,
  there is no arbitrary step cap, and the reported error is the posterior standard deviation.
  Its posterior is kept in log space, so extreme items (a = 50, answers that contradict each
  other) cannot underflow it to zeros and the estimate to NaN.

Pix's arithmetic multiplies probabilities, which such items underflow (Pix would answer NaN);
the `pix` estimator keeps Pix's arithmetic, bit for bit, wherever it is defined, and takes the
log-space posterior only for the rows where Pix's normaliser vanishes.

Both estimators are vectorised over a batch of candidates (one row each), so that the exam of
one candidate and the simulation of thousands run the very same code.
"""

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

PIX_PRIOR_VARIANCE = 1.5
PIX_CLASS_INTERVAL = 9 / 80
PIX_NO_ANSWER_ERROR = 5.0
_PIX_GAUSSIAN_SCALE = np.sqrt(PIX_PRIOR_VARIANCE) * np.sqrt(2 * np.pi)  # Pix's constant factor
# Below this, Pix's normaliser has lost its precision (or vanished): use the log-space posterior.
_SAFE_TOTAL = 1e-250
DEFAULT_PRIOR_SD = 1.25
DEFAULT_GRID = np.linspace(-6.0, 6.0, 121)


def _pix_grid() -> np.ndarray:
    """Pix's samples: −9, then + 18/80 while below 9, accumulated in floating point (81 points)."""
    step = 18 / 80
    samples = []
    value = -9.0
    while value < 9:
        samples.append(value)
        value += step
    return np.array(samples)


PIX_GRID = _pix_grid()


def probability_correct(theta: np.ndarray | float, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """2PL without the 1.7 factor, written as Pix writes it: 1 / (1 + exp(a·(b − θ)))."""
    return 1 / (1 + np.exp(a * (b - theta)))


def _sequential_sum(values: np.ndarray) -> np.ndarray:
    """Left-to-right sum over the last axis (numpy's `sum` is pairwise, JavaScript's is not)."""
    return values.cumsum(axis=-1)[..., -1]


def log_likelihood(
    grid: np.ndarray, a: np.ndarray, b: np.ndarray, correct: np.ndarray
) -> np.ndarray:
    """log P(answer | θ) on `grid`, one row per answer, without forming P (no underflow)."""
    logit_wrong = a[:, None] * (b[:, None] - grid[None, :])
    return -np.logaddexp(0.0, np.where(correct[:, None], logit_wrong, -logit_wrong))


def answer_table(mode: str, bank: Any) -> np.ndarray:
    """[item, success (0/1), grid point]: what one answer multiplies (pix: P or 1 − P on Pix's
    grid) or adds (default: log P or log(1 − P) on its grid), computed once per bank.

    An exam's update then gathers a row instead of evaluating the model: the same elementwise
    arithmetic, hence the same bits, for one exam or a batch."""
    tables, key = bank.derived, f"answers:{mode}"
    if key not in tables:
        a, b = bank.discrimination, bank.difficulty
        if mode == "pix":
            p = probability_correct(PIX_GRID[None, :], a[:, None], b[:, None])
            tables[key] = np.stack([1 - p, p], axis=1)
        else:
            tables[key] = np.stack(
                [
                    log_likelihood(DEFAULT_GRID, a, b, np.zeros(a.size, dtype=bool)),
                    log_likelihood(DEFAULT_GRID, a, b, np.ones(a.size, dtype=bool)),
                ],
                axis=1,
            )
    return tables[key]


# The largest element of a 1-D array, as `ndarray.max` gives it without its Python wrapper.
_maximum = np.maximum.reduce


def _from_log(log_values: np.ndarray) -> np.ndarray:
    """Rows of exp(log_values), normalised (sequential sums), whatever their scale."""
    values = np.exp(log_values - log_values.max(axis=-1, keepdims=True))
    return values / _sequential_sum(values)[:, None]


class PixEstimator:
    """Pix's flash EAP for a batch of candidates; `capacity` and `error` hold the current values."""

    def __init__(self, size: int, start: float, variation_percent: float | None) -> None:
        self.variation_percent = variation_percent
        self.likelihood = np.ones((size, PIX_GRID.size))
        # Each row's answers so far (a, b, success): the log-space posterior needs them only
        # where Pix's product underflows, so they are kept rather than a log-likelihood.
        self._answers: list[list[tuple[float, float, bool]]] = [[] for _ in range(size)]
        self.capacity = np.full(size, float(start))
        self._error = np.full(size, PIX_NO_ANSWER_ERROR)
        # Rows whose error one exam's update left to compute, with (posterior, capacity): an
        # exam's next step needs only the capacity, so the error is computed when read.
        self._pending: dict[int, tuple[np.ndarray, float]] = {}

    @property
    def error(self) -> np.ndarray:
        """Each row's error: Pix's posterior standard deviation, with Sheppard's correction."""
        while self._pending:
            row, (posterior, capacity) = self._pending.popitem()
            spread = PIX_GRID - capacity
            spread *= spread
            spread *= posterior
            variance = float(spread.cumsum()[-1]) - PIX_CLASS_INTERVAL**2 / 12.0
            self._error[row] = math.sqrt(max(variance, 0.0))
        return self._error

    def update(
        self,
        rows: np.ndarray,
        a: np.ndarray,
        b: np.ndarray,
        correct: np.ndarray,
        answered: np.ndarray | None = None,
    ) -> None:
        """Take one more answer for each of `rows` (item parameters and success per row);
        `answered`, if given, holds the rows of `answer_table` for these answers."""
        previous = self.capacity[rows]
        distance = PIX_GRID[None, :] - previous[:, None]
        gaussian = np.exp(distance * distance / (-2 * PIX_PRIOR_VARIANCE)) / _PIX_GAUSSIAN_SCALE
        prior = gaussian / _sequential_sum(gaussian)[:, None]
        if answered is None:
            p = probability_correct(PIX_GRID[None, :], a[:, None], b[:, None])
            answered = np.where(correct[:, None], p, 1 - p)
        likelihood = self.likelihood[rows] * answered
        self.likelihood[rows] = likelihood
        answers = zip(a.tolist(), b.tolist(), correct.tolist(), strict=True)
        for row, answer in zip(rows.tolist(), answers, strict=True):
            self._answers[row].append(answer)
        unnormalised = likelihood * prior
        total = _sequential_sum(unnormalised)
        if total.min() > _SAFE_TOTAL:
            posterior = unnormalised / total[:, None]
        else:  # Pix's product underflowed: the same posterior, from logs
            with np.errstate(divide="ignore", invalid="ignore"):
                posterior = unnormalised / total[:, None]
            for index in np.flatnonzero(~(total > _SAFE_TOTAL)).tolist():
                posterior[index] = self._log_space_posterior(int(rows[index]), prior[index])
        capacity = _sequential_sum(PIX_GRID[None, :] * posterior)
        if self.variation_percent and rows.size == 1:  # one exam: the same, on Python floats
            capacity = np.array(
                [_limit_one(float(previous[0]), float(capacity[0]), self.variation_percent)]
            )
        elif self.variation_percent:
            capacity = limit_variation(previous, capacity, self.variation_percent)
        spread = PIX_GRID[None, :] - capacity[:, None]
        variance = _sequential_sum(posterior * (spread * spread)) - PIX_CLASS_INTERVAL**2 / 12.0
        self.capacity[rows] = capacity
        for row in rows.tolist() if self._pending else ():
            self._pending.pop(row, None)
        self._error[rows] = np.sqrt(np.maximum(variance, 0.0))

    def update_one(self, row: int, answered: np.ndarray, a: float, b: float, correct: bool) -> None:
        """`update` for one row, given its `answer_table` row: the same arithmetic, element by
        element and sum by sum, on the row's own arrays and Python floats (no batch gathers)."""
        previous = self.capacity.item(row)
        prior = _pix_prior(previous)
        likelihood = self.likelihood[row]
        likelihood *= answered
        self._answers[row].append((a, b, correct))
        posterior = likelihood * prior
        total = posterior.cumsum().item(-1)
        if total > _SAFE_TOTAL:
            posterior /= total
        else:  # Pix's product underflowed: the same posterior, from logs
            posterior = self._log_space_posterior(row, prior)
        capacity = (PIX_GRID * posterior).cumsum().item(-1)
        if self.variation_percent:
            capacity = _limit_one(previous, capacity, self.variation_percent)
        self.capacity[row] = capacity
        self._pending[row] = (posterior, capacity)  # the error, when read: see `error`

    def _log_space_posterior(self, row: int, prior: np.ndarray) -> np.ndarray:
        a, b, correct = (np.array(column) for column in zip(*self._answers[row], strict=True))
        logs = log_likelihood(PIX_GRID, a, b, correct.astype(bool)).sum(axis=0)
        with np.errstate(divide="ignore"):  # a prior point at 0: log 0 = −inf, never chosen
            return _from_log((logs + np.log(prior))[None, :])[0]


def _pix_prior(previous: float) -> np.ndarray:
    """`update`'s prior centred on `previous`, for one row: the same arithmetic, kept for the
    values every exam passes through (the start, then the first capped steps)."""
    prior = _PIX_PRIORS.get(previous)
    if prior is None:
        # `update`'s operations in place, in its order: (d·d / (−2V)), exp, / scale, / sum.
        prior = PIX_GRID - previous
        prior *= prior
        prior /= -2 * PIX_PRIOR_VARIANCE
        np.exp(prior, out=prior)
        prior /= _PIX_GAUSSIAN_SCALE
        prior /= prior.cumsum()[-1]
        prior.flags.writeable = False
        if len(_PIX_PRIORS) < _PIX_PRIORS_KEPT:
            _PIX_PRIORS[previous] = prior
    return prior


# Priors kept by centre: the first ones seen, which the step cap from the start makes common.
_PIX_PRIORS: dict[float, np.ndarray] = {}
_PIX_PRIORS_KEPT = 4096


def _limit_one(previous: float, capacity: float, percent: float) -> float:
    """`limit_variation` for one value."""
    gap = percent if -percent < previous < percent else abs(previous * percent)
    if capacity > previous:
        return min(capacity, previous + gap)
    return max(capacity, previous - gap)


def limit_variation(previous: np.ndarray, capacity: np.ndarray, percent: float) -> np.ndarray:
    """Pix's `variationPercent`: a step of at most v near 0 (|previous| < v), else |previous·v|."""
    small = (-percent < previous) & (previous < percent)
    gap = np.where(small, percent, np.abs(previous * percent))
    return np.where(
        capacity > previous,
        np.minimum(capacity, previous + gap),
        np.maximum(capacity, previous - gap),
    )


class NormalPriorEstimator:
    """EAP with a fixed normal prior, for a batch; the posterior is kept in log space
    (`log_posterior`, up to a constant per row)."""

    def __init__(self, size: int, mean: float | np.ndarray, sd: float) -> None:
        # Rows whose error one exam's update left to compute from their log posterior: an
        # exam's next step needs only the capacity, so the error is computed when read.
        self._pending: set[int] = set()
        if isinstance(mean, float | int) or np.ndim(mean) == 0:  # the same prior for every row
            logs, capacity, error = _normal_prior(float(mean), float(sd))
            self.log_posterior = np.empty((size, logs.size))
            self.log_posterior[:] = logs
            self.capacity = np.empty(size)
            self.capacity.fill(capacity)
            self._error = np.empty(size)
            self._error.fill(error)
            return
        means = np.broadcast_to(np.asarray(mean, dtype=float), (size,))
        self.log_posterior = -0.5 * ((DEFAULT_GRID - means[:, None]) / sd) ** 2
        self.capacity = np.empty(size)
        self._error = np.empty(size)
        self._summarise(np.arange(size), self.log_posterior)

    @property
    def error(self) -> np.ndarray:
        """Each row's error: the posterior standard deviation."""
        while self._pending:
            row = self._pending.pop()
            moments = np.empty((3, DEFAULT_GRID.size))
            np.exp(self.log_posterior[row], out=moments[0])
            np.multiply(moments[0], DEFAULT_GRID, out=moments[1])
            np.multiply(moments[1], DEFAULT_GRID, out=moments[2])
            total, _, second = moments.cumsum(axis=1)[:, -1].tolist()
            capacity = float(self.capacity[row])
            self._error[row] = math.sqrt(max(second / total - capacity * capacity, 0.0))
        return self._error

    def update(
        self,
        rows: np.ndarray,
        a: np.ndarray,
        b: np.ndarray,
        correct: np.ndarray,
        answered: np.ndarray | None = None,
    ) -> None:
        """Take one more answer for each of `rows` (item parameters and success per row);
        `answered`, if given, holds the rows of `answer_table` for these answers."""
        if answered is None:
            answered = log_likelihood(DEFAULT_GRID, a, b, correct)
        logs = self.log_posterior[rows] + answered
        logs -= logs.max(axis=1, keepdims=True)
        self.log_posterior[rows] = logs
        self._summarise(rows, logs)
        for row in rows.tolist() if self._pending else ():
            self._pending.discard(row)

    def update_one(self, row: int, answered: np.ndarray, a: float, b: float, correct: bool) -> None:
        """`update` for one row, given its `answer_table` row (`a`, `b`, `correct` are not needed
        then): the same arithmetic in place, the moments' sums read as Python floats; the error
        is computed when read (see `error`), from the log posterior this answer leaves."""
        logs = self.log_posterior[row]
        logs += answered
        logs -= _maximum(logs)
        weights = np.exp(logs)
        total = weights.cumsum().item(-1)
        weights *= DEFAULT_GRID
        self.capacity[row] = weights.cumsum().item(-1) / total
        self._pending.add(row)

    def _summarise(self, rows: np.ndarray, logs: np.ndarray) -> None:
        """Posterior mean and standard deviation from the moments of exp(logs), in one pass of
        sequential sums (not BLAS: the same bits for one row or many, on any machine)."""
        moments = np.empty((3, *logs.shape))
        np.exp(logs, out=moments[0])  # logs ≤ 0, its maximum 0 (or nearly, for the prior)
        np.multiply(moments[0], DEFAULT_GRID, out=moments[1])
        np.multiply(moments[1], DEFAULT_GRID, out=moments[2])
        total, first, second = _sequential_sum(moments)
        capacity = first / total
        self.capacity[rows] = capacity
        self._error[rows] = np.sqrt(np.maximum(second / total - capacity * capacity, 0.0))


@functools.lru_cache(maxsize=16)
def _normal_prior(mean: float, sd: float) -> tuple[np.ndarray, float, float]:
    """The log prior N(mean, sd²) on the grid, with its mean and sd: every exam's start."""
    estimator = NormalPriorEstimator(1, np.array([mean]), sd)
    logs = estimator.log_posterior[0]
    logs.flags.writeable = False
    return logs, float(estimator.capacity[0]), float(estimator.error[0])


Estimator = PixEstimator | NormalPriorEstimator


def estimator_for(
    mode: str,
    size: int,
    *,
    start: float,
    variation_percent: float | None = None,
    prior_sd: float | None = None,
) -> Estimator:
    """A fresh estimator of `mode` for `size` candidates (`pix`: start and step cap; `default`:
    the prior N(start, prior_sd²))."""
    if mode == "pix":
        return PixEstimator(size, start, variation_percent)
    if mode == "default":
        if variation_percent is not None:
            raise ValueError("variation_percent belongs to the pix mode only")
        return NormalPriorEstimator(size, start, DEFAULT_PRIOR_SD if prior_sd is None else prior_sd)
    raise ValueError(f"unknown estimation mode {mode!r} (expected 'pix' or 'default')")


def capacity_history(
    discrimination: Sequence[float],
    difficulty: Sequence[float],
    correct: Sequence[bool],
    *,
    start: float = 0.0,
    variation_percent: float | None = None,
    mode: str = "pix",
) -> list[tuple[float, float]]:
    """(capacity, error) after each answer, for items (a, b) answered with `correct` (bools).

    In `pix` mode `start` is the initial capacity (Pix's defaultCandidateCapacity); in `default`
    mode it is the mean of the fixed prior N(start, 1.25²), and `variation_percent` is not used.
    """
    a = np.asarray(discrimination, dtype=float)
    b = np.asarray(difficulty, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    if not a.shape == b.shape == ok.shape or a.ndim != 1:
        raise ValueError("discrimination, difficulty and correct must be 1-D and of equal length")
    estimator = estimator_for(mode, 1, start=start, variation_percent=variation_percent)
    row = np.zeros(1, dtype=np.intp)
    history = []
    for index in range(a.size):
        estimator.update(row, a[index : index + 1], b[index : index + 1], ok[index : index + 1])
        history.append((float(estimator.capacity[0]), float(estimator.error[0])))
    return history

"""Item calibration: 2PL parameters of pretest items by marginal maximum likelihood, anchored.

Fixed-item-parameter calibration (FIPC, "multiple weights updating", Kim 2006): the operational
items keep the a and b the bank gives them, so the fitted pretest items land on the bank's own
scale with no linking step. EM on a quadrature grid: the E-step takes each exam's posterior over
θ from all its answers (operational items at their bank values, pretest items at their current
estimates) and the current latent distribution; the M-step fits each pretest item's (a, b) to
its expected counts by Newton steps, then the latent distribution becomes the mean posterior.

Also, per item: the standard errors of a and b (from the expected information at the optimum),
an item-fit RMSD (observed minus model proportion correct across the grid, weighted by the
expected counts; 0.1 or more is a misfit in PISA's practice), and, for operational items, their
drift: a free re-estimate from the same posteriors beside the bank's values.

Answers: ok is a success; ko, aband and timedout are failures; focusedOut is left out (the
answer was right but given after leaving the kiosk: neither a clean success nor a failure).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

QUADRATURE = np.linspace(-5.0, 5.0, 61)
SUCCESS, FAILURE, LEFT_OUT = "ok", ("ko", "aband", "timedout"), "focusedOut"
_A_RANGE = (0.05, 6.0)


@dataclass(frozen=True)
class ResponseMatrix:
    """Answers as items × exams: 1.0 success, 0.0 failure, NaN not answered (or left out)."""

    item_ids: tuple[str, ...]
    values: np.ndarray
    ignored: int = 0  # rows naming an item outside the bank

    @classmethod
    def from_rows(
        cls, item_ids: Sequence[str], rows: Sequence[tuple[str, str, str]]
    ) -> "ResponseMatrix":
        """From (exam key, item id, status) rows; items outside `item_ids` are ignored."""
        position = {item_id: index for index, item_id in enumerate(item_ids)}
        exams: dict[str, int] = {}
        cells = []
        ignored = 0
        for exam, item_id, status in rows:
            if item_id not in position:
                ignored += 1
                continue
            if status == LEFT_OUT:
                continue
            if status != SUCCESS and status not in FAILURE:
                raise ValueError(f"unknown answer status {status!r} / statut inconnu {status!r}")
            column = exams.setdefault(exam, len(exams))
            cells.append((position[item_id], column, 1.0 if status == SUCCESS else 0.0))
        values = np.full((len(item_ids), len(exams)), np.nan)
        for row, column, value in cells:
            values[row, column] = value
        return cls(tuple(item_ids), values, ignored)

    @property
    def counts(self) -> np.ndarray:
        """Answers per item."""
        return (~np.isnan(self.values)).sum(axis=1)


@dataclass(frozen=True)
class Calibration:
    """The fit, item by item (bank values for the anchors), and how it went."""

    item_ids: tuple[str, ...]
    pretest: np.ndarray
    responses: np.ndarray
    discrimination: np.ndarray
    difficulty: np.ndarray
    se_discrimination: np.ndarray
    se_difficulty: np.ndarray
    fit_rmsd: np.ndarray
    free_discrimination: np.ndarray  # anchors: re-estimated from the posteriors (drift)
    free_difficulty: np.ndarray
    calibrated: np.ndarray  # pretest items with enough answers to be fitted
    cycles: int
    latent_mean: float
    latent_sd: float

    def drift_z(self) -> np.ndarray:
        """(free b − bank b) / SE(b) for the anchors, NaN elsewhere."""
        z = (self.free_difficulty - self.difficulty) / self.se_difficulty
        return np.where(self.pretest, np.nan, z)


def _probability(a: np.ndarray, c: np.ndarray) -> np.ndarray:
    """P(success) of each item (rows) at each grid point, in slope–intercept form a·θ + c."""
    return 1.0 / (1.0 + np.exp(-(a[:, None] * QUADRATURE[None, :] + c[:, None])))


def _newton(a, c, successes, trials, steps: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, c) maximising Σ r log P + (n − r) log(1 − P) per item, and the information 2×2."""
    for _ in range(steps + 1):
        p = _probability(a, c)
        residual = successes - trials * p
        weight = trials * p * (1 - p)
        grad = np.stack([(residual * QUADRATURE).sum(1), residual.sum(1)], axis=1)
        info = np.empty((a.size, 2, 2))
        info[:, 0, 0] = (weight * QUADRATURE**2).sum(1)
        info[:, 0, 1] = info[:, 1, 0] = (weight * QUADRATURE).sum(1)
        info[:, 1, 1] = weight.sum(1)
        if _ == steps:
            break
        step = np.linalg.solve(info + 1e-9 * np.eye(2), grad[:, :, None])[:, :, 0]
        step = np.clip(step, -1.0, 1.0)
        a = np.clip(a + step[:, 0], *_A_RANGE)
        c = np.clip(c + step[:, 1], -30.0, 30.0)
    return a, c, info


def _standard_errors(a, c, info) -> tuple[np.ndarray, np.ndarray]:
    """SE of a and of b = −c/a, from the inverse information (delta method for b)."""
    covariance = np.linalg.inv(info + 1e-12 * np.eye(2))
    jacobian = np.stack([c / a**2, -1 / a], axis=1)  # ∂b/∂a, ∂b/∂c
    var_b = np.einsum("ni,nij,nj->n", jacobian, covariance, jacobian)
    return np.sqrt(covariance[:, 0, 0]), np.sqrt(var_b)


def calibrate(
    matrix: ResponseMatrix,
    discrimination: np.ndarray,
    difficulty: np.ndarray,
    pretest: np.ndarray,
    *,
    min_responses: int = 200,
    max_cycles: int = 200,
    tolerance: float = 1e-4,
) -> Calibration:
    """Fit the pretest items (those with ≥ `min_responses` answers) with the others fixed."""
    values = matrix.values
    answered = ~np.isnan(values)
    success = np.where(answered, values, 0.0)
    failure = answered & (values == 0.0)
    counts = answered.sum(axis=1)
    fitted = pretest & (counts >= min_responses)
    a = np.asarray(discrimination, dtype=float).copy()
    b = np.asarray(difficulty, dtype=float)
    c = -a * b
    prior = np.exp(-0.5 * QUADRATURE**2)
    prior /= prior.sum()
    in_fit = ~pretest | fitted
    cycles = 0
    while cycles < max_cycles:
        cycles += 1
        posterior = _posterior(a, c, success, failure, in_fit, prior)
        successes = success @ posterior
        trials = answered @ posterior
        new_a, new_c, _ = _newton(a[fitted], c[fitted], successes[fitted], trials[fitted], 3)
        change = max(
            np.max(np.abs(new_a - a[fitted]), initial=0.0),
            np.max(np.abs(new_c - c[fitted]), initial=0.0),
        )
        a[fitted], c[fitted] = new_a, new_c
        prior = posterior.mean(axis=0) if posterior.shape[0] else prior
        if change < tolerance:
            break
    posterior = _posterior(a, c, success, failure, in_fit, prior)
    successes, trials = success @ posterior, answered @ posterior
    free_a, free_c, _ = _newton(a.copy(), c.copy(), successes, trials, 25)
    _, _, info_fixed = _newton(a.copy(), c.copy(), successes, trials, 0)
    se_a, se_b = _standard_errors(a, c, info_fixed)
    p = _probability(a, c)
    observed = np.divide(successes, trials, out=np.zeros_like(trials), where=trials > 1e-9)
    weight = trials / np.maximum(trials.sum(axis=1, keepdims=True), 1e-12)
    rmsd = np.sqrt((weight * (observed - p) ** 2).sum(axis=1))
    mean = float((prior * QUADRATURE).sum())
    return Calibration(
        item_ids=matrix.item_ids,
        pretest=np.asarray(pretest, dtype=bool),
        responses=counts,
        discrimination=a,
        difficulty=np.where(fitted, -c / a, b),
        se_discrimination=se_a,
        se_difficulty=se_b,
        fit_rmsd=np.where(counts > 0, rmsd, np.nan),
        free_discrimination=np.where(pretest, a, free_a),
        free_difficulty=np.where(pretest, -c / a, -free_c / free_a),
        calibrated=fitted,
        cycles=cycles,
        latent_mean=mean,
        latent_sd=float(np.sqrt((prior * (QUADRATURE - mean) ** 2).sum())),
    )


def _posterior(a, c, success, failure, in_fit, prior) -> np.ndarray:
    """Each exam's posterior over the grid (exams × grid points), from the items in the fit."""
    p = np.clip(_probability(a, c), 1e-12, 1 - 1e-12)
    use = in_fit[:, None]
    log_likelihood = (success * use).T @ np.log(p) + (failure * use).T @ np.log1p(-p)
    log_posterior = log_likelihood + np.log(np.maximum(prior, 1e-300))[None, :]
    log_posterior -= log_posterior.max(axis=1, keepdims=True)
    posterior = np.exp(log_posterior)
    return posterior / posterior.sum(axis=1, keepdims=True)

"""The level (0–7) of each competence, three ways; `scoring.json` says which one each mode uses.

With 2 answers per competence, a competence's own answers say little: how much they should move
its level away from the global picture is the question. Measured by simulation
(`benchmarks/competence_levels.py`, docs/psychometrics.md):

- `global` (Pix v3, `V3CertificationScoring`): every competence's intervals applied to the
  global capacity. The pix mode uses it, as Pix does.
- `eap`: an EAP of the competence's answers alone under a prior N(global capacity, sd²) — the
  global estimate counted once as prior and its answers a second time in the likelihood.
- `hierarchical`: θ_c = θ + δ_c with δ_c ~ N(0, spread²). The posterior of θ from every other
  competence's answers (the global posterior divided by this competence's likelihood, on the
  grid) is widened by the spread, then updated with this competence's answers; the level is
  the most probable one under that posterior (the Bayes decision when a level is right or
  wrong). With spread 0 it reads the global posterior; the larger the spread, the more a
  competence's own answers count.
"""

import bisect
from collections.abc import Mapping, Sequence
from functools import cache

import numpy as np

from engine.estimation import DEFAULT_GRID, _sequential_sum, log_likelihood
from engine.itembank import ItemBank
from engine.referential import COMPETENCE_CODES

METHODS = ("global", "eap", "hierarchical")


def levels_from_global(
    breakpoints: Mapping[str, Sequence[float]], capacity: float
) -> dict[str, int]:
    """Pix v3: each competence's level read off its intervals at the global capacity."""
    return {code: bisect.bisect_right(breakpoints[code], capacity) for code in COMPETENCE_CODES}


def _competence_log_likelihoods(
    bank: ItemBank, items: np.ndarray, correct: np.ndarray
) -> np.ndarray:
    """[competence, grid point]: log-likelihood of each competence's answers on DEFAULT_GRID."""
    logs = np.zeros((len(COMPETENCE_CODES), DEFAULT_GRID.size))
    if items.size:
        rows = log_likelihood(
            DEFAULT_GRID, bank.discrimination[items], bank.difficulty[items], correct
        )
        np.add.at(logs, bank.competence[items], rows)
    return logs


def eap_levels(
    breakpoints: Mapping[str, Sequence[float]],
    bank: ItemBank,
    items: np.ndarray,
    correct: np.ndarray,
    *,
    capacity: float,
    prior_sd: float,
) -> dict[str, int]:
    """Each competence's level at the EAP of its own answers under N(capacity, prior_sd²)."""
    own = _competence_log_likelihoods(bank, items, correct)
    posterior = _normalised(-0.5 * ((DEFAULT_GRID - capacity) / prior_sd) ** 2 + own)
    return _levels_at(breakpoints, _sequential_sum(posterior * DEFAULT_GRID))


def _levels_at(breakpoints: Mapping[str, Sequence[float]], means: np.ndarray) -> dict[str, int]:
    return {
        code: bisect.bisect_right(breakpoints[code], float(means[index]))
        for index, code in enumerate(COMPETENCE_CODES)
    }


def _normalised(log_values: np.ndarray) -> np.ndarray:
    values = np.exp(log_values - log_values.max(axis=-1, keepdims=True))
    return values / _sequential_sum(values)[:, None]


@cache
def _spread_kernel(spread: float) -> np.ndarray:
    """K[i, j] ∝ N(grid_i; grid_j, spread²), each column summing to 1 (identity at spread 0).
    Computed once per spread (training asks for it at every step), and read-only."""
    if spread == 0:
        kernel = np.eye(DEFAULT_GRID.size)
    else:
        gap = DEFAULT_GRID[:, None] - DEFAULT_GRID[None, :]
        kernel = np.exp(-0.5 * (gap / spread) ** 2)
        kernel /= kernel.sum(axis=0, keepdims=True)
    kernel.flags.writeable = False
    return kernel


def hierarchical_levels(
    breakpoints: Mapping[str, Sequence[float]],
    bank: ItemBank,
    items: np.ndarray,
    correct: np.ndarray,
    *,
    prior_mean: float,
    prior_sd: float,
    spread: float,
) -> dict[str, int]:
    """Each competence's level at its posterior mean under the hierarchical model (see the
    module docstring); `prior_mean` and `prior_sd` are the default mode's global prior."""
    posterior = hierarchical_posteriors(
        bank, items, correct, prior_mean=prior_mean, prior_sd=prior_sd, spread=spread
    )
    return _levels_at(breakpoints, _sequential_sum(posterior * DEFAULT_GRID))


def hierarchical_posteriors(
    bank: ItemBank,
    items: np.ndarray,
    correct: np.ndarray,
    *,
    prior_mean: float,
    prior_sd: float,
    spread: float,
) -> np.ndarray:
    """[competence, grid point]: each competence's posterior of θ_c on DEFAULT_GRID (rows sum
    to 1) under the hierarchical model; the levels read their means, training reads more."""
    own = _competence_log_likelihoods(bank, items, correct)
    log_prior = -0.5 * ((DEFAULT_GRID - prior_mean) / prior_sd) ** 2
    others = _normalised(log_prior + own.sum(axis=0) - own)  # θ from every other competence
    widened = others @ _spread_kernel(spread).T
    with np.errstate(divide="ignore"):  # a point the widened prior rules out: log 0 = −inf
        return _normalised(np.log(widened) + own)

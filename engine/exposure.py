"""Exposure control for kiosks that share nothing: conditional Sympson–Hetter parameters,
calibrated beforehand by simulation and shipped with the bank.

During an exam each item i holds a lottery ticket u_i (uniform, drawn once per exam from the
exam's seed). When the current estimate lies in ability stratum s, item i may be given only if
u_i < k[i, s]; the most informative item that passes is given. No kiosk needs to know what the
others did: the bound comes from the parameters k, not from counting live.

Calibration (`calibrate_exposure`) simulates exams of candidates spread evenly over the ability
strata and adjusts k until, in every *true*-ability stratum, no item is given to more than
`target` of the candidates. Controlling exposure conditionally on ability is what keeps the
bound when a group's abilities differ from the calibration population (a collège class is not a
lycée class): any population is a mixture of strata, and each stratum respects the bound.

The update is the classic Sympson–Hetter fixed point, k ← min(1, k·target / exposure), applied to
each stratum of the *estimate* where the item was given, with the worst exposure among the
true-ability strata that these administrations reached; an item never given in a stratum gets
its k raised (doubled, up to 1) so that no information is withheld for nothing.
"""

import math

import numpy as np

from engine.config import ExamConfig
from engine.itembank import ExposureParameters, ItemBank
from engine.simulation import SimulationRun, simulate_exams

STRATUM_EDGES = (-2.5, -1.5, -0.5, 0.5, 1.5, 2.5)
# The populations the bound must hold for: N(μ, 1) for these means (and any mixture of them).
FAMILY_MEANS = (-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5)
# Fine bins of true ability on which exposure is measured before weighting by each population.
MEASURE_EDGES = tuple(np.arange(-4.0, 4.01, 0.5))
DEFAULT_TARGET = 0.25
CALIBRATION_TARGET = 0.22  # a margin under 0.25 for sampling noise
CANDIDATES = 2000
ITERATIONS = 10


def _normal_cdf(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def population_weights() -> np.ndarray:
    """weights[m, j]: share of population N(FAMILY_MEANS[m], 1) in measurement bin j."""
    edges = np.array([-np.inf, *MEASURE_EDGES, np.inf])
    cdf = _normal_cdf(edges[None, :] - np.array(FAMILY_MEANS)[:, None])
    return np.diff(cdf, axis=1)


def calibrate_exposure(
    bank: ItemBank,
    config: ExamConfig,
    *,
    seed: int = 0,
    target: float = CALIBRATION_TARGET,
    iterations: int = ITERATIONS,
    candidates: int = CANDIDATES,
) -> ItemBank:
    """`bank` carrying conditional Sympson–Hetter parameters calibrated for `config`."""
    if not config.exposure_control:
        raise ValueError("this configuration does not use exposure control (exposure_control)")
    strata = len(STRATUM_EDGES) + 1
    weights = population_weights()
    k = np.ones((len(bank), strata))
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(9,))))
    for iteration in range(iterations):
        parameters = ExposureParameters(edges=STRATUM_EDGES, k=k.copy(), target=target)
        means = rng.choice(FAMILY_MEANS, candidates)
        theta = rng.normal(means, 1.0)
        run = simulate_exams(bank.with_exposure(parameters), config, theta, seed=seed + iteration)
        k = _updated(k, run, parameters, weights, target)
    return bank.with_exposure(ExposureParameters(edges=STRATUM_EDGES, k=k, target=target))


def _updated(
    k: np.ndarray,
    run: SimulationRun,
    parameters: ExposureParameters,
    weights: np.ndarray,
    target: float,
) -> np.ndarray:
    """One Sympson–Hetter step: scale each item's k by target / its worst population exposure."""
    bins = np.searchsorted(np.array(MEASURE_EDGES), run.theta, side="right")
    per_bin = np.bincount(bins, minlength=weights.shape[1])
    rows, steps = np.nonzero(run.items >= 0)
    items = run.items[rows, steps]
    at = parameters.stratum(run.selected_at[rows, steps])
    # share[i, s, j]: share of bin-j candidates who got item i at an estimate in stratum s.
    share = np.zeros((k.shape[0], k.shape[1], weights.shape[1]))
    np.add.at(share, (items, at, bins[rows]), 1.0)
    share /= np.maximum(per_bin, 1)
    contribution = share @ weights.T  # [i, s, population]
    exposure = contribution.sum(axis=1)  # [i, population]
    worst = exposure.argmax(axis=1)
    contributing = contribution[np.arange(k.shape[0]), :, worst] > 0
    factor = target / np.maximum(exposure.max(axis=1), 1e-12)
    return np.minimum(1.0, np.where(contributing, k * factor[:, None], 2 * k))

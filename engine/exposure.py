"""Exposure control for kiosks that share nothing, calibrated beforehand by simulation.

No kiosk knows what the others gave, so the bound cannot come from live counts: it comes from
parameters computed once, by simulating the engine, and shipped inside the bank index. Two
mechanisms work together in the default mode (engine.selection rules 5 and 6):

1. Information prices. Items rank by information minus a price λ_i. A price is the Lagrange
   multiplier of the item's exposure constraint: an over-used item is given up first by the
   candidates for whom a nearly-as-good item exists, and kept for those it serves best. This
   targets the restriction where it costs the least accuracy (a pure lottery would withhold the
   item from a random share of candidates, including those who need it most).
2. Conditional Sympson–Hetter lottery. Each exam draws one ticket u_i per item from its seed;
   while the estimate lies in ability stratum s, item i may be given only if u_i < k[i, s].
   This splits what prices cannot: at the first questions every candidate has the same
   estimate, so a price would send everyone to the same next best item.

Exposure is measured conditionally on true ability, in half-unit bins, and the bound is required
for each population of a family, N(μ, 1) for μ from −1.5 to 1.5 (and so for any mixture of them):
a collège class centred a unit below the calibration population keeps the bound as well as a
lycée class a unit above it. Prices are found by dual ascent on a fast model of the exam (each
simulated candidate takes, in every competence, the 2 best-priced items at his ability blurred by
the estimation error); the lottery parameters then by the classic Sympson–Hetter fixed point,
k ← min(1, k · target / exposure), on simulations of the real engine, the item's worst
population deciding and only the strata where it was given being cut.
"""

import math

import numpy as np

from engine.config import ExamConfig
from engine.estimation import probability_correct
from engine.itembank import ExposureParameters, ItemBank
from engine.referential import COMPETENCE_CODES
from engine.simulation import SimulationRun, simulate_exams

STRATUM_EDGES = (-2.5, -1.5, -0.5, 0.5, 1.5, 2.5)
FAMILY_MEANS = (-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5)
MEASURE_EDGES = tuple(np.arange(-4.0, 4.01, 0.5))
CALIBRATION_TARGET = 0.22  # under 0.25: room for sampling noise in the exams that follow
SURROGATE_CANDIDATES = 3000
SURROGATE_BLUR = 0.3  # typical error of the estimate when a competence's items are chosen
SURROGATE_ITERATIONS = 200
OPENING = 8  # answers during which the lottery applies
REFINEMENT_CANDIDATES = 2000
REFINEMENTS = 8
PRICE_STEP = 0.3  # information units per unit of excess exposure


def population_weights() -> np.ndarray:
    """weights[m, j]: share of population N(FAMILY_MEANS[m], 1) in measurement bin j."""
    edges = [-math.inf, *MEASURE_EDGES, math.inf]
    cdf = np.array(
        [[0.5 * (1 + math.erf((e - mu) / math.sqrt(2))) for e in edges] for mu in FAMILY_MEANS]
    )
    return np.diff(cdf, axis=1)


def family_abilities(size: int, rng: np.random.Generator) -> np.ndarray:
    """Abilities from the family's mixture: a mean drawn among FAMILY_MEANS, then N(mean, 1)."""
    return rng.normal(rng.choice(np.array(FAMILY_MEANS), size), 1.0)


def _bins(theta: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.array(MEASURE_EDGES), theta, side="right")


def calibrate_exposure(
    bank: ItemBank,
    config: ExamConfig,
    *,
    seed: int = 0,
    target: float = CALIBRATION_TARGET,
) -> ItemBank:
    """`bank` carrying exposure-control parameters calibrated for `config` (default mode)."""
    if not config.exposure_control:
        raise ValueError("this configuration does not use exposure control (exposure_control)")
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(9,))))
    weights = population_weights()
    prices = _calibrate_prices(bank, config, weights, target, rng)
    k = np.ones((len(bank), len(STRATUM_EDGES) + 1))
    for iteration in range(REFINEMENTS):
        parameters = ExposureParameters(STRATUM_EDGES, k.copy(), prices, OPENING, target)
        theta = family_abilities(REFINEMENT_CANDIDATES, rng)
        run = simulate_exams(bank.with_exposure(parameters), config, theta, seed=seed + iteration)
        damping = 1.0 if iteration < 3 else 0.6
        k, prices = _refined(k, prices, run, parameters, weights, target, damping)
    return bank.with_exposure(ExposureParameters(STRATUM_EDGES, k, prices, OPENING, target))


def _calibrate_prices(
    bank: ItemBank,
    config: ExamConfig,
    weights: np.ndarray,
    target: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Dual ascent on the fast model: raise the price of items over target, lower the others."""
    theta = family_abilities(SURROGATE_CANDIDATES, rng)
    point = theta + SURROGATE_BLUR * rng.normal(size=theta.size)
    bins = _bins(theta)
    n_bins = weights.shape[1]
    per_bin = np.maximum(np.bincount(bins, minlength=n_bins), 1)
    per_competence = config.questions_per_competence or 1
    competences = []
    for competence in range(len(COMPETENCE_CODES)):
        m = np.flatnonzero(bank.competence == competence)
        if m.size:
            p = probability_correct(point[:, None], bank.discrimination[m], bank.difficulty[m])
            take = min(per_competence, m.size)
            competences.append((m, p * (1 - p) * bank.information_scale[m], take))
    prices = np.zeros(len(bank))
    for iteration in range(SURROGATE_ITERATIONS):
        counts = np.zeros(len(bank) * n_bins)
        for m, info, take in competences:
            given = m[_top(info - prices[m], take)].ravel() * n_bins + np.repeat(bins, take)
            counts += np.bincount(given, minlength=counts.size)
        exposure = (counts.reshape(len(bank), n_bins) / per_bin) @ weights.T
        step = 0.5 / (1 + iteration / 30)
        prices = np.maximum(0.0, prices + step * (exposure.max(axis=1) - target))
    return prices


def _top(values: np.ndarray, take: int) -> np.ndarray:
    """Column indices of the `take` largest values of each row (repeated argmax: take is small)."""
    values = values.copy()
    lines = np.arange(values.shape[0])
    best = np.empty((values.shape[0], take), dtype=np.intp)
    for rank in range(take):
        best[:, rank] = values.argmax(axis=1)
        values[lines, best[:, rank]] = -np.inf
    return best


def _refined(
    k: np.ndarray,
    prices: np.ndarray,
    run: SimulationRun,
    parameters: ExposureParameters,
    weights: np.ndarray,
    target: float,
    damping: float,
) -> tuple[np.ndarray, np.ndarray]:
    """One step on a simulation of the real engine, for each item's worst population.

    Lottery (opening strata where the item was given): k · (target / exposure)^damping, the
    Sympson–Hetter fixed point; strata where it was not given get k doubled. Price: raised by
    the part of the excess due to answers after the opening, lowered when under target.
    """
    bins = _bins(run.theta)
    per_bin = np.maximum(np.bincount(bins, minlength=weights.shape[1]), 1)
    rows, steps = np.nonzero(run.items >= 0)
    items = run.items[rows, steps]
    strata = k.shape[1]
    # Where each administration happened: an opening stratum of the estimate, or `strata`.
    at = np.where(
        steps < parameters.opening, parameters.stratum(run.selected_at[rows, steps]), strata
    )
    # share[i, s, j]: share of bin-j candidates who got item i at s.
    share = np.zeros((k.shape[0], strata + 1, weights.shape[1]))
    np.add.at(share, (items, at, bins[rows]), 1.0)
    share /= per_bin
    contribution = share @ weights.T  # [item, where, population]
    exposure = contribution.sum(axis=1)  # [item, population]
    worst = exposure.argmax(axis=1)
    mine = contribution[np.arange(k.shape[0]), :, worst]  # [item, where]
    total = np.maximum(exposure.max(axis=1), 1e-12)
    factor = (target / total) ** damping
    k = np.minimum(1.0, np.where(mine[:, :strata] > 0, k * factor[:, None], k * 2.0**damping))
    excess = total - target
    late = np.where(excess > 0, excess * mine[:, strata] / total, excess)
    return k, np.maximum(0.0, prices + PRICE_STEP * late)

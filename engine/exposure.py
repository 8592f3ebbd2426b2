"""Exposure control for kiosks that share nothing, calibrated beforehand by simulation.

No kiosk knows what the others gave, so the bound cannot come from live counts: it comes from
parameters computed once, by simulating the engine, and shipped inside the bank index. Two
mechanisms work together in the default mode (engine.selection rules 5 and 6):

1. Information prices. Items rank by information minus a price λ_i, the Lagrange multiplier of
   the item's exposure constraint: an over-used item is given up first by the candidates for
   whom a nearly-as-good item exists, and kept for those it serves best. This puts the
   restriction where it costs the least accuracy.
2. Conditional Sympson–Hetter lottery. Each exam draws one ticket u_i per item from its seed;
   while the estimate lies in ability stratum s, item i may be given only if u_i < k[i, s].
   This splits what prices cannot: at the first questions every candidate has the same
   estimate, so a price alone would send all of them to the same next-best item.

Exposure is measured conditionally on true ability, in half-unit bins, and the bound is required
for every population of a family, N(μ, 1) for μ from −1 to 1 in half-unit steps (hence for any
mixture of them): a collège population centred a unit below the standard one keeps the bound,
and so does a lycée population a unit above it. A strictly per-ability bound (≤ 0.25 at every θ)
would be stronger still, but forces 8 items to share each slot at every ability and costs ~18 %
of RMSE on a 16 × 100 bank; the family bound costs ~7 %.

Prices come from dual ascent on a fast model of the exam (each simulated candidate takes, in
every competence, the 2 best-priced items at his ability blurred by the estimation error). The
lottery then comes from the Sympson–Hetter fixed point k ← min(1, k · target / exposure) on
simulations of the real engine: for each item its worst population decides, and only the strata
where the item was given are cut (the others are relaxed towards 1); the last two steps only
tighten, so that one simulation's noise cannot loosen the bound at the end.
"""

import math

import numpy as np

from engine.config import ExamConfig
from engine.estimation import probability_correct
from engine.itembank import ExposureParameters, ItemBank
from engine.referential import COMPETENCE_CODES
from engine.simulation import SimulationRun, simulate_exams

STRATUM_EDGES = tuple(float(edge) for edge in np.arange(-3.0, 3.01, 0.5))  # half-unit strata
FAMILY_MEANS = (-1.0, -0.5, 0.0, 0.5, 1.0)
MEASURE_EDGES = tuple(np.arange(-4.0, 4.01, 0.5))
CALIBRATION_TARGET = 0.21  # under 0.25: room for sampling noise in the exams that follow
MODEL_CANDIDATES = 2000
MODEL_BLUR = 0.3  # typical error of the estimate when a competence's items are chosen
MODEL_ITERATIONS = 120
LOTTERY_CANDIDATES = 2000
LOTTERY_ITERATIONS = 8
TIGHTENING = 2


def population_weights() -> np.ndarray:
    """weights[m, j]: share of population N(FAMILY_MEANS[m], 1) in measurement bin j."""
    edges = [-math.inf, *MEASURE_EDGES, math.inf]
    cdf = [[0.5 * (1 + math.erf((e - mu) / math.sqrt(2))) for e in edges] for mu in FAMILY_MEANS]
    return np.diff(np.array(cdf), axis=1)


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
    prices = _prices(bank, config, weights, target, rng)
    k = np.ones((len(bank), len(STRATUM_EDGES) + 1))
    for iteration in range(LOTTERY_ITERATIONS):
        parameters = ExposureParameters(STRATUM_EDGES, k.copy(), prices, target)
        theta = family_abilities(LOTTERY_CANDIDATES, rng)
        run = simulate_exams(bank.with_exposure(parameters), config, theta, seed=seed + iteration)
        damping = 1.0 if iteration < 3 else 0.6
        # The last steps only tighten: the noise of one simulation must not loosen the bound.
        tighten_only = iteration >= LOTTERY_ITERATIONS - TIGHTENING
        k = _lottery_step(k, run, parameters, weights, target, damping, tighten_only)
    return bank.with_exposure(ExposureParameters(STRATUM_EDGES, k, prices, target))


def _prices(
    bank: ItemBank,
    config: ExamConfig,
    weights: np.ndarray,
    target: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Dual ascent on the fast model: raise the price of items over target, lower the others."""
    theta = family_abilities(MODEL_CANDIDATES, rng)
    point = theta + MODEL_BLUR * rng.normal(size=theta.size)
    bins = _bins(theta)
    n_bins = weights.shape[1]
    per_bin = np.maximum(np.bincount(bins, minlength=n_bins), 1)
    per_competence = config.questions_per_competence or 1
    competences = []
    for competence in range(len(COMPETENCE_CODES)):
        members = np.flatnonzero(bank.competence == competence)
        if members.size:
            a, b = bank.discrimination[members], bank.difficulty[members]
            p = probability_correct(point[:, None], a, b)
            info = p * (1 - p) * bank.information_scale[members]
            competences.append((members, info, min(per_competence, members.size)))
    prices = np.zeros(len(bank))
    for iteration in range(MODEL_ITERATIONS):
        counts = np.zeros(len(bank) * n_bins)
        for members, info, take in competences:
            chosen = members[_top(info - prices[members], take)]
            counts += np.bincount(
                chosen.ravel() * n_bins + np.repeat(bins, take), minlength=counts.size
            )
        exposure = (counts.reshape(len(bank), n_bins) / per_bin) @ weights.T
        step = 0.5 / (1 + iteration / 20)
        prices = np.maximum(0.0, prices + step * (exposure.max(axis=1) - target))
    return prices


def _top(values: np.ndarray, take: int) -> np.ndarray:
    """Column indices of the `take` largest values of each row (repeated argmax: take is small).

    `values` is overwritten."""
    lines = np.arange(values.shape[0])
    best = np.empty((values.shape[0], take), dtype=np.intp)
    for rank in range(take):
        best[:, rank] = values.argmax(axis=1)
        values[lines, best[:, rank]] = -np.inf
    return best


def _lottery_step(
    k: np.ndarray,
    run: SimulationRun,
    parameters: ExposureParameters,
    weights: np.ndarray,
    target: float,
    damping: float,
    tighten_only: bool,
) -> np.ndarray:
    """One Sympson–Hetter step: k · (target / worst population exposure)^damping, per item;
    `tighten_only` keeps every k that this step would raise."""
    bins = _bins(run.theta)
    per_bin = np.maximum(np.bincount(bins, minlength=weights.shape[1]), 1)
    rows, steps = np.nonzero(run.items >= 0)
    items = run.items[rows, steps]
    at = parameters.stratum(run.selected_at[rows, steps])
    # share[i, s, j]: share of bin-j candidates who got item i at an estimate in stratum s.
    share = np.zeros((k.shape[0], k.shape[1], weights.shape[1]))
    np.add.at(share, (items, at, bins[rows]), 1.0)
    share /= per_bin
    contribution = share @ weights.T  # [item, stratum, population]
    exposure = contribution.sum(axis=1)  # [item, population]
    worst = exposure.argmax(axis=1)
    given = contribution[np.arange(k.shape[0]), :, worst] > 0
    factor = (target / np.maximum(exposure.max(axis=1), 1e-12)) ** damping
    if tighten_only:
        return np.where(given, k * np.minimum(factor, 1.0)[:, None], k)
    return np.minimum(1.0, np.where(given, k * factor[:, None], k * 2.0**damping))

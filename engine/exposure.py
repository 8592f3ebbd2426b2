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

import numpy as np

from engine.config import ExamConfig
from engine.itembank import ExposureParameters, ItemBank
from engine.simulation import simulate_exams

STRATUM_EDGES = (-2.5, -1.5, -0.5, 0.5, 1.5, 2.5)
OUTER_WIDTH = 1.0
DEFAULT_TARGET = 0.25
CALIBRATION_TARGET = 0.22  # a margin under 0.25 for sampling noise and within-stratum spread
CANDIDATES_PER_STRATUM = 250
ITERATIONS = 10


def calibration_abilities(per_stratum: int, rng: np.random.Generator) -> np.ndarray:
    """True abilities spread evenly over the strata (uniform within each, outer ones 1 wide)."""
    bounds = (STRATUM_EDGES[0] - OUTER_WIDTH, *STRATUM_EDGES, STRATUM_EDGES[-1] + OUTER_WIDTH)
    return np.concatenate(
        [rng.uniform(low, high, per_stratum) for low, high in zip(bounds, bounds[1:], strict=False)]
    )


def calibrate_exposure(
    bank: ItemBank,
    config: ExamConfig,
    *,
    seed: int = 0,
    target: float = CALIBRATION_TARGET,
    iterations: int = ITERATIONS,
    per_stratum: int = CANDIDATES_PER_STRATUM,
) -> ItemBank:
    """`bank` carrying conditional Sympson–Hetter parameters calibrated for `config`."""
    if not config.exposure_control:
        raise ValueError("this configuration does not use exposure control (exposure_control)")
    strata = len(STRATUM_EDGES) + 1
    k = np.ones((len(bank), strata))
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(9,))))
    for iteration in range(iterations):
        parameters = ExposureParameters(edges=STRATUM_EDGES, k=k.copy(), target=target)
        trial = bank.with_exposure(parameters)
        theta = calibration_abilities(per_stratum, rng)
        run = simulate_exams(trial, config, theta, seed=seed * 1000 + iteration)
        true_stratum = parameters.stratum(theta)
        given = run.items >= 0
        rows, steps = np.nonzero(given)
        items = run.items[rows, steps]
        at = parameters.stratum(run.selected_at[rows, steps])
        # exposure[i, j]: share of stratum-j candidates who got item i.
        counts = np.zeros((len(bank), strata))
        np.add.at(counts, (items, true_stratum[rows]), 1)
        exposure = counts / np.bincount(true_stratum, minlength=strata)
        # reached[i, s, j]: item i given at estimate stratum s to a true-stratum-j candidate.
        reached = np.zeros((len(bank), strata, strata), dtype=bool)
        reached[items, at, true_stratum[rows]] = True
        worst = np.where(reached, exposure[:, None, :], 0.0).max(axis=2)
        k = np.where(worst > 0, np.minimum(1.0, k * target / np.maximum(worst, 1e-12)), 2 * k)
        k = np.minimum(k, 1.0)
    return bank.with_exposure(ExposureParameters(edges=STRATUM_EDGES, k=k, target=target))

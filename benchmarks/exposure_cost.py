"""Where the default mode's exposure control costs precision, on the audit's set-up (issue 23).

    .venv/bin/python benchmarks/exposure_cost.py [--candidates 4000] [--per-band 1000] [--seed 0]

Two measures, both in test information at the candidate's true ability (the inverse of the
squared error an EAP reaches, roughly):

1. The ideal allocation: each candidate, his θ known, takes in every competence the 2 items of
   largest information minus a price, the prices found by dual ascent so that no item is given
   to more than the target share — of the audit's population alone, or of every population of
   the exposure family N(μ, 1), μ ∈ {−1 … 1} (engine.exposure.FAMILY_MEANS). Printed: per θ
   band, sqrt(information without the bound ÷ with it), the RMSE ratio such an allocation costs.
2. The real engine: the mean information its items carry at the true θ, per band and per stage
   of the exam (answers 1–8, 9–16, 17–32), for the bare peer, the default mode without exposure
   control and with it (calibrated as `pix-engine bank seal` does).
"""

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit_setup import BANDS, answer_table, audit_bank, engine_batch, reference_batch

from engine import ExamConfig, calibrate_exposure
from engine.exposure import CALIBRATION_TARGET, FAMILY_MEANS

STAGES = ((0, 8), (8, 16), (16, 32))
ASCENT_STEPS = 150


def _information(bank, theta: np.ndarray, items: np.ndarray | None = None) -> np.ndarray:
    a, b = bank.discrimination, bank.difficulty
    if items is None:
        p = 1 / (1 + np.exp(-a * (theta[:, None] - b)))
        return a * a * p * (1 - p)
    p = 1 / (1 + np.exp(-a[items] * (theta[:, None] - b[items])))
    return a[items] ** 2 * p * (1 - p)


def _allocate(bank, info: np.ndarray, prices: np.ndarray, groups: np.ndarray, n_groups: int):
    """(information each candidate gets, exposure of each item in each group)."""
    total = np.zeros(info.shape[0])
    counts = np.zeros((n_groups, len(bank)))
    for competence in np.unique(bank.competence):
        members = np.flatnonzero(bank.competence == competence)
        top = np.argpartition(prices[members] - info[:, members], 1, axis=1)[:, :2]
        total += np.take_along_axis(info[:, members], top, axis=1).sum(axis=1)
        for group in range(n_groups):
            counts[group] += np.bincount(members[top[groups == group]].ravel(), minlength=len(bank))
    return total, counts / np.bincount(groups, minlength=n_groups)[:, None]


def ideal_cost(bank, population: np.ndarray, groups: np.ndarray, audit: np.ndarray, target):
    """Per band of `audit`, the RMSE ratio of the ideal allocation bounded on `groups`."""
    n_groups = int(groups.max()) + 1
    info = _information(bank, population)
    prices = np.zeros(len(bank))
    for step in range(ASCENT_STEPS):
        _, exposure = _allocate(bank, info, prices, groups, n_groups)
        prices = np.maximum(0.0, prices + 0.3 / (1 + step / 20) * (exposure.max(axis=0) - target))
    one = np.zeros(audit.size, dtype=np.intp)
    audit_info = _information(bank, audit)
    bounded, _ = _allocate(bank, audit_info, prices, one, 1)
    free, _ = _allocate(bank, audit_info, np.zeros(len(bank)), one, 1)
    return [
        float(np.sqrt(free[inside].mean() / bounded[inside].mean()))
        for inside in ((audit >= low) & (audit < high) for low, high in BANDS)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=4000)
    parser.add_argument("--per-band", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    bank = audit_bank(args.seed)
    rng = np.random.default_rng(args.seed + 7)
    audit = rng.normal(0.3, 1.1, args.candidates)
    per_mean = args.candidates // len(FAMILY_MEANS)
    family = np.concatenate([rng.normal(mu, 1.0, per_mean) for mu in FAMILY_MEANS])
    groups = np.repeat(np.arange(len(FAMILY_MEANS)), per_mean)
    labels = "".join(f"{f'[{low},{high})':>9}" for low, high in BANDS)
    print(f"ideal allocation (θ known), RMSE ratio it costs, by band {labels}")
    for name, population, grouping in (
        ("audit's population", audit, np.zeros(audit.size, dtype=np.intp)),
        ("every N(μ, 1) of the family", family, groups),
    ):
        cost = ideal_cost(bank, population, grouping, audit, CALIBRATION_TARGET)
        print(f"  bound {CALIBRATION_TARGET} on {name:<30}" + "".join(f"{c:>9.3f}" for c in cost))

    theta = np.concatenate([rng.uniform(low, high, args.per_band) for low, high in BANDS])
    table = answer_table(theta.size, len(bank), args.seed + 1)
    calibrated = calibrate_exposure(bank, ExamConfig.default(), seed=args.seed)
    stages = "".join(f"{f'{start + 1}–{end}':>8}" for start, end in STAGES)
    print(f"\ninformation at the true θ of the items given: total, then by answers {stages}")
    for name, chosen in (
        ("bare numpy", None),
        ("default, no exposure", bank),
        ("default", calibrated),
    ):
        if chosen is None:
            _, given = reference_batch(bank, theta, args.seed + 3)
        else:
            _, given, _ = engine_batch(chosen, ExamConfig.default(), theta, table)
        info = _information(bank, theta, np.maximum(given, 0)) * (given >= 0)
        for low, high in BANDS:
            rows = info[(theta >= low) & (theta < high)]
            print(
                f"  {name:<22}[{low},{high}) {rows.sum(axis=1).mean():>7.2f}"
                + "".join(f"{rows[:, s:e].sum(axis=1).mean():>8.2f}" for s, e in STAGES)
            )


if __name__ == "__main__":
    main()

"""Our engine against catsim 0.21, side by side, on the same synthetic 2PL bank.

    .venv/bin/python benchmarks/engine_vs_catsim.py [--candidates 2000] [--catsim-candidates 200]

Bank: 16 competences × 100 items, a ~ lognormal(0, 0.3), b ~ N(0, 1.2) (each item its own tube);
candidates θ ~ N(0, 1); 32 items each. catsim runs its classic CAT (maximum information with a
running exposure ceiling r_max = 0.25, numerical-search estimator, start at 0) on a subsample
of the candidates because it is slow (its µs per step does not depend on how many there are).
Our figures: the `default` mode (exposure calibrated first; also on θ ~ N(−1, 1) and N(+1, 1))
and the `pix` mode. Targets: our µs per step ≤ 1/50 of catsim's; default mode RMSE ≤ 1.07 ×
the oracle floor and max exposure ≤ 0.25, on all three populations.

"µs per step" is the wall time of the simulation divided by the number of items given. Ours is
measured twice: the batched simulator (all candidates at once, as catsim's Simulator is used
here), and one `Exam` at a time through the kiosk's API (next_item/record).
"""

import argparse
import time

import numpy as np
from catsim.estimation import NumericalSearchEstimator
from catsim.initialization import FixedPointInitializer
from catsim.item_bank import ItemBank as CatsimBank
from catsim.selection import MaxInfoSelector
from catsim.simulation import Simulator
from catsim.stopping import TestLengthStopper

from engine import Exam, ExamConfig, calibrate_exposure
from engine.estimation import probability_correct
from engine.simulation import oracle_rmse, report, simulate_exams
from engine.synthetic import synthetic_bank

LENGTH = 32


def catsim_run(bank, theta: np.ndarray) -> tuple[float, float, float]:
    """(µs per step, RMSE, max exposure) of catsim's classic CAT on our bank's parameters."""
    items = np.column_stack(
        [bank.discrimination, bank.difficulty, np.zeros(len(bank)), np.ones(len(bank))]
    )
    simulator = Simulator(CatsimBank(items), theta, seed=1)
    started = time.perf_counter()
    simulator.simulate(
        FixedPointInitializer(0.0),
        MaxInfoSelector(r_max=0.25),
        NumericalSearchEstimator(),
        TestLengthStopper(max_items=LENGTH),
    )
    seconds = time.perf_counter() - started
    given = sum(len(items) for items in simulator.administered_items)
    counts = np.bincount(np.concatenate(simulator.administered_items), minlength=len(bank))
    estimates = np.array(simulator.latest_estimations)
    return (
        seconds / given * 1e6,
        float(np.sqrt(np.mean((estimates - theta) ** 2))),
        float(counts.max() / theta.size),
    )


def single_exam_microseconds(bank, config, exams: int) -> float:
    """µs per step through the kiosk's API, one exam at a time."""
    rng = np.random.default_rng(0)
    steps = 0
    started = time.perf_counter()
    for seed in range(exams):
        exam = Exam(bank, config, seed)
        theta = rng.normal()
        while (item_id := exam.next_item()) is not None:
            position = bank.position[item_id]
            p = probability_correct(theta, bank.discrimination[position], bank.difficulty[position])
            exam.record(item_id, "ok" if rng.random() < p else "ko")
            steps += 1
    return (time.perf_counter() - started) / steps * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=2000)
    parser.add_argument("--catsim-candidates", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    bank = synthetic_bank(100, seed=args.seed, items_per_tube=1)
    rng = np.random.default_rng(args.seed)
    theta = rng.normal(0.0, 1.0, args.candidates)
    oracle = oracle_rmse(bank, theta, seed=1)
    print(f"bank: {len(bank)} items (16 × 100); {args.candidates} candidates, θ ~ N(0, 1)")
    print(f"oracle floor (2 best items per competence at the true θ): RMSE {oracle:.4f}\n")

    catsim_theta = theta[: args.catsim_candidates]
    catsim_us, catsim_rmse, catsim_exposure = catsim_run(bank, catsim_theta)
    catsim_oracle = oracle_rmse(bank, catsim_theta, seed=1)

    default = ExamConfig.default()
    started = time.perf_counter()
    calibrated = calibrate_exposure(bank, default, seed=args.seed)
    calibration_seconds = time.perf_counter() - started

    rows = []
    for name, config, chosen_bank, mean in (
        ("default", default, calibrated, 0.0),
        ("default θ~N(−1,1)", default, calibrated, -1.0),
        ("default θ~N(+1,1)", default, calibrated, 1.0),
        ("pix", ExamConfig.pix(), bank, 0.0),
    ):
        population = theta + mean
        run = simulate_exams(chosen_bank, config, population, seed=args.seed + 1)
        rows.append((name, report(chosen_bank, config, run, seed=args.seed + 1)))

    header = f"{'engine':<22}{'µs/step':>10}{'RMSE':>9}{'oracle':>9}{'ratio':>8}{'max exp':>9}"
    print(header)
    print("-" * len(header))
    catsim_label = f"catsim (n={len(catsim_theta)})"
    print(
        f"{catsim_label:<22}{catsim_us:>10.1f}{catsim_rmse:>9.4f}{catsim_oracle:>9.4f}"
        f"{catsim_rmse / catsim_oracle:>8.3f}{catsim_exposure:>9.3f}"
    )
    for name, figures in rows:
        print(
            f"{name:<22}{figures.microseconds_per_step:>10.1f}{figures.rmse:>9.4f}"
            f"{figures.oracle_rmse:>9.4f}{figures.rmse_over_oracle:>8.3f}"
            f"{figures.max_exposure:>9.3f}"
        )
    single_default = single_exam_microseconds(calibrated, default, 30)
    single_pix = single_exam_microseconds(bank, ExamConfig.pix(), 30)
    print(f"{'default, one Exam':<22}{single_default:>10.1f}")
    print(f"{'pix, one Exam':<22}{single_pix:>10.1f}")

    ours = rows[0][1].microseconds_per_step
    print(f"\nexposure calibration: {calibration_seconds:.1f} s for {len(bank)} items")
    print(
        f"speed: catsim / ours = {catsim_us / ours:.0f}× (target ≥ 50×) batched; "
        f"{catsim_us / single_default:.0f}× one Exam at a time"
    )
    for name, figures in rows[:3]:
        ok = figures.rmse_over_oracle <= 1.07 and figures.max_exposure <= 0.25
        print(
            f"{name}: RMSE/oracle {figures.rmse_over_oracle:.3f} (≤ 1.07), "
            f"max exposure {figures.max_exposure:.3f} (≤ 0.25): {'met' if ok else 'NOT met'}"
        )


if __name__ == "__main__":
    main()

"""Our engine beside a bare numpy engine and catsim 0.21, on the audit's set-up, in one run.

    .venv/bin/python benchmarks/engine_vs_catsim.py [--candidates 1000] [--rounds 7]
        [--exams 10] [--catsim-candidates 100] [--seed 0] [--speed-only]

Set-up (benchmarks/audit_setup.py): 16 × 60 items, a ~ U(0.6, 2.2), b ~ N(0, 1.3); candidates
θ ~ N(0.3, 1.1); 32 items each; every engine reads the same answer table (a candidate answers
an item right iff his uniform for it is below P), so engines differ only by what they choose.
Peers: the bare numpy engine (EAP, N(0, 1) prior on 81 points, maximum information, no rule)
and catsim 0.21 (maximum information, numerical-search estimator, start at 0).

Speed, one exam at a time through each engine's own API (ours: `Exam.next_item`/`record`,
construction included), measured interleaved exam by exam: in each round every engine takes
each candidate's exam in turn (catsim one exam per round), so machine load hits them alike; the
ratios are taken within a round and the median over the rounds is printed with its range, and
beside it the ratio of each engine's fastest round (the least disturbed by other jobs). It is
measured twice, on the wall clock then in CPU time (the process's own, which leaves out the time
other jobs held the processor: steadier ratios on a loaded machine), with the load averages.
Targets: ours ≤ 3 × the bare engine, catsim ≥ 50 × ours.

Accuracy: RMSE of every engine on the population, and per θ band ([−3, −2) … [2, 3), 1,500
candidates drawn uniformly in each band, so that the thin bands are measured too) as a ratio to
the bare engine; max exposure on the population. Target: ratio ≤ 1.05 everywhere with max
exposure ≤ 0.25 (default mode). catsim's accuracy uses its Simulator with r_max = 0.25 on the
first `--catsim-candidates` candidates.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from catsim.estimation import NumericalSearchEstimator
from catsim.initialization import FixedPointInitializer
from catsim.item_bank import ItemBank as CatsimBank
from catsim.selection import MaxInfoSelector
from catsim.simulation import Simulator
from catsim.stopping import TestLengthStopper

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit_setup import (
    BANDS,
    LENGTH,
    ReferenceExam,
    answer_table,
    audit_bank,
    audit_population,
    band_rmse,
    engine_batch,
    exposure,
    reference_with_table,
    rmse,
)

from engine import Exam, ExamConfig, calibrate_exposure

BAND_CANDIDATES = 1500


def _correct(bank, theta: float, uniforms: np.ndarray, item: int) -> bool:
    a, b = bank.discrimination[item], bank.difficulty[item]
    return bool(uniforms[item] < 1 / (1 + np.exp(a * (b - theta))))


def reference_exams(bank, theta, uniforms, candidates) -> int:
    for index in candidates:
        exam = ReferenceExam(bank.discrimination, bank.difficulty)
        for _ in range(LENGTH):
            item = exam.next_item()
            exam.record(item, _correct(bank, theta[index], uniforms[index], item))
    return LENGTH * len(candidates)


def our_exams(bank, config, theta, uniforms, candidates) -> int:
    steps = 0
    for index in candidates:
        exam = Exam(bank, config, f"bench:{index}")
        while (item_id := exam.next_item()) is not None:
            item = bank.position[item_id]
            exam.record(
                item_id, "ok" if _correct(bank, theta[index], uniforms[index], item) else "ko"
            )
            steps += 1
    return steps


def catsim_exams(bank, catsim_bank, theta, uniforms, candidates) -> int:
    selector, estimator = MaxInfoSelector(), NumericalSearchEstimator()
    for index in candidates:
        administered: list[int] = []
        responses: list[bool] = []
        estimate = 0.0
        for _ in range(LENGTH):
            item = selector.select(
                item_bank=catsim_bank, administered_items=administered, est_theta=estimate
            )
            administered.append(item)
            responses.append(_correct(bank, theta[index], uniforms[index], item))
            estimate = estimator.estimate(
                item_bank=catsim_bank,
                administered_items=administered,
                response_vector=responses,
                est_theta=estimate,
            )
    return LENGTH * len(candidates)


def _catsim_bank(bank) -> CatsimBank:
    n = len(bank)
    return CatsimBank(
        np.column_stack([bank.discrimination, bank.difficulty, np.zeros(n), np.ones(n)])
    )


def speed(
    bank, calibrated, theta, uniforms, rounds: int, exams: int, clock
) -> dict[str, list[float]]:
    """µs per step of each engine, one exam at a time, interleaved exam by exam: in each round
    every engine takes each candidate's exam in turn (catsim, 100 × slower, one exam per
    round), so a burst of machine load hits the engines alike. `clock` is the wall clock
    (time.perf_counter) or the process's CPU time (time.process_time), which leaves out the
    time other jobs held the processor."""
    catsim_bank = _catsim_bank(bank)
    runs = {
        "bare numpy": lambda chosen: reference_exams(bank, theta, uniforms, chosen),
        "default": lambda chosen: our_exams(
            calibrated, ExamConfig.default(), theta, uniforms, chosen
        ),
        "pix": lambda chosen: our_exams(bank, ExamConfig.pix(), theta, uniforms, chosen),
    }
    times: dict[str, list[float]] = {name: [] for name in (*runs, "catsim")}
    for run in runs.values():  # warm-up: each bank's tables are built at its first exam
        run([0])
    for round_ in range(rounds):
        spent = dict.fromkeys(runs, 0.0)
        steps = dict.fromkeys(runs, 0)
        for index in range(round_ * exams, (round_ + 1) * exams):
            for name, run in runs.items():
                started = clock()
                steps[name] += run([index])
                spent[name] += clock() - started
        for name in runs:
            times[name].append(spent[name] / steps[name] * 1e6)
        started = clock()
        steps_catsim = catsim_exams(bank, catsim_bank, theta, uniforms, [round_ * exams])
        times["catsim"].append((clock() - started) / steps_catsim * 1e6)
    return times


def print_speed(times: dict[str, list[float]], rounds: int, clock_name: str) -> None:
    print(f"one exam at a time, {rounds} interleaved rounds, {clock_name} (median, range over")
    print("rounds; best: the ratio of each engine's fastest round, the least disturbed by load)")
    print(
        f"{'engine':<12}{'µs/step':>10}  {'÷ bare numpy':>22}{'best':>7}  "
        f"{'catsim ÷ engine':>22}{'best':>7}"
    )
    for name, values in times.items():
        print(
            f"{name:<12}{statistics.median(values):>10.1f}  "
            f"{_ratio(values, times['bare numpy']):>22}"
            f"{min(values) / min(times['bare numpy']):>7.2f}  "
            f"{_ratio(times['catsim'], values):>22}{min(times['catsim']) / min(values):>7.2f}"
        )


def _ratio(numerator: list[float], denominator: list[float]) -> str:
    ratios = [n / d for n, d in zip(numerator, denominator, strict=True)]
    return f"{statistics.median(ratios):6.2f} ({min(ratios):.2f}–{max(ratios):.2f})"


def catsim_accuracy(bank, theta: np.ndarray) -> tuple[float, float]:
    simulator = Simulator(_catsim_bank(bank), theta, seed=1)
    simulator.simulate(
        FixedPointInitializer(0.0),
        MaxInfoSelector(r_max=0.25),
        NumericalSearchEstimator(),
        TestLengthStopper(max_items=LENGTH),
    )
    counts = np.bincount(np.concatenate(simulator.administered_items), minlength=len(bank))
    return rmse(np.array(simulator.latest_estimations), theta), float(counts.max() / theta.size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--exams", type=int, default=10, help="exams per engine and round")
    parser.add_argument("--catsim-candidates", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--speed-only", action="store_true", help="skip the accuracy part")
    args = parser.parse_args()

    bank = audit_bank(args.seed)
    started = time.perf_counter()
    calibrated = calibrate_exposure(bank, ExamConfig.default(), seed=args.seed)
    calibration = time.perf_counter() - started
    size = max(args.candidates, args.rounds * args.exams)
    theta = audit_population(size, args.seed)
    uniforms = answer_table(size, len(bank), args.seed)
    print(
        f"bank: {len(bank)} items (16 × 60, a ~ U(0.6, 2.2), b ~ N(0, 1.3)); "
        f"θ ~ N(0.3, 1.1); exposure calibration {calibration:.1f} s\n"
    )

    print(f"load average before: {' '.join(f'{load:.2f}' for load in os.getloadavg())}\n")
    for clock, clock_name in ((time.perf_counter, "wall clock"), (time.process_time, "CPU time")):
        times = speed(bank, calibrated, theta, uniforms, args.rounds, args.exams, clock)
        print_speed(times, args.rounds, clock_name)
        print(f"load average: {' '.join(f'{load:.2f}' for load in os.getloadavg())}\n")

    if args.speed_only:
        return
    population = theta[: args.candidates]
    table = uniforms[: args.candidates]
    rng = np.random.default_rng(args.seed + 5)
    banded = np.concatenate([rng.uniform(low, high, BAND_CANDIDATES) for low, high in BANDS])
    banded_table = answer_table(banded.size, len(bank), args.seed + 1)
    reference = reference_with_table(bank, population, table)
    reference_bands = np.array(band_rmse(reference_with_table(bank, banded, banded_table), banded))
    print(f"\naccuracy, {args.candidates} candidates; per band: {BAND_CANDIDATES} per band")
    labels = "".join(f"{f'[{low},{high})':>9}" for low, high in BANDS)
    print(f"{'engine':<22}{'RMSE':>8}{'÷ bare':>8}{'max exp':>9}   ÷ bare by band {labels}")
    print(f"{'bare numpy':<22}{rmse(reference, population):>8.4f}{1:>8.3f}{1:>9.3f}")
    for name, config, chosen in (
        ("default", ExamConfig.default(), calibrated),
        ("default, no exposure", ExamConfig.default(), bank),
        ("pix", ExamConfig.pix(), bank),
    ):
        estimate, given, _ = engine_batch(chosen, config, population, table)
        in_bands, _, _ = engine_batch(chosen, config, banded, banded_table)
        ratios = np.array(band_rmse(in_bands, banded)) / reference_bands
        print(
            f"{name:<22}{rmse(estimate, population):>8.4f}"
            f"{rmse(estimate, population) / rmse(reference, population):>8.3f}"
            f"{exposure(chosen, given).max():>9.3f}   {'':>15}"
            + "".join(f"{ratio:>9.3f}" for ratio in ratios)
        )
    subset = population[: args.catsim_candidates]
    catsim_rmse, catsim_exposure = catsim_accuracy(bank, subset)
    reference_subset = rmse(reference[: args.catsim_candidates], subset)
    print(
        f"{f'catsim r_max 0.25 (n={subset.size})':<22}{catsim_rmse:>8.4f}"
        f"{catsim_rmse / reference_subset:>8.3f}{catsim_exposure:>9.3f}"
    )


if __name__ == "__main__":
    main()

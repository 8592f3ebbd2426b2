"""Does a 40-item training parcours place students as well as the certification? One run.

    .venv/bin/python benchmarks/training_levels.py [--students 1000] [--seed 0] [--calibrate]

The same simulated students (θ ~ N(0.3, 1.1²); one ability for every competence, then
competences that differ, θ_c = θ + δ_c, δ_c ~ N(0, 0.5²)) take the back-to-school diagnostic
`rentree-tle` (40 items) on the practice bank, and the certification (32 items, default and pix
modes) on the demo certification bank. Printed: the share of (student, competence) pairs whose
level is the level of the true θ_c, for the practice profile and for the certificate
(engine.training_simulation). `--calibrate` gives the default mode its exposure control, as a
sealed bank has it (slower; without it the certification takes its most informative items).
"""

import argparse
import time

from engine import ExamConfig, ItemBank, calibrate_exposure
from engine.bank_source import load_demo_bank
from engine.parcours import find, load_catalogue
from engine.scoring import ScoringConfig
from engine.training import load_practice_bank
from engine.training_simulation import (
    certification_levels,
    population,
    practice_levels,
    true_levels,
)

SPREADS = (0.0, 0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--parcours", default="rentree-tle")
    parser.add_argument("--calibrate", action="store_true")
    args = parser.parse_args()
    practice = load_practice_bank()
    parcours = find(load_catalogue(), args.parcours)
    certification = ItemBank.from_items(load_demo_bank())
    default_bank = (
        calibrate_exposure(certification, ExamConfig.default(), seed=args.seed)
        if args.calibrate
        else certification
    )
    print(
        f"practice bank {len(practice.items)} items, parcours {parcours.id} "
        f"({parcours.max_items} items); certification bank {len(certification)} items; "
        f"{args.students} students, seed {args.seed}"
        + ("; default mode with exposure control" if args.calibrate else ""),
        flush=True,
    )
    for spread in SPREADS:
        truth = population(args.students, spread=spread, seed=args.seed)
        expected = true_levels(truth, ScoringConfig.shipped())
        started = time.perf_counter()
        trained, length = practice_levels(practice, parcours, truth, seed=args.seed)
        print(
            f"spread {spread:<4} practice        {(trained == expected).mean():.3f} "
            f"({length:.1f} items) [{time.perf_counter() - started:.0f} s]",
            flush=True,
        )
        for mode, config, bank in (
            ("default", ExamConfig.default(), default_bank),
            ("pix", ExamConfig.pix(), certification),
        ):
            started = time.perf_counter()
            certified, length = certification_levels(bank, config, truth, seed=args.seed)
            print(
                f"spread {spread:<4} certif. {mode:<7} {(certified == expected).mean():.3f} "
                f"({length:.1f} items) [{time.perf_counter() - started:.0f} s]",
                flush=True,
            )


if __name__ == "__main__":
    main()

"""`pix-engine simulate`: how well the engine measures, and how much it exposes items.

    pix-engine simulate (--synthetic N | --bank SRC) --candidates N --seed S --mode pix|default
                        [--theta-mean M] [--theta-sd SD] [--no-calibrate] [--json]
                        [--report DIR]

`--synthetic N` makes a bank of 16 competences × N items (a ~ lognormal(0, 0.3), b ~ N(0, 1.2));
`--bank SRC` reads a bank source directory, or `demo` for the built-in bank. Candidates' true
abilities are drawn from N(theta-mean, theta-sd²). In default mode the bank's exposure control
is calibrated first (on the standard family of populations, whatever the simulated one), unless
`--no-calibrate`. The figures: RMSE, bias, correlation, mean reported error, the oracle floor
(RMSE with each candidate's 2 best items per competence at his true ability), max and mean
exposure, items used, the fewest items any candidate got in a competence, agreement of certified
and true global levels, and microseconds per exam step. Progress goes to stderr. `--report DIR`
also writes figures (RMSE and bias by θ band, exposure histogram, level agreement matrix) and a
one-page index.html in DIR (engine/commands/simulation_report.py; needs matplotlib).
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from engine.bank_source import BankSourceError, load_bank_source, load_demo_bank
from engine.commands.simulation_report import write_report
from engine.config import ExamConfig
from engine.exposure import calibrate_exposure
from engine.itembank import BankIndexError, ItemBank
from engine.items import ItemError
from engine.simulation import SimulationReport, report, simulate_exams
from engine.synthetic import synthetic_bank

LABELS = {
    "rmse": ("RMSE", "{:.4f}"),
    "bias": ("biais / bias", "{:+.4f}"),
    "correlation": ("corrélation / correlation", "{:.4f}"),
    "mean_reported_error": ("erreur annoncée moyenne / mean reported error", "{:.4f}"),
    "oracle_rmse": ("plancher oracle / oracle floor (RMSE)", "{:.4f}"),
    "rmse_over_oracle": ("RMSE / plancher oracle", "{:.3f}"),
    "max_exposure": ("exposition max / max exposure", "{:.3f}"),
    "mean_exposure": ("exposition moyenne / mean exposure", "{:.3f}"),
    "items_used": ("items utilisés / items used", "{}"),
    "min_items_per_competence": ("min. d'items par compétence / min items per competence", "{}"),
    "level_agreement": ("niveau certifié = vrai niveau / level agreement", "{:.3f}"),
    "microseconds_per_step": ("µs par étape / µs per step", "{:.1f}"),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="simulate exams and measure accuracy and exposure",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--synthetic", type=int, metavar="N", help="synthetic bank, N per competence"
    )
    source.add_argument("--bank", metavar="SRC", help="bank source directory, or `demo`")
    parser.add_argument("--candidates", type=int, default=2000, help="simulated candidates")
    parser.add_argument("--seed", type=int, default=0, help="seed of the whole simulation")
    parser.add_argument("--mode", choices=("pix", "default"), default="default")
    parser.add_argument("--theta-mean", type=float, default=0.0, help="mean of true abilities")
    parser.add_argument("--theta-sd", type=float, default=1.0, help="spread of true abilities")
    parser.add_argument(
        "--no-calibrate", action="store_true", help="default mode without exposure calibration"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--report", type=Path, metavar="DIR", help="write PNGs and index.html")
    parser.set_defaults(func=run)


def _fail(fr: str, en: str) -> int:
    print(f"erreur : {fr} / error: {en}".replace("\n", " "), file=sys.stderr)
    return 1


def _load(args: argparse.Namespace) -> ItemBank:
    if args.synthetic is not None:
        return synthetic_bank(args.synthetic, seed=args.seed)
    items = load_demo_bank() if args.bank == "demo" else load_bank_source(Path(args.bank))
    return ItemBank.from_items(items)


def _progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} ")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    if (
        args.candidates < 2
        or args.theta_sd <= 0
        or (args.synthetic is not None and args.synthetic < 1)
    ):
        return _fail(
            "il faut au moins 2 candidats, un écart type > 0 et N ≥ 1.",
            "need at least 2 candidates, a standard deviation > 0 and N ≥ 1.",
        )
    try:
        bank = _load(args)
    except (BankSourceError, ItemError) as error:
        return _fail(error.message_fr, error.message_en)
    except BankIndexError as error:
        english, french = str(error).split("\n", 1)
        return _fail(french, english)
    config = ExamConfig.pix() if args.mode == "pix" else ExamConfig.default()
    if config.exposure_control and not args.no_calibrate:
        sys.stderr.write("calibration de l'exposition… / calibrating exposure…\n")
        started = time.perf_counter()
        bank = calibrate_exposure(bank, config, seed=args.seed)
        sys.stderr.write(f"  {time.perf_counter() - started:.1f} s\n")
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(args.seed, spawn_key=(5,))))
    theta = rng.normal(args.theta_mean, args.theta_sd, args.candidates)
    simulated = simulate_exams(bank, config, theta, seed=args.seed, progress=_progress)
    figures = report(bank, config, simulated, seed=args.seed)
    if args.json:
        print(json.dumps(figures.to_dict(), indent=2))
    else:
        _print(figures, args)
    if args.report is not None:
        page = write_report(args.report, bank, config, simulated, figures)
        sys.stderr.write(f"rapport / report: {page}\n")
    return 0


def _print(figures: SimulationReport, args: argparse.Namespace) -> None:
    print(
        f"mode {figures.mode}: {figures.candidates} candidats / candidates, "
        f"θ ~ N({args.theta_mean:g}, {args.theta_sd:g}²), "
        f"{figures.items_in_bank} items"
    )
    values = figures.to_dict()
    for key, (label, pattern) in LABELS.items():
        print(f"  {label}: {pattern.format(values[key])}")

"""How often is a certified competence level the true one? Three estimators, one run.

    .venv/bin/python benchmarks/competence_levels.py [--candidates 1000] [--seed 0]

The audit's set-up (benchmarks/audit_setup.py: 16 × 60 bank, θ ~ N(0.3, 1.1), 32 items). Two
truths: one ability for every competence (the model the engine assumes), and competences that
differ (θ_c = θ + δ_c, δ_c ~ N(0, 0.5²)). Each candidate sits the exam of each mode once; then
every estimator reads the same answers:

- eap: today's per-competence EAP, prior N(global capacity, 1);
- global: Pix v3, each competence's intervals applied to the global capacity;
- hierarchical s: θ_c = θ + δ_c, δ_c ~ N(0, s²), level at the posterior mean
  (engine.competence_levels).

Agreement: share of (candidate, competence) pairs whose level equals the level of the true θ_c;
global: share of candidates whose global level equals the level of their true θ.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit_setup import answer_table, audit_bank, audit_population, engine_batch

from engine import ExamConfig, calibrate_exposure
from engine.competence_levels import (
    eap_levels,
    hierarchical_levels,
    levels_from_global,
)
from engine.referential import COMPETENCE_CODES
from engine.scoring import ScoringConfig

SPREADS = (0.0, 0.25, 0.5)
COMPETENCE_SPREAD = 0.5


def _agreement(levels: list[dict[str, int]], truth: np.ndarray, scoring: ScoringConfig) -> float:
    hits = [
        level[code] == scoring.competence_level(code, float(truth[row, index]))
        for row, level in enumerate(levels)
        for index, code in enumerate(COMPETENCE_CODES)
    ]
    return float(np.mean(hits))


def measure(bank, config, truth, global_truth, uniforms, scoring):
    estimates, items, correct = engine_batch(bank, config, truth, uniforms)
    breakpoints = scoring.competence_breakpoints
    prior_sd = config.prior_sd or 1.25  # the default mode's prior, also for a pix-mode exam
    methods: dict[str, list[dict[str, int]]] = {"eap": [], "global": []}
    for spread in SPREADS:
        methods[f"hierarchical {spread}"] = []
    for row in range(truth.shape[0]):
        given = items[row] >= 0
        mine, ok = items[row][given], correct[row][given]
        capacity = float(estimates[row])
        methods["eap"].append(
            eap_levels(
                breakpoints, bank, mine, ok, capacity=capacity, prior_sd=scoring.competence_prior_sd
            )
        )
        methods["global"].append(levels_from_global(breakpoints, capacity))
        for spread in SPREADS:
            methods[f"hierarchical {spread}"].append(
                hierarchical_levels(
                    breakpoints, bank, mine, ok, prior_mean=0.0, prior_sd=prior_sd, spread=spread
                )
            )
    global_agreement = np.mean(
        [
            scoring.global_level(float(e)) == scoring.global_level(float(t))
            for e, t in zip(estimates, global_truth, strict=True)
        ]
    )
    return {name: _agreement(levels, truth, scoring) for name, levels in methods.items()}, float(
        global_agreement
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    scoring = ScoringConfig.shipped()
    bank = audit_bank(args.seed)
    calibrated = calibrate_exposure(bank, ExamConfig.default(), seed=args.seed)
    theta = audit_population(args.candidates, args.seed)
    uniforms = answer_table(args.candidates, len(bank), args.seed)
    spread = np.random.default_rng(args.seed + 3).normal(0, COMPETENCE_SPREAD, (theta.size, 16))
    truths = {
        "one ability": np.repeat(theta[:, None], 16, axis=1),
        f"competences differ (sd {COMPETENCE_SPREAD})": theta[:, None] + spread,
    }
    print(f"{len(bank)} items, {args.candidates} candidates θ ~ N(0.3, 1.1), seed {args.seed}")
    for truth_name, truth in truths.items():
        for mode, config, chosen in (
            ("default", ExamConfig.default(), calibrated),
            ("pix", ExamConfig.pix(), bank),
        ):
            figures, overall = measure(chosen, config, truth, theta, uniforms, scoring)
            shown = "  ".join(f"{name} {value:.3f}" for name, value in figures.items())
            print(f"{truth_name:<30} {mode:<8} global level {overall:.3f} | {shown}", flush=True)


if __name__ == "__main__":
    main()

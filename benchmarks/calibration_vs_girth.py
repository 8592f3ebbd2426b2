"""Calibration of pretest items: our anchored MML beside girth's free MML + mean/sigma linking.

Both on one response matrix, in one run: a synthetic bank of 16 × 30 operational items plus 24
pretest items (a ~ U(0.6, 2.2), b ~ N(0, 1.3)), 2,600 simulated candidates θ ~ N(0.3, 1.1) sitting
default-mode exams with 5 pretest items each (the data of tests/engine/test_calibration.py).
girth cannot hold the operational items' parameters fixed: it fits every item with ≥ 20 answers
freely and is linked to the bank by mean/sigma on the operational ones.
"""

import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "engine"))

from test_calibration import with_pretest  # noqa: E402

from engine import ExamConfig  # noqa: E402
from engine.calibration import calibrate  # noqa: E402
from engine.calibration_simulation import simulated_responses  # noqa: E402
from engine.synthetic import synthetic_bank  # noqa: E402


def figures(name: str, a, b, true_a, true_b, seconds: float) -> None:
    r_b = np.corrcoef(b, true_b)[0, 1]
    r_a = np.corrcoef(a, true_a)[0, 1]
    rmse_b = np.sqrt(np.mean((b - true_b) ** 2))
    rmse_a = np.sqrt(np.mean((a - true_a) ** 2))
    print(
        f"{name:<28} r(b) {r_b:.3f}  r(a) {r_a:.3f}  RMSE b {rmse_b:.3f}  RMSE a {rmse_a:.3f}"
        f"  bias b {np.mean(b - true_b):+.3f}  {seconds:6.1f} s"
    )


def main() -> int:
    from girth import twopl_mml
    from girth.utilities import INVALID_RESPONSE

    truth = with_pretest(synthetic_bank(30, seed=4), 24, seed=5)
    config = dataclasses.replace(ExamConfig.default(), pretest_per_exam=5)
    theta = np.random.default_rng(9).normal(0.3, 1.1, 2600)
    matrix = simulated_responses(truth, config, theta, seed=1)
    pretest = truth.pretest
    print(
        f"answers per pretest item: {matrix.counts[pretest].min()}–{matrix.counts[pretest].max()}"
    )
    print("targets: r(b) ≥ 0.95, r(a) ≥ 0.90 on the bank's scale")

    started = time.perf_counter()
    fit = calibrate(
        matrix,
        np.where(pretest, 1.0, truth.discrimination),
        np.where(pretest, 0.0, truth.difficulty),
        pretest,
    )
    ours = time.perf_counter() - started
    figures(
        "anchored MML (ours)",
        fit.discrimination[pretest],
        fit.difficulty[pretest],
        truth.discrimination[pretest],
        truth.difficulty[pretest],
        ours,
    )

    values = matrix.values
    kept = (
        (matrix.counts >= 20)
        & (np.nansum(values, axis=1) > 0)
        & (np.nansum(1 - values, axis=1) > 0)
    )
    data = np.where(np.isnan(values), INVALID_RESPONSE, values).astype(int)[kept]
    started = time.perf_counter()
    free = twopl_mml(data, {"max_iteration": 200})
    theirs = time.perf_counter() - started
    a, b = free["Discrimination"], free["Difficulty"]
    true_b, true_a, counts = truth.difficulty[kept], truth.discrimination[kept], matrix.counts[kept]
    for floor in (20, 200):  # the anchors used for linking: all, or the better-measured ones
        anchors = ~pretest[kept] & (counts >= floor)
        scale = true_b[anchors].std() / b[anchors].std()
        shift = true_b[anchors].mean() - scale * b[anchors].mean()
        print(
            f"girth anchors with ≥ {floor} answers: {anchors.sum()} items, their own r(b) "
            f"{np.corrcoef(b[anchors], true_b[anchors])[0, 1]:.3f}; mean/sigma A {scale:.3f} "
            f"B {shift:+.3f}"
        )
        linked = pretest[kept]
        figures(
            f"girth + mean/sigma (≥ {floor})",
            a[linked] / scale,
            scale * b[linked] + shift,
            true_a[linked],
            true_b[linked],
            theirs,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

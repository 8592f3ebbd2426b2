"""`pix-engine simulate --report DIR`: the figures of a simulation, for a psychometrician.

Four PNGs and a one-page `index.html` that shows them beside the figures `--json` prints:
RMSE and bias by band of true ability, the histogram of item exposure rates, and the agreement
matrix of certified against true global levels. matplotlib is imported here, when a report is
asked for, and nowhere else in the engine (the `report` extra installs it).
"""

import html
import itertools
from pathlib import Path

import numpy as np

from engine.config import ExamConfig
from engine.itembank import ItemBank
from engine.scoring import ScoringConfig
from engine.simulation import SimulationReport, SimulationRun, exposure_rates

BAND_EDGES = np.arange(-3.0, 4.0, 1.0)  # bands (−∞, −3), [−3, −2), … [2, 3), [3, ∞)


def band_figures(run: SimulationRun) -> list[dict[str, float | int | str]]:
    """Candidates, RMSE and bias per band of true ability."""
    band = np.searchsorted(BAND_EDGES, run.theta, side="right")
    labels = [
        f"< {BAND_EDGES[0]:g}",
        *(f"[{low:g}, {high:g})" for low, high in itertools.pairwise(BAND_EDGES)),
        f"≥ {BAND_EDGES[-1]:g}",
    ]
    figures = []
    for index, label in enumerate(labels):
        members = band == index
        if not members.any():
            continue
        error = run.estimate[members] - run.theta[members]
        figures.append(
            {
                "band": label,
                "candidates": int(members.sum()),
                "rmse": float(np.sqrt(np.mean(error**2))),
                "bias": float(np.mean(error)),
            }
        )
    return figures


def level_agreement_matrix(run: SimulationRun) -> np.ndarray:
    """Counts of (true global level, certified global level), levels 0 … 7."""
    scoring = ScoringConfig.shipped()
    matrix = np.zeros((8, 8), dtype=int)
    for estimate, theta in zip(run.estimate, run.theta, strict=True):
        matrix[scoring.global_level(float(theta)), scoring.global_level(float(estimate))] += 1
    return matrix


def write_report(
    directory: Path,
    bank: ItemBank,
    config: ExamConfig,
    run: SimulationRun,
    figures: SimulationReport,
) -> Path:
    """The PNGs and index.html in `directory` (created if need be); the page's path."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    directory.mkdir(parents=True, exist_ok=True)
    bands = band_figures(run)
    names = [str(band["band"]) for band in bands]

    fig, axis = pyplot.subplots(figsize=(7, 4))
    axis.bar(names, [band["rmse"] for band in bands], color="#3b6ea5")
    axis.axhline(figures.rmse, color="black", linestyle="--", label=f"overall {figures.rmse:.3f}")
    axis.set_xlabel("true θ band / bande de θ vrai")
    axis.set_ylabel("RMSE")
    axis.set_title(f"RMSE by θ band ({figures.mode} mode, {figures.candidates} candidates)")
    axis.legend()
    _save(fig, directory / "rmse-by-theta.png", pyplot)

    fig, axis = pyplot.subplots(figsize=(7, 4))
    axis.bar(names, [band["bias"] for band in bands], color="#a55b3b")
    axis.axhline(0, color="black", linewidth=0.8)
    axis.set_xlabel("true θ band / bande de θ vrai")
    axis.set_ylabel("bias (estimate − true θ)")
    axis.set_title("Bias by θ band / biais par bande de θ")
    _save(fig, directory / "bias-by-theta.png", pyplot)

    rates = exposure_rates(bank, run)
    fig, axis = pyplot.subplots(figsize=(7, 4))
    axis.hist(rates, bins=40, color="#4f8f4f")
    axis.axvline(rates.max(), color="black", linestyle="--", label=f"max {rates.max():.3f}")
    if bank.exposure is not None and config.exposure_control:
        axis.axvline(bank.exposure.target, color="red", label=f"target {bank.exposure.target:g}")
    axis.set_xlabel("exposure rate (share of candidates) / taux d'exposition")
    axis.set_ylabel("items")
    axis.set_title(f"Item exposure ({int((rates > 0).sum())} of {len(bank)} items used)")
    axis.legend()
    _save(fig, directory / "exposure-histogram.png", pyplot)

    matrix = level_agreement_matrix(run)
    fig, axis = pyplot.subplots(figsize=(6, 5.2))
    image = axis.imshow(matrix, cmap="Blues")
    for (true_level, certified), count in np.ndenumerate(matrix):
        if count:
            colour = "white" if count > matrix.max() / 2 else "black"
            axis.text(certified, true_level, str(count), ha="center", va="center", color=colour)
    axis.set_xticks(range(8))
    axis.set_yticks(range(8))
    axis.set_xlabel("certified global level / niveau certifié")
    axis.set_ylabel("true global level / niveau vrai")
    axis.set_title(f"Level agreement {figures.level_agreement:.1%}")
    fig.colorbar(image, ax=axis, label="candidates")
    _save(fig, directory / "level-agreement.png", pyplot)

    page = directory / "index.html"
    page.write_text(_page(figures, bands), encoding="utf-8")
    return page


def _save(fig, path: Path, pyplot) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    pyplot.close(fig)


def _page(figures: SimulationReport, bands: list[dict[str, float | int | str]]) -> str:
    rows = "".join(
        f"<tr><th>{html.escape(key)}</th><td>{html.escape(_shown(value))}</td></tr>"
        for key, value in figures.to_dict().items()
    )
    band_rows = "".join(
        f"<tr><td>{html.escape(str(band['band']))}</td><td>{band['candidates']}</td>"
        f"<td>{band['rmse']:.4f}</td><td>{band['bias']:+.4f}</td></tr>"
        for band in bands
    )
    title = f"Simulation — {figures.mode} mode, {figures.candidates} candidates"
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; max-width: 72em; }}
table {{ border-collapse: collapse; margin-bottom: 1em; }}
th, td {{ border: 1px solid #bbb; padding: 0.2em 0.6em; text-align: left; }}
.grid {{ display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }}
img {{ max-width: 100%; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p>{figures.items_in_bank} items. Figures as <code>pix-engine simulate --json</code> prints them.
</p>
<div class="grid"><div>
<h2>Chiffres / Figures</h2><table>{rows}</table>
</div><div>
<h2>Par bande de θ / By θ band</h2>
<table><tr><th>θ</th><th>n</th><th>RMSE</th><th>bias</th></tr>{band_rows}</table>
</div>
<img src="rmse-by-theta.png" alt="RMSE by band of true ability">
<img src="bias-by-theta.png" alt="Bias by band of true ability">
<img src="exposure-histogram.png" alt="Histogram of item exposure rates">
<img src="level-agreement.png" alt="Certified against true global level">
</div>
</body></html>
"""


def _shown(value: float | int | str) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)

"""`pix-engine simulate --report DIR`: PNGs and a one-page HTML beside an unchanged JSON."""

import json

from engine.commands import main as pix_engine

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FIGURES = (
    "rmse-by-theta.png",
    "bias-by-theta.png",
    "exposure-histogram.png",
    "level-agreement.png",
)


def simulate(capsys, *extra: str) -> dict:
    args = ["simulate", "--synthetic", "4", "--candidates", "80", "--seed", "3", "--json"]
    assert pix_engine([*args, "--no-calibrate", *extra]) == 0
    figures = json.loads(capsys.readouterr().out)
    figures.pop("microseconds_per_step")  # a timing, the only figure that may differ
    return figures


def test_the_report_writes_its_figures_and_page_and_leaves_the_json_as_it_was(capsys, tmp_path):
    plain = simulate(capsys)
    report = tmp_path / "report"
    assert simulate(capsys, "--report", str(report)) == plain
    for name in FIGURES:
        data = (report / name).read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 10_000
    page = (report / "index.html").read_text("utf-8")
    for name in FIGURES:
        assert f'src="{name}"' in page
    assert f"{plain['rmse']:.4f}" in page and "By θ band" in page

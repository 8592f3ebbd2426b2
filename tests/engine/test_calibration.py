"""Calibration: pretest items recovered from simulated exams, and `pix-engine calibrate` end to
end on a bank source (a new version written beside it, the source untouched)."""

import csv
import dataclasses
import json
import shutil
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from engine import ExamConfig
from engine.bank_source import load_bank_source
from engine.calibration import ResponseMatrix, calibrate
from engine.calibration_simulation import simulated_responses
from engine.commands import main as pix_engine
from engine.itembank import ItemBank
from engine.synthetic import synthetic_bank


def with_pretest(bank: ItemBank, count: int, seed: int) -> ItemBank:
    """`bank` plus `count` pretest items drawn as the audit drew its bank (a ~ U(0.6, 2.2),
    b ~ N(0, 1.3))."""
    rng = np.random.default_rng(seed)
    codes = bank.competence_codes
    ids = [f"p{number:03d}" for number in range(count)]
    return ItemBank.from_arrays(
        [*bank.ids, *ids],
        [*codes, *(codes[number % len(codes)] for number in range(count))],
        [*bank.discrimination, *rng.uniform(0.6, 2.2, count)],
        [*bank.difficulty, *rng.normal(0, 1.3, count)],
        tubes=[*(bank.tube_names[t] for t in bank.tube), *ids],
        skills=[*(bank.skill_names[s] for s in bank.skill), *ids],
        pretest=[False] * len(bank) + [True] * count,
    )


@pytest.mark.slow
def test_pretest_items_with_500_answers_are_recovered_on_the_banks_scale():
    truth = with_pretest(synthetic_bank(30, seed=4), 24, seed=5)
    config = dataclasses.replace(ExamConfig.default(), pretest_per_exam=5)
    theta = np.random.default_rng(9).normal(0.3, 1.1, 2600)
    matrix = simulated_responses(truth, config, theta, seed=1)
    # What authors would have written before any data: a = 1, b = 0 for every pretest item.
    start_a = np.where(truth.pretest, 1.0, truth.discrimination)
    start_b = np.where(truth.pretest, 0.0, truth.difficulty)
    fit = calibrate(matrix, start_a, start_b, truth.pretest)
    pretest = fit.calibrated
    assert pretest.sum() == 24 and fit.responses[pretest].min() >= 500
    r_b = np.corrcoef(fit.difficulty[pretest], truth.difficulty[pretest])[0, 1]
    r_a = np.corrcoef(fit.discrimination[pretest], truth.discrimination[pretest])[0, 1]
    assert r_b >= 0.95 and r_a >= 0.90
    # The scale is the bank's, not the population's: no linking bias.
    assert abs(np.mean(fit.difficulty[pretest] - truth.difficulty[pretest])) < 0.1
    assert fit.latent_mean == pytest.approx(0.3, abs=0.1)
    assert fit.latent_sd == pytest.approx(1.1, abs=0.1)
    # Anchors keep their values; standard errors are about the errors made.
    assert np.array_equal(fit.difficulty[~truth.pretest], truth.difficulty[~truth.pretest])
    errors = fit.difficulty[pretest] - truth.difficulty[pretest]
    assert 0.5 < np.sqrt(np.mean(errors**2)) / np.mean(fit.se_difficulty[pretest]) < 2
    assert np.all(fit.fit_rmsd[pretest] < 0.1)


def test_a_misfitting_or_drifted_item_is_flagged():
    rng = np.random.default_rng(2)
    theta = rng.normal(0, 1, 3000)
    a = rng.uniform(0.7, 1.8, 31)
    b = rng.normal(0, 1, 31)
    truth_b = b.copy()
    truth_b[6] += 1.0  # an anchor that became harder since the bank was written
    p = 1 / (1 + np.exp(a[:, None] * (truth_b[:, None] - theta[None, :])))
    values = (rng.random(p.shape) < p).astype(float)
    values[30] = (rng.random(theta.size) < 0.5).astype(float)  # answered at random: no fit
    pretest = np.arange(31) == 30
    fit = calibrate(ResponseMatrix(tuple(f"i{n}" for n in range(31)), values), a, b, pretest)
    z = fit.drift_z()
    assert abs(z[6]) > 10 and np.sum(np.abs(z[:30]) > 3) == 1
    assert fit.discrimination[30] < 0.2  # no discrimination left to find
    assert fit.fit_rmsd[6] > fit.fit_rmsd[:30][np.arange(30) != 6].max()


def test_unknown_statuses_are_refused_and_focused_out_is_left_out():
    matrix = ResponseMatrix.from_rows(
        ["x", "y"], [("e1", "x", "ok"), ("e1", "y", "focusedOut"), ("e2", "y", "ko")]
    )
    assert matrix.counts.tolist() == [1, 1] and matrix.ignored == 0
    assert ResponseMatrix.from_rows(["x"], [("e1", "z", "ok")]).ignored == 1
    with pytest.raises(ValueError, match="statut inconnu"):
        ResponseMatrix.from_rows(["x"], [("e1", "x", "maybe")])


def test_calibrate_writes_a_new_bank_version_and_never_overwrites(tmp_path, capsys):
    source = tmp_path / "bank-v1"
    shutil.copytree(Path(str(resources.files("engine.demo_bank"))), source)
    flagged = json.loads((source / "2.1.json").read_text("utf-8"))
    for entry in flagged[:3]:
        entry["pretest"] = True
    (source / "2.1.json").write_text(json.dumps(flagged, ensure_ascii=False), "utf-8")
    before = {path.name: path.read_bytes() for path in source.glob("*.json")}
    items = load_bank_source(source)
    bank = ItemBank.from_items(items)
    config = dataclasses.replace(ExamConfig.default(), pretest_per_exam=2)
    theta = np.random.default_rng(4).normal(0, 1, 600)
    matrix = simulated_responses(bank, config, theta, seed=3)
    responses = tmp_path / "responses.csv"
    with responses.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["exam_key", "item_id", "status", "pretest", "bank_version", "position"])
        for row, column in zip(*np.nonzero(~np.isnan(matrix.values)), strict=True):
            status = "ok" if matrix.values[row, column] else "ko"
            writer.writerow([f"e{column}", bank.ids[row], status, "", "sha256:x", ""])
    out = tmp_path / "bank-v2"
    args = ["calibrate", "--bank", str(source), "--responses", str(responses), "--out", str(out)]
    assert pix_engine([*args, "--min-responses", "100", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["pretest_calibrated"] == 3
    assert before == {path.name: path.read_bytes() for path in source.glob("*.json")}
    new = {item.id: item for item in load_bank_source(out)}
    old = {item.id: item for item in items}
    changed = {item_id for item_id in new if new[item_id] != old[item_id]}
    assert changed == {entry["id"] for entry in flagged[:3]}
    assert all(new[item_id].pretest for item_id in changed)
    assert json.loads((tmp_path / "bank-v2.calibration.json").read_text("utf-8")) == report
    assert report["rows_ignored"] == 0
    assert pix_engine(args) == 1
    assert "never over one" in capsys.readouterr().err


def test_calibrate_explains_a_response_file_it_cannot_read(tmp_path, capsys):
    source = Path(str(resources.files("engine.demo_bank")))
    bad = tmp_path / "responses.csv"
    bad.write_text("exam_key,item_id,status\ne1,rech-moteur-01,maybe\n", "utf-8")
    out = tmp_path / "v2"
    args = ["calibrate", "--bank", str(source), "--responses", str(bad), "--out", str(out)]
    assert pix_engine(args) == 1
    error = capsys.readouterr().err
    assert "matrice de réponses illisible" in error and "unreadable response matrix" in error
    assert not out.exists()
    bad.write_text("no,header,here\n1,2,3\n", "utf-8")
    assert pix_engine(args) == 1
    assert "unreadable response matrix" in capsys.readouterr().err

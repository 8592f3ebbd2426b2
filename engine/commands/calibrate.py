"""`pix-engine calibrate`: fit the pretest items of a bank from collected answers.

    pix-engine calibrate --bank SRC --responses FILE --out DIR [--min-responses N] [--json]

`--responses` is the response matrix `pix-server export --format responses` writes (CSV, or
the JSON of `--format responses-json`). The operational items are the anchors: their a and b
stay as SRC has them, so the pretest items come out on the bank's scale (engine.calibration).
DIR, which must not exist, receives a new bank source for review: a copy of SRC where every
pretest item with at least N answers carries its fitted a and b (it stays `pretest` until a
reviewer promotes it). Beside it, DIR.calibration.json holds the report: per item its answers,
a and b with their standard errors, the item-fit RMSD, and for the anchors their drift (a free
re-estimate beside the bank's values, and z = Δb / SE). SRC is never modified.
"""

import argparse
import csv
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np

from engine.bank_source import BankSourceError, load_bank_source
from engine.calibration import Calibration, ResponseMatrix, calibrate
from engine.items import ItemError

MISFIT_RMSD = 0.1
DRIFT_Z = 3.0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "calibrate",
        help="fit the pretest items' 2PL parameters from a response matrix",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--bank", required=True, type=Path, metavar="SRC", help="bank source")
    parser.add_argument("--responses", required=True, type=Path, metavar="FILE")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="new bank source")
    parser.add_argument("--min-responses", type=int, default=200, metavar="N")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(func=run)


def _fail(fr: str, en: str) -> int:
    print(f"erreur : {fr} / error: {en}".replace("\n", " "), file=sys.stderr)
    return 1


def read_response_rows(path: Path) -> list[tuple[str, str, str]]:
    """(exam key, item id, status) rows of an exported response matrix, CSV or JSON."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        records = json.loads(text)
    else:
        records = list(csv.DictReader(text.splitlines()))
    return [(str(r["exam_key"]), str(r["item_id"]), str(r["status"])) for r in records]


def run(args: argparse.Namespace) -> int:
    if args.out.exists():
        return _fail(
            f"{args.out} existe déjà : la calibration écrit une nouvelle version, "
            "jamais par-dessus",
            f"{args.out} already exists: calibration writes a new version, never over one",
        )
    if args.min_responses < 1:
        return _fail("--min-responses doit être ≥ 1", "--min-responses must be ≥ 1")
    try:
        items = load_bank_source(args.bank)
    except (BankSourceError, ItemError) as error:
        return _fail(error.message_fr, error.message_en)
    try:
        rows = read_response_rows(args.responses)
        matrix = ResponseMatrix.from_rows([item.id for item in items], rows)
    except (OSError, ValueError, KeyError, TypeError) as error:
        return _fail(
            f"matrice de réponses illisible ({error!r})",
            f"unreadable response matrix ({error!r})",
        )
    pretest = np.array([item.pretest for item in items])
    fit = calibrate(
        matrix,
        np.array([item.discrimination for item in items]),
        np.array([item.difficulty for item in items]),
        pretest,
        min_responses=args.min_responses,
    )
    write_bank_version(args.bank, args.out, fit)
    report = calibration_report(fit, args.min_responses)
    report["rows_ignored"] = matrix.ignored
    args.out.with_name(args.out.name + ".calibration.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        _print(report, args.out)
    return 0


def write_bank_version(source: Path, out: Path, fit: Calibration) -> None:
    """A copy of the source at `out`, the calibrated pretest items carrying their new a and b."""
    shutil.copytree(source, out)
    fitted = {
        item_id: (round(float(a), 3), round(float(b), 3))
        for item_id, a, b, done in zip(
            fit.item_ids, fit.discrimination, fit.difficulty, fit.calibrated, strict=True
        )
        if done
    }
    for path in sorted(out.glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        touched = [entry for entry in entries if entry.get("id") in fitted]
        for entry in touched:
            entry["discrimination"], entry["difficulty"] = fitted[entry["id"]]
        if touched:
            path.write_text(json.dumps(entries, indent=2, ensure_ascii=False) + "\n", "utf-8")
    load_bank_source(out)  # the new version must load as any source does


def calibration_report(fit: Calibration, min_responses: int) -> dict[str, Any]:
    """The figures a reviewer reads: the fit of each item and the drift of the anchors (flags
    only for items with at least `min_responses` answers: below, the figures are noise)."""
    z = fit.drift_z()
    items = []
    for index, item_id in enumerate(fit.item_ids):
        entry: dict[str, Any] = {
            "item_id": item_id,
            "pretest": bool(fit.pretest[index]),
            "responses": int(fit.responses[index]),
            "discrimination": _number(fit.discrimination[index]),
            "difficulty": _number(fit.difficulty[index]),
            "se_discrimination": _number(fit.se_discrimination[index]),
            "se_difficulty": _number(fit.se_difficulty[index]),
            "fit_rmsd": _number(fit.fit_rmsd[index]),
        }
        if fit.pretest[index]:
            entry["calibrated"] = bool(fit.calibrated[index])
        else:
            entry["drift"] = {
                "free_discrimination": _number(fit.free_discrimination[index]),
                "free_difficulty": _number(fit.free_difficulty[index]),
                "z_difficulty": _number(z[index]),
            }
        items.append(entry)
    anchors = ~fit.pretest & (fit.responses >= min_responses)
    return {
        "method": "fixed-item-parameter MML-EM (operational items anchored)",
        "cycles": fit.cycles,
        "latent_mean": fit.latent_mean,
        "latent_sd": fit.latent_sd,
        "pretest_calibrated": int(fit.calibrated.sum()),
        "pretest_too_few_responses": int((fit.pretest & ~fit.calibrated).sum()),
        "misfit_items": sorted(
            item_id
            for item_id, rmsd, counted in zip(
                fit.item_ids, fit.fit_rmsd, fit.calibrated | anchors, strict=True
            )
            if counted and rmsd >= MISFIT_RMSD
        ),
        "drifting_anchors": sorted(
            item_id
            for item_id, value, counted in zip(fit.item_ids, z, anchors, strict=True)
            if counted and abs(value) >= DRIFT_Z
        ),
        "items": items,
    }


def _number(value: float) -> float | None:
    return round(float(value), 4) if np.isfinite(value) else None


def _print(report: dict[str, Any], out: Path) -> None:
    print(
        f"{report['pretest_calibrated']} items prétest calibrés / pretest items calibrated, "
        f"{report['pretest_too_few_responses']} avec trop peu de réponses / with too few answers"
    )
    print(
        f"  population : moyenne / mean {report['latent_mean']:+.3f}, "
        f"écart type / sd {report['latent_sd']:.3f} ({report['cycles']} cycles EM)"
    )
    for entry in report["items"]:
        if entry["pretest"] and entry["calibrated"]:
            print(
                f"  {entry['item_id']}: n={entry['responses']} "
                f"a={entry['discrimination']:.3f} (±{entry['se_discrimination']:.3f}) "
                f"b={entry['difficulty']:+.3f} (±{entry['se_difficulty']:.3f}) "
                f"RMSD={entry['fit_rmsd']:.3f}"
            )
    print(f"  inadéquats / misfitting (RMSD ≥ {MISFIT_RMSD}): {report['misfit_items'] or '-'}")
    print(f"  dérive / drifting anchors (|z| ≥ {DRIFT_Z}): {report['drifting_anchors'] or '-'}")
    if report["rows_ignored"]:
        print(
            f"  {report['rows_ignored']} réponses à des items absents de la banque, ignorées / "
            "answers to items not in the bank, ignored"
        )
    print(f"nouvelle version / new version: {out} (rapport / report: {out}.calibration.json)")

"""A fingerprint of what the engine decides: run it before and after a change meant to keep
every item, estimate and bit (a speed change), on the same machine; the two must print the same.

    .venv/bin/python benchmarks/engine_fingerprint.py

It hashes, exam by exam and answer by answer, the item presented, the capacity and the error
(their exact bits), each result, and the estimates and items of batches (`Cohort`, as
simulations and calibration run it): 576 exams through `Exam` in both modes, with exposure
control (fixed random parameters: no calibration, so that a change to the calibration does not
move it), accessibility needs, live-alert replacements, pretest items, every answer status,
banks with tubes, skills and twins (identical items) and one of steep items (Pix's product
underflows), and 4 × 150 exams in batches.
"""

import hashlib
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit_setup import answer_table, audit_bank, audit_population, engine_batch

from engine import Exam, ExamConfig
from engine.itembank import ExposureParameters, ItemBank
from engine.referential import COMPETENCE_CODES

EXAMS = 72
STATUSES = ("ko", "aband", "focusedOut", "timedout")


def priced(bank: ItemBank, seed: int) -> ItemBank:
    """`bank` with random exposure parameters (half-unit strata from −3 to 3)."""
    rng = np.random.default_rng(seed)
    edges = tuple(float(edge) for edge in np.arange(-3.0, 3.01, 0.5))
    return bank.with_exposure(
        ExposureParameters(
            edges,
            rng.uniform(0.15, 1.0, (len(bank), len(edges) + 1)),
            rng.uniform(0.0, 0.15, len(bank)),
            0.25,
        )
    )


def grouped_bank(seed: int) -> ItemBank:
    """16 × 15 items in tubes of 3 and skills of 2 tubes, a third of them not accessible, pairs
    of identical items, and 2 pretest items per competence."""
    rng = np.random.default_rng(seed)
    ids, competences, tubes, skills, a, b, accessible, pretest = ([] for _ in range(8))
    for code in COMPETENCE_CODES:
        for index in range(15):
            ids.append(f"g{code}-{index:02d}")
            competences.append(code)
            tubes.append(f"g{code}-t{index // 3}")
            skills.append(f"g{code}-s{index // 6}")
            twin = index % 5 == 1  # the same parameters as the item before it
            a.append(a[-1] if twin else float(rng.uniform(0.5, 2.5)))
            b.append(b[-1] if twin else float(rng.normal(0.0, 1.3)))
            accessible.append(index % 3 != 0)
            pretest.append(index >= 13)
    return ItemBank(ids, competences, a, b, tubes, skills, accessible, pretest=pretest)


def steep_bank(seed: int) -> ItemBank:
    """16 × 10 items of discriminations 40 to 50 (answered right and wrong in turn, Pix's
    product underflows: the log-space posterior takes over)."""
    rng = np.random.default_rng(seed)
    ids = [f"s{code}-{index}" for code in COMPETENCE_CODES for index in range(10)]
    competences = [code for code in COMPETENCE_CODES for _ in range(10)]
    return ItemBank.from_arrays(
        ids, competences, rng.uniform(40.0, 50.0, len(ids)), rng.normal(0.0, 1.0, len(ids))
    )


def exams(digest, bank: ItemBank, config: ExamConfig, theta, uniforms, rng, steep: bool) -> None:
    for index in range(EXAMS):
        exam = Exam(
            bank,
            config,
            f"fingerprint:{index}" if index % 3 else index,
            accessibility_needs=index % 7 == 0,
        )
        answered = 0
        while (item_id := exam.next_item()) is not None:
            if rng.random() < 0.03:
                exam.replace(item_id)
                continue
            item = bank.position[item_id]
            p = 1 / (1 + np.exp(bank.discrimination[item] * (bank.difficulty[item] - theta[index])))
            right = answered % 2 if steep else uniforms[index, item] < p  # steep: in turn
            exam.record(item_id, "ok" if right else STATUSES[answered % 4])
            answered += 1
            # Every other exam reads its error only at the end (the result): a lazy error must
            # come out the same whichever answers it was read after.
            error = repr(exam.error) if index % 2 else ""
            digest.update(f"{item_id}{exam.capacity!r}{error}".encode())
        digest.update(repr(exam.result().to_dict()).encode())


def main() -> None:
    digest = hashlib.sha256()
    audit = audit_bank(3)
    grouped = grouped_bank(4)
    theta = audit_population(EXAMS, 1)
    uniforms = answer_table(150, len(audit), 1)
    rng = np.random.default_rng(5)
    pretest = ExamConfig.from_dict({**ExamConfig.default().to_dict(), "pretest_per_exam": 2})
    runs = (
        (priced(audit, 6), ExamConfig.default()),
        (audit, ExamConfig.default()),
        (audit, ExamConfig.pix()),
        (priced(grouped, 7), ExamConfig.default()),
        (grouped, ExamConfig.pix()),
        (priced(grouped, 8), pretest),
        (steep_bank(9), ExamConfig.pix()),
        (steep_bank(9), ExamConfig.default()),
    )
    for number, (bank, config) in enumerate(runs):
        exams(digest, bank, config, theta, uniforms, rng, steep=number >= 6)
    for bank, config in (*runs[:3], runs[6]):
        estimate, given, correct = engine_batch(bank, config, theta[:50].repeat(3), uniforms)
        digest.update(estimate.tobytes() + given.tobytes() + correct.tobytes())
    print(digest.hexdigest())


if __name__ == "__main__":
    main()

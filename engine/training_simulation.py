"""Simulated students: does a training profile place them as well as a certification does?

The same students — a true level per competence — take, in one run, a parcours on the practice
bank (engine.training: adaptive selection, then the practice profile) and a certification exam on
a certification bank (engine.exam.Cohort, levels as engine.scoring gives them). Answers are drawn
from the 2PL model at the student's true ability in the item's competence. Agreement is the
share of (student, competence) pairs whose level is the level of the true ability, by the
competence breakpoints of the shipped scoring configuration. docs/psychometrics.md gives figures.
"""

from dataclasses import dataclass

import numpy as np

from engine.config import ExamConfig
from engine.estimation import probability_correct
from engine.exam import Cohort
from engine.itembank import ItemBank
from engine.parcours import Parcours
from engine.referential import COMPETENCE_CODES
from engine.scoring import ScoringConfig, competence_levels
from engine.training import PracticeBank, next_training_item, practice_profile


@dataclass(frozen=True)
class LevelAgreement:
    """Share of competence levels equal to the true one, for practice and certification."""

    students: int
    practice: float
    certification: float
    practice_items: float  # mean answers per parcours run
    certification_items: float

    def to_dict(self) -> dict[str, float | int]:
        return dict(self.__dict__)


def true_levels(truth: np.ndarray, scoring: ScoringConfig) -> np.ndarray:
    """[student, competence]: the level of each true ability."""
    return np.array(
        [
            [
                scoring.competence_level(code, float(row[c]))
                for c, code in enumerate(COMPETENCE_CODES)
            ]
            for row in truth
        ]
    )


def practice_levels(
    bank: PracticeBank, parcours: Parcours, truth: np.ndarray, *, seed: int
) -> tuple[np.ndarray, float]:
    """Each student's profile levels after one run of `parcours`, and the mean run length."""
    draws = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(21,))))
    levels, lengths = [], []
    for student, ability in enumerate(truth):
        answered: list[tuple[str, bool]] = []
        while (
            item_id := next_training_item(bank, parcours, answered, f"{seed}:{student}")
        ) is not None:
            position = bank.index.position[item_id]
            p = probability_correct(
                ability[bank.index.competence[position]],
                bank.index.discrimination[position],
                bank.index.difficulty[position],
            )
            answered.append((item_id, bool(draws.random() < p)))
        profile = practice_profile(bank, answered)
        levels.append([profile.levels[code] for code in COMPETENCE_CODES])
        lengths.append(len(answered))
    return np.array(levels), float(np.mean(lengths))


def certification_levels(
    bank: ItemBank, config: ExamConfig, truth: np.ndarray, *, seed: int
) -> tuple[np.ndarray, float]:
    """Each candidate's certified competence levels after one exam, and the mean exam length."""
    size = truth.shape[0]
    draws = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(22,))))
    cohort = Cohort(bank, config, [f"training-simulation:{seed}:{index}" for index in range(size)])
    given = np.full((size, config.length), -1, dtype=np.intp)
    correct = np.zeros((size, config.length), dtype=bool)
    rows = np.arange(size)
    for step in range(config.length):
        chosen = cohort.select(rows)
        going = chosen >= 0
        rows, chosen = rows[going], chosen[going]
        if rows.size == 0:
            break
        ability = truth[rows, bank.competence[chosen]]
        p = probability_correct(ability, bank.discrimination[chosen], bank.difficulty[chosen])
        success = draws.random(rows.size) < p
        cohort.answer(rows, chosen, success)
        given[rows, step] = chosen
        correct[rows, step] = success
    scoring = ScoringConfig.shipped()
    levels = []
    for row in range(size):
        mine = given[row] >= 0
        found = competence_levels(
            scoring, config, float(cohort.capacity[row]), bank, given[row][mine], correct[row][mine]
        )
        levels.append([found[code] for code in COMPETENCE_CODES])
    return np.array(levels), float((given >= 0).sum(axis=1).mean())


def compare(
    practice: PracticeBank,
    parcours: Parcours,
    certification: ItemBank,
    config: ExamConfig,
    truth: np.ndarray,
    *,
    seed: int,
) -> LevelAgreement:
    """Level agreement of a practice run and of a certification, for the same students."""
    expected = true_levels(truth, ScoringConfig.shipped())
    trained, practice_items = practice_levels(practice, parcours, truth, seed=seed)
    certified, certification_items = certification_levels(certification, config, truth, seed=seed)
    return LevelAgreement(
        students=int(truth.shape[0]),
        practice=float(np.mean(trained == expected)),
        certification=float(np.mean(certified == expected)),
        practice_items=practice_items,
        certification_items=certification_items,
    )


def population(size: int, *, spread: float, seed: int) -> np.ndarray:
    """[student, competence] true abilities: θ ~ N(0.3, 1.1²) (the audit's population), plus a
    per-competence deviation δ_c ~ N(0, spread²) (0: one ability for every competence)."""
    rng = np.random.default_rng(seed)
    theta = rng.normal(0.3, 1.1, size)
    return theta[:, None] + rng.normal(0.0, spread, (size, len(COMPETENCE_CODES)))

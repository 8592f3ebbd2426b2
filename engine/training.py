"""Training on the practice bank: the next question of a parcours, the correction, the profile.

Pure and deterministic: the same bank, parcours, answers and seed give the same next item, so a
server can recompute it at any time (resuming is recomputing). The student's level is estimated
as the certification's default mode does (engine.competence_levels, hierarchical model: a global
ability and, for each competence, θ_c = θ + δ_c), from every answer given so far:

- **Selection** (`next_training_item`): among the competences of the parcours, the one asked
  least in this run (then the least certain, then a seeded draw); in it, preferably a tube not
  asked yet, the item most informative at the competence's current estimate — near the
  student's level — drawn among the best few so that two students of one level do not get the
  same run. Items answered in this run are never asked again; items seen in earlier practice
  only when nothing fresh is left.
- **Stopping**: after `max_items` answers, or once every competence of the parcours has at least
  `MIN_ANSWERS_FOR_PRECISION` answers and a posterior standard deviation ≤ `PRECISION_SD`.
- **Profile** (`practice_profile`): from all the student's practice answers, the level (0–7) of
  each competence answered at least once by the scoring configuration's competence breakpoints
  (0 when never answered), the Pix score (8 pix per level, as Pix counts its profile) and
  certifiability (at least 5 competences at level ≥ 1).

Answers to items the bank does not hold (an item retired from a later edition) are left out.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import numpy as np

from engine.answers import check_answer
from engine.bank_source import BankSourceError, bank_purpose, load_bank_source
from engine.canonical import BilingualError
from engine.competence_levels import hierarchical_posteriors
from engine.config import ExamConfig
from engine.estimation import DEFAULT_GRID, DEFAULT_PRIOR_SD, probability_correct
from engine.itembank import ItemBank
from engine.items import Item, ItemType
from engine.parcours import Parcours, parcours_positions
from engine.referential import COMPETENCE_CODES
from engine.scoring import ScoringConfig
from engine.selection import seed_entropy
from engine.shown_item import shown_item

__all__ = [
    "CERTIFIABLE_COMPETENCES",
    "PracticeBank",
    "Profile",
    "check_practice_answer",
    "correction",
    "load_practice_bank",
    "next_training_item",
    "practice_profile",
    "public_item",
]

CERTIFIABLE_COMPETENCES = 5  # competences at level ≥ 1 that make a profile certifiable
PIX_PER_LEVEL = 8
PRECISION_SD = 0.3
MIN_ANSWERS_FOR_PRECISION = 3
DRAW_WEIGHTS = (0.8, 0.2)  # between the two most informative items

Answered = Sequence[tuple[str, bool]]


class PracticeError(BilingualError):
    """An item id the practice bank does not hold (`code` "unknown_item")."""


@dataclass(frozen=True)
class PracticeBank:
    """The practice items by id and their selection index (every item has purpose "practice")."""

    items: Mapping[str, Item]
    index: ItemBank = field(repr=False)

    @classmethod
    def of(cls, items: Sequence[Item], source: str = "practice bank") -> "PracticeBank":
        """A practice bank of these items; BankSourceError if they are not all practice items."""
        if bank_purpose(items, source) != "practice":
            raise BankSourceError(
                source,
                "this is a certification bank: its items are never shown in practice",
                "c'est une banque de certification : ses items ne sont jamais montrés en "
                "entraînement",
            )
        return cls({item.id: item for item in items}, ItemBank.from_items(items))

    def item(self, item_id: str) -> Item:
        try:
            return self.items[item_id]
        except (KeyError, TypeError):
            raise PracticeError(
                "unknown_item",
                f"item inconnu dans la banque d'entraînement : {item_id!r}",
                f"unknown item in the practice bank: {item_id!r}",
            ) from None


def load_practice_bank(path: str | Path | Traversable | None = None) -> PracticeBank:
    """The practice bank at `path` (a bank source directory), or the shipped one.

    Refuses a certification bank and a bank that mixes both purposes (BankSourceError)."""
    root = resources.files("engine").joinpath("practice_bank") if path is None else path
    items = load_bank_source(root)
    return PracticeBank.of(items, str(path) if path is not None else "engine/practice_bank")


# --- answering -------------------------------------------------------------------------------


def check_practice_answer(bank: PracticeBank, item_id: str, response: Any) -> bool:
    """Whether `response` (the shape engine.answers documents: an index for a QCU, a list of
    indices for a QCM, a text for a QROC, {field name: text} for a QROCM) is right.
    A response of the wrong shape raises engine.answers.ResponseError."""
    return check_answer(bank.item(item_id), response)


def public_item(bank: PracticeBank, item_id: str) -> dict[str, Any]:
    """What a page shows of an item, JSON-ready, without its solution or correction.

    What the kiosk's window shows (engine.shown_item, built key by key so that nothing added
    to Item later leaks), and the competence the question trains."""
    item = bank.item(item_id)
    return {**shown_item(item), "competence": item.competence}


def correction(bank: PracticeBank, item_id: str) -> dict[str, Any]:
    """What a student sees after answering: a correct response (in the shape
    `check_practice_answer` takes), the same as readable lines, the explanation and tutorials."""
    item = bank.item(item_id)
    assert item.explanation is not None  # every practice item has one (engine.items)
    return {
        "correct_answer": _correct_response(item),
        "answer_text": _answer_text(item),
        "explanation": item.explanation.to_dict(),
        "tutorials": [tutorial.to_dict() for tutorial in item.tutorials],
    }


def _correct_response(item: Item) -> Any:
    match item.type:
        case ItemType.QCU:
            return min(item.correct_choices)
        case ItemType.QCM:
            return sorted(item.correct_choices)
        case ItemType.QROC:
            return item.accepted[0][0]
        case _:  # QROCM-ind: each field's first variant; QROCM-dep: one group per field
            return {
                f.name: variants[0] for f, variants in zip(item.fields, item.accepted, strict=False)
            }


def _answer_text(item: Item) -> list[str]:
    if item.type.has_choices:
        return [item.choices[index] for index in sorted(item.correct_choices)]
    if item.type is ItemType.QROCM_DEP:
        return [" / ".join(group) for group in item.accepted]
    return [
        f"{f.label} : {' / '.join(variants)}"
        for f, variants in zip(item.fields, item.accepted, strict=True)
    ]


# --- estimation --------------------------------------------------------------------------------


def _known(
    bank: PracticeBank, answered: Iterable[tuple[str, bool]]
) -> tuple[np.ndarray, np.ndarray]:
    """Bank positions and successes of the answers to items this bank holds."""
    pairs = [
        (bank.index.position[item_id], bool(ok))
        for item_id, ok in answered
        if item_id in bank.index.position
    ]
    positions = np.array([p for p, _ in pairs], dtype=np.intp)
    return positions, np.array([ok for _, ok in pairs], dtype=bool)


def _posteriors(bank: PracticeBank, answered: Answered) -> np.ndarray:
    """[competence, grid]: each competence's posterior given every answer (hierarchical)."""
    positions, correct = _known(bank, answered)
    config = ExamConfig.default()
    return hierarchical_posteriors(
        bank.index,
        positions,
        correct,
        prior_mean=config.default_candidate_capacity,
        prior_sd=config.prior_sd or DEFAULT_PRIOR_SD,
        spread=ScoringConfig.shipped().competence_spread,
    )


def _moments(posterior: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = posterior @ DEFAULT_GRID
    variance = posterior @ (DEFAULT_GRID * DEFAULT_GRID) - mean * mean
    return mean, np.sqrt(np.maximum(variance, 0.0))


# --- selection ---------------------------------------------------------------------------------


def next_training_item(
    bank: PracticeBank,
    parcours: Parcours,
    answered: Answered,
    seed: int | str,
    *,
    history: Answered = (),
) -> str | None:
    """The next item of this run of `parcours`, or None when the run is over.

    `answered`: this run's answers (item id, correct), in order; `history`: the student's
    earlier practice answers, which start the estimate where the student is and which the run
    avoids repeating while fresh items remain. `seed` (per student and campaign) varies the
    draw among equally good items; the same inputs always give the same item."""
    run, _ = _known(bank, answered)
    if run.size >= parcours.max_items:
        return None
    index = bank.index
    pool = np.setdiff1d(parcours_positions(index, parcours), run)
    if not pool.size:
        return None
    fresh = pool[~np.isin(pool, _known(bank, history)[0])]
    pool = fresh if fresh.size else pool
    means, sds = _moments(_posteriors(bank, [*history, *answered]))
    covered = [COMPETENCE_CODES.index(code) for code in parcours.competences]
    asked = np.bincount(index.competence[run], minlength=len(COMPETENCE_CODES))
    if all(asked[c] >= MIN_ANSWERS_FOR_PRECISION and sds[c] <= PRECISION_SD for c in covered):
        return None
    counts = asked[index.competence[pool]]
    candidates = pool[counts == counts.min()]
    fresh_tube = candidates[~np.isin(index.tube[candidates], index.tube[run])]
    candidates = fresh_tube if fresh_tube.size else candidates
    # Fisher information of each candidate at its own competence's current estimate.
    theta = _targets(means)[index.competence[candidates]]
    p = probability_correct(theta, index.discrimination[candidates], index.difficulty[candidates])
    gain = np.round(p * (1 - p) * index.information_scale[candidates], 9)
    order = candidates[np.lexsort((candidates, -gain))]
    kept = order[: len(DRAW_WEIGHTS)]
    rng = np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed_entropy(seed), spawn_key=(run.size,)))
    )
    weights = np.array(DRAW_WEIGHTS[: kept.size]) / sum(DRAW_WEIGHTS[: kept.size])
    return index.ids[int(rng.choice(kept, p=weights))]


def _targets(means: np.ndarray) -> np.ndarray:
    return means


# --- profile -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """A student's Pix profile: a level 0–7 for each of the 16 competences, the Pix score and
    certifiability (at least CERTIFIABLE_COMPETENCES competences at level ≥ 1)."""

    levels: Mapping[str, int]
    pix_score: int
    certifiable: bool
    certifiable_competences: int
    answered: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "levels": dict(self.levels),
            "pix_score": self.pix_score,
            "certifiable": self.certifiable,
            "certifiable_competences": self.certifiable_competences,
            "answered": self.answered,
        }


def practice_profile(bank: PracticeBank, answered: Answered) -> Profile:
    """The profile from all of a student's practice answers (see the module docstring)."""
    positions, _ = _known(bank, answered)
    means, _ = _moments(_posteriors(bank, answered))
    counts = np.bincount(bank.index.competence[positions], minlength=len(COMPETENCE_CODES))
    scoring = ScoringConfig.shipped()
    levels, pix = {}, 0
    for index, code in enumerate(COMPETENCE_CODES):
        if counts[index] == 0:
            levels[code] = 0
            continue
        levels[code] = scoring.competence_level(code, float(means[index]))
        pix += _competence_pix(scoring.competence_breakpoints[code], levels[code], means[index])
    certifiable = sum(1 for level in levels.values() if level >= 1)
    return Profile(
        levels=levels,
        pix_score=pix,
        certifiable=certifiable >= CERTIFIABLE_COMPETENCES,
        certifiable_competences=certifiable,
        answered=int(positions.size),
    )


def _competence_pix(breakpoints: Sequence[float], level: int, capacity: float) -> int:
    """8 pix per level reached, plus the share of the way to the next level (none past the
    last); 0 below level 1."""
    if level == 0:
        return 0
    if level >= len(breakpoints):
        return PIX_PER_LEVEL * level
    low, high = breakpoints[level - 1], breakpoints[level]
    share = min(max((capacity - low) / (high - low), 0.0), 1.0)
    return min(math.floor(PIX_PER_LEVEL * (level + share)), PIX_PER_LEVEL * (level + 1) - 1)

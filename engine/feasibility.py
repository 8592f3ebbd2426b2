"""Can this bank run this exam? Refused where it is decided, never discovered by a candidate.

Two moments decide (docs/psychometrics.md, "Refusals"):

- sealing (`check_sealable`): the bank must hold enough items, groups and competences for the
  length and the plan of every mode, parameters within the plausible range, no item twice, and
  enough items per competence for the exposure bound to be reachable at all;
- authorisation (`check_feasible`): with the candidate's accessibility needs, the items left must
  still make a complete exam on every competence of the plan; the server refuses to authorise
  otherwise, with a message for the invigilator.

Without these, a short bank ends the exam early and the candidate is `rejected` for it, and a
filter that leaves a few areas validates the others' levels from the global estimate unsaid.
"""

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from engine.canonical import BilingualError, canonical_json
from engine.config import ExamConfig
from engine.itembank import ItemBank
from engine.referential import COMPETENCE_CODES

# Plausible 2PL parameters (P(ok) = 1 / (1 + exp(a·(b − θ)))): outside them an item is a
# calibration accident (a = 50 is a step function, b = 1e6 is never answered right) and the
# default estimator's grid (−6 to 6) cannot place it.
DISCRIMINATION_RANGE = (0.1, 5.0)
DIFFICULTY_RANGE = (-6.0, 6.0)
# The exposure bound the default mode is calibrated to hold (engine.exposure).
MAX_EXPOSURE = 0.25


class FeasibilityError(BilingualError):
    """The bank cannot run the exam as configured; `code` says which rule failed."""


def planned_per_competence(config: ExamConfig) -> int:
    """Questions the plan of this configuration gives each competence (0: no plan)."""
    if config.mode == "default" and config.questions_per_competence is not None:
        return config.questions_per_competence
    return 1 if config.enable_passage_by_all_competences else 0


def check_feasible(
    bank: ItemBank, config: ExamConfig, accessibility_needs: bool = False
) -> FeasibilityError | None:
    """None if `bank` can give a complete exam of `config` (with these needs), else the reason.

    Complete: `length` items, one per tube (or skill) where that rule is hard (pix mode), and
    every competence of the plan measured as planned."""
    usable = ~bank.pretest  # pretest items are seeded on top of an exam, never selected
    if accessibility_needs:
        usable &= bank.accessible
    who_fr = " accessibles (aménagement du candidat)" if accessibility_needs else ""
    who_en = " accessible (the candidate's needs)" if accessibility_needs else ""
    count = int(usable.sum())
    if count < config.length:
        return FeasibilityError(
            "bank_too_small",
            f"La banque n'a que {count} questions{who_fr} pour un examen de {config.length} : "
            "l'examen s'arrêterait avant la fin.",
            f"The bank has only {count}{who_en} questions for a {config.length}-question exam: "
            "the exam would stop short.",
        )
    if config.mode == "pix":
        groups = bank.tube if config.limit_to_one_question_per_tube else bank.skill
        distinct = np.unique(groups[usable]).size
        if distinct < config.length:
            by_tube = config.limit_to_one_question_per_tube
            kind_fr, kind_en = ("sujets", "tubes") if by_tube else ("acquis", "skills")
            return FeasibilityError(
                "bank_too_small",
                f"Une question par {kind_fr[:-1]} : la banque n'offre que {distinct} {kind_fr}"
                f"{who_fr} pour un examen de {config.length}.",
                f"One question per {kind_en[:-1]}: the bank offers only {distinct} {kind_en}"
                f"{who_en} for a {config.length}-question exam.",
            )
    needed = planned_per_competence(config)
    if needed:
        per_competence = np.bincount(bank.competence[usable], minlength=len(COMPETENCE_CODES))
        short = _short(per_competence, needed)
        if short:
            listed = ", ".join(short)
            return FeasibilityError(
                "competences_short",
                f"Compétences avec moins de {needed} question(s){who_fr} : {listed}. Leur niveau "
                "ne serait pas mesuré.",
                f"Competences with fewer than {needed} question(s){who_en}: {listed}. Their level "
                "would not be measured.",
            )
    return None


def _short(per_competence: np.ndarray, needed: int) -> list[str]:
    return [code for code, n in zip(COMPETENCE_CODES, per_competence, strict=True) if n < needed]


def check_sealable(
    bank: ItemBank,
    configs: Iterable[ExamConfig],
    contents: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    exposure_control: bool = True,
) -> None:
    """Raise FeasibilityError unless `bank` may be sealed for every configuration of `configs`.

    `contents` (item id -> `Item.to_dict()`), when given, is searched for duplicate items;
    `exposure_control` False: the bank is sealed uncalibrated, no bound to reach."""
    _check_parameters(bank)
    if contents is not None:
        _check_duplicates(contents)
    for config in configs:
        refusal = check_feasible(bank, config)
        if refusal is not None:
            raise refusal
        if exposure_control and config.exposure_control:
            _check_exposure_reachable(bank, config)


def _check_parameters(bank: ItemBank) -> None:
    (a_low, a_high), (b_low, b_high) = DISCRIMINATION_RANGE, DIFFICULTY_RANGE
    a, b = bank.discrimination, bank.difficulty
    outside = np.flatnonzero((a < a_low) | (a > a_high) | (b < b_low) | (b > b_high))
    if outside.size:
        named = ", ".join(f"{bank.ids[i]} (a={a[i]:g}, b={b[i]:g})" for i in outside[:5].tolist())
        more = f" (+{outside.size - 5})" if outside.size > 5 else ""
        raise FeasibilityError(
            "implausible_parameters",
            f"Paramètres hors de la plage plausible (a dans [{a_low}, {a_high}], b dans "
            f"[{b_low}, {b_high}]) : {named}{more}. Recalibrez ces questions.",
            f"Parameters outside the plausible range (a in [{a_low}, {a_high}], b in "
            f"[{b_low}, {b_high}]): {named}{more}. Recalibrate these items.",
        )


def _check_duplicates(contents: Mapping[str, Mapping[str, Any]]) -> None:
    """Two items that show the candidate the same question (all but their ids and places)."""
    placed = {"id", "tube", "skill", "discrimination", "difficulty"}
    seen: dict[bytes, str] = {}
    pairs: list[tuple[str, str]] = []
    for item_id in sorted(contents):
        shown = {key: value for key, value in contents[item_id].items() if key not in placed}
        key = canonical_json(shown)
        if key in seen:
            pairs.append((seen[key], item_id))
        else:
            seen[key] = item_id
    if pairs:
        named = ", ".join(f"{first} = {second}" for first, second in pairs[:5])
        raise FeasibilityError(
            "duplicate_items",
            f"Questions en double (même contenu) : {named}. Gardez-en une de chaque.",
            f"Duplicate items (same content): {named}. Keep one of each.",
        )


def _check_exposure_reachable(bank: ItemBank, config: ExamConfig) -> None:
    """Each item at most MAX_EXPOSURE: each competence needs `q / MAX_EXPOSURE` items at least."""
    operational = bank.competence[~bank.pretest]
    per_competence = np.bincount(operational, minlength=len(COMPETENCE_CODES))
    planned = config.questions_per_competence or 0
    needed = int(np.ceil(planned / MAX_EXPOSURE - 1e-9))
    short = _short(per_competence, needed)
    total_needed = int(np.ceil(config.length / MAX_EXPOSURE - 1e-9))
    if short or operational.size < total_needed:
        listed = ", ".join(short) or "—"
        raise FeasibilityError(
            "exposure_unreachable",
            f"Exposition ≤ {MAX_EXPOSURE} impossible : il faut {total_needed} questions au total "
            f"et {needed} par compétence ({planned} posées chacune) ; trop peu dans : {listed}.",
            f"Exposure ≤ {MAX_EXPOSURE} cannot hold: it takes {total_needed} items in all and "
            f"{needed} per competence ({planned} asked in each); too few in: {listed}.",
        )

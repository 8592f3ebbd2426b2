"""How an exam is run: length, estimator and selection rules, in one frozen, serialisable value.

Two presets. `pix()` is Pix's certification seed configuration (the flash estimator started at
−3 with variationPercent 0.5, the top-5 draw at 51 %, one question per tube, every competence
before any second one, no competence of the last 2 answers). `default()` is ours: a fixed-prior
EAP, exactly 2 questions per competence, the most informative allowed item, and conditional
Sympson–Hetter exposure control when the bank carries calibrated parameters. The server puts
`to_dict()` in tickets and records, so a replay uses the very configuration of the exam.
"""

import functools
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from engine.estimation import DEFAULT_PRIOR_SD, PIX_GRID

# The fixed prior's plausible bounds: narrower than MIN_PRIOR_SD, the prior outweighs 32
# answers (an all-correct candidate would be reported with error ~0 near the prior mean); wider
# than MAX_PRIOR_SD, the prior is flat on the grid. Its mean stays well inside the grid.
MIN_PRIOR_SD = 0.5
MAX_PRIOR_SD = 3.0
MAX_PRIOR_MEAN = 3.0

MODES = ("pix", "default")
_OPTIONAL = {"variation_percent", "prior_sd", "questions_per_competence"}
_FIELD_TYPES: dict[str, type | tuple[type, ...]] = {
    "mode": str,
    "length": int,
    "default_candidate_capacity": (int, float),
    "variation_percent": (int, float),
    "prior_sd": (int, float),
    "limit_to_one_question_per_tube": bool,
    "enable_passage_by_all_competences": bool,
    "challenges_between_same_competence": int,
    "candidates_kept": int,
    "pick_probability": int,
    "questions_per_competence": int,
    "exposure_control": bool,
    "information_decimals": int,
    "pretest_per_exam": int,
}
# Left out of to_dict() at their default, so that configurations (in tickets, records and the
# server's tables) written before these fields existed read and compare as they always did.
_OMITTED_AT_DEFAULT = {"pretest_per_exam": 0}


class ConfigError(ValueError):
    """A configuration that cannot run an exam, said in English and French."""

    def __init__(self, english: str, french: str) -> None:
        super().__init__(f"{english}\n{french}")


@dataclass(frozen=True)
class ExamConfig:
    """Every knob of an exam. Field names follow Pix's configuration where Pix has one.

    - `length`: answers that make a complete exam (Pix: maximumAssessmentLength).
    - `default_candidate_capacity`: the estimate before any answer (and, in default mode, the
      mean of the fixed prior of standard deviation `prior_sd`).
    - `variation_percent`: Pix's cap on each estimate step (None: no cap).
    - `limit_to_one_question_per_tube`: one question per tube, else one per skill.
    - `enable_passage_by_all_competences`: every competence once before any twice.
    - `challenges_between_same_competence`: no competence of the last N answers.
    - `candidates_kept` and `pick_probability`: draw among the N most informative items, the
      first with probability p %, else the next with p %, … (the last takes what is left).
    - `questions_per_competence`: the default mode's plan (None: no plan).
    - `exposure_control`: apply the bank's Sympson–Hetter parameters, if it has some.
    - `information_decimals`: information is rounded to this many decimals before ranking, so
      that the last bits of exp() on another platform cannot change the chosen item.
    - `pretest_per_exam`: pretest items seeded into each exam on top of `length`, never scored
      (see engine.pretest); 0 by default.
    """

    mode: str
    length: int = 32
    default_candidate_capacity: float = 0.0
    variation_percent: float | None = None
    prior_sd: float | None = None
    limit_to_one_question_per_tube: bool = True
    enable_passage_by_all_competences: bool = False
    challenges_between_same_competence: int = 0
    candidates_kept: int = 1
    pick_probability: int = 100
    questions_per_competence: int | None = None
    exposure_control: bool = False
    information_decimals: int = 9
    pretest_per_exam: int = 0

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if value is None and field.name in _OPTIONAL:
                continue
            expected = _FIELD_TYPES[field.name]
            # bool is an int in Python: a flag must be a bool and a number must not be one.
            if isinstance(value, bool) != (expected is bool) or not isinstance(value, expected):
                raise ConfigError(
                    f"exam configuration: {field.name} = {value!r} has the wrong type",
                    f"configuration d'examen : {field.name} = {value!r} n'a pas le bon type",
                )
        if self.mode not in MODES:
            raise ConfigError(
                f"unknown mode {self.mode!r} (expected one of {', '.join(MODES)})",
                f"mode inconnu {self.mode!r} (attendu : {', '.join(MODES)})",
            )
        checks = [
            (self.length >= 1, "length ≥ 1", "length ≥ 1"),
            (self.candidates_kept >= 1, "candidates_kept ≥ 1", "candidates_kept ≥ 1"),
            (0 < self.pick_probability <= 100, "0 < pick_probability ≤ 100", "idem"),
            (self.challenges_between_same_competence >= 0, "challenges_between… ≥ 0", "idem"),
            (0 <= self.information_decimals <= 12, "0 ≤ information_decimals ≤ 12", "idem"),
            (0 <= self.pretest_per_exam <= self.length, "0 ≤ pretest_per_exam ≤ length", "idem"),
            (
                self.questions_per_competence is None or self.questions_per_competence >= 1,
                "questions_per_competence ≥ 1 or None",
                "questions_per_competence ≥ 1 ou None",
            ),
            (
                (self.mode == "default") == (self.prior_sd is not None),
                "prior_sd is set in default mode and only there",
                "prior_sd se règle en mode default et seulement là",
            ),
            (
                self.prior_sd is None or MIN_PRIOR_SD <= self.prior_sd <= MAX_PRIOR_SD,
                f"prior_sd between {MIN_PRIOR_SD} and {MAX_PRIOR_SD} (a narrower prior "
                "outweighs the answers)",
                f"prior_sd entre {MIN_PRIOR_SD} et {MAX_PRIOR_SD} (un a priori plus étroit "
                "l'emporte sur les réponses)",
            ),
            (
                self.mode == "pix" or abs(self.default_candidate_capacity) <= MAX_PRIOR_MEAN,
                f"default_candidate_capacity between −{MAX_PRIOR_MEAN} and {MAX_PRIOR_MEAN} in "
                "default mode",
                f"default_candidate_capacity entre −{MAX_PRIOR_MEAN} et {MAX_PRIOR_MEAN} en mode "
                "default",
            ),
            (
                self.mode == "default" or PIX_GRID[0] <= self.default_candidate_capacity <= 9,
                "default_candidate_capacity between −9 and 9 (Pix's grid)",
                "default_candidate_capacity entre −9 et 9 (la grille de Pix)",
            ),
            (
                self.mode == "pix" or self.variation_percent is None,
                "variation_percent belongs to the pix mode",
                "variation_percent n'existe qu'en mode pix",
            ),
        ]
        failed = [(english, french) for ok, english, french in checks if not ok]
        if failed:
            english, french = failed[0]
            raise ConfigError(
                f"invalid exam configuration: {english}",
                f"configuration d'examen invalide : {french}",
            )

    @classmethod
    @functools.cache  # a frozen value, validated once
    def pix(cls) -> "ExamConfig":
        """Pix's certification seed configuration."""
        return cls(
            mode="pix",
            length=32,
            default_candidate_capacity=-3.0,
            variation_percent=0.5,
            limit_to_one_question_per_tube=True,
            enable_passage_by_all_competences=True,
            challenges_between_same_competence=2,
            candidates_kept=5,
            pick_probability=51,
        )

    @classmethod
    @functools.cache  # a frozen value, validated once
    def default(cls) -> "ExamConfig":
        """Our configuration: fixed-prior EAP, 2 questions per competence, exposure control."""
        return cls(
            mode="default",
            length=32,
            default_candidate_capacity=0.0,
            prior_sd=DEFAULT_PRIOR_SD,
            limit_to_one_question_per_tube=True,
            questions_per_competence=2,
            exposure_control=True,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in asdict(self).items()
            if name not in _OMITTED_AT_DEFAULT or value != _OMITTED_AT_DEFAULT[name]
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ExamConfig":
        known = {field.name for field in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown or "mode" not in data:
            raise ConfigError(
                f"exam configuration: unknown keys {unknown} or no mode",
                f"configuration d'examen : clés inconnues {unknown} ou mode absent",
            )
        return cls(**dict(data))

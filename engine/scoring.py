"""From capacity to certificate: the score (0–895), the global level and the competence levels.

The numbers (capacity breakpoints, the mesh of weights and coefficients, the competence
breakpoints, the minimum number of answers) are versioned data in `engine/config/scoring.json`,
not code; a result names the version it was scored with.

- Score: in the interval [min, max) that holds θ, floor(weight·(coef + (θ − min)/(max − min))),
  kept inside that interval's band (floating point may round a θ just below a breakpoint up);
  θ ≤ the first breakpoint gives 0, θ ≥ the last gives the certificate's maximum (895).
- Global level: the mesh row of that interval (0 = no level, 1 Novice 1 … 7 Expert 1).
- Competence level (0–7): the number of the competence's breakpoints (−2, −1, 0.5, 1, 2, 3, 4)
  at or below its estimate, which each mode takes by the method the configuration names
  (engine.competence_levels): the pix mode reads the global capacity, as Pix v3 does; the
  default mode a hierarchical estimate that lets a competence's own answers move it only as far
  as a spread of competences around the global ability allows. A configuration without a
  method (version pix-seed-1) uses the per-competence EAP under N(global capacity, prior_sd²).
"""

import bisect
import itertools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from engine.competence_levels import METHODS, eap_levels, hierarchical_levels, levels_from_global
from engine.config import MODES, ExamConfig
from engine.estimation import DEFAULT_PRIOR_SD
from engine.itembank import ItemBank
from engine.referential import COMPETENCE_CODES

SCORING_FORMAT = "pix-kiosk/scoring"


class ScoringConfigError(ValueError):
    """A scoring configuration that cannot be used, said in English and French."""

    def __init__(self, english: str, french: str) -> None:
        super().__init__(f"{english}\n{french}")


@dataclass(frozen=True)
class MeshRow:
    level: int
    label: str
    weight: int
    coef: int


def _increasing(values: Any, name: str) -> tuple[float, ...]:
    numbers = tuple(float(value) for value in values)
    if len(numbers) < 2 or any(b <= a for a, b in itertools.pairwise(numbers)):
        raise ScoringConfigError(
            f"scoring: {name} must be at least 2 increasing numbers",
            f"notation : {name} doit compter au moins 2 nombres croissants",
        )
    return numbers


@dataclass(frozen=True)
class ScoringConfig:
    """One version of the scoring rules (see the module docstring)."""

    version: str
    minimum_answers: int
    breakpoints: tuple[float, ...]
    mesh: tuple[MeshRow, ...]
    max_score: int
    competence_prior_sd: float
    competence_breakpoints: Mapping[str, tuple[float, ...]]
    competence_methods: Mapping[str, str]  # exam mode -> engine.competence_levels method
    competence_spread: float

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ScoringConfig":
        try:
            if data["format"] != SCORING_FORMAT:
                raise ScoringConfigError(
                    f"not a scoring configuration (format {data['format']!r})",
                    f"ce n'est pas une configuration de notation (format {data['format']!r})",
                )
            overall, competences = data["global"], data["competences"]
            breakpoints = _increasing(overall["breakpoints"], "global.breakpoints")
            mesh = tuple(
                MeshRow(int(row["level"]), str(row["label"]), int(row["weight"]), int(row["coef"]))
                for row in overall["mesh"]
            )
            per_competence = {
                code: _increasing(competences["breakpoints"][code], f"breakpoints of {code}")
                for code in COMPETENCE_CODES
            }
            config = cls(
                version=str(data["version"]),
                minimum_answers=int(data["minimum_answers"]),
                breakpoints=breakpoints,
                mesh=mesh,
                max_score=int(overall["max_score"]),
                competence_prior_sd=float(competences["prior_sd"]),
                competence_breakpoints=per_competence,
                competence_methods={
                    mode: str(competences.get("method", {}).get(mode, "eap")) for mode in MODES
                },
                competence_spread=float(competences.get("spread", 0.0)),
            )
        except ScoringConfigError:
            raise
        except (KeyError, TypeError, ValueError) as error:
            raise ScoringConfigError(
                f"malformed scoring configuration ({error!r})",
                f"configuration de notation mal formée ({error!r})",
            ) from error
        if len(mesh) != len(breakpoints) - 1 or not config.competence_prior_sd > 0:
            raise ScoringConfigError(
                "scoring: one mesh row per interval and a positive competence prior_sd",
                "notation : une ligne de maillage par intervalle et un prior_sd positif",
            )
        unknown = sorted(set(config.competence_methods.values()) - set(METHODS))
        if unknown or not 0 <= config.competence_spread <= 2:
            raise ScoringConfigError(
                f"scoring: competence methods among {', '.join(METHODS)} and 0 ≤ spread ≤ 2",
                f"notation : méthodes de compétence parmi {', '.join(METHODS)} et 0 ≤ spread ≤ 2",
            )
        return config

    @classmethod
    def shipped(cls) -> "ScoringConfig":
        """The configuration shipped with the engine (engine/config/scoring.json)."""
        return _shipped()

    def interval(self, capacity: float) -> int:
        """Index of the interval [min, max) holding `capacity`, clamped to the first and last.

        Breakpoints are tuples of floats, looked up with `bisect` (as np.searchsorted with
        side="right", without its call overhead on one value), here and for competences."""
        index = bisect.bisect_right(self.breakpoints, capacity) - 1
        return min(max(index, 0), len(self.mesh) - 1)

    def score(self, capacity: float) -> int:
        if capacity <= self.breakpoints[0]:
            return 0
        if capacity >= self.breakpoints[-1]:
            return self.max_score
        index = self.interval(capacity)
        low, high = self.breakpoints[index], self.breakpoints[index + 1]
        row = self.mesh[index]
        # Just below a breakpoint the fraction can round up to 1: stay in the interval's band.
        top_of_band = row.weight * (row.coef + 1) - 1
        fraction = (capacity - low) / (high - low)
        return min(math.floor(row.weight * (row.coef + fraction)), top_of_band, self.max_score)

    def global_level(self, capacity: float) -> int:
        return self.mesh[self.interval(capacity)].level

    def competence_level(self, code: str, capacity: float) -> int:
        return bisect.bisect_right(self.competence_breakpoints[code], capacity)


@cache
def _shipped() -> ScoringConfig:
    text = resources.files("engine").joinpath("config", "scoring.json").read_text("utf-8")
    return ScoringConfig.from_dict(json.loads(text))


def certification_status(answered: int, abort_reason: str | None, config: ScoringConfig) -> str:
    """Fewer than the minimum of answers: rejected, or cancelled after a technical abort."""
    if answered >= config.minimum_answers:
        return "validated"
    return "cancelled" if abort_reason == "technical" else "rejected"


def competence_levels(
    config: ScoringConfig,
    exam_config: ExamConfig,
    capacity: float,
    bank: ItemBank,
    items: np.ndarray,
    correct: np.ndarray,
) -> dict[str, int]:
    """Each competence's level, by the method `config` names for the exam's mode."""
    method = config.competence_methods[exam_config.mode]
    breakpoints = config.competence_breakpoints
    if method == "global":
        return levels_from_global(breakpoints, capacity)
    if method == "hierarchical":
        return hierarchical_levels(
            breakpoints,
            bank,
            items,
            correct,
            prior_mean=exam_config.default_candidate_capacity,
            prior_sd=exam_config.prior_sd or DEFAULT_PRIOR_SD,
            spread=config.competence_spread,
        )
    return eap_levels(
        breakpoints, bank, items, correct, capacity=capacity, prior_sd=config.competence_prior_sd
    )


def scored_levels(
    config: ScoringConfig,
    exam_config: ExamConfig,
    capacity: float,
    bank: ItemBank,
    items: np.ndarray,
    correct: np.ndarray,
    *,
    validated: bool,
) -> tuple[int, int, dict[str, int]]:
    """(score, global level, competence levels); all zero for a certification not validated."""
    if not validated:
        return 0, 0, dict.fromkeys(COMPETENCE_CODES, 0)
    levels = competence_levels(config, exam_config, capacity, bank, items, correct)
    return config.score(capacity), config.global_level(capacity), levels

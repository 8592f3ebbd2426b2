"""The selection index of an item bank: what the adaptive engine needs to know about each item.

Only ids, competence, tube, skill, the 2PL parameters, the accessibility and pretest flags
and (once calibrated) the exposure-control parameters; never the questions themselves, so the
index can be read before any item is decrypted. Items are kept sorted by id: an item's position
is its rank in id order, which is how ties between equally informative items are broken.
"""

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from engine.referential import COMPETENCE_CODES

BANK_FORMAT = "pix-kiosk/item-bank-index"
BANK_FORMAT_VERSION = 1
EXPOSURE_METHOD = "priced-conditional-sympson-hetter"


class BankIndexError(ValueError):
    """A selection index that cannot be used, said in English and French."""

    def __init__(self, english: str, french: str) -> None:
        super().__init__(f"{english}\n{french}")


class ItemLike(Protocol):
    """What `ItemBank.from_items` reads from each item (engine.items.Item has all of it)."""

    id: str
    competence: str
    tube: str
    skill: str
    discrimination: float
    difficulty: float
    pretest: bool

    @property
    def accessible(self) -> bool: ...


@dataclass(frozen=True, eq=False)
class ExposureParameters:
    """Exposure-control parameters, calibrated by simulation, travelling with the bank.

    Two parts (see engine.exposure): `prices[i]`, in information units, is subtracted from item
    i's information when items are ranked; `k[i, s]` is the Sympson–Hetter probability that item
    i may be given when the current estimate lies in stratum s, the strata being cut at `edges`
    (a stratum per gap, plus the two open ends). `target` is the exposure rate aimed at.
    """

    edges: tuple[float, ...]
    k: np.ndarray
    prices: np.ndarray
    target: float

    def __post_init__(self) -> None:
        # k[:, s] contiguous for each stratum s: what a selection step compares tickets with.
        object.__setattr__(self, "k_by_stratum", np.ascontiguousarray(self.k.T))

    def stratum(self, capacity: np.ndarray) -> np.ndarray:
        return np.searchsorted(np.asarray(self.edges), capacity, side="right")

    def reordered(self, order: Sequence[int]) -> "ExposureParameters":
        return ExposureParameters(self.edges, self.k[order], self.prices[order], self.target)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": EXPOSURE_METHOD,
            "target": self.target,
            "edges": list(self.edges),
            "k": [[float(value) for value in row] for row in self.k],
            "prices": [float(value) for value in self.prices],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], n_items: int) -> "ExposureParameters":
        if data.get("method") != EXPOSURE_METHOD:
            raise BankIndexError(
                f"unknown exposure-control method {data.get('method')!r}",
                f"méthode de contrôle d'exposition inconnue : {data.get('method')!r}",
            )
        edges = tuple(float(edge) for edge in data["edges"])
        k = np.array(data["k"], dtype=float).reshape(n_items, len(edges) + 1)
        prices = np.array(data["prices"], dtype=float).reshape(n_items)
        if (
            np.any(np.diff(edges) <= 0)
            or not np.all((k >= 0) & (k <= 1))
            or not np.all(np.isfinite(prices) & (prices >= 0))
        ):
            raise BankIndexError(
                "exposure parameters are malformed (edges increase, 0 ≤ k ≤ 1, prices ≥ 0)",
                "paramètres d'exposition mal formés (bornes croissantes, 0 ≤ k ≤ 1, prix ≥ 0)",
            )
        return cls(edges, k, prices, float(data["target"]))


def _codes(values: Iterable[str]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Integer codes for string labels, and the labels in code order (sorted)."""
    labels = [str(value) for value in values]
    names = tuple(sorted(set(labels)))
    lookup = {name: code for code, name in enumerate(names)}
    return np.array([lookup[label] for label in labels], dtype=np.intp), names


def _members(codes: np.ndarray, count: int) -> list[np.ndarray]:
    """Positions holding each code, per code (stable order)."""
    order = np.argsort(codes, kind="stable")
    return np.split(order, np.searchsorted(codes[order], np.arange(1, count)))


def _flags(values: Any) -> list[bool] | None:
    """A column of true/false flags read from JSON (None when absent), or BankIndexError."""
    if values is None:
        return None
    if not isinstance(values, list) or not all(isinstance(value, bool) for value in values):
        raise BankIndexError(
            "pretest must be a list of true/false flags, one per item",
            "pretest doit être une liste de drapeaux vrai/faux, un par question",
        )
    return values


class ItemBank:
    """Items' selection data as parallel numpy arrays, sorted by item id.

    `competence` holds indices into `engine.referential.COMPETENCE_CODES`; `tube` and `skill`
    hold indices into `tube_names` and `skill_names`. `pretest` marks the items being
    calibrated, which the adaptive selection never picks (see engine.pretest).
    """

    def __init__(
        self,
        ids: Sequence[str],
        competences: Sequence[str],
        discrimination: Sequence[float],
        difficulty: Sequence[float],
        tubes: Sequence[str],
        skills: Sequence[str],
        accessible: Sequence[bool],
        exposure: ExposureParameters | None = None,
        pretest: Sequence[bool] | None = None,
    ) -> None:
        pretest = [False] * len(ids) if pretest is None else pretest
        columns = {
            "competences": competences,
            "discrimination": discrimination,
            "difficulty": difficulty,
            "tubes": tubes,
            "skills": skills,
            "accessible": accessible,
            "pretest": pretest,
        }
        for name, column in columns.items():
            if len(column) != len(ids):
                raise BankIndexError(
                    f"{name} has {len(column)} values for {len(ids)} items",
                    f"{name} a {len(column)} valeurs pour {len(ids)} questions",
                )
        if not ids:
            raise BankIndexError("the bank has no item", "la banque ne contient aucune question")
        order = sorted(range(len(ids)), key=lambda position: str(ids[position]))
        self.ids: tuple[str, ...] = tuple(str(ids[position]) for position in order)
        duplicates = sorted({a for a, b in itertools.pairwise(self.ids) if a == b})
        if duplicates:
            raise BankIndexError(
                f"duplicate item ids: {', '.join(duplicates)}",
                f"identifiants de question en double : {', '.join(duplicates)}",
            )
        self.position = {item_id: index for index, item_id in enumerate(self.ids)}
        unknown = sorted({str(code) for code in competences} - set(COMPETENCE_CODES))
        if unknown:
            raise BankIndexError(
                f"unknown competence codes: {', '.join(unknown)} (expected 1.1 … 5.2)",
                f"codes de compétence inconnus : {', '.join(unknown)} (attendus : 1.1 … 5.2)",
            )
        self.competence = np.array(
            [COMPETENCE_CODES.index(str(competences[position])) for position in order],
            dtype=np.intp,
        )
        self.discrimination = np.array([float(discrimination[p]) for p in order])
        self.difficulty = np.array([float(difficulty[p]) for p in order])
        bad = [
            self.ids[index]
            for index in range(len(self.ids))
            if not (math.isfinite(self.discrimination[index]) and self.discrimination[index] > 0)
            or not math.isfinite(self.difficulty[index])
        ]
        if bad:
            raise BankIndexError(
                f"items need a finite discrimination > 0 and a finite difficulty: {bad[:5]}",
                f"il faut une discrimination finie > 0 et une difficulté finie : {bad[:5]}",
            )
        self.tube, self.tube_names = _codes(tubes[position] for position in order)
        self.skill, self.skill_names = _codes(skills[position] for position in order)
        self.accessible = np.array([bool(accessible[p]) for p in order])
        self.pretest = np.array([bool(pretest[p]) for p in order], dtype=bool)
        if exposure is not None and exposure.k.shape[0] != len(ids):
            raise BankIndexError(
                "exposure parameters do not match the number of items",
                "les paramètres d'exposition ne correspondent pas au nombre de questions",
            )
        self.exposure = None if exposure is None else exposure.reordered(order)
        self.information_scale = self.discrimination * self.discrimination
        self.max_information_scale = float(self.information_scale.max())
        # Item positions of each tube, skill and competence, and each competence as a mask:
        # what one exam's rules update or exclude in one step.
        self.tube_members = _members(self.tube, len(self.tube_names))
        self.skill_members = _members(self.skill, len(self.skill_names))
        # Tables other modules compute once from these items (engine.estimation.answer_table,
        # engine.selection.ranked_one).
        self.derived: dict[str, Any] = {}
        self.competence_mask = self.competence[None, :] == np.arange(len(COMPETENCE_CODES))[:, None]
        # Added to rank keys: of two equally informative items, the smaller id ranks first.
        self.tie_break = np.arange(len(self.ids) - 1, -1, -1, dtype=np.float64)
        # (a, b) of each item as Python floats: what one exam's answer reads.
        self.parameters = list(
            zip(self.discrimination.tolist(), self.difficulty.tolist(), strict=True)
        )

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def competence_codes(self) -> tuple[str, ...]:
        """The code of each item's competence, in bank order."""
        return tuple(COMPETENCE_CODES[index] for index in self.competence)

    @classmethod
    def from_arrays(
        cls,
        ids: Sequence[str],
        competences: Sequence[str],
        discrimination: Sequence[float],
        difficulty: Sequence[float],
        tubes: Sequence[str] | None = None,
        skills: Sequence[str] | None = None,
        accessible: Sequence[bool] | None = None,
        pretest: Sequence[bool] | None = None,
    ) -> "ItemBank":
        """A bank from parallel columns; without tubes or skills, each item is its own."""
        ids = [str(item_id) for item_id in ids]
        return cls(
            ids,
            list(competences),
            list(discrimination),
            list(difficulty),
            ids if tubes is None else list(tubes),
            ids if skills is None else list(skills),
            [True] * len(ids) if accessible is None else list(accessible),
            pretest=None if pretest is None else list(pretest),
        )

    @classmethod
    def from_items(cls, items: Iterable[ItemLike]) -> "ItemBank":
        """The index of full items (anything with id, competence, tube, skill, a, b, the
        accessibility and pretest flags)."""
        items = list(items)
        return cls(
            [item.id for item in items],
            [item.competence for item in items],
            [item.discrimination for item in items],
            [item.difficulty for item in items],
            [item.tube for item in items],
            [item.skill for item in items],
            [item.accessible for item in items],
            pretest=[item.pretest for item in items],
        )

    def with_exposure(self, exposure: ExposureParameters | None) -> "ItemBank":
        """The same items carrying other exposure parameters (rows in bank order)."""
        return ItemBank(
            self.ids,
            self.competence_codes,
            self.discrimination,
            self.difficulty,
            [self.tube_names[code] for code in self.tube],
            [self.skill_names[code] for code in self.skill],
            self.accessible,
            exposure,
            self.pretest,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able columns (floats round-trip exactly), with the exposure parameters if any."""
        return {
            "format": BANK_FORMAT,
            "version": BANK_FORMAT_VERSION,
            "ids": list(self.ids),
            "competences": list(self.competence_codes),
            "tubes": [self.tube_names[code] for code in self.tube],
            "skills": [self.skill_names[code] for code in self.skill],
            "discrimination": [float(value) for value in self.discrimination],
            "difficulty": [float(value) for value in self.difficulty],
            "accessible": [bool(value) for value in self.accessible],
            "exposure": None if self.exposure is None else self.exposure.to_dict(),
            # Only when some item is pretest: an index without them seals the bytes it always did.
            **({"pretest": [bool(v) for v in self.pretest]} if self.pretest.any() else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ItemBank":
        if data.get("format") != BANK_FORMAT or data.get("version") != BANK_FORMAT_VERSION:
            raise BankIndexError(
                f"not a version-{BANK_FORMAT_VERSION} item-bank index "
                f"(format {data.get('format')!r}, version {data.get('version')!r})",
                f"ce n'est pas un index de banque en version {BANK_FORMAT_VERSION} "
                f"(format {data.get('format')!r}, version {data.get('version')!r})",
            )
        try:
            ids = data["ids"]
            exposure = data.get("exposure")
            return cls(
                ids,
                data["competences"],
                data["discrimination"],
                data["difficulty"],
                data["tubes"],
                data["skills"],
                data["accessible"],
                None if exposure is None else ExposureParameters.from_dict(exposure, len(ids)),
                _flags(data.get("pretest")),
            )
        except BankIndexError:
            raise
        except (KeyError, TypeError, ValueError) as error:
            raise BankIndexError(
                f"the item-bank index is malformed ({error!r})",
                f"l'index de la banque est mal formé ({error!r})",
            ) from error

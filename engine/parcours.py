"""Parcours: named selections of the referential that students train on, outside certification.

A parcours picks competences (and, to narrow a theme, tubes or skills) of the practice bank, says
what it is for — a `diagnostic` (the back-to-school parcours of a grade) or `training` — and how
many questions it asks at most. Each is a versioned JSON file in `engine/parcours/` (the shipped
catalogue) or any directory given to `load_catalogue`; see docs/bank-source.md, "Parcours".
Loading validates every file and fails on the first problem, in English and French.
"""

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import numpy as np

from engine.canonical import BilingualError
from engine.itembank import ItemBank
from engine.referential import COMPETENCE_CODES

__all__ = [
    "GRADES",
    "PARCOURS_FORMAT",
    "PURPOSES",
    "Parcours",
    "ParcoursError",
    "check_against_bank",
    "load_catalogue",
    "parcours_positions",
]

PARCOURS_FORMAT = "pix-kiosk/parcours"
PURPOSES = ("diagnostic", "training")
# French school grades, collège then lycée ("Tle": terminale).
GRADES = ("6e", "5e", "4e", "3e", "2de", "1re", "Tle")
MAX_ITEMS = 120
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_TUBE = re.compile(r"@[A-Za-z][A-Za-z0-9]{0,63}")
_SKILL = re.compile(r"@[A-Za-z][A-Za-z0-9]{0,63}[1-8]")
_KEYS = {
    "format",
    "id",
    "version",
    "title",
    "description",
    "purpose",
    "grade",
    "competences",
    "tubes",
    "skills",
    "max_items",
}
_REQUIRED = ("format", "id", "version", "title", "purpose", "competences", "max_items")


class ParcoursError(BilingualError):
    """A parcours file that cannot be used; `code` is "parcours_invalid" or "parcours_unknown"."""


@dataclass(frozen=True)
class Parcours:
    """One parcours of the catalogue (see the module docstring).

    `tubes` and `skills`, when not empty, narrow the competences to those tubes or skills;
    `version` counts the revisions of this parcours' file."""

    id: str
    version: int
    title: Mapping[str, str]
    purpose: str
    grade: str | None
    competences: tuple[str, ...]
    max_items: int
    tubes: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    description: Mapping[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of the file (and of `pix-server parcours list --json`)."""
        return {
            "format": PARCOURS_FORMAT,
            "id": self.id,
            "version": self.version,
            "title": dict(self.title),
            **({"description": dict(self.description)} if self.description else {}),
            "purpose": self.purpose,
            "grade": self.grade,
            "competences": list(self.competences),
            "tubes": list(self.tubes),
            "skills": list(self.skills),
            "max_items": self.max_items,
        }

    @classmethod
    def from_dict(cls, data: Any, source: str = "parcours") -> "Parcours":
        """Validate a parcours file's content; raises ParcoursError naming `source` and the key."""
        if not isinstance(data, Mapping):
            _invalid(
                source, "the file must hold a JSON object", "le fichier doit être un objet JSON"
            )
        unknown = sorted(set(data) - _KEYS)
        if unknown:
            _invalid(
                source,
                f"unknown key {unknown[0]!r} (known keys: {', '.join(sorted(_KEYS))})",
                f"clé inconnue {unknown[0]!r} (clés connues : {', '.join(sorted(_KEYS))})",
            )
        for key in _REQUIRED:
            if key not in data:
                _invalid(source, f"key {key!r} is missing", f"la clé {key!r} est absente")
        if data["format"] != PARCOURS_FORMAT:
            _invalid(
                source,
                f"format must be {PARCOURS_FORMAT!r}",
                f"le format doit être {PARCOURS_FORMAT!r}",
            )
        if not isinstance(data["id"], str) or not _ID.fullmatch(data["id"]):
            _invalid(
                source,
                "id: 1 to 64 lower-case letters, digits or '-', starting with a letter or digit",
                "id : 1 à 64 minuscules, chiffres ou « - », commençant par une minuscule ou un "
                "chiffre",
            )
        version, max_items = data["version"], data["max_items"]
        if not _whole(version) or version < 1:
            _invalid(source, "version: a whole number ≥ 1", "version : un nombre entier ≥ 1")
        if not _whole(max_items) or not 1 <= max_items <= MAX_ITEMS:
            _invalid(
                source,
                f"max_items: a whole number from 1 to {MAX_ITEMS}",
                f"max_items : un nombre entier de 1 à {MAX_ITEMS}",
            )
        if data["purpose"] not in PURPOSES:
            _invalid(
                source,
                f"purpose: one of {', '.join(PURPOSES)}",
                f"purpose : l'un de {', '.join(PURPOSES)}",
            )
        grade = data.get("grade")
        if grade is not None and grade not in GRADES:
            _invalid(
                source,
                f"grade: one of {', '.join(GRADES)}, or null",
                f"grade : l'un de {', '.join(GRADES)}, ou null",
            )
        description = data.get("description")
        return cls(
            id=data["id"],
            version=version,
            title=_bilingual(source, "title", data["title"]),
            purpose=data["purpose"],
            grade=grade,
            competences=_codes(source, data["competences"]),
            max_items=max_items,
            tubes=_names(source, "tubes", data.get("tubes", []), _TUBE, "@rechercheAvancee"),
            skills=_names(source, "skills", data.get("skills", []), _SKILL, "@rechercheAvancee3"),
            description=None
            if description is None
            else _bilingual(source, "description", description),
        )


def load_catalogue(directory: str | Path | Traversable | None = None) -> tuple[Parcours, ...]:
    """Every parcours of a catalogue directory (default: the shipped one), sorted by id."""
    root = resources.files("engine").joinpath("parcours") if directory is None else directory
    root = Path(root) if isinstance(root, str) else root
    if not root.is_dir():
        _invalid(str(root), "no such directory", "dossier introuvable")
    catalogue = []
    for file in sorted((f for f in root.iterdir() if f.name.endswith(".json")), key=_name):
        source = file.name
        try:
            data = json.loads(file.read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            _invalid(source, f"unreadable JSON ({error})", f"JSON illisible ({error})")
        parcours = Parcours.from_dict(data, source)
        if source != f"{parcours.id}.json":
            _invalid(
                source,
                f"the file must be named after its id: {parcours.id}.json",
                f"le fichier doit porter le nom de son id : {parcours.id}.json",
            )
        catalogue.append(parcours)
    if not catalogue:
        _invalid(str(root), "no parcours file (*.json)", "aucun fichier de parcours (*.json)")
    return tuple(catalogue)


def find(catalogue: Sequence[Parcours], parcours_id: str) -> Parcours:
    """The parcours with this id; ParcoursError "parcours_unknown" otherwise."""
    for parcours in catalogue:
        if parcours.id == parcours_id:
            return parcours
    raise ParcoursError(
        "parcours_unknown",
        f"parcours inconnu : {parcours_id!r}",
        f"unknown parcours: {parcours_id!r}",
    )


def parcours_positions(bank: ItemBank, parcours: Parcours) -> list[int]:
    """The bank positions (ItemBank order) of the items this parcours selects."""
    codes = [COMPETENCE_CODES.index(code) for code in parcours.competences]
    mask = np.isin(bank.competence, codes) & ~bank.pretest
    for names, column, chosen in (
        (bank.tube_names, bank.tube, parcours.tubes),
        (bank.skill_names, bank.skill, parcours.skills),
    ):
        if chosen:
            mask &= np.isin(column, [i for i, name in enumerate(names) if name in chosen])
    return np.flatnonzero(mask).tolist()


def check_against_bank(parcours: Parcours, bank: ItemBank) -> None:
    """Refuse a parcours naming a tube or skill the bank lacks in its competences, or selecting
    fewer items than its length."""
    chosen = set(parcours.competences)
    for kind, names, column, index in (
        ("tube", parcours.tubes, bank.tube_names, bank.tube),
        ("skill", parcours.skills, bank.skill_names, bank.skill),
    ):
        present = {
            column[index[position]]
            for position in range(len(bank))
            if COMPETENCE_CODES[bank.competence[position]] in chosen
        }
        missing = [name for name in names if name not in present]
        if missing:
            _invalid(
                parcours.id,
                f"the {kind} {missing[0]} is not in the bank for competences "
                f"{', '.join(parcours.competences)}",
                f"le {'tube' if kind == 'tube' else 'acquis'} {missing[0]} n'est pas dans la "
                f"banque pour les compétences {', '.join(parcours.competences)}",
            )
    selected = len(parcours_positions(bank, parcours))
    if selected < parcours.max_items:
        _invalid(
            parcours.id,
            f"selects {selected} items of the bank, fewer than its length {parcours.max_items}",
            f"sélectionne {selected} items de la banque, moins que sa longueur "
            f"{parcours.max_items}",
        )


def _name(file: Traversable) -> str:
    return file.name


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _invalid(source: str, reason_en: str, reason_fr: str) -> None:
    raise ParcoursError("parcours_invalid", f"{source} : {reason_fr}", f"{source}: {reason_en}")


def _bilingual(source: str, key: str, value: Any) -> dict[str, str]:
    if (
        not isinstance(value, Mapping)
        or set(value) != {"fr", "en"}
        or not all(isinstance(value[lang], str) and value[lang].strip() for lang in ("fr", "en"))
    ):
        _invalid(
            source,
            f'{key} must be {{"fr": "…", "en": "…"}}, both non-empty',
            f"{key} doit être {{« fr » : « … », « en » : « … »}}, tous deux non vides",
        )
    return {"fr": value["fr"], "en": value["en"]}


def _codes(source: str, value: Any) -> tuple[str, ...]:
    if (
        not isinstance(value, list)
        or not value
        or any(code not in COMPETENCE_CODES for code in value)
        or len(set(value)) != len(value)
    ):
        _invalid(
            source,
            f"competences: a non-empty list of distinct codes among {', '.join(COMPETENCE_CODES)}",
            f"competences : une liste non vide de codes distincts parmi "
            f"{', '.join(COMPETENCE_CODES)}",
        )
    return tuple(code for code in COMPETENCE_CODES if code in value)


def _names(
    source: str, key: str, value: Any, pattern: re.Pattern[str], example: str
) -> tuple[str, ...]:
    if not isinstance(value, list) or any(
        not isinstance(name, str) or not pattern.fullmatch(name) for name in value
    ):
        _invalid(
            source,
            f"{key}: a list of names like {example}",
            f"{key} : une liste de noms comme {example}",
        )
    return tuple(value)

"""One student as a roster file gives them, and the file's refusal listing every bad line.

A roster is imported whole or not at all: each problem names its line and column (French and
English), so that the school fixes them all in one go.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from engine.canonical import BilingualError

INE_PATTERN = re.compile(r"^[0-9A-Z]{11}$")
TRUE_WORDS = {"true", "vrai", "oui", "yes", "1", "o", "x"}
FALSE_WORDS = {"false", "faux", "non", "no", "0", "n", ""}


@dataclass(frozen=True)
class StudentRow:
    ine: str
    last_name: str
    preferred_last_name: str
    first_name: str
    middle_name: str
    third_name: str
    sex: str | None  # M, F or unknown
    birth_date: str  # ISO
    birth_place: str
    division: str
    grade: str | None
    extra_time_percent: int | None  # None: the file does not say (kept as stored)
    accessibility_needs: bool | None
    line: int = 0  # where the file gives it (XML: its ELEVE element)


@dataclass(frozen=True)
class RosterLineError:
    line: int
    column: str
    fr: str
    en: str

    def to_dict(self) -> dict:
        return {
            "line": self.line,
            "column": self.column,
            "message_fr": self.fr,
            "message_en": self.en,
        }


class RosterImportError(BilingualError):
    """The file was refused and nothing imported; `errors` lists every problem."""

    def __init__(self, errors: list[RosterLineError]) -> None:
        fr = "\n".join(f"ligne {e.line}, colonne « {e.column} » : {e.fr}" for e in errors)
        en = "\n".join(f"line {e.line}, column “{e.column}”: {e.en}" for e in errors)
        super().__init__(
            "roster_rejected",
            f"Fichier d'élèves refusé, aucun élève importé :\n{fr}",
            f"Student file refused, no student imported:\n{en}",
        )
        self.errors = errors


class LineProblems:
    """The problems of one line, each with its column."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.errors: list[RosterLineError] = []

    def add(self, column: str, fr: str, en: str) -> None:
        self.errors.append(RosterLineError(self.line, column, fr, en))


def parse_ine(text: str, column: str, problems: LineProblems) -> str:
    ine = text.strip().upper()
    if ine and not INE_PATTERN.match(ine):
        problems.add(
            column,
            f"INE « {text} » invalide : 11 chiffres ou lettres attendus",
            f"invalid INE “{text}”: 11 digits or letters expected",
        )
    return ine


def parse_birth_date(text: str, column: str, problems: LineProblems, today: date) -> str:
    value = text.strip()
    born = None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            born = datetime.strptime(value, pattern).date()
            break
        except ValueError:
            continue
    if born is None:
        problems.add(
            column,
            f"date de naissance « {text} » invalide : JJ/MM/AAAA attendu",
            f"invalid birth date “{text}”: DD/MM/YYYY expected",
        )
        return ""
    if not date(1900, 1, 1) <= born < today:
        problems.add(
            column,
            f"date de naissance {born.strftime('%d/%m/%Y')} invraisemblable",
            f"implausible birth date {born.isoformat()}",
        )
    return born.isoformat()


def parse_sex(text: str) -> str | None:
    value = text.strip().upper()
    return {"1": "M", "M": "M", "G": "M", "H": "M", "2": "F", "F": "F"}.get(value)


def parse_extra_time(text: str, column: str, problems: LineProblems) -> int | None:
    value = text.strip().removesuffix("%").strip()
    if not value:
        return 0
    if not value.isdigit() or not 0 <= int(value) <= 99:
        problems.add(
            column,
            f"tiers-temps « {text} » : un pourcentage entier de 0 à 99 est attendu",
            f"extra time “{text}”: a whole percentage from 0 to 99 is expected",
        )
        return None
    return int(value)


def parse_flag(text: str, column: str, problems: LineProblems) -> bool | None:
    value = text.strip().casefold()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    problems.add(
        column,
        f"« {text} » : écrivez oui ou non",
        f"“{text}”: write yes or no (oui/non)",
    )
    return None


def required(text: str, column: str, problems: LineProblems, fr: str, en: str) -> str:
    value = " ".join(text.split())
    if not value:
        problems.add(column, f"{fr} manquant", f"{en} missing")
    return value

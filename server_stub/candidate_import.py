"""Reading the candidates' CSV file a certification lead exports from the school's systems.

Two headers are accepted: the English one with ISO dates and the French one with dd/mm/yyyy
dates. A file is imported whole or not at all: every bad line is listed with its reason in French
and English, so the lead fixes them all in one go.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from engine.canonical import BilingualError
from server_stub.names import name_key
from server_stub.spreadsheet_csv import sniff_separator

ENGLISH_HEADER = (
    "last_name",
    "first_names",
    "birth_date",
    "ine",
    "extra_time_percent",
    "accessibility_adjustment",
)
FRENCH_HEADER = (
    "nom",
    "prenoms",
    "date_naissance",
    "ine",
    "tiers_temps_pourcent",
    "amenagement_accessibilite",
)
TRUE_WORDS = {"true", "vrai", "oui", "yes", "1"}
FALSE_WORDS = {"false", "faux", "non", "no", "0", ""}


@dataclass(frozen=True)
class CandidateRow:
    last_name: str
    first_names: str
    birth_date: str  # ISO yyyy-mm-dd
    ine: str
    extra_time_percent: int
    accessibility_needs: bool


@dataclass(frozen=True)
class LineError:
    line: int
    fr: str
    en: str


class CandidateImportError(BilingualError):
    """The file was refused; `errors` lists every bad line (line 1 is the header)."""

    def __init__(self, errors: list[LineError]) -> None:
        fr = "\n".join(f"ligne {error.line} : {error.fr}" for error in errors)
        en = "\n".join(f"line {error.line}: {error.en}" for error in errors)
        super().__init__(
            "candidates_rejected",
            f"Fichier refusé, aucun candidat importé :\n{fr}",
            f"File refused, no candidate imported:\n{en}",
        )
        self.errors = errors


def parse_candidates_csv(
    data: bytes, existing: list[CandidateRow] = (), today: date | None = None
) -> list[CandidateRow]:
    """The rows of the file, or CandidateImportError listing every problem.

    `existing` are the session's candidates already imported: a person may not appear twice.
    """
    today = today or date.today()
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CandidateImportError(
            [
                LineError(
                    1,
                    f"le fichier n'est pas encodé en UTF-8 (octet {error.start}) ; "
                    "enregistrez-le en « CSV UTF-8 »",
                    f"the file is not UTF-8 encoded (byte {error.start}); save it as “CSV UTF-8”",
                )
            ]
        ) from None
    lines = content.splitlines()
    if not lines or not lines[0].strip():
        raise CandidateImportError([LineError(1, "le fichier est vide", "the file is empty")])
    delimiter = sniff_separator(lines[0])
    reader = csv.reader(io.StringIO(content), delimiter=delimiter)
    header = tuple(cell.strip().lower() for cell in next(reader))
    if header not in (ENGLISH_HEADER, FRENCH_HEADER):
        raise CandidateImportError(
            [
                LineError(
                    1,
                    "en-tête inattendu ; attendu « "
                    + ",".join(ENGLISH_HEADER)
                    + " » ou « "
                    + ",".join(FRENCH_HEADER)
                    + " »",
                    "unexpected header; expected “"
                    + ",".join(ENGLISH_HEADER)
                    + "” or “"
                    + ",".join(FRENCH_HEADER)
                    + "”",
                )
            ]
        )
    french = header == FRENCH_HEADER
    seen = {_person_key(row): 0 for row in existing}
    seen_ine = {row.ine: 0 for row in existing if row.ine}
    rows: list[CandidateRow] = []
    errors: list[LineError] = []
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        row, problems = _parse_line(cells, french, today)
        if row is not None:
            key = _person_key(row)
            if key in seen:
                problems.append(_duplicate("candidat", "candidate", seen[key]))
            elif row.ine and row.ine in seen_ine:
                problems.append(_duplicate("INE", "INE", seen_ine[row.ine]))
            else:
                seen[key] = line
                if row.ine:
                    seen_ine[row.ine] = line
                rows.append(row)
        errors.extend(LineError(line, fr, en) for fr, en in problems)
    if errors:
        raise CandidateImportError(errors)
    if not rows:
        raise CandidateImportError(
            [LineError(2, "aucun candidat dans le fichier", "no candidate in the file")]
        )
    return rows


def _parse_line(
    cells: list[str], french: bool, today: date
) -> tuple[CandidateRow | None, list[tuple[str, str]]]:
    if len(cells) != len(ENGLISH_HEADER):
        return None, [
            (
                f"{len(cells)} colonnes au lieu de {len(ENGLISH_HEADER)}",
                f"{len(cells)} columns instead of {len(ENGLISH_HEADER)}",
            )
        ]
    last_name, first_names, birth_text, ine, percent_text, adjustment_text = (
        cell.strip() for cell in cells
    )
    problems: list[tuple[str, str]] = []
    if not name_key(last_name):
        problems.append(("nom manquant", "last name missing"))
    if not name_key(first_names):
        problems.append(("prénom(s) manquant(s)", "first names missing"))
    birth_date = _parse_birth_date(birth_text, french, today, problems)
    extra_time = _parse_percent(percent_text, problems)
    adjustment = adjustment_text.lower()
    if adjustment not in TRUE_WORDS | FALSE_WORDS:
        problems.append(
            (
                f"aménagement « {adjustment_text} » : écrivez true ou false",
                f"adjustment “{adjustment_text}”: write true or false",
            )
        )
    if problems:
        return None, problems
    return (
        CandidateRow(
            last_name=last_name,
            first_names=" ".join(first_names.split()),
            birth_date=birth_date,
            ine=ine,
            extra_time_percent=extra_time,
            accessibility_needs=adjustment in TRUE_WORDS,
        ),
        problems,
    )


def _parse_birth_date(text: str, french: bool, today: date, problems: list[tuple[str, str]]) -> str:
    pattern = "%d/%m/%Y" if french else "%Y-%m-%d"
    try:
        born = datetime.strptime(text, pattern).date()
    except ValueError:
        problems.append(
            (
                f"date de naissance « {text} » invalide : format "
                + ("jj/mm/aaaa" if french else "aaaa-mm-jj"),
                f"invalid birth date “{text}”: format "
                + ("dd/mm/yyyy" if french else "yyyy-mm-dd"),
            )
        )
        return ""
    if not date(1900, 1, 1) <= born < today:
        problems.append(
            (
                f"date de naissance {born.isoformat()} invraisemblable",
                f"implausible birth date {born.isoformat()}",
            )
        )
    return born.isoformat()


def _parse_percent(text: str, problems: list[tuple[str, str]]) -> int:
    if not text:
        return 0
    if not text.isdigit() or not 0 <= int(text) <= 99:
        problems.append(
            (
                f"tiers-temps « {text} » : un entier de 0 à 99 est attendu",
                f"extra time “{text}”: an integer from 0 to 99 is expected",
            )
        )
        return 0
    return int(text)


def _person_key(row: CandidateRow) -> tuple[str, str, str]:
    return (name_key(row.last_name), name_key(row.first_names), row.birth_date)


def _duplicate(fr_what: str, en_what: str, first_line: int) -> tuple[str, str]:
    where_fr = f"ligne {first_line}" if first_line else "déjà importé dans la session"
    where_en = f"line {first_line}" if first_line else "already imported in the session"
    return (f"{fr_what} en double ({where_fr})", f"duplicate {en_what} ({where_en})")

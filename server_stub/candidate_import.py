"""Reading the candidates' file a certification lead exports from the school's systems or a
spreadsheet.

The bytes are read by server_stub/spreadsheet_csv.py (BOM, UTF-8 or Windows-1252, `;`, `,` or tab
sniffed), then each column is recognised by its header, whatever its case, accents or
punctuation: `nom;prénom;date de naissance` as well as the English `last_name,first_names,
birth_date`. Columns the kiosk does not use are ignored, with a warning. Dates may be dd/mm/yyyy
or yyyy-mm-dd. A file is imported whole or not at all: every bad line is listed with its reason,
and the column it is about, in French and English, so the lead fixes them all in one go.
"""

from dataclasses import dataclass
from datetime import date, datetime

from engine.canonical import BilingualError
from server_stub.names import name_key
from server_stub.spreadsheet_csv import Sheet, header_key, read_sheet, write_sheet

# What the template names each column (French first: the file is for a school in France).
TEMPLATE_HEADER = (
    "nom",
    "prénoms",
    "date de naissance",
    "INE",
    "tiers-temps (%)",
    "aménagement accessibilité",
)
# field: the header keys (spreadsheet_csv.header_key) that name it.
COLUMN_NAMES: dict[str, frozenset[str]] = {
    "last_name": frozenset({"last name", "nom", "nom de famille", "nom d usage", "name"}),
    "first_names": frozenset(
        {"first names", "first name", "prenoms", "prenom", "prenom s", "prenom usuel"}
    ),
    "birth_date": frozenset(
        {
            "birth date",
            "date of birth",
            "date naissance",
            "date de naissance",
            "date de naissance jj mm aaaa",
            "ne e le",
            "ne le",
        }
    ),
    "ine": frozenset({"ine", "ina", "numero ine", "ine ina"}),
    "extra_time_percent": frozenset(
        {
            "extra time percent",
            "extra time",
            "tiers temps pourcent",
            "tiers temps",
            "temps majore",
        }
    ),
    "accessibility_adjustment": frozenset(
        {
            "accessibility adjustment",
            "accessibility",
            "amenagement accessibilite",
            "amenagement",
        }
    ),
}
REQUIRED = ("last_name", "first_names", "birth_date")
# How errors name a column the file does not have (French, English).
FIELD_NAMES = {
    "last_name": ("nom", "last name"),
    "first_names": ("prénoms", "first names"),
    "birth_date": ("date de naissance", "birth date"),
    "ine": ("INE", "INE"),
    "extra_time_percent": ("tiers-temps", "extra time"),
    "accessibility_adjustment": ("aménagement", "adjustment"),
}
TRUE_WORDS = {"true", "vrai", "oui", "yes", "1", "x"}
FALSE_WORDS = {"false", "faux", "non", "no", "0", ""}
DATE_PATTERNS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


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


@dataclass(frozen=True)
class Columns:
    """Where each field is in the file (field → cell index), and the headers left unused."""

    places: dict[str, int]
    ignored: list[str]


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


def candidates_template() -> bytes:
    """An empty candidates' file with one example line, as a French spreadsheet opens it."""
    return write_sheet(
        list(TEMPLATE_HEADER), [["Dupont", "Marie Claire", "10/01/2008", "", "33", "non"]]
    )


def import_warnings(data: bytes) -> list[tuple[str, str]]:
    """(French, English) notes on a file that imports: the columns it has that are ignored."""
    columns = _columns(read_sheet(data))
    return [(f"colonne « {name} » ignorée", f"column “{name}” ignored") for name in columns.ignored]


def parse_candidates_csv(
    data: bytes, existing: list[CandidateRow] = (), today: date | None = None
) -> list[CandidateRow]:
    """The rows of the file, or CandidateImportError listing every problem.

    `existing` are the session's candidates already imported: a person may not appear twice.
    """
    today = today or date.today()
    sheet = read_sheet(data)
    if not sheet.header:
        raise CandidateImportError([LineError(1, "le fichier est vide", "the file is empty")])
    columns = _columns(sheet)
    seen = {_person_key(row): 0 for row in existing}
    seen_ine = {row.ine: 0 for row in existing if row.ine}
    rows: list[CandidateRow] = []
    errors: list[LineError] = []
    for line, cells in sheet.rows:
        row, problems = _parse_line(cells, len(sheet.header), columns, today)
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


def _columns(sheet: Sheet) -> Columns:
    """Each header recognised, or CandidateImportError naming the missing or doubled column."""
    places: dict[str, int] = {}
    ignored: list[str] = []
    problems: list[tuple[str, str]] = []
    for index, name in enumerate(sheet.header):
        field = next((f for f, names in COLUMN_NAMES.items() if header_key(name) in names), None)
        if field is None:
            if name:
                ignored.append(name)
        elif field in places:
            problems.append(
                (
                    f"colonne {index + 1} « {name} » : la colonne "
                    f"« {sheet.header[places[field]]} » dit déjà {FIELD_NAMES[field][0]}",
                    f"column {index + 1} “{name}”: column “{sheet.header[places[field]]}” "
                    f"already gives the {FIELD_NAMES[field][1]}",
                )
            )
        else:
            places[field] = index
    for field in REQUIRED:
        if field not in places:
            fr_name, en_name = FIELD_NAMES[field]
            accepted = " », « ".join(sorted(COLUMN_NAMES[field]))
            problems.append(
                (
                    f"colonne « {fr_name} » introuvable dans l'en-tête "
                    f"(« {sheet.separator} » entre les colonnes) ; noms reconnus : « {accepted} »",
                    f"no “{en_name}” column in the header (“{sheet.separator}” between "
                    f"columns); names recognised: “{accepted}”",
                )
            )
    if problems:
        raise CandidateImportError([LineError(1, fr, en) for fr, en in problems])
    return Columns(places, ignored)


def _parse_line(
    cells: list[str], width: int, columns: Columns, today: date
) -> tuple[CandidateRow | None, list[tuple[str, str]]]:
    if len(cells) != width:
        return None, [
            (
                f"{len(cells)} colonnes au lieu de {width}",
                f"{len(cells)} columns instead of {width}",
            )
        ]

    def cell(field: str) -> str:
        index = columns.places.get(field)
        return cells[index] if index is not None and index < len(cells) else ""

    last_name, first_names = cell("last_name"), cell("first_names")
    problems: list[tuple[str, str]] = []
    if not name_key(last_name):
        problems.append(("colonne nom : nom manquant", "last name column: last name missing"))
    if not name_key(first_names):
        problems.append(
            (
                "colonne prénoms : prénom(s) manquant(s)",
                "first names column: first names missing",
            )
        )
    birth_date = _parse_birth_date(cell("birth_date"), today, problems)
    extra_time = _parse_percent(cell("extra_time_percent"), problems)
    adjustment_text = cell("accessibility_adjustment")
    adjustment = adjustment_text.lower()
    if adjustment not in TRUE_WORDS | FALSE_WORDS:
        problems.append(
            (
                f"colonne aménagement : « {adjustment_text} », écrivez oui ou non",
                f"adjustment column: “{adjustment_text}”, write yes or no",
            )
        )
    if problems:
        return None, problems
    return (
        CandidateRow(
            last_name=last_name,
            first_names=" ".join(first_names.split()),
            birth_date=birth_date,
            ine=cell("ine"),
            extra_time_percent=extra_time,
            accessibility_needs=adjustment in TRUE_WORDS,
        ),
        problems,
    )


def _parse_birth_date(text: str, today: date, problems: list[tuple[str, str]]) -> str:
    born = next((day for day in (_date(text, p) for p in DATE_PATTERNS) if day), None)
    if born is None:
        problems.append(
            (
                f"colonne date de naissance : « {text} » invalide, écrivez jj/mm/aaaa",
                f"birth date column: “{text}” is invalid, write dd/mm/yyyy",
            )
        )
        return ""
    if not date(1900, 1, 1) <= born < today:
        problems.append(
            (
                f"colonne date de naissance : {born.strftime('%d/%m/%Y')} invraisemblable",
                f"birth date column: {born.isoformat()} is implausible",
            )
        )
    return born.isoformat()


def _date(text: str, pattern: str) -> date | None:
    try:
        return datetime.strptime(text, pattern).date()
    except ValueError:
        return None


def _parse_percent(text: str, problems: list[tuple[str, str]]) -> int:
    digits = text.removesuffix("%").strip()
    if not digits:
        return 0
    if not digits.isdigit() or not 0 <= int(digits) <= 99:
        problems.append(
            (
                f"colonne tiers-temps : « {text} », un entier de 0 à 99 est attendu",
                f"extra time column: “{text}”, an integer from 0 to 99 is expected",
            )
        )
        return 0
    return int(digits)


def _person_key(row: CandidateRow) -> tuple[str, str, str]:
    return (name_key(row.last_name), name_key(row.first_names), row.birth_date)


def _duplicate(fr_what: str, en_what: str, first_line: int) -> tuple[str, str]:
    where_fr = f"ligne {first_line}" if first_line else "déjà importé dans la session"
    where_en = f"line {first_line}" if first_line else "already imported in the session"
    return (f"{fr_what} en double ({where_fr})", f"duplicate {en_what} ({where_en})")

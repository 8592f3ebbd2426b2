"""The roster as a spreadsheet (CSV as France saves it, read by server_stub/spreadsheet_csv.py).

Columns are found by their header, in any order, case, accents and punctuation ignored: at
least `nom`, `prénom`, `date de naissance`, `INE`, `classe`, `niveau`, and Pix's own school
template (`Identifiant unique*`, `Premier prénom*`, `Deuxième prénom`, `Troisième prénom`,
`Nom de famille*`, `Nom d'usage`, `Code sexe*`, `Date de naissance (jj/mm/aaaa)*`, `Libellé
commune naissance**`, `Code MEF*`, `Division*`…). Other columns are ignored. The grade comes
from `niveau`, else from the MEF code, else from the class name (config/grades.json).
"""

from datetime import date

from server_stub.schools.grades import GRADES, grade_from_division, grade_from_mef, grade_from_text
from server_stub.schools.roster_rows import (
    LineProblems,
    RosterImportError,
    RosterLineError,
    StudentRow,
    parse_birth_date,
    parse_extra_time,
    parse_flag,
    parse_ine,
    parse_sex,
    required,
)
from server_stub.spreadsheet_csv import header_key, read_sheet

# field: the header keys (spreadsheet_csv.header_key) that name it.
COLUMNS: dict[str, tuple[str, ...]] = {
    "ine": ("ine", "identifiant unique", "identifiant national", "id national", "numero ine"),
    "last_name": ("nom", "nom de famille", "nom de naissance"),
    "preferred_last_name": ("nom d usage",),
    "first_name": ("prenom", "premier prenom", "prenom 1"),
    "first_names": ("prenoms",),
    "middle_name": ("deuxieme prenom", "prenom 2"),
    "third_name": ("troisieme prenom", "prenom 3"),
    "sex": ("sexe", "code sexe", "genre"),
    "birth_date": (
        "date de naissance",
        "date de naissance jj mm aaaa",
        "date naissance",
        "ne e le",
        "ne le",
    ),
    "birth_place": (
        "lieu de naissance",
        "libelle commune naissance",
        "commune de naissance",
        "ville de naissance",
    ),
    "division": ("classe", "division"),
    "grade": ("niveau",),
    "mef": ("code mef", "mef"),
    "extra_time": (
        "tiers temps",
        "tiers temps pourcent",
        "temps supplementaire",
        "temps supplementaire pourcent",
        "temps majore",
    ),
    "accessibility": (
        "amenagement",
        "amenagement accessibilite",
        "besoins d accessibilite",
        "accessibilite",
    ),
}
REQUIRED = (("last_name", "nom"), ("birth_date", "date de naissance"), ("division", "classe"))


def parse_roster_csv(data: bytes, today: date) -> list[StudentRow]:
    """Every student of the file, or RosterImportError listing every problem."""
    sheet = read_sheet(data)
    if not sheet.header:
        raise RosterImportError([RosterLineError(1, "-", "le fichier est vide", "empty file")])
    where = _locate_columns(sheet.header)
    rows: list[StudentRow] = []
    errors: list[RosterLineError] = []
    for line, cells in sheet.rows:
        problems = LineProblems(line)
        if len(cells) > len(sheet.header) and any(cells[len(sheet.header) :]):
            problems.add(
                "-",
                f"{len(cells)} cellules pour {len(sheet.header)} colonnes (séparateur "
                f"« {sheet.separator} » dans une valeur ?)",
                f"{len(cells)} cells for {len(sheet.header)} columns (separator "
                f"“{sheet.separator}” inside a value?)",
            )
            errors.extend(problems.errors)
            continue
        row = _row(cells, where, sheet.header, problems, today)
        errors.extend(problems.errors)
        if not problems.errors:
            rows.append(row)
    if errors:
        raise RosterImportError(errors)
    if not rows:
        raise RosterImportError([RosterLineError(2, "-", "aucun élève", "no student")])
    return rows


def _locate_columns(header: list[str]) -> dict[str, int]:
    where: dict[str, int] = {}
    for index, title in enumerate(header):
        key = header_key(title)
        for field, names in COLUMNS.items():
            if key in names and field not in where:
                where[field] = index
    missing = [label for field, label in REQUIRED if field not in where]
    if "first_name" not in where and "first_names" not in where:
        missing.insert(1, "prénom")
    if missing:
        raise RosterImportError(
            [
                RosterLineError(
                    1,
                    label,
                    f"colonne « {label} » introuvable dans l'en-tête",
                    f"column “{label}” not found in the header",
                )
                for label in missing
            ]
        )
    return where


def _row(
    cells: list[str], where: dict[str, int], header: list[str], problems: LineProblems, today: date
) -> StudentRow:
    def cell(field: str) -> str:
        index = where.get(field)
        return cells[index] if index is not None and index < len(cells) else ""

    def title(field: str) -> str:
        return header[where[field]] if field in where else field

    if "first_name" in where:
        first = required(cell("first_name"), title("first_name"), problems, "prénom", "first name")
        middle, third = " ".join(cell("middle_name").split()), " ".join(cell("third_name").split())
    else:
        given = cell("first_names").replace(",", " ").split()
        required(" ".join(given), title("first_names"), problems, "prénom", "first name")
        first = given[0] if given else ""
        middle, third = " ".join(given[1:2]), " ".join(given[2:])
    division = required(cell("division"), title("division"), problems, "classe", "class")
    grade = _grade(cell("grade"), cell("mef"), division, title("grade"), problems)
    return StudentRow(
        ine=parse_ine(cell("ine"), title("ine"), problems),
        last_name=required(cell("last_name"), title("last_name"), problems, "nom", "last name"),
        preferred_last_name=" ".join(cell("preferred_last_name").split()),
        first_name=first,
        middle_name=middle,
        third_name=third,
        sex=parse_sex(cell("sex")),
        birth_date=parse_birth_date(cell("birth_date"), title("birth_date"), problems, today),
        birth_place=" ".join(cell("birth_place").split()),
        division=division,
        grade=grade,
        extra_time_percent=(
            parse_extra_time(cell("extra_time"), title("extra_time"), problems)
            if "extra_time" in where
            else None
        ),
        accessibility_needs=(
            parse_flag(cell("accessibility"), title("accessibility"), problems)
            if "accessibility" in where
            else None
        ),
        line=problems.line,
    )


def _grade(text: str, mef: str, division: str, column: str, problems: LineProblems) -> str | None:
    if text.strip():
        grade = grade_from_text(text)
        if grade is None:
            problems.add(
                column,
                f"niveau « {text} » inconnu : {' '.join(GRADES)} (ou Terminale)",
                f"unknown grade “{text}”: {' '.join(GRADES)} (or Terminale)",
            )
        return grade
    return grade_from_mef(mef) or grade_from_division(division)

"""The roster as SIECLE exports it (`ElevesSansAdresses.xml`, root `BEE_ELEVES`).

What we read (the structure Pix's own SIECLE import reads):

    BEE_ELEVES/PARAMETRES/UAJ                       the school's UAI (must be the one imported to)
    BEE_ELEVES/DONNEES/ELEVES/ELEVE[@ELEVE_ID]      ID_NATIONAL (INE), NOM_DE_FAMILLE, NOM_USAGE,
        PRENOM, PRENOM2, PRENOM3, CODE_SEXE (1 boy, 2 girl), DATE_NAISS (JJ/MM/AAAA),
        VILLE_NAISS, CODE_MEF (its grade, config/grades.json), DATE_SORTIE (has left)
    BEE_ELEVES/DONNEES/STRUCTURES/STRUCTURES_ELEVE[@ELEVE_ID]/STRUCTURE
        CODE_STRUCTURE with TYPE_STRUCTURE `D`: the class (division)

Students with no class this year (no division, or `Inactifs`) and students who have left are not
on the roster, as in Pix. The file is read with expat, which reports line numbers and decodes
the ISO-8859-15 SIECLE declares; a document type declaration (and with it any entity) is refused.
"""

from datetime import date, datetime
from xml.parsers import expat

from server_stub.schools.grades import grade_from_division, grade_from_mef
from server_stub.schools.roster_rows import (
    LineProblems,
    RosterImportError,
    RosterLineError,
    StudentRow,
    parse_birth_date,
    parse_ine,
    parse_sex,
    required,
)

ELEVE = ("BEE_ELEVES", "DONNEES", "ELEVES", "ELEVE")
STRUCTURES_ELEVE = ("BEE_ELEVES", "DONNEES", "STRUCTURES", "STRUCTURES_ELEVE")
STRUCTURE = (*STRUCTURES_ELEVE, "STRUCTURE")
UAJ = ("BEE_ELEVES", "PARAMETRES", "UAJ")
INACTIVE_DIVISION = "Inactifs"


class _Refused(Exception):
    pass


def parse_siecle(data: bytes, uai: str, today: date) -> list[StudentRow]:
    """The students on the file's roster, or RosterImportError listing every problem."""
    found = _read(data)
    if found["root"] != "BEE_ELEVES":
        raise RosterImportError(
            [
                RosterLineError(
                    1,
                    "BEE_ELEVES",
                    "ce fichier XML n'est pas un export SIECLE « ElevesSansAdresses.xml »",
                    "this XML file is not a SIECLE “ElevesSansAdresses.xml” export",
                )
            ]
        )
    if found["uaj"] is not None and found["uaj"].strip().upper() != uai:
        raise RosterImportError(
            [
                RosterLineError(
                    found["uaj_line"],
                    "UAJ",
                    f"ce fichier est celui de l'établissement {found['uaj']}, pas de {uai}",
                    f"this file belongs to school {found['uaj']}, not {uai}",
                )
            ]
        )
    rows, errors = [], []
    for eleve in found["eleves"]:
        division = found["divisions"].get(eleve["ELEVE_ID"])
        if not division or division == INACTIVE_DIVISION or _has_left(eleve, today):
            continue
        problems = LineProblems(eleve["line"])
        row = StudentRow(
            ine=parse_ine(eleve.get("ID_NATIONAL", ""), "ID_NATIONAL", problems),
            last_name=required(
                eleve.get("NOM_DE_FAMILLE", ""), "NOM_DE_FAMILLE", problems, "nom", "last name"
            ),
            preferred_last_name=" ".join(eleve.get("NOM_USAGE", "").split()),
            first_name=required(
                eleve.get("PRENOM", ""), "PRENOM", problems, "prénom", "first name"
            ),
            middle_name=" ".join(eleve.get("PRENOM2", "").split()),
            third_name=" ".join(eleve.get("PRENOM3", "").split()),
            sex=parse_sex(eleve.get("CODE_SEXE", "")),
            birth_date=parse_birth_date(eleve.get("DATE_NAISS", ""), "DATE_NAISS", problems, today),
            birth_place=" ".join(eleve.get("VILLE_NAISS", "").split()),
            division=division,
            grade=grade_from_mef(eleve.get("CODE_MEF", "")) or grade_from_division(division),
            extra_time_percent=None,
            accessibility_needs=None,
            line=eleve["line"],
        )
        errors.extend(problems.errors)
        if not problems.errors:
            rows.append(row)
    if errors:
        raise RosterImportError(errors)
    if not rows:
        raise RosterImportError(
            [RosterLineError(1, "ELEVE", "aucun élève avec une classe", "no student in a class")]
        )
    return rows


def _has_left(eleve: dict, today: date) -> bool:
    text = eleve.get("DATE_SORTIE", "").strip()
    if not text:
        return False
    try:
        return datetime.strptime(text, "%d/%m/%Y").date() <= today
    except ValueError:
        return False


def _read(data: bytes) -> dict:
    parser = expat.ParserCreate()
    stack: list[str] = []
    text: list[str] = []
    found: dict = {"root": None, "uaj": None, "uaj_line": 1, "eleves": [], "divisions": {}}
    state: dict = {"eleve": None, "structures_of": None, "structure": None}

    def refuse_doctype(*_args) -> None:
        raise _Refused("doctype")

    def start(name: str, attrs: dict) -> None:
        if not stack:
            found["root"] = name
        stack.append(name)
        text.clear()
        path = tuple(stack)
        if path == ELEVE:
            state["eleve"] = {
                "ELEVE_ID": attrs.get("ELEVE_ID", ""),
                "line": parser.CurrentLineNumber,
            }
        elif path == STRUCTURES_ELEVE:
            state["structures_of"] = attrs.get("ELEVE_ID", "")
        elif path == STRUCTURE:
            state["structure"] = {}
        elif path == UAJ:
            found["uaj_line"] = parser.CurrentLineNumber

    def end(name: str) -> None:
        path = tuple(stack)
        value = "".join(text).strip()
        if path == ELEVE:
            found["eleves"].append(state["eleve"])
            state["eleve"] = None
        elif len(path) == len(ELEVE) + 1 and path[:-1] == ELEVE and state["eleve"] is not None:
            state["eleve"][name] = value
        elif len(path) == len(STRUCTURE) + 1 and path[:-1] == STRUCTURE:
            state["structure"][name] = value
        elif path == STRUCTURE:
            structure = state["structure"]
            if structure.get("TYPE_STRUCTURE") == "D" and structure.get("CODE_STRUCTURE"):
                found["divisions"][state["structures_of"]] = structure["CODE_STRUCTURE"]
        elif path == UAJ:
            found["uaj"] = value
        stack.pop()
        text.clear()

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text.append
    try:
        parser.Parse(data, True)
    except _Refused:
        raise RosterImportError(
            [
                RosterLineError(
                    parser.CurrentLineNumber,
                    "DOCTYPE",
                    "déclaration de type de document refusée",
                    "document type declaration refused",
                )
            ]
        ) from None
    except (expat.ExpatError, LookupError, ValueError) as error:
        line = getattr(error, "lineno", 1)
        raise RosterImportError(
            [RosterLineError(line, "-", f"XML illisible ({error})", f"unreadable XML ({error})")]
        ) from None
    return found

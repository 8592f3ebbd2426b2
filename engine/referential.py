"""The Pix referential: 5 areas and 16 competences, each with a stable code.

Codes are the ones printed on certificates and exports ("1".."5" for areas, "1.1".."5.2" for
competences); the French names are Pix's, the English names our translation.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    """One of the 5 areas ("domaines") of the referential."""

    code: str
    name_fr: str
    name_en: str


@dataclass(frozen=True)
class Competence:
    """One of the 16 competences; `area_code` is the code of the area it belongs to."""

    code: str
    area_code: str
    name_fr: str
    name_en: str

    @property
    def area(self) -> Area:
        return area(self.area_code)


AREAS: tuple[Area, ...] = (
    Area("1", "Information et données", "Information and data"),
    Area("2", "Communication et collaboration", "Communication and collaboration"),
    Area("3", "Création de contenu", "Content creation"),
    Area("4", "Protection et sécurité", "Protection and security"),
    Area("5", "Environnement numérique", "Digital environment"),
)

COMPETENCES: tuple[Competence, ...] = (
    Competence(
        "1.1",
        "1",
        "Mener une recherche et une veille d'information",
        "Searching for and monitoring information",
    ),
    Competence("1.2", "1", "Gérer des données", "Managing data"),
    Competence("1.3", "1", "Traiter des données", "Processing data"),
    Competence("2.1", "2", "Interagir", "Interacting"),
    Competence("2.2", "2", "Partager et publier", "Sharing and publishing"),
    Competence("2.3", "2", "Collaborer", "Collaborating"),
    Competence("2.4", "2", "S'insérer dans le monde numérique", "Fitting into the digital world"),
    Competence("3.1", "3", "Développer des documents textuels", "Developing text documents"),
    Competence(
        "3.2", "3", "Développer des documents multimédia", "Developing multimedia documents"
    ),
    Competence(
        "3.3", "3", "Adapter les documents à leur finalité", "Adapting documents to their purpose"
    ),
    Competence("3.4", "3", "Programmer", "Programming"),
    Competence(
        "4.1", "4", "Sécuriser l'environnement numérique", "Securing the digital environment"
    ),
    Competence(
        "4.2",
        "4",
        "Protéger les données personnelles et la vie privée",
        "Protecting personal data and privacy",
    ),
    Competence(
        "4.3",
        "4",
        "Protéger la santé, le bien-être et l'environnement",
        "Protecting health, well-being and the environment",
    ),
    Competence("5.1", "5", "Résoudre des problèmes techniques", "Solving technical problems"),
    Competence(
        "5.2", "5", "Construire un environnement numérique", "Building a digital environment"
    ),
)

AREA_CODES: tuple[str, ...] = tuple(a.code for a in AREAS)
COMPETENCE_CODES: tuple[str, ...] = tuple(c.code for c in COMPETENCES)

_AREAS_BY_CODE = {a.code: a for a in AREAS}
_COMPETENCES_BY_CODE = {c.code: c for c in COMPETENCES}


class UnknownCodeError(KeyError):
    """A code that is not in the referential; carries the message in French and English."""

    def __init__(self, kind_en: str, kind_fr: str, code: str, known: tuple[str, ...]) -> None:
        self.message_en = f"unknown {kind_en} code {code!r} (expected one of {', '.join(known)})"
        self.message_fr = f"code de {kind_fr} inconnu {code!r} (attendu : {', '.join(known)})"
        super().__init__(f"{self.message_en} / {self.message_fr}")

    def __str__(self) -> str:
        return f"{self.message_en} / {self.message_fr}"


def area(code: str) -> Area:
    """The area with this code ("1".."5"); raises UnknownCodeError otherwise."""
    try:
        return _AREAS_BY_CODE[code]
    except (KeyError, TypeError):
        raise UnknownCodeError("area", "domaine", str(code), AREA_CODES) from None


def competence(code: str) -> Competence:
    """The competence with this code ("1.1".."5.2"); raises UnknownCodeError otherwise."""
    try:
        return _COMPETENCES_BY_CODE[code]
    except (KeyError, TypeError):
        raise UnknownCodeError("competence", "compétence", str(code), COMPETENCE_CODES) from None


def competences_of(area_code: str) -> tuple[Competence, ...]:
    """The competences of one area, in referential order."""
    area(area_code)
    return tuple(c for c in COMPETENCES if c.area_code == area_code)


def is_competence_code(code: object) -> bool:
    return isinstance(code, str) and code in _COMPETENCES_BY_CODE

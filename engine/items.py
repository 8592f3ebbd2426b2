"""The item model: what one question is, with its solution, and the checks that keep it sound.

An `Item` is immutable and self-contained (media bytes live in memory; nothing refers to a path once
loaded). Building one validates it: an invalid item raises `ItemError`, whose message names the
item, the attribute at fault and why, in English and French.

Solutions, by type (choice indices are 0-based, in the order of `choices`):

- QCU: `correct_choices` holds exactly one index.
- QCM: `correct_choices` holds every correct index (all-or-nothing, order-free).
- QROC: one field; `accepted` holds one tuple: the accepted variants of that field.
- QROCM-ind: several fields; `accepted` holds one tuple of variants per field, in field order.
- QROCM-dep: several fields; `accepted` holds the accepted *groups* (at least as many as fields);
  each field must match a distinct group ("name two of these three things").

`to_dict()` gives a JSON-able dict (media bytes in base64): the unit the sealed bank encrypts;
`from_dict()` reads it back and validates.
"""

import base64
import binascii
import contextlib
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from engine.referential import COMPETENCE_CODES, is_competence_code
from engine.tolerance import Tolerances, normalise, parse_number

__all__ = [
    "MAX_MEDIA_BYTES",
    "MAX_TIMER_SECONDS",
    "PURPOSES",
    "Explanation",
    "Field",
    "FieldKind",
    "Item",
    "ItemError",
    "ItemType",
    "Media",
    "MediaReader",
    "Tolerances",
    "Tutorial",
    "build_item",
    "check_unique_ids",
]

MAX_MEDIA_BYTES = 2 * 1024 * 1024
MAX_TIMER_SECONDS = 105 * 60
# What a bank is for: certification items are sealed for kiosks and never shown in practice;
# practice items carry their correction (explanation, tutorials) and are never sealed.
PURPOSES = ("certification", "practice")
MAX_TUTORIALS = 5
MAX_URL_LENGTH = 2000

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,31}")
_LOCALE = re.compile(r"[a-z]{2}(?:-[a-z]{2})?")
_MEDIA_TYPE = re.compile(r"[a-z]+/[a-z0-9.+-]+")
_SKILL_LEVEL = re.compile(r"(\d+)$")
# A page shows it as a link: https only (no javascript:, no data:), a host, no spaces or quotes.
_TUTORIAL_URL = re.compile(r"https://[A-Za-z0-9.-]+(?::\d+)?(?:/[^\s\"'<>]*)?")

MediaReader = Callable[[str, str, Any], "Media"]


class ItemType(StrEnum):
    QCU = "QCU"
    QCM = "QCM"
    QROC = "QROC"
    QROCM_IND = "QROCM-ind"
    QROCM_DEP = "QROCM-dep"

    @property
    def has_choices(self) -> bool:
        return self in (ItemType.QCU, ItemType.QCM)


class FieldKind(StrEnum):
    TEXT = "text"
    NUMBER = "number"


class ItemError(ValueError):
    """An item (or a bank of items) that breaks a rule, explained in English and French.

    `item_id` and `field` say where; loaders add `source` (a file) and `position` (the item's
    1-based rank in that file). `message_en` / `message_fr` are complete sentences; str() gives
    both, English first.
    """

    def __init__(
        self,
        item_id: str,
        field_name: str,
        reason_en: str,
        reason_fr: str,
        *,
        source: str | None = None,
        position: int | None = None,
    ) -> None:
        self.item_id = item_id
        self.field = field_name
        self.reason_en = reason_en
        self.reason_fr = reason_fr
        self.source = source
        self.position = position
        where_en = where_fr = ""
        if source is not None:
            where_en = f"{source}, item #{position}: " if position else f"{source}: "
            where_fr = f"{source}, item n° {position} : " if position else f"{source} : "
        self.message_en = f'{where_en}item "{item_id}": field "{field_name}": {reason_en}'
        self.message_fr = f"{where_fr}item « {item_id} » : champ « {field_name} » : {reason_fr}"
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.message_en}\n{self.message_fr}"

    def in_source(self, source: str, position: int | None = None) -> "ItemError":
        """The same error, located in a file (and at an item's rank in it)."""
        return ItemError(
            self.item_id,
            self.field,
            self.reason_en,
            self.reason_fr,
            source=source,
            position=position,
        )


@dataclass(frozen=True)
class Field:
    """One input of a QROC/QROCM item: `name` keys the response dict, `label` is shown/read."""

    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    placeholder: str = ""


@dataclass(frozen=True)
class Media:
    """An illustration or attachment, held in memory; `alt` describes it for screen readers."""

    name: str
    media_type: str
    data: bytes = field(repr=False)
    alt: str = ""


@dataclass(frozen=True)
class Explanation:
    """Why the correct answer is correct, shown after a practice answer (French and English)."""

    fr: str
    en: str

    def to_dict(self) -> dict[str, str]:
        return {"fr": self.fr, "en": self.en}


@dataclass(frozen=True)
class Tutorial:
    """A link to learn more after a practice answer: a bilingual title and an https address."""

    title_fr: str
    title_en: str
    url: str

    def to_dict(self) -> dict[str, Any]:
        return {"title": {"fr": self.title_fr, "en": self.title_en}, "url": self.url}


@dataclass(frozen=True, kw_only=True)
class Item:
    """One question. See the module docstring for the shape of the solution per type.

    `stem` is the instruction shown to the candidate; `choices` are shown for QCU/QCM; `fields`
    are the inputs for QROC/QROCM. `timer` (seconds) limits the time on this item; `focused`
    items turn a correct answer given after a focus loss into "focusedOut". `discrimination` (a)
    and `difficulty` (b) are the 2PL parameters, P(ok | θ) = 1 / (1 + exp(a·(b − θ))).
    A `pretest` item is being calibrated: shown in some exams, never scored (engine.pretest).
    `purpose` is "certification" (the default) or "practice"; only a practice item has an
    `explanation` (required) and `tutorials`, shown with its correction after an answer.
    """

    id: str
    type: ItemType
    competence: str
    tube: str
    skill: str
    stem: str
    choices: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()
    correct_choices: frozenset[int] = frozenset()
    accepted: tuple[tuple[str, ...], ...] = ()
    tolerances: Tolerances = field(default_factory=Tolerances)
    illustration: Media | None = None
    attachments: tuple[Media, ...] = ()
    timer: int | None = None
    focused: bool = False
    blind_ok: bool = True
    colour_blind_ok: bool = True
    pretest: bool = False
    discrimination: float = 1.0
    difficulty: float = 0.0
    locale: str = "fr-fr"
    purpose: str = "certification"
    explanation: Explanation | None = None
    tutorials: tuple[Tutorial, ...] = ()

    def __post_init__(self) -> None:
        _coerce(self)
        _validate(self)

    @property
    def accessible(self) -> bool:
        """Whether candidates with accessibility needs may get this item."""
        return self.blind_ok and self.colour_blind_ok

    @property
    def skill_level(self) -> int | None:
        """The level in Pix's skill naming ("@rechercheAvancee3" → 3), None if unnumbered."""
        match = _SKILL_LEVEL.search(self.skill)
        return int(match.group(1)) if match else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict holding everything, media bytes in base64; see `from_dict`."""
        return {
            "id": self.id,
            "type": str(self.type),
            "competence": self.competence,
            "tube": self.tube,
            "skill": self.skill,
            "locale": self.locale,
            "stem": self.stem,
            "choices": list(self.choices),
            "fields": [
                {
                    "name": f.name,
                    "label": f.label,
                    "kind": str(f.kind),
                    "placeholder": f.placeholder,
                }
                for f in self.fields
            ],
            "correct_choices": sorted(self.correct_choices),
            "accepted": [list(variants) for variants in self.accepted],
            "tolerances": {
                "t1": self.tolerances.t1,
                "t2": self.tolerances.t2,
                "t3": self.tolerances.t3,
            },
            "illustration": _media_to_dict(self.illustration) if self.illustration else None,
            "attachments": [_media_to_dict(m) for m in self.attachments],
            "timer": self.timer,
            "focused": self.focused,
            "blind_ok": self.blind_ok,
            "colour_blind_ok": self.colour_blind_ok,
            "discrimination": self.discrimination,
            "difficulty": self.difficulty,
            # Only when set, so that items sealed before the flag existed seal the same bytes.
            **({"pretest": True} if self.pretest else {}),
            **(self._practice_dict() if self.purpose == "practice" else {}),
        }

    def _practice_dict(self) -> dict[str, Any]:
        """Only for practice items, so that certification items seal the same bytes as before."""
        return {
            "purpose": self.purpose,
            "explanation": self.explanation.to_dict() if self.explanation else None,
            "tutorials": [tutorial.to_dict() for tutorial in self.tutorials],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Item":
        """The item a `to_dict()` dict describes; raises ItemError if anything is off.

        Required keys: id, type, competence, tube, skill, stem, discrimination, difficulty.
        Others default as in the class. Media are {"name", "media_type", "alt", "data"} with data
        in base64. Unknown keys are errors (a typo must not silently drop a setting).
        """
        return build_item(data, _media_from_dict)


def check_unique_ids(items: Iterable[Item]) -> None:
    """Raise ItemError on the first id used twice: ids key the sealed bank and the journal."""
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ItemError(
                item.id,
                "id",
                "this id is used by another item of the bank",
                "cet identifiant est déjà utilisé par un autre item de la banque",
            )
        seen.add(item.id)


# --- reading dicts ------------------------------------------------------------------------------

_REQUIRED_KEYS = (
    "id",
    "type",
    "competence",
    "tube",
    "skill",
    "stem",
    "discrimination",
    "difficulty",
)
_KNOWN_KEYS = frozenset(f.name for f in fields(Item))
_MEDIA_KEYS = frozenset({"name", "media_type", "alt", "data"})
_FIELD_KEYS = frozenset({"name", "label", "kind", "placeholder"})
_TOLERANCE_KEYS = frozenset({"t1", "t2", "t3"})


def build_item(data: Mapping[str, Any], read_media: MediaReader) -> Item:
    """The item a JSON dict describes, reading each media dict with `read_media`.

    `read_media(item_id, where, value)` turns the JSON value at `where` ("illustration",
    "attachments") into a Media or raises ItemError. `Item.from_dict` reads base64 media; the bank
    source loader reads media files. Everything else is checked here and by Item itself.
    """
    if not isinstance(data, Mapping):
        raise ItemError(
            "?",
            "(item)",
            f"an item must be a JSON object (got {_kind(data)})",
            f"un item doit être un objet JSON (reçu : {_kind_fr(data)})",
        )
    item_id = data.get("id")
    label = item_id if isinstance(item_id, str) and item_id else "?"
    for key in data:
        if key not in _KNOWN_KEYS:
            raise ItemError(
                label,
                str(key),
                f"unknown key (known keys: {', '.join(sorted(_KNOWN_KEYS))})",
                f"clé inconnue (clés connues : {', '.join(sorted(_KNOWN_KEYS))})",
            )
    for key in _REQUIRED_KEYS:
        if key not in data:
            raise ItemError(label, key, "is missing", "est absent")
    kwargs = dict(data)
    kwargs["choices"] = _list(label, "choices", data.get("choices", []))
    kwargs["fields"] = tuple(
        _field_from_dict(label, i, f)
        for i, f in enumerate(_list(label, "fields", data.get("fields", [])))
    )
    kwargs["correct_choices"] = _list(label, "correct_choices", data.get("correct_choices", []))
    kwargs["accepted"] = tuple(
        tuple(_list(label, "accepted", variants))
        for variants in _list(label, "accepted", data.get("accepted", []))
    )
    kwargs["tolerances"] = _tolerances_from_dict(label, data.get("tolerances", {}))
    illustration = data.get("illustration")
    kwargs["illustration"] = (
        None if illustration is None else read_media(label, "illustration", illustration)
    )
    kwargs["attachments"] = tuple(
        read_media(label, f"attachments[{i}]", m)
        for i, m in enumerate(_list(label, "attachments", data.get("attachments", [])))
    )
    return Item(**kwargs)


def _list(item_id: str, name: str, value: Any) -> tuple[Any, ...]:
    if not isinstance(value, list | tuple):
        raise ItemError(
            item_id,
            name,
            f"must be a list (got {_kind(value)})",
            f"doit être une liste (reçu : {_kind_fr(value)})",
        )
    return tuple(value)


def _object(item_id: str, name: str, value: Any, known: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ItemError(
            item_id,
            name,
            f"must be a JSON object (got {_kind(value)})",
            f"doit être un objet JSON (reçu : {_kind_fr(value)})",
        )
    unknown = sorted(str(k) for k in value if k not in known)
    if unknown:
        raise ItemError(
            item_id,
            name,
            f"unknown key {unknown[0]!r} (known keys: {', '.join(sorted(known))})",
            f"clé inconnue {unknown[0]!r} (clés connues : {', '.join(sorted(known))})",
        )
    return value


def _field_from_dict(item_id: str, index: int, value: Any) -> Field:
    name = f"fields[{index}]"
    data = _object(item_id, name, value, _FIELD_KEYS)
    for key in ("name", "label"):
        if key not in data:
            raise ItemError(item_id, f"{name}.{key}", "is missing", "est absent")
    return Field(
        name=data["name"],
        label=data["label"],
        kind=data.get("kind", FieldKind.TEXT),
        placeholder=data.get("placeholder", ""),
    )


def _tolerances_from_dict(item_id: str, value: Any) -> Tolerances:
    data = _object(item_id, "tolerances", value, _TOLERANCE_KEYS)
    for key, flag in data.items():
        if not isinstance(flag, bool):
            raise ItemError(
                item_id,
                f"tolerances.{key}",
                f"must be true or false (got {_kind(flag)})",
                f"doit valoir true ou false (reçu : {_kind_fr(flag)})",
            )
    return Tolerances(**data)


def _media_from_dict(item_id: str, name: str, value: Any) -> Media:
    data = _object(item_id, name, value, _MEDIA_KEYS)
    for key in ("name", "media_type", "data"):
        if key not in data:
            raise ItemError(item_id, f"{name}.{key}", "is missing", "est absent")
    encoded = data["data"]
    try:
        if not isinstance(encoded, str):
            raise TypeError
        raw = base64.b64decode(encoded, validate=True)
    except (TypeError, binascii.Error):
        raise ItemError(
            item_id,
            f"{name}.data",
            "must be the file's content in base64",
            "doit être le contenu du fichier en base64",
        ) from None
    return Media(
        name=data["name"], media_type=data["media_type"], data=raw, alt=data.get("alt", "")
    )


def _media_to_dict(media: Media) -> dict[str, str]:
    return {
        "name": media.name,
        "media_type": media.media_type,
        "alt": media.alt,
        "data": base64.b64encode(media.data).decode("ascii"),
    }


# --- validation ---------------------------------------------------------------------------------


def _fail(item: Item, name: str, reason_en: str, reason_fr: str) -> None:
    item_id = item.id if isinstance(item.id, str) and item.id else "?"
    raise ItemError(item_id, name, reason_en, reason_fr)


def _kind(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        tuple: "a list",
        dict: "an object",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _kind_fr(value: Any) -> str:
    return {
        bool: "un booléen",
        int: "un entier",
        float: "un nombre",
        str: "une chaîne",
        list: "une liste",
        tuple: "une liste",
        dict: "un objet",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _coerce(item: Item) -> None:
    """Accept lists where tuples/sets are meant, and strings for enums, so callers stay simple."""
    set_ = object.__setattr__
    if isinstance(item.type, str) and not isinstance(item.type, ItemType):
        try:
            set_(item, "type", ItemType(item.type))
        except ValueError:
            _fail(
                item,
                "type",
                f"unknown item type {item.type!r} (expected {', '.join(ItemType)})",
                f"type d'item inconnu {item.type!r} (attendu : {', '.join(ItemType)})",
            )
    for name in ("choices", "fields", "attachments"):
        value = getattr(item, name)
        if isinstance(value, list):
            set_(item, name, tuple(value))
    if isinstance(item.accepted, list | tuple):
        set_(
            item,
            "accepted",
            tuple(tuple(v) if isinstance(v, list) else v for v in item.accepted),
        )
    if isinstance(item.correct_choices, list | tuple | set):
        with contextlib.suppress(TypeError):  # unhashable members: reported by validation
            set_(item, "correct_choices", frozenset(item.correct_choices))
    if isinstance(item.fields, tuple):
        set_(item, "fields", tuple(_coerce_field(f) for f in item.fields))
    for name in ("discrimination", "difficulty"):
        value = getattr(item, name)
        if isinstance(value, int) and not isinstance(value, bool):
            set_(item, name, float(value))
    if isinstance(item.explanation, Mapping):
        text = _bilingual(item, "explanation", item.explanation)
        set_(item, "explanation", Explanation(text["fr"], text["en"]))
    if isinstance(item.tutorials, list | tuple):
        set_(
            item,
            "tutorials",
            tuple(_coerce_tutorial(item, i, t) for i, t in enumerate(item.tutorials)),
        )


def _bilingual(item: Item, where: str, value: Mapping[str, Any]) -> dict[str, str]:
    """{"fr": "…", "en": "…"}, both non-empty strings and nothing else."""
    if set(value) != {"fr", "en"} or not all(
        isinstance(value[lang], str) and value[lang].strip() for lang in ("fr", "en")
    ):
        _fail(
            item,
            where,
            'must be {"fr": "…", "en": "…"}, both non-empty texts',
            "doit être {« fr » : « … », « en » : « … »}, deux textes non vides",
        )
    return {"fr": value["fr"], "en": value["en"]}


def _coerce_tutorial(item: Item, index: int, value: Any) -> Any:
    if not isinstance(value, Mapping):
        return value
    where = f"tutorials[{index}]"
    if set(value) != {"title", "url"} or not isinstance(value["title"], Mapping):
        _fail(
            item,
            where,
            'must be {"title": {"fr": "…", "en": "…"}, "url": "https://…"}',
            "doit être {« title » : {« fr » : « … », « en » : « … »}, « url » : « https://… »}",
        )
    title = _bilingual(item, f"{where}.title", value["title"])
    return Tutorial(title["fr"], title["en"], value["url"])


def _coerce_field(f: Any) -> Any:
    if isinstance(f, Field) and not isinstance(f.kind, FieldKind) and f.kind in tuple(FieldKind):
        return Field(f.name, f.label, FieldKind(f.kind), f.placeholder)
    return f


def _validate(item: Item) -> None:
    _validate_identity(item)
    _validate_content(item)
    if item.type.has_choices:
        _validate_choices(item)
    else:
        _validate_fields(item)
    _validate_media(item)
    _validate_settings(item)
    _validate_purpose(item)


def _validate_purpose(item: Item) -> None:
    """A practice item has its explanation; a certification item has no correction at all."""
    if item.purpose not in PURPOSES:
        _fail(
            item,
            "purpose",
            f"{item.purpose!r} is not a purpose (expected one of {', '.join(PURPOSES)})",
            f"{item.purpose!r} n'est pas un usage (attendu : {', '.join(PURPOSES)})",
        )
    if item.purpose == "certification":
        if item.explanation is not None or item.tutorials:
            _fail(
                item,
                "explanation",
                'only practice items ("purpose": "practice") carry an explanation or tutorials',
                "seuls les items d'entraînement (« purpose » : « practice ») ont une "
                "explication ou des tutoriels",
            )
        return
    if not isinstance(item.explanation, Explanation):
        _fail(
            item,
            "explanation",
            'a practice item needs its explanation {"fr": "…", "en": "…"}',
            "un item d'entraînement doit avoir son explication {« fr » : « … », « en » : « … »}",
        )
    if not isinstance(item.tutorials, tuple) or len(item.tutorials) > MAX_TUTORIALS:
        _fail(
            item,
            "tutorials",
            f"must be a list of at most {MAX_TUTORIALS} tutorials",
            f"doit être une liste d'au plus {MAX_TUTORIALS} tutoriels",
        )
    for index, tutorial in enumerate(item.tutorials):
        url = tutorial.url if isinstance(tutorial, Tutorial) else None
        if (
            not isinstance(url, str)
            or len(url) > MAX_URL_LENGTH
            or not _TUTORIAL_URL.fullmatch(url)
        ):
            _fail(
                item,
                f"tutorials[{index}].url",
                f"must be an https:// address without spaces, of at most {MAX_URL_LENGTH} "
                f"characters (got {url!r})",
                f"doit être une adresse https:// sans espace, d'au plus {MAX_URL_LENGTH} "
                f"caractères (reçu : {url!r})",
            )


def _validate_identity(item: Item) -> None:
    if not isinstance(item.id, str) or not _ID.fullmatch(item.id):
        _fail(
            item,
            "id",
            f"{item.id!r} is not a valid id: 1 to 64 characters among letters, digits, '.', '_', "
            "'-', starting with a letter or a digit",
            f"{item.id!r} n'est pas un identifiant valide : 1 à 64 caractères parmi lettres, "
            "chiffres, « . », « _ », « - », commençant par une lettre ou un chiffre",
        )
    if not isinstance(item.type, ItemType):
        _fail(
            item,
            "type",
            f"unknown item type {item.type!r} (expected {', '.join(ItemType)})",
            f"type d'item inconnu {item.type!r} (attendu : {', '.join(ItemType)})",
        )
    if not is_competence_code(item.competence):
        _fail(
            item,
            "competence",
            f"{item.competence!r} is not a competence of the referential "
            f"(expected one of {', '.join(COMPETENCE_CODES)})",
            f"{item.competence!r} n'est pas une compétence du référentiel "
            f"(attendu : {', '.join(COMPETENCE_CODES)})",
        )
    for name in ("tube", "skill"):
        value = getattr(item, name)
        if not isinstance(value, str) or not value.strip():
            _fail(item, name, "must be a non-empty string", "doit être une chaîne non vide")
    if not isinstance(item.locale, str) or not _LOCALE.fullmatch(item.locale):
        _fail(
            item,
            "locale",
            f"{item.locale!r} is not a locale like 'fr-fr' or 'fr'",
            f"{item.locale!r} n'est pas une langue de la forme « fr-fr » ou « fr »",
        )


def _validate_content(item: Item) -> None:
    if not isinstance(item.stem, str) or not item.stem.strip():
        _fail(
            item,
            "stem",
            "the instruction text must not be empty",
            "la consigne ne doit pas être vide",
        )
    if not isinstance(item.choices, tuple) or not all(isinstance(c, str) for c in item.choices):
        _fail(item, "choices", "must be a list of strings", "doit être une liste de chaînes")
    if not isinstance(item.fields, tuple) or not all(isinstance(f, Field) for f in item.fields):
        _fail(item, "fields", "must be a list of fields", "doit être une liste de champs")
    if not isinstance(item.correct_choices, frozenset) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in item.correct_choices
    ):
        _fail(
            item,
            "correct_choices",
            "must be a set of choice indices (integers, 0 for the first choice)",
            "doit être un ensemble d'indices de choix (entiers, 0 pour le premier choix)",
        )
    if not isinstance(item.accepted, tuple) or not all(
        isinstance(group, tuple) and all(isinstance(v, str) for v in group)
        for group in item.accepted
    ):
        _fail(
            item,
            "accepted",
            "must be a list of lists of accepted answers (strings)",
            "doit être une liste de listes de réponses acceptées (chaînes)",
        )
    if not isinstance(item.tolerances, Tolerances) or not all(
        isinstance(getattr(item.tolerances, t), bool) for t in ("t1", "t2", "t3")
    ):
        _fail(
            item,
            "tolerances",
            "must give t1, t2 and t3 as true or false",
            "doit donner t1, t2 et t3 à true ou false",
        )


def _validate_choices(item: Item) -> None:
    kind = str(item.type)
    if len(item.choices) < 2:
        _fail(
            item,
            "choices",
            f"a {kind} needs at least 2 choices (got {len(item.choices)})",
            f"un {kind} demande au moins 2 choix (reçu : {len(item.choices)})",
        )
    for index, choice in enumerate(item.choices):
        if not choice.strip():
            _fail(
                item,
                f"choices[{index}]",
                "a choice must not be empty",
                "un choix ne doit pas être vide",
            )
    if len(set(c.strip() for c in item.choices)) != len(item.choices):
        _fail(
            item,
            "choices",
            "two choices have the same text",
            "deux choix ont le même texte",
        )
    for name in ("fields", "accepted"):
        if getattr(item, name):
            _fail(
                item,
                name,
                f"a {kind} has choices, not {name}: leave it empty",
                f"un {kind} a des choix, pas de « {name} » : laissez-le vide",
            )
    if not item.correct_choices:
        _fail(
            item,
            "correct_choices",
            f"a {kind} needs its correct choice(s)",
            f"un {kind} doit indiquer sa ou ses bonnes réponses",
        )
    if item.type is ItemType.QCU and len(item.correct_choices) != 1:
        _fail(
            item,
            "correct_choices",
            f"a QCU has exactly one correct choice (got {len(item.correct_choices)})",
            f"un QCU a exactement une bonne réponse (reçu : {len(item.correct_choices)})",
        )
    for index in sorted(item.correct_choices):
        if not 0 <= index < len(item.choices):
            _fail(
                item,
                "correct_choices",
                f"choice index {index} is out of range: there are {len(item.choices)} choices, "
                f"numbered from 0 to {len(item.choices) - 1}",
                f"l'indice de choix {index} est hors limites : il y a {len(item.choices)} choix, "
                f"numérotés de 0 à {len(item.choices) - 1}",
            )


def _validate_fields(item: Item) -> None:
    kind = str(item.type)
    if item.choices or item.correct_choices:
        name = "choices" if item.choices else "correct_choices"
        _fail(
            item,
            name,
            f"a {kind} has fields, not choices: leave it empty",
            f"un {kind} a des champs, pas de choix : laissez-le vide",
        )
    if item.type is ItemType.QROC and len(item.fields) != 1:
        _fail(
            item,
            "fields",
            f"a QROC has exactly one field (got {len(item.fields)})",
            f"un QROC a exactement un champ (reçu : {len(item.fields)})",
        )
    if item.type in (ItemType.QROCM_IND, ItemType.QROCM_DEP) and len(item.fields) < 2:
        _fail(
            item,
            "fields",
            f"a {kind} needs at least 2 fields (got {len(item.fields)})",
            f"un {kind} demande au moins 2 champs (reçu : {len(item.fields)})",
        )
    names: set[str] = set()
    for index, f in enumerate(item.fields):
        _validate_field(item, index, f)
        if f.name in names:
            _fail(
                item,
                f"fields[{index}].name",
                f"two fields are named {f.name!r}",
                f"deux champs s'appellent {f.name!r}",
            )
        names.add(f.name)
    if item.type is ItemType.QROCM_DEP:
        _validate_groups(item)
    else:
        _validate_per_field(item)


def _validate_field(item: Item, index: int, f: Field) -> None:
    where = f"fields[{index}]"
    if not isinstance(f.name, str) or not _FIELD_NAME.fullmatch(f.name):
        _fail(
            item,
            f"{where}.name",
            f"{f.name!r} is not a valid field name: a letter then up to 31 letters, digits, '_' "
            "or '-'",
            f"{f.name!r} n'est pas un nom de champ valide : une lettre puis jusqu'à 31 lettres, "
            "chiffres, « _ » ou « - »",
        )
    if not isinstance(f.label, str) or not f.label.strip():
        _fail(
            item,
            f"{where}.label",
            "every field needs a label (it is what a screen reader reads out)",
            "chaque champ doit avoir un libellé (c'est ce que lit un lecteur d'écran)",
        )
    if not isinstance(f.kind, FieldKind):
        _fail(
            item,
            f"{where}.kind",
            f"unknown field kind {f.kind!r} (expected text or number)",
            f"type de champ inconnu {f.kind!r} (attendu : text ou number)",
        )
    if not isinstance(f.placeholder, str):
        _fail(item, f"{where}.placeholder", "must be a string", "doit être une chaîne")


def _validate_per_field(item: Item) -> None:
    if len(item.accepted) != len(item.fields):
        _fail(
            item,
            "accepted",
            f"a {item.type} needs one list of accepted answers per field: "
            f"{len(item.fields)} field(s), {len(item.accepted)} list(s)",
            f"un {item.type} demande une liste de réponses acceptées par champ : "
            f"{len(item.fields)} champ(s), {len(item.accepted)} liste(s)",
        )
    for index, (f, variants) in enumerate(zip(item.fields, item.accepted, strict=True)):
        _validate_variants(item, f"accepted[{index}]", f.kind, variants)


def _validate_groups(item: Item) -> None:
    if len(item.accepted) < len(item.fields):
        _fail(
            item,
            "accepted",
            f"a QROCM-dep needs at least as many accepted groups as fields: "
            f"{len(item.fields)} fields, {len(item.accepted)} group(s)",
            f"un QROCM-dep demande au moins autant de groupes de réponses que de champs : "
            f"{len(item.fields)} champs, {len(item.accepted)} groupe(s)",
        )
    kinds = {f.kind for f in item.fields}
    if len(kinds) != 1:
        _fail(
            item,
            "fields",
            "the fields of a QROCM-dep must all be text or all be numbers",
            "les champs d'un QROCM-dep doivent être tous du texte ou tous des nombres",
        )
    (kind,) = kinds
    for index, group in enumerate(item.accepted):
        _validate_variants(item, f"accepted[{index}]", kind, group)


def _validate_variants(item: Item, where: str, kind: FieldKind, variants: tuple[str, ...]) -> None:
    if not variants:
        _fail(
            item,
            where,
            "needs at least one accepted answer",
            "doit contenir au moins une réponse acceptée",
        )
    for variant in variants:
        if kind is FieldKind.NUMBER and parse_number(variant) is None:
            _fail(
                item,
                where,
                f"{variant!r} is not a number, but the field expects one",
                f"{variant!r} n'est pas un nombre, alors que le champ en attend un",
            )
        if kind is FieldKind.TEXT and not normalise(variant, item.tolerances):
            _fail(
                item,
                where,
                f"{variant!r} is empty once the item's tolerances are applied: "
                "an empty answer would be accepted",
                f"{variant!r} est vide une fois les tolérances de l'item appliquées : "
                "une réponse vide serait acceptée",
            )


def _validate_media(item: Item) -> None:
    if item.illustration is not None:
        _validate_one_media(item, "illustration", item.illustration)
        if not item.illustration.media_type.startswith("image/"):
            _fail(
                item,
                "illustration.media_type",
                f"an illustration must be an image (got {item.illustration.media_type})",
                f"une illustration doit être une image (reçu : {item.illustration.media_type})",
            )
        if not item.illustration.alt.strip():
            _fail(
                item,
                "illustration.alt",
                "an illustration needs an alternative text describing it",
                "une illustration doit avoir un texte alternatif qui la décrit",
            )
    if not isinstance(item.attachments, tuple):
        _fail(item, "attachments", "must be a list", "doit être une liste")
    names: set[str] = set()
    for index, media in enumerate(item.attachments):
        where = f"attachments[{index}]"
        _validate_one_media(item, where, media)
        if media.name in names:
            _fail(
                item,
                f"{where}.name",
                f"two attachments are named {media.name!r}",
                f"deux pièces jointes s'appellent {media.name!r}",
            )
        names.add(media.name)


def _validate_one_media(item: Item, where: str, media: Any) -> None:
    if not isinstance(media, Media):
        _fail(item, where, "must be a media", "doit être un média")
    if not isinstance(media.name, str) or not media.name.strip() or re.search(r"[/\\]", media.name):
        _fail(
            item,
            f"{where}.name",
            f"{media.name!r} is not a file name (no folder allowed)",
            f"{media.name!r} n'est pas un nom de fichier (sans dossier)",
        )
    if not isinstance(media.media_type, str) or not _MEDIA_TYPE.fullmatch(media.media_type):
        _fail(
            item,
            f"{where}.media_type",
            f"{media.media_type!r} is not a media type such as 'image/svg+xml' or 'text/csv'",
            f"{media.media_type!r} n'est pas un type de média comme « image/svg+xml » ou "
            "« text/csv »",
        )
    if not isinstance(media.data, bytes) or not media.data:
        _fail(item, f"{where}.data", "the file is empty", "le fichier est vide")
    if len(media.data) > MAX_MEDIA_BYTES:
        _fail(
            item,
            f"{where}.data",
            f"the file is too large ({len(media.data)} bytes, at most {MAX_MEDIA_BYTES})",
            f"le fichier est trop gros ({len(media.data)} octets, au plus {MAX_MEDIA_BYTES})",
        )
    if not isinstance(media.alt, str):
        _fail(item, f"{where}.alt", "must be a string", "doit être une chaîne")


def _validate_settings(item: Item) -> None:
    if item.timer is not None and (
        not isinstance(item.timer, int)
        or isinstance(item.timer, bool)
        or not 0 < item.timer <= MAX_TIMER_SECONDS
    ):
        _fail(
            item,
            "timer",
            f"must be a whole number of seconds from 1 to {MAX_TIMER_SECONDS}, or null "
            f"(got {item.timer!r})",
            f"doit être un nombre entier de secondes de 1 à {MAX_TIMER_SECONDS}, ou null "
            f"(reçu : {item.timer!r})",
        )
    for name in ("focused", "blind_ok", "colour_blind_ok", "pretest"):
        if not isinstance(getattr(item, name), bool):
            _fail(item, name, "must be true or false", "doit valoir true ou false")
    a, b = item.discrimination, item.difficulty
    if not isinstance(a, float) or not math.isfinite(a) or a <= 0:
        _fail(
            item,
            "discrimination",
            f"the discrimination (a) must be a finite number > 0 (got {a!r})",
            f"la discrimination (a) doit être un nombre fini > 0 (reçu : {a!r})",
        )
    if not isinstance(b, float) or not math.isfinite(b):
        _fail(
            item,
            "difficulty",
            f"the difficulty (b) must be a finite number (got {b!r})",
            f"la difficulté (b) doit être un nombre fini (reçu : {b!r})",
        )

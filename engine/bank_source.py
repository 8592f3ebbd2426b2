"""The readable item-bank source: one JSON file per competence, media files beside them.

A source directory holds `<competence>.json` files ("1.1.json" … "5.2.json"), each a JSON list of
items in the `Item.to_dict()` shape, except that media name a file instead of carrying base64:
`{"file": "media/url-phishing.svg", "alt": "…"}` (path relative to the directory; the media type
comes from the extension unless `"media_type"` is given). See docs/bank-source.md.

Loading validates everything and fails on the first problem with a message naming the file, the
item and the attribute. The demo bank ships as package data and loads through importlib.resources,
so an installed (even zipped) copy works.
"""

import json
from collections.abc import Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from engine.items import Item, ItemError, Media, MediaReader, build_item, check_unique_ids
from engine.referential import COMPETENCE_CODES

__all__ = [
    "MEDIA_TYPES",
    "BankSourceError",
    "bank_purpose",
    "load_bank_source",
    "load_demo_bank",
]

# The file types the kiosk can show or open in its own viewer.
MEDIA_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".pdf": "application/pdf",
}
_SOURCE_MEDIA_KEYS = frozenset({"file", "alt", "media_type"})


class BankSourceError(ValueError):
    """A source file that cannot be read as a bank; message in English and French."""

    def __init__(self, source: str, reason_en: str, reason_fr: str) -> None:
        self.source = source
        self.message_en = f"{source}: {reason_en}"
        self.message_fr = f"{source} : {reason_fr}"
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.message_en}\n{self.message_fr}"


def load_demo_bank() -> list[Item]:
    """The demo bank shipped with the engine (real questions on all 16 competences)."""
    return load_bank_source(resources.files("engine.demo_bank"))


def load_bank_source(path: str | Path | Traversable) -> list[Item]:
    """Every item of a source directory (in referential order), or of one source file.

    Raises BankSourceError for unreadable files and ItemError (with `source` set) for items.
    """
    root = Path(path) if isinstance(path, str) else path
    if not root.is_dir():
        if not root.is_file():
            raise BankSourceError(
                str(root), "no such file or directory", "fichier ou dossier introuvable"
            )
        items = _load_file(root, _parent(root, path))
    else:
        files = {f.name: f for f in root.iterdir() if f.name.endswith(".json")}
        unknown = sorted(set(files) - {f"{code}.json" for code in COMPETENCE_CODES})
        if unknown:
            raise BankSourceError(
                _label(files[unknown[0]]),
                "the file name must be a competence code, such as 1.1.json",
                "le nom du fichier doit être un code de compétence, comme 1.1.json",
            )
        if not files:
            raise BankSourceError(
                _label(root),
                "no item file (1.1.json … 5.2.json) in this directory",
                "aucun fichier d'items (1.1.json … 5.2.json) dans ce dossier",
            )
        items = [
            item
            for code in COMPETENCE_CODES
            if f"{code}.json" in files
            for item in _load_file(files[f"{code}.json"], root)
        ]
    try:
        check_unique_ids(items)
    except ItemError as error:
        raise error.in_source(_label(root)) from None
    bank_purpose(items, _label(root))
    return items


def bank_purpose(items: Sequence[Item], source: str) -> str:
    """What the bank is for ("certification" or "practice"): the purpose its items share.

    A bank that mixes them is refused: certification items must never be shown in practice,
    and practice items (public, with their corrections) must never be sealed for an exam."""
    first: dict[str, str] = {}
    for item in items:
        first.setdefault(item.purpose, item.id)
    if len(first) > 1:
        raise BankSourceError(
            source,
            f"the bank mixes certification items (first: {first['certification']!r}) and "
            f"practice items (first: {first['practice']!r}); certification items are never "
            "shown in practice: keep them in two banks",
            f"la banque mêle des items de certification (premier : {first['certification']!r}) "
            f"et d'entraînement (premier : {first['practice']!r}) ; les items de certification ne "
            "sont jamais montrés en entraînement : séparez-les en deux banques",
        )
    return next(iter(first), "certification")


def _parent(file: Traversable, path: Any) -> Traversable:
    """The directory that media paths of a single source file are relative to."""
    if isinstance(file, Path):
        return file.parent
    raise BankSourceError(
        str(path),
        "load a packaged bank by its directory, not by one file",
        "chargez une banque installée par son dossier, pas par un fichier",
    )


def _label(file: Traversable) -> str:
    return str(file) if isinstance(file, Path) else file.name


def _load_file(file: Traversable, root: Traversable) -> list[Item]:
    source = _label(file)
    try:
        data = json.loads(file.read_bytes().decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except OSError as error:
        raise BankSourceError(
            source, f"cannot read the file ({error})", f"lecture impossible ({error})"
        ) from None
    except UnicodeDecodeError:
        raise BankSourceError(
            source, "the file is not UTF-8 text", "le fichier n'est pas du texte UTF-8"
        ) from None
    except json.JSONDecodeError as error:
        raise BankSourceError(
            source,
            f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}",
            f"JSON invalide ligne {error.lineno}, colonne {error.colno} : {error.msg}",
        ) from None
    except _DuplicateKeyError as error:
        raise BankSourceError(
            source,
            f"the key {error.key!r} appears twice in one object",
            f"la clé {error.key!r} apparaît deux fois dans un même objet",
        ) from None
    if not isinstance(data, list):
        raise BankSourceError(
            source,
            "the file must hold a JSON list of items",
            "le fichier doit contenir une liste JSON d'items",
        )
    expected_competence = file.name.removesuffix(".json")
    items = []
    for position, entry in enumerate(data, start=1):
        try:
            item = build_item(entry, _media_reader(root))
        except ItemError as error:
            raise error.in_source(source, position) from None
        if expected_competence in COMPETENCE_CODES and item.competence != expected_competence:
            raise ItemError(
                item.id,
                "competence",
                f"this file holds competence {expected_competence}, not {item.competence}",
                f"ce fichier contient la compétence {expected_competence}, pas {item.competence}",
                source=source,
                position=position,
            )
        items.append(item)
    return items


def _media_reader(root: Traversable) -> MediaReader:
    """Read a source media dict {"file", "alt", "media_type"?} into a Media held in memory."""

    def read(item_id: str, where: str, value: Any) -> Media:
        if not isinstance(value, dict) or "file" not in value:
            raise ItemError(
                item_id,
                where,
                'must be an object like {"file": "media/x.svg", "alt": "…"}',
                'doit être un objet comme {"file": "media/x.svg", "alt": "…"}',
            )
        unknown = sorted(set(value) - _SOURCE_MEDIA_KEYS)
        if unknown:
            raise ItemError(
                item_id,
                f"{where}.{unknown[0]}",
                "unknown key (known keys: alt, file, media_type)",
                "clé inconnue (clés connues : alt, file, media_type)",
            )
        relative = value["file"]
        parts = relative.split("/") if isinstance(relative, str) else []
        if not parts or any(p in ("", ".", "..") or "\\" in p for p in parts):
            raise ItemError(
                item_id,
                f"{where}.file",
                f"{relative!r} must be a relative path inside the bank directory, with '/'",
                f"{relative!r} doit être un chemin relatif (avec « / ») dans la banque",
            )
        target = root.joinpath(*parts)
        try:
            data = target.read_bytes()
        except OSError:
            raise ItemError(
                item_id,
                f"{where}.file",
                f"cannot read the media file {relative!r}",
                f"impossible de lire le fichier média {relative!r}",
            ) from None
        suffix = "." + parts[-1].rsplit(".", 1)[-1].lower() if "." in parts[-1] else ""
        media_type = value.get("media_type", MEDIA_TYPES.get(suffix))
        if media_type is None:
            raise ItemError(
                item_id,
                f"{where}.media_type",
                f'unknown file type {suffix or "(none)"}: give "media_type" '
                f"or use one of {', '.join(MEDIA_TYPES)}",
                f"type de fichier inconnu {suffix or '(aucun)'} : indiquez « media_type » "
                f"ou utilisez l'un de {', '.join(MEDIA_TYPES)}",
            )
        return Media(name=parts[-1], media_type=media_type, data=data, alt=value.get("alt", ""))

    return read


class _DuplicateKeyError(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result

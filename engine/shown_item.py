"""What a person answering an item may see of it, JSON-ready: never its solution.

Built key by key from what is on screen — stem, choices, input fields, media — with nothing
copied by default, so a field added to `Item` later (a solution, a parameter) never leaks by
accident. The kiosk's candidate window (kiosk.core.item_view, which adds the timer and whether
the item is watched) and the practice pages (engine.training, which add the competence) both
show items through `shown_item`.
"""

import base64
from typing import Any, Protocol

from engine.items import Field, FieldKind, ItemType, Media

SHOWN_KEYS = frozenset({"id", "type", "stem", "choices", "fields", "illustration", "attachments"})


class ShownItem(Protocol):
    """An `engine.items.Item`, or a view of one with the same attribute names."""

    @property
    def id(self) -> str: ...
    @property
    def type(self) -> ItemType: ...
    @property
    def stem(self) -> str: ...
    @property
    def choices(self) -> tuple[str, ...]: ...
    @property
    def fields(self) -> tuple[Field, ...]: ...
    @property
    def illustration(self) -> Media | None: ...
    @property
    def attachments(self) -> tuple[Media, ...]: ...


def shown_item(item: ShownItem) -> dict[str, Any]:
    """The keys of `SHOWN_KEYS`, JSON-ready (media as base64)."""
    return {
        "id": item.id,
        "type": str(item.type),
        "stem": item.stem,
        "choices": list(item.choices),
        "fields": [field_to_wire(f) for f in item.fields],
        "illustration": media_to_wire(item.illustration) if item.illustration else None,
        "attachments": [media_to_wire(media) for media in item.attachments],
    }


def field_to_wire(field: Field) -> dict[str, str]:
    return {
        "name": field.name,
        "label": field.label,
        "kind": str(field.kind),
        "placeholder": field.placeholder,
    }


def field_from_wire(wire: dict[str, str]) -> Field:
    return Field(wire["name"], wire["label"], FieldKind(wire["kind"]), wire.get("placeholder", ""))


def media_to_wire(media: Media) -> dict[str, str]:
    return {
        "name": media.name,
        "media_type": media.media_type,
        "data": base64.b64encode(media.data).decode("ascii"),
        "alt": media.alt,
    }


def media_from_wire(wire: dict[str, str]) -> Media:
    return Media(wire["name"], wire["media_type"], base64.b64decode(wire["data"]), wire["alt"])

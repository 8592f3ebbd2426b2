"""What the candidate window may know of an item: what is on screen, never its solution.

The core decrypts the item the engine picked and keeps the whole `engine.items.Item` (it checks
the answer); the window gets an `ItemView`, built field by field from what a candidate sees —
stem, choices, input fields, media, timer, whether it is watched. Nothing is copied by default,
so a field added to `Item` later (a solution, a parameter) never reaches the window by accident.
"""

import base64
from dataclasses import dataclass
from typing import Any

from engine.items import Field, FieldKind, Item, ItemType, Media

VIEW_KEYS = frozenset(
    {"id", "type", "stem", "choices", "fields", "illustration", "attachments", "timer", "focused"}
)


@dataclass(frozen=True, kw_only=True)
class ItemView:
    """One question as the window shows it (the same attribute names as `Item`)."""

    id: str
    type: ItemType
    stem: str
    choices: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()
    illustration: Media | None = None
    attachments: tuple[Media, ...] = ()
    timer: int | None = None
    focused: bool = False

    @classmethod
    def of(cls, item: Item) -> "ItemView":
        return cls(
            id=item.id,
            type=item.type,
            stem=item.stem,
            choices=item.choices,
            fields=item.fields,
            illustration=item.illustration,
            attachments=item.attachments,
            timer=item.timer,
            focused=item.focused,
        )

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": str(self.type),
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
            "illustration": _media_to_wire(self.illustration) if self.illustration else None,
            "attachments": [_media_to_wire(media) for media in self.attachments],
            "timer": self.timer,
            "focused": self.focused,
        }

    @classmethod
    def from_wire(cls, wire: dict[str, Any]) -> "ItemView":
        illustration = wire.get("illustration")
        return cls(
            id=str(wire["id"]),
            type=ItemType(wire["type"]),
            stem=str(wire["stem"]),
            choices=tuple(str(choice) for choice in wire.get("choices", ())),
            fields=tuple(
                Field(f["name"], f["label"], FieldKind(f["kind"]), f.get("placeholder", ""))
                for f in wire.get("fields", ())
            ),
            illustration=_media_from_wire(illustration) if illustration else None,
            attachments=tuple(_media_from_wire(media) for media in wire.get("attachments", ())),
            timer=wire.get("timer"),
            focused=bool(wire.get("focused", False)),
        )


def _media_to_wire(media: Media) -> dict[str, str]:
    return {
        "name": media.name,
        "media_type": media.media_type,
        "data": base64.b64encode(media.data).decode("ascii"),
        "alt": media.alt,
    }


def _media_from_wire(wire: dict[str, str]) -> Media:
    return Media(wire["name"], wire["media_type"], base64.b64decode(wire["data"]), wire["alt"])

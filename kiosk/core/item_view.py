"""What the candidate window may know of an item: what is on screen, never its solution.

The core decrypts the item the engine picked and keeps the whole `engine.items.Item` (it checks
the answer); the window gets an `ItemView`, built field by field from what a candidate sees —
what the practice pages show too (engine.shown_item), the timer and whether it is watched.
Nothing is copied by default, so a field added to `Item` later (a solution, a parameter) never
reaches the window by accident.
"""

from dataclasses import dataclass
from typing import Any

from engine.items import Field, Item, ItemType, Media
from engine.shown_item import SHOWN_KEYS, field_from_wire, media_from_wire, shown_item

VIEW_KEYS = SHOWN_KEYS | {"timer", "focused"}


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
        return {**shown_item(self), "timer": self.timer, "focused": self.focused}

    @classmethod
    def from_wire(cls, wire: dict[str, Any]) -> "ItemView":
        illustration = wire.get("illustration")
        return cls(
            id=str(wire["id"]),
            type=ItemType(wire["type"]),
            stem=str(wire["stem"]),
            choices=tuple(str(choice) for choice in wire.get("choices", ())),
            fields=tuple(field_from_wire(f) for f in wire.get("fields", ())),
            illustration=media_from_wire(illustration) if illustration else None,
            attachments=tuple(media_from_wire(media) for media in wire.get("attachments", ())),
            timer=wire.get("timer"),
            focused=bool(wire.get("focused", False)),
        )

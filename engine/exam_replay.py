"""Replaying an exam: the same bank, configuration, seed and events give the same exam, or fail.

Events are the answers and replacements in order, in the format the kiosk journal and the server
share: `{"kind": "answer", "item_id": str, "status": str}` and `{"kind": "replace", "item_id":
str}`. Each answer must be to the item the engine presents at that point, each replacement must
name it; the first event that does not fit raises `ReplayError` naming its index and content.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from engine.config import ExamConfig
from engine.exam import Exam, ExamError
from engine.itembank import ItemBank

EVENT_KEYS = {"answer": {"kind", "item_id", "status"}, "replace": {"kind", "item_id"}}


class ReplayError(ValueError):
    """The first event that does not match the engine's own run of the exam."""

    def __init__(self, index: int, event: Any, reason_en: str, reason_fr: str) -> None:
        self.index = index
        self.event = event
        self.reason_en = reason_en
        self.reason_fr = reason_fr
        super().__init__(
            f"replay fails at event {index} {event!r}: {reason_en}\n"
            f"le rejeu échoue à l'événement {index} {event!r} : {reason_fr}"
        )


def replay(
    bank: ItemBank,
    config: ExamConfig,
    seed: int | str,
    events: Iterable[Mapping[str, Any]],
    *,
    accessibility_needs: bool = False,
) -> Exam:
    """The exam after `events`, rebuilt by the engine; ReplayError at the first mismatch."""
    replaying = Replay(bank, config, seed, accessibility_needs=accessibility_needs)
    for event in events:
        replaying.feed(event)
    return replaying.exam


class Replay:
    """A replay fed one event at a time, as the events arrive (the server replays each exam
    while its journal streams in, so that its record is only compared at the end)."""

    def __init__(
        self,
        bank: ItemBank,
        config: ExamConfig,
        seed: int | str,
        *,
        accessibility_needs: bool = False,
    ) -> None:
        self.exam = Exam(bank, config, seed, accessibility_needs=accessibility_needs)
        self.fed = 0  # events fed so far

    def feed(self, event: Mapping[str, Any]) -> None:
        """Apply the next event; ReplayError if the engine would not have done so."""
        index = self.fed
        if not isinstance(event, Mapping) or set(event) != EVENT_KEYS.get(event.get("kind"), ()):
            raise ReplayError(
                index,
                event,
                "not an answer or replace event with exactly its keys",
                "ce n'est pas un événement answer ou replace avec exactement ses clés",
            )
        exam = self.exam
        presented = exam.next_item()
        if presented is None:
            raise ReplayError(index, event, "the exam is already over", "l'examen est déjà fini")
        if event["item_id"] != presented:
            raise ReplayError(
                index,
                event,
                f"the engine presents {presented!r} here",
                f"le moteur présente {presented!r} ici",
            )
        try:
            if event["kind"] == "answer":
                exam.record(event["item_id"], event["status"])
            else:
                exam.replace(event["item_id"])
        except ExamError as error:
            raise ReplayError(index, event, str(error), str(error)) from error
        self.fed += 1

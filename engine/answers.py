"""Checking a candidate's response against an item, and the status Pix gives the answer.

Response shapes, by item type (what the kiosk sends and the journal stores):

- QCU: an int, the 0-based index of the chosen choice.
- QCM: a collection of ints (list, tuple, set): the chosen indices, order-free.
- QROC: a str, the typed text.
- QROCM-ind / QROCM-dep: a dict from field name to typed str, one entry per field.

A response of the wrong shape is a programming or tampering error, not a wrong answer: it raises
`ResponseError`. Wrong answers return False / "ko".
"""

from collections.abc import Collection, Mapping, Sequence
from enum import StrEnum
from typing import Any

from engine.items import Field, FieldKind, Item, ItemType
from engine.tolerance import Tolerances, normalise, number_matches, parse_number, text_matches

__all__ = ["AnswerStatus", "ResponseError", "answer_status", "check_answer"]


class AnswerStatus(StrEnum):
    """Pix's answer results; only OK counts as a success."""

    OK = "ok"
    KO = "ko"
    ABAND = "aband"
    TIMEDOUT = "timedout"
    FOCUSED_OUT = "focusedOut"


class ResponseError(ValueError):
    """A response whose shape does not fit the item; message in English and French."""

    def __init__(self, item_id: str, reason_en: str, reason_fr: str) -> None:
        self.item_id = item_id
        self.message_en = f'item "{item_id}": malformed response: {reason_en}'
        self.message_fr = f"item « {item_id} » : réponse mal formée : {reason_fr}"
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.message_en}\n{self.message_fr}"


def answer_status(
    item: Item,
    response: Any,
    *,
    skipped: bool = False,
    timed_out: bool = False,
    focus_lost: bool = False,
) -> AnswerStatus:
    """The status of an answer, in Pix's order of precedence.

    Skipped ("Je passe") → aband, whatever the response; the item's timer ran out → timedout
    (the response may then be None); otherwise the response is checked, and a correct answer to a
    `focused` item after a focus loss becomes focusedOut.
    """
    if skipped:
        return AnswerStatus.ABAND
    if timed_out:
        return AnswerStatus.TIMEDOUT
    if not check_answer(item, response):
        return AnswerStatus.KO
    if item.focused and focus_lost:
        return AnswerStatus.FOCUSED_OUT
    return AnswerStatus.OK


def check_answer(item: Item, response: Any) -> bool:
    """Whether the response is correct; raises ResponseError if its shape does not fit the item."""
    match item.type:
        case ItemType.QCU:
            return _chosen_index(item, response) in item.correct_choices
        case ItemType.QCM:
            return _chosen_indices(item, response) == item.correct_choices
        case ItemType.QROC:
            if not isinstance(response, str):
                raise _wrong_shape(item, response, "a string", "une chaîne")
            return _field_matches(item.fields[0], response, item.accepted[0], item.tolerances)
        case ItemType.QROCM_IND:
            typed = _typed_fields(item, response)
            return all(
                _field_matches(f, typed[f.name], variants, item.tolerances)
                for f, variants in zip(item.fields, item.accepted, strict=True)
            )
        case ItemType.QROCM_DEP:
            typed = _typed_fields(item, response)
            return _each_field_in_distinct_group(item, [typed[f.name] for f in item.fields])


def _field_matches(f: Field, typed: str, variants: Sequence[str], tolerances: Tolerances) -> bool:
    if f.kind is FieldKind.NUMBER:
        return number_matches(typed, variants)
    return text_matches(typed, variants, tolerances)


def _each_field_in_distinct_group(item: Item, typed: list[str]) -> bool:
    """Distinct answers, each matched to its own group.

    The same answer typed twice counts once (T3 could otherwise let "doc" fill both the "doc" and
    the "docx" groups). Groups are assigned by a perfect matching (Kuhn's augmenting paths, over a
    handful of fields and groups), so the order of the fields never matters.
    """
    answers = list(zip(item.fields, typed, strict=True))
    if len({_answer_key(f, text, item.tolerances) for f, text in answers}) < len(answers):
        return False
    fits = [
        [_field_matches(f, text, group, item.tolerances) for group in item.accepted]
        for f, text in answers
    ]
    group_owner: list[int | None] = [None] * len(item.accepted)

    def place(field_index: int, visited: set[int]) -> bool:
        for group, fit in enumerate(fits[field_index]):
            if fit and group not in visited:
                visited.add(group)
                owner = group_owner[group]
                if owner is None or place(owner, visited):
                    group_owner[group] = field_index
                    return True
        return False

    return all(place(i, set()) for i in range(len(typed)))


def _answer_key(f: Field, typed: str, tolerances: Tolerances) -> object:
    """What makes two typed answers "the same": the number, or the normalised text."""
    if f.kind is FieldKind.NUMBER:
        number = parse_number(typed)
        return typed if number is None else number.normalize()
    return normalise(typed, tolerances)


def _chosen_index(item: Item, response: Any) -> int:
    if not isinstance(response, int) or isinstance(response, bool):
        raise _wrong_shape(item, response, "a choice index (an integer)", "un indice de choix")
    _check_index(item, response)
    return response


def _chosen_indices(item: Item, response: Any) -> frozenset[int]:
    if not isinstance(response, Collection) or isinstance(response, str | bytes | Mapping):
        raise _wrong_shape(
            item, response, "a list of choice indices", "une liste d'indices de choix"
        )
    for index in response:
        if not isinstance(index, int) or isinstance(index, bool):
            raise _wrong_shape(
                item, index, "choice indices (integers)", "des indices de choix (entiers)"
            )
        _check_index(item, index)
    return frozenset(response)


def _check_index(item: Item, index: int) -> None:
    if not 0 <= index < len(item.choices):
        raise ResponseError(
            item.id,
            f"choice {index} does not exist (choices are numbered 0 to {len(item.choices) - 1})",
            f"le choix {index} n'existe pas (choix numérotés de 0 à {len(item.choices) - 1})",
        )


def _typed_fields(item: Item, response: Any) -> Mapping[str, str]:
    if not isinstance(response, Mapping):
        raise _wrong_shape(
            item, response, "an object from field name to text", "un objet nom de champ → texte"
        )
    expected = {f.name for f in item.fields}
    if set(response) != expected:
        given = sorted(map(str, response))
        raise ResponseError(
            item.id,
            f"expected exactly the fields {sorted(expected)}, got {given}",
            f"champs attendus : exactement {sorted(expected)}, reçus : {given}",
        )
    for name, text in response.items():
        if not isinstance(text, str):
            raise _wrong_shape(item, text, f"text for field {name!r}", f"du texte pour {name!r}")
    return response


def _wrong_shape(item: Item, value: Any, expected_en: str, expected_fr: str) -> ResponseError:
    kind = type(value).__name__
    return ResponseError(
        item.id,
        f"expected {expected_en}, got {kind}",
        f"attendu : {expected_fr}, reçu : {kind}",
    )

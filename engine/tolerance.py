"""How close a typed answer must be to an accepted one: Pix's tolerances T1, T2, T3 and numbers.

- T1: trim, lower-case, strip accents (and fold ligatures such as "œ") and remove all whitespace.
- T2: drop every character outside [a-zA-Z0-9 ].
- T3: accept when Levenshtein distance ÷ length of the (normalised) accepted answer ≤ 0.25.

Both the typed answer and each accepted variant go through the same enabled treatments (T1 then
T2) before they are compared, as Pix does. Number fields do not use tolerances: "3,5", "3.5" and
" 3,50 " are the same number, and spaces may separate thousands ("1 000").
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

T3_MAX_RATIO = 0.25

# Letters that Unicode decomposition does not split but that French keyboards and readers treat as
# their plain-letter spelling ("cœur" typed as "coeur").
_FOLDED_LETTERS = str.maketrans(
    {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i"}
)
_OUTSIDE_T2 = re.compile(r"[^a-zA-Z0-9 ]")
# A sign, an integer part whose thousands may be separated by single spaces, a decimal part after
# "," or "."; ".5" and ",5" too.
_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?: \d{3})+|\d+)(?:[.,]\d+)?|[.,]\d+)")
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2212": "-"})


@dataclass(frozen=True)
class Tolerances:
    """Which of Pix's tolerances an item applies to its text fields (all on by default)."""

    t1: bool = True
    t2: bool = True
    t3: bool = True


def apply_t1(text: str) -> str:
    """Trim, lower-case, strip accents, fold ligatures and remove all whitespace."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_FOLDED_LETTERS))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(plain.lower().translate(_FOLDED_LETTERS).split())


def apply_t2(text: str) -> str:
    """Drop every character outside [a-zA-Z0-9 ]."""
    return _OUTSIDE_T2.sub("", text)


def normalise(text: str, tolerances: Tolerances) -> str:
    """The text after the enabled treatments (T1 then T2); T3 is a comparison, not a treatment."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    if tolerances.t1:
        text = apply_t1(text)
    if tolerances.t2:
        text = apply_t2(text)
    return text


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions) between two strings."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def within_t3(given: str, accepted: str) -> bool:
    """T3 on already-normalised strings: distance ÷ len(accepted) ≤ 0.25 (exact if empty)."""
    if not accepted:
        return given == accepted
    return levenshtein(given, accepted) / len(accepted) <= T3_MAX_RATIO


def text_matches(given: str, accepted: Iterable[str], tolerances: Tolerances) -> bool:
    """True when the typed text matches one of the accepted variants under these tolerances."""
    typed = normalise(given, tolerances)
    variants = [normalise(variant, tolerances) for variant in accepted]
    if typed in variants:
        return True
    return tolerances.t3 and any(within_t3(typed, variant) for variant in variants)


def parse_number(text: str) -> Decimal | None:
    """The number a person typed ("3,5", "-2", "1 000", "0.25"), or None if it is not one."""
    typed = text.translate(_SPACES).strip()
    if not _NUMBER.fullmatch(typed):
        return None
    try:
        return Decimal(typed.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None


def number_matches(given: str, accepted: Iterable[str]) -> bool:
    """True when the typed text is a number equal to one of the accepted numbers."""
    typed = parse_number(given)
    return typed is not None and any(typed == parse_number(variant) for variant in accepted)

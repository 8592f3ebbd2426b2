"""The UAI (Unité administrative immatriculée, ex-RNE): a school's national number.

Seven digits and a letter (`0750655E`). The letter is a check letter in the national directory;
it is not enforced here, test and training data often carry UAIs that fail it.
"""

import re

from engine.canonical import BilingualError

UAI_PATTERN = re.compile(r"^\d{7}[A-Z]$")


class InvalidUaiError(BilingualError):
    """A text that is not a UAI."""


def normalise_uai(text: str) -> str:
    """The UAI in capitals, or InvalidUaiError."""
    uai = (text or "").strip().upper()
    if not UAI_PATTERN.match(uai):
        raise InvalidUaiError(
            "invalid_uai",
            f"UAI « {text} » invalide : sept chiffres et une lettre attendus (ex. 0750655E).",
            f"invalid UAI “{text}”: seven digits and a letter expected (e.g. 0750655E).",
        )
    return uai

"""Comparing names as people type them: case, accents, spaces, hyphens and apostrophes ignored.

"Lefèvre-Durand" typed as "LEFEVRE DURAND" must find the candidate, as in Pix.
"""

import unicodedata


def name_key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    without_marks = "".join(char for char in decomposed if not unicodedata.combining(char))
    return "".join(char for char in without_marks.casefold() if char.isalnum())


def first_names_match(typed: str, registered: str) -> bool:
    """All the first names, or just the first one ("Marie" for "Marie Claire")."""
    typed_key = name_key(typed)
    if not typed_key:
        return False
    given = registered.replace(",", " ").split()
    return typed_key == name_key(registered) or (bool(given) and typed_key == name_key(given[0]))

"""The practice content the server trains with: the engine's parcours catalogue and practice
bank, loaded once per process (they ship with the engine, versioned beside the bank sources)."""

from functools import cache

from engine.parcours import Parcours, load_catalogue
from engine.training import PracticeBank, load_practice_bank
from server_stub.practice.errors import PracticeError


@cache
def practice_bank() -> PracticeBank:
    return load_practice_bank()


@cache
def catalogue() -> tuple[Parcours, ...]:
    return tuple(load_catalogue())


def parcours(parcours_id: str) -> Parcours:
    """The parcours with this id, or PracticeError parcours_not_found."""
    for found in catalogue():
        if found.id == parcours_id:
            return found
    raise PracticeError("parcours_not_found", parcours=parcours_id)


def parcours_dict(found: Parcours) -> dict:
    """A parcours as `pix-server parcours list --json` and the pages show it (the engine's own
    form: id, version, title, purpose, grade, competences, tubes, skills, max_items)."""
    return found.to_dict()


def profile_parcours() -> Parcours | None:
    """The parcours a profile-collection campaign trains on when it names none: the broadest
    training parcours (most competences), so students can grow every level from it."""
    candidates = sorted(catalogue(), key=lambda p: (-len(p.competences), p.purpose != "training"))
    return candidates[0] if candidates else None

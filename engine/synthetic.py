"""Synthetic item banks for simulations and benchmarks: the 16 competences, 2PL parameters drawn
from a ~ lognormal(0, 0.3) and b ~ N(0, 1.2), items grouped in tubes, seeded.

Ids are `c<competence>-t<tube>-s<item>` (e.g. `c3.4-t02-s011`); each item tests its own skill,
and the items of a competence are dealt at random into tubes of `items_per_tube`, so a tube
spans several difficulties as Pix's tubes do.
"""

import numpy as np

from engine.itembank import ItemBank
from engine.referential import COMPETENCE_CODES


def synthetic_bank(
    items_per_competence: int, *, seed: int = 0, items_per_tube: int = 4
) -> ItemBank:
    """A bank of 16 × `items_per_competence` items (see the module docstring)."""
    if items_per_competence < 1 or items_per_tube < 1:
        raise ValueError("a synthetic bank needs ≥ 1 item per competence and per tube")
    rng = np.random.Generator(np.random.PCG64(seed))
    size = len(COMPETENCE_CODES) * items_per_competence
    discrimination = rng.lognormal(0.0, 0.3, size)
    difficulty = rng.normal(0.0, 1.2, size)
    ids, competences, tubes = [], [], []
    for code in COMPETENCE_CODES:
        dealt = rng.permutation(items_per_competence) // items_per_tube
        for item, tube in enumerate(dealt):
            tube_id = f"c{code}-t{tube:02d}"
            ids.append(f"{tube_id}-s{item:03d}")
            competences.append(code)
            tubes.append(tube_id)
    return ItemBank.from_arrays(ids, competences, discrimination, difficulty, tubes=tubes)

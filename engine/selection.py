"""Which item comes next: the selection rules, the ranking and the seeded draws.

Everything works on a batch of candidates (one row each), so one candidate's exam and a
simulation of thousands run the same code. The rules, per mode:

`pix` (Pix's rule engine, in Pix's order):
 1. items still open: not answered, not withdrawn after a live alert, and, for a candidate with
    accessibility needs, flagged compatible;
 2. one question per tube (else, if switched off, one per skill) — a hard rule;
 3. while some competence has no answer, only items of such competences (if any is left);
 4. no competence of the last N answers (unless that leaves nothing);
 5. rank by information p(1−p)a² at the current estimate and draw among the 5 best: the first
    with probability 51 %, else the second with 51 %, … the fifth takes what is left.

`default`:
 1. items still open (as above);
 2. the plan: only competences that have had fewer than 2 questions (unless none is left);
 3. one question per tube (else per skill), unless that leaves nothing in the plan;
 4. no competence of the last N answers if configured (N = 0 by default);
 5. exposure control: an item may be given only if the exam's ticket for it is below its
    Sympson–Hetter parameter for the stratum of the current estimate (unless none passes);
 6. the item with the most information minus its exposure price (see engine.exposure).

Ranking is on information (minus its price) rounded to `information_decimals`, ties going to the
smaller item id;
draws come from PCG64 streams seeded by the exam's seed (numpy guarantees these streams are
the same on every platform and version), indexed by position so a replay redraws the same values.
"""

import bisect
import hashlib
import math

import numpy as np

from engine.config import ExamConfig
from engine.itembank import ItemBank
from engine.referential import COMPETENCE_CODES

_UNIFORM_SCALE = 2.0**-53


def seed_entropy(seed: int | str) -> int:
    """An exam seed as a non-negative integer: ints as they are, text through SHA-256."""
    if isinstance(seed, bool) or not isinstance(seed, int | str):
        raise TypeError(f"an exam seed is an int or a str, not {type(seed).__name__}")
    if isinstance(seed, str):
        return int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest(), "big")
    if seed < 0:
        raise ValueError("an exam seed must be ≥ 0")
    return seed


def _uniforms(bit_generator: np.random.PCG64, count: int) -> np.ndarray:
    """Doubles in [0, 1) from the top 53 bits of raw 64-bit outputs (no numpy-version detail)."""
    raw = bit_generator.random_raw(count)
    return (raw >> np.uint64(11)).astype(np.float64) * _UNIFORM_SCALE


class ExamDraws:
    """All the randomness of one exam, from its seed: two independent PCG64 streams.

    The ticket stream gives one uniform per item, once per exam (the Sympson–Hetter lottery
    tickets); the pick stream gives the uniforms of the top-N draws, `candidates_kept − 1` per
    selection, read by position so that a replay reads the same ones.
    """

    def __init__(self, seed: int | str) -> None:
        self._entropy = seed_entropy(seed)
        self._picks: np.random.PCG64 | None = None
        self._pick_values = np.empty(0)

    def _stream(self, key: int) -> np.random.PCG64:
        return np.random.PCG64(np.random.SeedSequence(self._entropy, spawn_key=(key,)))

    def tickets(self, count: int) -> np.ndarray:
        """`count` uniforms from the start of the ticket stream (the same on every call)."""
        return _uniforms(self._stream(0), count)

    def picks(self, count: int) -> np.ndarray:
        """The first `count` uniforms of the pick stream (drawn once, kept for re-reads)."""
        if count > self._pick_values.size:
            if self._picks is None:
                self._picks = self._stream(1)
            more = _uniforms(self._picks, count - self._pick_values.size)
            self._pick_values = np.concatenate([self._pick_values, more])
        return self._pick_values[:count]


def binary_tree_picks(candidates: np.ndarray, probability: int, uniforms: np.ndarray) -> np.ndarray:
    """Pix's binaryTreeRandom, per row: rank 0 if floor(100·u₀) < p, else rank 1 if
    floor(100·u₁) < p, …; the last of the row's `candidates` takes what is left."""
    if candidates.size == 1:  # one exam: a few Python floats, the same test
        last = max(int(candidates[0]) - 1, 0)
        for rank, uniform in enumerate(uniforms[0, :last].tolist()):
            if math.floor(uniform * 100) < probability:
                return np.array([rank])
        return np.array([last])
    levels = np.arange(uniforms.shape[1])
    hit = (np.floor(uniforms * 100) < probability) & (levels < candidates[:, None] - 1)
    return np.where(hit.any(axis=1), hit.argmax(axis=1), np.maximum(candidates - 1, 0))


class SelectionState:
    """What the rules remember about each row: open items, fresh tubes (or skills), competences.

    `open` excludes answered, withdrawn and (with accessibility needs) incompatible items;
    `fresh` excludes items whose tube (or skill, when one question per tube is off) was answered.
    """

    def __init__(self, bank: ItemBank, config: ExamConfig, needs: np.ndarray) -> None:
        size = needs.size
        self.by_tube = config.limit_to_one_question_per_tube
        self.open = np.ones((size, len(bank)), dtype=bool)
        self.open[needs] &= bank.accessible
        self.fresh = np.ones((size, len(bank)), dtype=bool)
        self.competence_count = np.zeros((size, len(COMPETENCE_CODES)), dtype=np.intp)
        self.recent = np.full((size, config.challenges_between_same_competence), -1, np.intp)

    def answered(self, bank: ItemBank, rows: np.ndarray, items: np.ndarray) -> None:
        """Rows `rows` answered `items` (one each; rows distinct)."""
        if rows.size == 1:
            self._answered_one(bank, int(rows[0]), int(items[0]))
            return
        self.open[rows, items] = False
        group = bank.tube if self.by_tube else bank.skill
        self.fresh[rows] &= group[None, :] != group[items][:, None]
        self.competence_count[rows, bank.competence[items]] += 1
        if self.recent.shape[1]:
            self.recent[rows, :-1] = self.recent[rows, 1:]
            self.recent[rows, -1] = bank.competence[items]

    def _answered_one(self, bank: ItemBank, row: int, item: int) -> None:
        """`answered` for one row: the item's group by its members, not by a bank-wide test."""
        self.open[row, item] = False
        if self.by_tube:
            self.fresh[row, bank.tube_members[bank.tube[item]]] = False
        else:
            self.fresh[row, bank.skill_members[bank.skill[item]]] = False
        competence = bank.competence[item]
        self.competence_count[row, competence] += 1
        if self.recent.shape[1]:
            self.recent[row, :-1] = self.recent[row, 1:]
            self.recent[row, -1] = competence

    def withdraw(self, bank: ItemBank, row: int, item: int) -> None:
        """A validated live alert: the item and every item of its skill leave this exam."""
        self.open[row] &= bank.skill != bank.skill[item]


def _prefer(mask: np.ndarray, preferred: np.ndarray) -> np.ndarray:
    """`preferred` for the rows where it leaves something, `mask` elsewhere (a soft rule)."""
    leaves = preferred.any(axis=1, keepdims=True)
    return preferred if leaves.all() else np.where(leaves, preferred, mask)


def _not_recent(bank: ItemBank, state: SelectionState, rows: np.ndarray) -> np.ndarray:
    if rows.size == 1:
        recent = [code for code in state.recent[rows[0]].tolist() if code >= 0]
        return ~bank.competence_mask[recent].any(axis=0, keepdims=True)
    recent = np.zeros((rows.size, len(COMPETENCE_CODES) + 1), dtype=bool)
    recent[np.arange(rows.size)[:, None], state.recent[rows]] = True  # -1 lands in the spare
    return ~recent[:, bank.competence]


def allowed_items(
    bank: ItemBank,
    config: ExamConfig,
    state: SelectionState,
    rows: np.ndarray,
    capacity: np.ndarray,
    tickets: np.ndarray | None,
) -> np.ndarray:
    """The items each row may get next, after the rules of its mode (see the module docstring).

    A hard rule always applies; each soft rule ("prefer") applies unless it would leave
    nothing. When every soft rule can hold at once (nearly always), the answer is simply all
    the rules together; the rules are otherwise applied one by one, in order."""
    mask = state.open[rows]
    fresh = state.fresh[rows]
    preferences = []
    if config.mode == "pix":
        mask = mask & fresh
        if config.enable_passage_by_all_competences:
            preferences.append((state.competence_count[rows] == 0)[:, bank.competence])
    else:
        if config.questions_per_competence is not None:
            count = state.competence_count[rows]
            preferences.append((count < config.questions_per_competence)[:, bank.competence])
        preferences.append(fresh)
    if config.challenges_between_same_competence:
        preferences.append(_not_recent(bank, state, rows))
    if tickets is not None and bank.exposure is not None:
        if rows.size == 1:  # one exam: its stratum by bisection, its tickets against k's column
            stratum = bisect.bisect_right(bank.exposure.edges, float(capacity[0]))
            preferences.append(tickets[rows] < bank.exposure.k_by_stratum[stratum])
        else:
            limits = bank.exposure.k_by_stratum[bank.exposure.stratum(capacity)]
            preferences.append(tickets[rows] < limits)
    every = mask
    for preferred in preferences:
        every = every & preferred
    if every.any(axis=1).all():
        return every
    for preferred in preferences:
        mask = _prefer(mask, mask & preferred)
    return mask


def information(bank: ItemBank, capacity: np.ndarray) -> np.ndarray:
    """Fisher information p(1−p)a² of every item (columns) at each row's capacity, as Pix has it."""
    p = 1 / (1 + np.exp(bank.discrimination * (bank.difficulty - capacity[:, None])))
    return p * (1 - p) * bank.information_scale


def ranked_candidates(
    bank: ItemBank,
    config: ExamConfig,
    allowed: np.ndarray,
    capacity: np.ndarray,
    prices: np.ndarray | None = None,
) -> np.ndarray:
    """Per row, the `candidates_kept` best allowed items, best first; −1 pads missing ones.

    Items rank by information minus their exposure price (if any), rounded to
    `information_decimals`. The key is that rounded value times the number of items plus the
    reversed position (so the smaller id wins a tie): keys are distinct whole numbers, exact in
    float64 below 2⁵³, hence the same order on every machine.
    """
    n_items = len(bank)
    scale = 10.0**config.information_decimals
    if bank.max_information_scale * scale * n_items >= 2.0**53:
        raise ValueError("information_decimals too high for this bank: keys would lose exactness")
    kept = min(config.candidates_kept, n_items)
    if capacity.size == 1:  # one exam (a kiosk, a replay): rank only the items it may get
        return _ranked_one(bank, allowed[0], float(capacity[0]), prices, scale, kept)[None, :]
    value = information(bank, capacity)
    if prices is not None:
        value = value - prices
    key = np.where(allowed, np.rint(value * scale) * n_items + bank.tie_break, -np.inf)
    lines = np.arange(key.shape[0])
    ranked = np.empty((key.shape[0], kept), dtype=np.intp)
    for rank in range(kept):
        best = key.argmax(axis=1)
        ranked[:, rank] = np.where(np.isfinite(key[lines, best]), best, -1)
        key[lines, best] = -np.inf
    return ranked


def _ranked_one(
    bank: ItemBank,
    allowed: np.ndarray,
    capacity: float,
    prices: np.ndarray | None,
    scale: float,
    kept: int,
) -> np.ndarray:
    """`ranked_candidates` for one row, on its allowed items only: the same keys, element by
    element, so the same items in the same order."""
    open_items = np.flatnonzero(allowed)
    ranked = np.full(kept, -1, dtype=np.intp)
    if open_items.size == 0:
        return ranked
    p = 1 / (1 + np.exp(bank.discrimination[open_items] * (bank.difficulty[open_items] - capacity)))
    value = p * (1 - p) * bank.information_scale[open_items]
    if prices is not None:
        value = value - prices[open_items]
    key = np.rint(value * scale) * len(bank) + bank.tie_break[open_items]
    if kept == 1:
        ranked[0] = open_items[key.argmax()]
        return ranked
    if key.size > kept:
        top = np.argpartition(-key, kept - 1)[:kept]
        order = top[np.argsort(-key[top])]
    else:
        order = np.argsort(-key)
    ranked[: order.size] = open_items[order]
    return ranked

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
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from engine.config import ExamConfig
from engine.itembank import ItemBank
from engine.referential import COMPETENCE_CODES

_UNIFORM_SCALE = 2.0**-53
# The grid of the value table that narrows one exam's ranking to a few contenders: it covers
# every capacity either estimator can give (Pix's grid ends at ±9).
VALUE_GRID_STEP = 0.02
VALUE_GRID_LOW = -9.5


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
    levels = np.arange(uniforms.shape[1])
    hit = (np.floor(uniforms * 100) < probability) & (levels < candidates[:, None] - 1)
    return np.where(hit.any(axis=1), hit.argmax(axis=1), np.maximum(candidates - 1, 0))


class SelectionState:
    """What the rules remember about each row: open items, fresh tubes (or skills), the plan.

    `open` excludes answered, withdrawn and (with accessibility needs) incompatible items;
    `fresh` excludes items whose tube (or skill, when one question per tube is off) was answered;
    `planned` keeps the items of competences still short of their quota (the default mode's
    plan; Pix's passage by every competence is a quota of 1), every item once all have it (the
    rule then narrows nothing); `ready` is all three at once, kept up to date answer by answer
    so that a step usually needs no other mask.
    """

    def __init__(self, bank: ItemBank, config: ExamConfig, needs: np.ndarray) -> None:
        size = needs.size
        self.by_tube = config.limit_to_one_question_per_tube
        self.open, self.fresh, self.planned, self.ready = np.ones((4, size, len(bank)), dtype=bool)
        if _any(needs):
            self.open[needs] &= bank.accessible
            self.ready[needs] &= bank.accessible
        self.quota = _quota(config)
        self.competence_count = np.zeros((size, len(COMPETENCE_CODES)), dtype=np.intp)
        self.recent = np.full((size, config.challenges_between_same_competence), -1, np.intp)
        self.scratch = np.empty(len(bank), dtype=bool)  # allowed_one's answer
        self._lotteries: dict[tuple[int, int], np.ndarray] = {}

    def lottery_one(
        self, row: int, stratum: int, tickets: np.ndarray, k_by_stratum: np.ndarray
    ) -> np.ndarray:
        """The items row `row`'s lottery lets through in `stratum` (computed once per stratum
        visited: the tickets of an exam never change)."""
        lottery = self._lotteries.get((row, stratum))
        if lottery is None:
            lottery = tickets[row] < k_by_stratum[stratum]
            self._lotteries[row, stratum] = lottery
        return lottery

    def close(self, items: np.ndarray) -> None:
        """Items (a boolean column mask) no row may get: pretest items, for instance."""
        if not _any(items):
            return
        self.open[:, items] = False
        self.ready[:, items] = False

    def answered(self, bank: ItemBank, rows: np.ndarray, items: np.ndarray) -> None:
        """Rows `rows` answered `items` (one each; rows distinct)."""
        if rows.size == 1:
            self.answered_one(bank, int(rows[0]), int(items[0]))
            return
        self.open[rows, items] = False
        group = bank.tube if self.by_tube else bank.skill
        self.fresh[rows] &= group[None, :] != group[items][:, None]
        competences = bank.competence[items]
        self.competence_count[rows, competences] += 1
        if self.quota is not None:
            full = self.competence_count[rows, competences] == self.quota
            self.planned[rows[full]] &= ~bank.competence_mask[competences[full]]
            self.planned[rows[~self.planned[rows].any(axis=1)]] = True  # the plan is done
        self.ready[rows] = self.open[rows] & self.fresh[rows] & self.planned[rows]
        if self.recent.shape[1]:
            self.recent[rows, :-1] = self.recent[rows, 1:]
            self.recent[rows, -1] = competences

    def answered_one(self, bank: ItemBank, row: int, item: int) -> None:
        """`answered` for one row: the item's group by its members, not by a bank-wide test."""
        members, competence, others = _group_of(bank, self.by_tube)[item]
        self.open[row, item] = False
        fresh, ready = self.fresh[row], self.ready[row]
        if type(members) is int:  # a group of one item (the item itself)
            fresh[members] = False
            ready[members] = False
        else:
            fresh[members] = False
            ready[members] = False  # the item itself is among its group's members
        counts = self.competence_count[row]
        count = counts.item(competence) + 1
        counts[competence] = count
        if count == self.quota:
            planned = self.planned[row]
            planned &= others
            if _any(planned):
                ready &= planned
            else:  # every competence has its quota: the rule no longer narrows anything
                planned[:] = True
                np.logical_and(self.open[row], fresh, out=ready)
        if self.recent.shape[1]:
            self.recent[row, :-1] = self.recent[row, 1:]
            self.recent[row, -1] = competence

    def withdraw(self, bank: ItemBank, row: int, item: int) -> None:
        """A validated live alert: the item and every item of its skill leave this exam."""
        members = bank.skill_members[bank.skill[item]]
        self.open[row, members] = False
        self.ready[row, members] = False


def _group_of(bank: ItemBank, by_tube: bool) -> list[tuple[np.ndarray | int, int, np.ndarray]]:
    """What one answer closes, per item: the members of its tube (or skill; a group of one
    item as that item's position), its competence and the items of every other competence."""
    key = "group of item:tube" if by_tube else "group of item:skill"
    groups = bank.derived.get(key)
    if groups is None:
        members, codes = (
            (bank.tube_members, bank.tube) if by_tube else (bank.skill_members, bank.skill)
        )
        others = [_not_of(bank, frozenset((code,))) for code in range(len(COMPETENCE_CODES))]
        groups = [
            (
                int(members[code][0]) if members[code].size == 1 else members[code],
                competence,
                others[competence],
            )
            for code, competence in zip(codes.tolist(), bank.competence.tolist(), strict=True)
        ]
        bank.derived[key] = groups
    return groups


# Whether a 1-D boolean array has a true element, as `ndarray.any` says without its wrapper.
_any = np.logical_or.reduce


def _quota(config: ExamConfig) -> int | None:
    """Questions per competence before its items yield to the others' (None: no such rule)."""
    if config.mode == "pix":
        return 1 if config.enable_passage_by_all_competences else None
    return config.questions_per_competence


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
    the rules together (`state.ready` and the two rules that change at every step); the rules
    are otherwise applied one by one, in order."""
    if rows.size == 1:
        one = allowed_one(bank, config, state, int(rows[0]), float(capacity[0]), tickets)
        return one[None].copy()
    recent = _not_recent(bank, state, rows) if state.recent.shape[1] else None
    lottery = None
    if tickets is not None and bank.exposure is not None:
        lottery = tickets[rows] < bank.exposure.k_by_stratum[bank.exposure.stratum(capacity)]
    every = state.ready[rows]
    if recent is not None:
        every &= recent
    if lottery is not None:
        every &= lottery
    if every.any(axis=1).all():
        return every
    return _rule_by_rule(config, state, rows, recent, lottery)


def allowed_one(
    bank: ItemBank,
    config: ExamConfig,
    state: SelectionState,
    row: int,
    capacity: float,
    tickets: np.ndarray | None,
) -> np.ndarray:
    """`allowed_items` for one row (an exam at a kiosk, a replay), as a 1-D mask valid until the
    row's next call: every rule at once (`every_rule_one`); rule by rule only when that leaves
    nothing."""
    every = every_rule_one(bank, state, row, capacity, tickets)
    if every.any():
        return every
    rows = np.array([row])
    recent = _not_recent(bank, state, rows) if state.recent.shape[1] else None
    lottery = None
    if tickets is not None and bank.exposure is not None:
        stratum = bisect.bisect_right(bank.exposure.edges, capacity)
        lottery = state.lottery_one(row, stratum, tickets, bank.exposure.k_by_stratum)
    return _rule_by_rule(config, state, rows, recent, lottery)[0]


def every_rule_one(
    bank: ItemBank,
    state: SelectionState,
    row: int,
    capacity: float,
    tickets: np.ndarray | None,
) -> np.ndarray:
    """Every rule together for one row, as a 1-D mask valid until the row's next call: its
    `ready` items through its lottery (its stratum by bisection, its mask kept per stratum),
    minus its recent competences (one mask per set of them). It leaves something at nearly
    every step; where it leaves nothing, `allowed_one` applies the rules one by one."""
    every = state.scratch
    ready = state.ready[row]
    if tickets is not None and bank.exposure is not None:
        stratum = bisect.bisect_right(bank.exposure.edges, capacity)
        lottery = state.lottery_one(row, stratum, tickets, bank.exposure.k_by_stratum)
        np.logical_and(ready, lottery, out=every)
        ready = every
    if state.recent.shape[1]:
        recent = frozenset(state.recent[row].tolist())
        recent = recent - {-1} if -1 in recent else recent
        if recent:
            np.logical_and(ready, _not_of(bank, recent), out=every)
            return every
    if ready is not every:
        np.copyto(every, ready)
    return every


def _rule_by_rule(
    config: ExamConfig,
    state: SelectionState,
    rows: np.ndarray,
    recent: np.ndarray | None,
    lottery: np.ndarray | None,
) -> np.ndarray:
    """The rules in their order, each soft one kept only where it leaves something."""
    mask = state.open[rows]
    preferences = [state.planned[rows]]
    if config.mode == "pix":  # one question per tube is a hard rule there
        mask = mask & state.fresh[rows]
    else:
        preferences.append(state.fresh[rows])
    preferences += [rule for rule in (recent, lottery) if rule is not None]
    for preferred in preferences:
        mask = _prefer(mask, mask & preferred)
    return mask


def _not_of(bank: ItemBank, competences: frozenset[int]) -> np.ndarray:
    """The items of none of `competences` (computed once per bank and set of competences)."""
    masks = bank.derived.get("not of competences")
    if masks is None:
        masks = bank.derived.setdefault("not of competences", {})
    mask = masks.get(competences)
    if mask is None:
        mask = ~bank.competence_mask[sorted(competences)].any(axis=0)
        masks[competences] = mask
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
        ranked = np.full((1, kept), -1, dtype=np.intp)
        found = ranked_one(bank, config, allowed[0], float(capacity[0]), prices)
        ranked[0, : len(found)] = found
        return ranked
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


def ranked_one(
    bank: ItemBank,
    config: ExamConfig,
    allowed: np.ndarray,
    capacity: float,
    prices: np.ndarray | None = None,
) -> list[int]:
    """`ranked_candidates` for one row (a 1-D mask), best first, fewer than `candidates_kept`
    when fewer are allowed. Only the few contenders (see `OneExamRanking.contenders`) get a
    key: numpy's exp on them, then the very operations of the batch, in the same order, on
    Python floats (IEEE doubles both, a zero price subtracting exactly nothing), so the same
    keys and items."""
    return one_exam_ranking(bank, config, prices).ranked(allowed, capacity)


def one_exam_ranking(
    bank: ItemBank, config: ExamConfig, prices: np.ndarray | None
) -> "OneExamRanking":
    """The ranking of `ranked_one` for this bank, configuration and prices: kept per bank for
    the bank's own prices (or none), made afresh for others."""
    own = prices is None or (bank.exposure is not None and prices is bank.exposure.prices)
    if not own:
        return OneExamRanking(bank, config, prices)
    key = ("one exam ranking", prices is None, config.information_decimals, config.candidates_kept)
    ranking = bank.derived.get(key)
    if ranking is None:
        ranking = OneExamRanking(bank, config, prices)
        bank.derived[key] = ranking
    return ranking


class OneExamRanking:
    """What one exam's ranking reads (the keys' scale, the value grid, each item's columns),
    computed once per bank, prices and configuration, and the exact order of every item at
    the capacities many exams reach (the start, Pix's first capped steps)."""

    def __init__(self, bank: ItemBank, config: ExamConfig, prices: np.ndarray | None) -> None:
        self.scale = 10.0**config.information_decimals
        self.n_items = len(bank)
        if bank.max_information_scale * self.scale * self.n_items >= 2.0**53:
            raise ValueError(
                "information_decimals too high for this bank: keys would lose exactness"
            )
        self.kept = config.candidates_kept
        self.grid = _value_grid(bank, prices)
        # Two rounding units of the key, then how far below the kept-th best tabled value a
        # contender may lie (see `contenders`).
        self.slack = 4 / self.scale
        self.margin = 0.0 if self.grid is None else 2 * self.grid.reach + self.slack
        self.columns = _ranking_columns(bank, prices)
        # Every item in exact key order, at capacities met twice with many contenders.
        self._orders: dict[float, list[int]] = {}
        self._crowded: set[float] = set()

    def ranked(self, allowed: np.ndarray, capacity: float) -> list[int]:
        """The `kept` best allowed items at `capacity`, best first (see `ranked_one`)."""
        order = self._orders.get(capacity)
        if order is not None:
            return _first_allowed(order, allowed.tobytes(), self.kept)
        items = self.contenders(allowed, capacity)
        if len(items) <= 1:  # a single contender is the best: no key to compute
            return items
        if len(items) > _CROWDED:
            if capacity in self._crowded and len(self._orders) < _ORDERS_KEPT:
                with np.errstate(over="ignore"):  # far from steep items: exp → inf, p = 0
                    order = self._keyed(range(self.n_items), capacity)
                self._orders[capacity] = order
                return _first_allowed(order, allowed.tobytes(), self.kept)
            if len(self._crowded) < _CROWDED_KEPT:
                self._crowded.add(capacity)
        return self._keyed(items, capacity)[: self.kept]

    def _keyed(self, items: Iterable[int], capacity: float) -> list[int]:
        """`items` by decreasing key at `capacity`: numpy's exp, then the batch's arithmetic."""
        scale, n_items, columns = self.scale, self.n_items, self.columns
        items = list(items)
        rows = [columns[item] for item in items]
        exps = np.exp([a * (b - capacity) for a, b, _, _, _ in rows]).tolist()
        keyed = []
        for e, (_, _, weight, cost, tie), item in zip(exps, rows, items, strict=True):
            p = 1 / (1 + e)
            keyed.append((round((p * (1 - p) * weight - cost) * scale) * n_items + tie, item))
        keyed.sort(reverse=True)  # keys are distinct: the tie break is the reversed position
        return [item for _, item in keyed]

    def contenders(self, allowed: np.ndarray, capacity: float) -> list[int]:
        """The allowed items that may be among the `kept` best at `capacity`: a superset of
        them, read from the value table at the nearest point of its grid.

        An item's exact value lies within its reach of its tabled one (its slope, a³/(6√3) at
        most, over half a grid step, plus the float32 error). Let T be the `kept` best allowed
        items by tabled value: an item outside T ranks among the kept only if it beats one of
        T, so only if its tabled value plus its reach is at least the lowest tabled value minus
        reach in T (less two rounding units of the key). Only T and these survivors get their
        exact key computed. The grid keeps each point's best items in decreasing tabled order:
        walking them finds T and the survivors with no sort per step (past the last survivor,
        even the steepest item's reach cannot reach the bound); past the walked head, its 256
        best then the whole row are read with numpy, with the steepest item's reach for all."""
        grid = self.grid
        point = round((capacity - VALUE_GRID_LOW) / VALUE_GRID_STEP)
        if grid is None or not 0 <= point < grid.table.shape[0]:
            return np.flatnonzero(allowed).tolist()
        flags = allowed.tobytes()
        reaches = grid.reaches
        found = []
        lowest = math.inf  # the lowest tabled value minus reach in T
        walk = zip(*grid.head(point), strict=True)  # (item, tabled value), best first
        for item, value in walk:
            if flags[item]:
                found.append(item)
                lowest = min(lowest, value - reaches[item])
                if len(found) == self.kept:
                    # Tabled values are float32, exact as Python floats: float64 bounds.
                    bound = lowest - self.slack
                    beyond = bound - grid.reach  # no item tabled below it can survive
                    for item, value in walk:
                        if value < beyond:  # and so is every item further down
                            return found
                        if flags[item] and value + reaches[item] >= bound:
                            found.append(item)
                    break
        return _contenders_past_head(grid, allowed, point, self.kept, self.margin).tolist()


def _first_allowed(order: list[int], flags: bytes, kept: int) -> list[int]:
    """The first `kept` items of `order` whose flag is set (fewer if fewer are)."""
    chosen = []
    for item in order:
        if flags[item]:
            chosen.append(item)
            if len(chosen) == kept:
                break
    return chosen


def _contenders_past_head(
    grid: "_ValueGrid", allowed: np.ndarray, point: int, kept: int, margin: float
) -> np.ndarray:
    """`OneExamRanking.contenders` when walking the head of the point's order did not settle
    them: its 256 best, else the whole row."""
    values, order = grid.table[point], grid.best[point]
    best_first = order[allowed[order]]  # the allowed best items, best tabled first
    if best_first.size >= kept:
        # A float64 bound (a bare Python float would be rounded to the table's float32).
        bound = np.float64(values[best_first[kept - 1]]) - margin
        survive = values[best_first] >= bound
        if not survive[-1] or order.size == values.size:  # none further down survives
            return best_first[survive]
    tabled = np.where(allowed, values, -np.inf)
    last = max(tabled.size - kept, 0)
    best = float(np.partition(tabled, last)[last])  # the kept-th largest
    if best == -math.inf:  # fewer allowed items than kept: all of them
        return np.flatnonzero(allowed)
    return (tabled >= np.float64(best - margin)).nonzero()[0]


# Each point's best items kept in order (`_ValueGrid.best`), and how many of them one exam's
# walk reads as Python values before numpy reads the rest.
BEST_KEPT = 256
HEAD_WALKED = 128
# Contenders beyond which a capacity is remembered, and met again, gets every item's exact
# order; how many such capacities are remembered and ordered per ranking.
_CROWDED = 12
_CROWDED_KEPT = 4096
_ORDERS_KEPT = 64


@dataclass(frozen=True)
class _ValueGrid:
    """Information minus price of every item at each point of the value grid (`table`, points ×
    items, float32), each point's best items in decreasing tabled order (`best`), and how far
    an item's exact value at any capacity can lie from its value at the nearest point
    (`reach`)."""

    table: np.ndarray
    best: np.ndarray
    reach: float
    reaches: list[float]  # each item's own reach (`reach` is the largest)
    # Each point's first HEAD_WALKED items and tabled values as Python lists, made at the
    # point's first visit.
    heads: dict[int, tuple[list[int], list[float]]] = field(default_factory=dict)

    def head(self, point: int) -> tuple[list[int], list[float]]:
        """The point's first best items and their tabled values, as one exam's walk reads them."""
        head = self.heads.get(point)
        if head is None:
            items = self.best[point, :HEAD_WALKED]
            head = (items.tolist(), self.table[point, items].tolist())
            self.heads[point] = head
        return head


def _value_grid(bank: ItemBank, prices: np.ndarray | None) -> _ValueGrid | None:
    """The bank's value grid (computed once per bank), None for prices that are not the bank's
    own."""
    own = prices is None or (bank.exposure is not None and prices is bank.exposure.prices)
    if not own:
        return None
    key = "value grid" if prices is None else "value grid:priced"
    grid = bank.derived.get(key)
    if grid is None:
        theta = np.arange(VALUE_GRID_LOW, -VALUE_GRID_LOW + VALUE_GRID_STEP / 2, VALUE_GRID_STEP)
        table = information(bank, theta)
        if prices is not None:
            table -= prices
        tabled = table.astype(np.float32)
        # |d/dθ a²p(1−p)| = a³·p(1−p)|1−2p| ≤ a³/(6√3) < 0.0963·a³ (the price is constant);
        # plus what storing the table in float32 lost.
        slopes = 0.0963 * bank.information_scale * bank.discrimination
        lost = float(np.max(np.abs(tabled - table)))
        reaches = slopes * (VALUE_GRID_STEP / 2) + lost
        best = np.argsort(-tabled, axis=1, kind="stable")[:, :BEST_KEPT]
        # One entry for all: a concurrent reader never sees the table without the rest.
        grid = _ValueGrid(
            tabled, np.ascontiguousarray(best), float(reaches.max()), reaches.tolist()
        )
        bank.derived[key] = grid
    return grid


def _ranking_columns(
    bank: ItemBank, prices: np.ndarray | None
) -> list[tuple[float, float, float, float, float]]:
    """(a, b, a², price, tie break) of every item, as Python floats: what ranking reads."""
    own = prices is None or (bank.exposure is not None and prices is bank.exposure.prices)
    key = f"ranking:{prices is None}"
    if own and key in bank.derived:
        return bank.derived[key]
    price = np.zeros(len(bank)) if prices is None else prices
    columns = list(
        zip(
            *(
                column.tolist()
                for column in (
                    bank.discrimination,
                    bank.difficulty,
                    bank.information_scale,
                    price,
                    bank.tie_break,
                )
            ),
            strict=True,
        )
    )
    if own:  # the bank's own prices (or none): computed once per bank
        bank.derived[key] = columns
    return columns

"""Pretest items: new items seeded into exams to collect answers for calibration, never scored.

An item flagged `pretest` in the bank source is never picked by the adaptive selection. An exam
whose configuration asks for `pretest_per_exam = k` items gets k of them on top of its `length`
operational items, at k positions among the first `length + k`, each the next eligible pretest
item (compatible with the candidate's accessibility needs, not shown before) in an order drawn
for the exam. Positions and order come from a PCG64 stream of the exam's seed kept for pretest
alone, read as raw 64-bit words (stable across numpy versions and platforms, as the selection's
draws are): the plan is a pure function of seed, bank and configuration, so the server's replay
places the same items at the same positions, and the operational part of the exam (its items,
estimates and draws) is exactly the exam it would be without pretest.

A replaced pretest item (a validated live alert) gives its position to the next pretest item in
the order; when none is left, the position goes to the adaptive selection.
"""

import numpy as np

from engine.config import ExamConfig
from engine.itembank import ItemBank
from engine.selection import seed_entropy

# The spawn key of the pretest stream: apart from the selection's (0: tickets, 1: picks).
PRETEST_STREAM = 112


class PretestPlan:
    """Where an exam's pretest items go and which ones, and how far the exam has used them."""

    def __init__(self, positions: frozenset[int], order: np.ndarray) -> None:
        self.positions = positions
        self.order = order
        self._next = 0

    @classmethod
    def for_exam(
        cls, bank: ItemBank, config: ExamConfig, seed: int | str, accessibility_needs: bool
    ) -> "PretestPlan | None":
        """The exam's plan, or None when it has no pretest (none asked, or none in the bank)."""
        count = config.pretest_per_exam
        if count == 0 or not bank.pretest.any():
            return None
        stream = np.random.PCG64(
            np.random.SeedSequence(seed_entropy(seed), spawn_key=(PRETEST_STREAM,))
        )
        slot_keys = stream.random_raw(config.length + count)
        positions = frozenset(int(p) for p in np.argsort(slot_keys, kind="stable")[:count])
        order_keys = stream.random_raw(len(bank))
        eligible = bank.pretest & (bank.accessible | (not accessibility_needs))
        members = np.flatnonzero(eligible)
        return cls(positions, members[np.argsort(order_keys[members], kind="stable")])

    @property
    def planned(self) -> int:
        """How many pretest items the exam shows (fewer than asked if the bank runs out)."""
        return min(len(self.positions), self.order.size)

    def item_at(self, position: int) -> int | None:
        """The pretest item (a bank position) to show as the exam's `position`-th item (from 0),
        or None when that position is the adaptive selection's."""
        if position in self.positions and self._next < self.order.size:
            return int(self.order[self._next])
        return None

    def used(self) -> None:
        """The pretest item shown last was answered or replaced: the next one comes next time."""
        self._next += 1

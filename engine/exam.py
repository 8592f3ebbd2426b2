"""The exam state machine: one candidate's adaptive exam, and the batch it is made of.

`Cohort` runs many exams side by side (one row per candidate) with the very code a single
exam uses; `Exam` is the one-candidate API the kiosk and the server use: it presents items,
records answers and replacements, keeps the replay events and scores the result.
"""

import copy
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from engine.config import ExamConfig
from engine.estimation import Estimator, answer_table, estimator_for
from engine.feasibility import planned_per_competence
from engine.itembank import ItemBank
from engine.pretest import PretestPlan
from engine.referential import COMPETENCE_CODES
from engine.scoring import ScoringConfig, certification_status, scored_levels
from engine.selection import (
    ExamDraws,
    OneExamRanking,
    SelectionState,
    allowed_items,
    allowed_one,
    binary_tree_picks,
    every_rule_one,
    one_exam_ranking,
    ranked_candidates,
)

STATUSES = ("ok", "ko", "aband", "timedout", "focusedOut")
ABORT_REASONS = (None, "candidate", "technical")
# Rows selected together: small enough for the temporaries to stay in cache.
ROWS_PER_CHUNK = 64


class ExamError(ValueError):
    """A call that does not fit the exam's state (wrong item, unknown status), in EN and FR."""

    def __init__(self, english: str, french: str) -> None:
        super().__init__(f"{english}\n{french}")


def new_estimator(config: ExamConfig, size: int) -> Estimator:
    return estimator_for(
        config.mode,
        size,
        start=config.default_candidate_capacity,
        variation_percent=config.variation_percent,
        prior_sd=config.prior_sd,
    )


class Cohort:
    """Exams of several candidates on one bank and configuration, one row per candidate."""

    def __init__(
        self,
        bank: ItemBank,
        config: ExamConfig,
        seeds: Sequence[int | str],
        accessibility_needs: bool | Sequence[bool] = False,
    ) -> None:
        self.bank = bank
        self.config = config
        size = len(seeds)
        if isinstance(accessibility_needs, bool):  # one flag for all (an Exam's): no broadcast
            needs = (np.ones if accessibility_needs else np.zeros)(size, dtype=bool)
        else:
            needs = np.broadcast_to(np.asarray(accessibility_needs, dtype=bool), (size,))
        self.draws = [ExamDraws(seed) for seed in seeds]
        self.state = SelectionState(bank, config, needs)
        self.state.close(bank.pretest)  # pretest items are shown by plan, never selected
        self.estimator = new_estimator(config, size)
        self.answered = np.zeros(size, dtype=np.intp)
        self.selections = np.zeros(size, dtype=np.intp)
        self._picks = np.empty((size, 0))
        controlled = config.exposure_control and bank.exposure is not None
        self.tickets = None
        if controlled:
            self.tickets = np.empty((size, len(bank)))
            for row, draws in enumerate(self.draws):
                self.tickets[row] = draws.tickets(len(bank))
        self.prices = bank.exposure.prices if controlled else None
        self._answer_table: np.ndarray | None = None  # answer_one's, fetched at its first call
        self._ranking: OneExamRanking | None = None  # select_one's, made at its first call
        self._kept = min(config.candidates_kept, len(bank))  # the best items a pick draws among

    @property
    def capacity(self) -> np.ndarray:
        return self.estimator.capacity

    @property
    def error(self) -> np.ndarray:
        return self.estimator.error

    def select(self, rows: np.ndarray) -> np.ndarray:
        """The next item of each row (a bank position), or −1 where the exam is over."""
        if rows.size == 1:
            return np.array([self.select_one(int(rows[0]))])
        chosen = np.full(rows.size, -1, dtype=np.intp)
        going = self.answered[rows] < self.config.length
        rows = rows[going]
        if rows.size == 0:
            return chosen
        ranked = np.empty((rows.size, min(self.config.candidates_kept, len(self.bank))), np.intp)
        for start in range(0, rows.size, ROWS_PER_CHUNK):
            part = rows[start : start + ROWS_PER_CHUNK]
            capacity = self.estimator.capacity[part]
            allowed = allowed_items(
                self.bank, self.config, self.state, part, capacity, self.tickets
            )
            ranked[start : start + part.size] = ranked_candidates(
                self.bank, self.config, allowed, capacity, self.prices
            )
        if ranked.shape[1] == 1:
            picks = ranked[:, 0]
        else:
            stride = ranked.shape[1] - 1
            first = self.selections[rows] * stride
            uniforms = self._pick_uniforms(int(first.max()) + stride)
            levels = uniforms[rows[:, None], first[:, None] + np.arange(stride)]
            rank = binary_tree_picks(
                (ranked >= 0).sum(axis=1), self.config.pick_probability, levels
            )
            picks = ranked[np.arange(rows.size), rank]
        self.selections[rows] += 1
        chosen[going] = picks
        return chosen

    def select_one(self, row: int) -> int:
        """`select` for one row (an exam at a kiosk, a replay): the same rules and draws, on the
        row's own arrays."""
        config = self.config
        if self.answered.item(row) >= config.length:
            return -1
        capacity = self.estimator.capacity.item(row)
        ranking = self._ranking
        if ranking is None:
            ranking = self._ranking = one_exam_ranking(self.bank, config, self.prices)
        every = every_rule_one(self.bank, self.state, row, capacity, self.tickets)
        ranked = ranking.ranked(every, capacity)
        if not ranked:  # every rule at once leaves nothing: the rules one by one
            allowed = allowed_one(self.bank, config, self.state, row, capacity, self.tickets)
            ranked = ranking.ranked(allowed, capacity)
        rank = 0
        if self._kept > 1:
            stride = self._kept - 1
            first = self.selections.item(row) * stride
            if self._picks.shape[1] < first + stride:
                self._pick_uniforms(first + stride)
            uniforms = self._picks[row, first : first + len(ranked) - 1].tolist()
            rank = len(ranked) - 1 if ranked else 0
            for level, uniform in enumerate(uniforms):
                if math.floor(uniform * 100) < config.pick_probability:
                    rank = level
                    break
            self.selections[row] += 1  # read only by draws among several items
        return ranked[rank] if ranked else -1

    def _pick_uniforms(self, width: int) -> np.ndarray:
        """Each row's pick stream, at least `width` long (grown, rarely, after replacements)."""
        if self._picks.shape[1] < width:
            width = max(width, 2 * self._picks.shape[1], (self.config.length + 1) * width)
            self._picks = np.stack([draws.picks(width) for draws in self.draws])
        return self._picks

    def answer(self, rows: np.ndarray, items: np.ndarray, correct: np.ndarray) -> None:
        """Rows `rows` (distinct) answered `items`, successfully where `correct`."""
        if rows.size == 1:
            self.answer_one(int(rows[0]), int(items[0]), bool(correct[0]))
            return
        bank = self.bank
        self.state.answered(bank, rows, items)
        table = answer_table(self.config.mode, bank)
        self.estimator.update(
            rows,
            bank.discrimination[items],
            bank.difficulty[items],
            correct,
            table[items, correct.astype(np.intp)],
        )
        self.answered[rows] += 1

    def answer_one(self, row: int, item: int, correct: bool) -> None:
        """`answer` for one row (an exam at a kiosk, a replay): the same state, the same bits."""
        bank = self.bank
        self.state.answered_one(bank, row, item)
        if self._answer_table is None:
            self._answer_table = answer_table(self.config.mode, bank)
        a, b = bank.parameters[item]
        self.estimator.update_one(row, self._answer_table[item, int(correct)], a, b, correct)
        self.answered[row] += 1

    def withdraw(self, row: int, item: int) -> None:
        self.state.withdraw(self.bank, row, item)


@dataclass(frozen=True)
class ExamResult:
    """The certification outcome; `answered` counts the candidate's answers (neutralised too,
    pretest ones not)."""

    score: int
    global_level: int
    competence_levels: dict[str, int]
    status: str
    capacity: float
    error: float
    answered: int
    scoring_version: str
    # Competences of the plan without any scored answer: their level is read from the global
    # estimate alone, and the result says so (the export carries it).
    unmeasured_competences: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        # Not dataclasses.asdict, which deep-copies field by field: 13 times slower.
        return {
            **{name: getattr(self, name) for name in _RESULT_FIELDS},
            "competence_levels": dict(self.competence_levels),
            "unmeasured_competences": list(self.unmeasured_competences),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ExamResult":
        return cls(
            **{
                **data,
                "competence_levels": dict(data["competence_levels"]),
                "unmeasured_competences": tuple(data.get("unmeasured_competences", ())),
            }
        )


_RESULT_FIELDS = tuple(field.name for field in fields(ExamResult))


class Exam:
    """One candidate's exam. Call `next_item()`, then `record()` (or `replace()`), until None."""

    def __init__(
        self,
        bank: ItemBank,
        config: ExamConfig,
        seed: int | str,
        *,
        accessibility_needs: bool = False,
    ) -> None:
        self.bank = bank
        self.config = config
        self.seed = seed
        self.accessibility_needs = bool(accessibility_needs)
        self._cohort = Cohort(bank, config, [seed], self.accessibility_needs)
        self._row = np.zeros(1, dtype=np.intp)
        self._current: int | None = None
        self._over = False
        self._answers: list[tuple[int, str]] = []  # every answer, pretest ones too
        self._events: list[dict[str, str]] = []
        self._pretest = PretestPlan.for_exam(bank, config, seed, self.accessibility_needs)

    @property
    def capacity(self) -> float:
        return float(self._cohort.capacity[0])

    @property
    def error(self) -> float:
        return float(self._cohort.error[0])

    @property
    def administered(self) -> list[str]:
        """Ids of the answered items, in order, pretest ones too (not a replaced item)."""
        return [self.bank.ids[item] for item, _ in self._answers]

    @property
    def answers(self) -> list[tuple[str, str]]:
        """(item id, status) of every answer, in order, pretest ones too (as the candidate saw
        them: the n-th answer is the n-th question shown)."""
        return [(self.bank.ids[item], status) for item, status in self._answers]

    @property
    def planned_items(self) -> int:
        """Questions a complete exam shows: `length`, plus its pretest items."""
        return self.config.length + (0 if self._pretest is None else self._pretest.planned)

    def is_pretest(self, item_id: str) -> bool:
        """Whether the item is a pretest one (shown, never scored)."""
        return bool(self.bank.pretest[self.bank.position[item_id]])

    @property
    def _scored_answers(self) -> list[tuple[int, str]]:
        return [(item, status) for item, status in self._answers if not self.bank.pretest[item]]

    @property
    def events(self) -> list[dict[str, str]]:
        """The replay events so far (see engine.replay)."""
        return [dict(event) for event in self._events]

    @property
    def current(self) -> str | None:
        """The item on screen: presented and neither answered nor replaced yet."""
        return None if self._current is None else self.bank.ids[self._current]

    def next_item(self) -> str | None:
        """The item to present (the same one until it is answered or replaced); None at the end."""
        if self._current is None and not self._over:
            pretest = None
            if self._pretest is not None:
                pretest = self._pretest.item_at(len(self._answers))
            chosen = self._cohort.select_one(0) if pretest is None else pretest
            if chosen < 0:
                self._over = True
            else:
                self._current = chosen
        return self.current

    def _check_current(self, item_id: str, action_en: str, action_fr: str) -> int:
        if self._current is None or item_id != self.bank.ids[self._current]:
            shown = self.current or "none"
            raise ExamError(
                f"cannot {action_en} item {item_id!r}: the item presented is {shown!r}",
                f"impossible de {action_fr} la question {item_id!r} : la question présentée "
                f"est {shown!r}",
            )
        return self._current

    def record(self, item_id: str, status: str) -> None:
        """The candidate's answer to the presented item; only "ok" counts as a success."""
        if status not in STATUSES:
            raise ExamError(
                f"unknown answer status {status!r} (expected one of {', '.join(STATUSES)})",
                f"statut de réponse inconnu {status!r} (attendu : {', '.join(STATUSES)})",
            )
        item = self._current
        if item is None or item_id != self.bank.ids[item]:
            self._check_current(item_id, "record an answer to", "enregistrer une réponse à")
        if self._pretest is not None and self._pretest_shown(item):
            self._pretest.used()
        else:
            self._cohort.answer_one(0, item, status == "ok")
        self._answers.append((item, status))
        self._events.append({"kind": "answer", "item_id": item_id, "status": status})
        self._current = None

    def replace(self, item_id: str) -> None:
        """A validated live alert on the presented item: it and its whole skill leave the exam.

        The next `next_item()` picks a replacement; the replaced item does not count.
        """
        item = self._check_current(item_id, "replace", "remplacer")
        if self._pretest_shown(item):
            self._pretest.used()
        else:
            self._cohort.withdraw(0, item)
        self._events.append({"kind": "replace", "item_id": item_id})
        self._current = None

    def _pretest_shown(self, item: int) -> bool:
        return self._pretest is not None and bool(self.bank.pretest[item])

    def result(
        self,
        abort_reason: str | None = None,
        neutralised: Iterable[str] = (),
        *,
        unintentional_focus_out: Iterable[str] = (),
        scoring: ScoringConfig | None = None,
    ) -> ExamResult:
        """Score the exam as it stands.

        Fewer than 20 answers: rejected (cancelled if the abort reason is `technical`). An exam
        stopped short otherwise (by the candidate, or not finished) is completed with the items
        the engine would have presented, answered as skipped ("aband"); a technical abort is
        scored on the answers given. Neutralised items leave the scoring. The focusedOut answers
        to the items in `unintentional_focus_out` (the invigilator declared the focus loss
        unintentional: Pix's UNINTENTIONAL_FOCUS_OUT) count as "ok". The items presented are
        the exam's own either way: only the scoring changes. `scoring` defaults to the shipped
        configuration (pass the version a result names to re-score it). Pretest answers count
        nowhere: not in the 20, not in `answered`, not in any estimate or level.
        """
        if abort_reason not in ABORT_REASONS:
            raise ExamError(
                f"unknown abort reason {abort_reason!r} (expected candidate, technical or None)",
                f"motif d'abandon inconnu {abort_reason!r} (attendu : candidate, technical ou "
                "None)",
            )
        dropped = self._answered_among(neutralised, "neutralised", "neutralisées")
        validated = self._answered_among(
            unintentional_focus_out,
            "named for an unintentional focus loss",
            "déclarées en sortie involontaire",
        )
        statuses = dict(self.answers)
        refused = sorted(item for item in validated if statuses[item] != "focusedOut")
        if refused:
            raise ExamError(
                "an unintentional focus loss turns only a focusedOut answer into ok; these "
                f"answers are not focusedOut: {', '.join(refused)}",
                "une sortie involontaire ne change en ok qu'une réponse focusedOut ; ces réponses "
                f"ne le sont pas : {', '.join(refused)}",
            )
        if dropped & validated:
            both = ", ".join(sorted(dropped & validated))
            raise ExamError(
                f"an answer cannot be both neutralised and counted as ok: {both}",
                f"une réponse ne peut être à la fois neutralisée et comptée ok : {both}",
            )
        scoring = scoring or ScoringConfig.shipped()
        status = certification_status(len(self._scored_answers), abort_reason, scoring)
        scored = self
        if status == "validated" and abort_reason != "technical":
            scored = self._completed_with_skips()
        kept = [
            (item, state)
            for item, state in scored._scored_answers
            if self.bank.ids[item] not in dropped
        ]
        items = np.array([item for item, _ in kept], dtype=np.intp)
        correct = np.array(
            [state == "ok" or self.bank.ids[item] in validated for item, state in kept],
            dtype=bool,
        )
        if dropped or validated:
            capacity, error = self._estimate(items, correct)
        else:  # the running estimate took exactly these answers, in this order
            capacity, error = scored.capacity, scored.error
        score, level, competences = scored_levels(
            scoring,
            self.config,
            capacity,
            self.bank,
            items,
            correct,
            validated=status == "validated",
        )
        return ExamResult(
            score=score,
            global_level=level,
            competence_levels=competences,
            status=status,
            capacity=capacity,
            error=error,
            answered=len(self._scored_answers),
            scoring_version=scoring.version,
            unmeasured_competences=self._unmeasured(items) if status == "validated" else (),
        )

    def _unmeasured(self, items: np.ndarray) -> tuple[str, ...]:
        """The competences the plan asks for that none of the scored answers measured."""
        if not planned_per_competence(self.config):
            return ()
        measured = set(self.bank.competence[items].tolist())
        return tuple(code for index, code in enumerate(COMPETENCE_CODES) if index not in measured)

    def _answered_among(self, item_ids: Iterable[str], what_en: str, what_fr: str) -> set[str]:
        """`item_ids` as a set, each of them answered in this exam (else ExamError)."""
        named = set(item_ids)
        strangers = sorted(named - set(self.administered))
        if strangers:
            raise ExamError(
                f"items {what_en} but not answered in this exam: {', '.join(strangers)}",
                f"questions {what_fr} mais non répondues dans cet examen : {', '.join(strangers)}",
            )
        return named

    def _estimate(self, items: np.ndarray, correct: np.ndarray) -> tuple[float, float]:
        """(capacity, error) after `items` answered as `correct`, in order, from the start."""
        estimator = new_estimator(self.config, 1)
        for index in range(items.size):
            item = items[index : index + 1]
            estimator.update(
                self._row,
                self.bank.discrimination[item],
                self.bank.difficulty[item],
                correct[index : index + 1],
            )
        return float(estimator.capacity[0]), float(estimator.error[0])

    def _completed_with_skips(self) -> "Exam":
        """This exam, or a copy of it answered "aband" on what the engine would have presented
        up to the end."""
        if self._over or len(self._scored_answers) >= self.config.length:
            return self
        completion = copy.deepcopy(self, {id(self.bank): self.bank})
        while (item_id := completion.next_item()) is not None:
            completion.record(item_id, "aband")
        return completion

"""Scoring: the shipped intervals and mesh, the levels, and the rules for short or aborted exams."""

import copy
import json
from importlib import resources

import numpy as np
import pytest

from engine import Exam, ExamConfig, capacity_history
from engine.competence_levels import hierarchical_levels
from engine.referential import COMPETENCE_CODES
from engine.scoring import ScoringConfig, ScoringConfigError, competence_levels

SHIPPED = ScoringConfig.shipped()
BREAKPOINTS = [-4.67, -1.4, -0.519, 0.6, 1.5, 2.25, 3.1, 4, 8]


def test_shipped_configuration_is_versioned_data():
    data = json.loads(resources.files("engine").joinpath("config", "scoring.json").read_text())
    assert data["version"] == SHIPPED.version
    assert list(SHIPPED.breakpoints) == BREAKPOINTS
    assert [(row.weight, row.coef) for row in SHIPPED.mesh] == [
        (64, 0), (64, 1), (128, 1), (128, 2), (128, 3), (128, 4), (128, 5), (128, 6),
    ]  # fmt: skip
    assert all(
        SHIPPED.competence_breakpoints[code] == (-2, -1, 0.5, 1, 2, 3, 4)
        for code in COMPETENCE_CODES
    )


@pytest.mark.parametrize(
    ("capacity", "score", "level"),
    [
        (-1.4, 64, 1),
        (-0.519, 128, 2),
        (0.6, 256, 3),
        (1.5, 384, 4),
        (2.25, 512, 5),
        (3.1, 640, 6),
        (4, 768, 7),
    ],
)
def test_each_breakpoint_opens_its_band(capacity, score, level):
    assert SHIPPED.score(capacity) == score
    assert SHIPPED.global_level(capacity) == level
    below = np.nextafter(capacity, -np.inf)
    assert SHIPPED.score(below) == score - 1
    assert SHIPPED.global_level(below) == level - 1


def test_score_formula_inside_an_interval():
    # [0.6, 1.5): weight 128, coef 2 → floor(128 · (2 + 0.45 / 0.9)) = 320.
    assert SHIPPED.score(1.05) == 320


@pytest.mark.parametrize(
    ("capacity", "score"), [(-9, 0), (-4.67, 0), (7.999, 895), (8, 895), (9, 895)]
)
def test_ends_of_the_scale(capacity, score):
    assert SHIPPED.score(capacity) == score


def test_level_zero_below_64_and_seven_from_768():
    assert SHIPPED.global_level(-3.0) == 0 and SHIPPED.score(-3.0) < 64
    assert SHIPPED.global_level(9.0) == 7


@pytest.mark.parametrize(
    ("capacity", "level"), [(-2.5, 0), (-2, 1), (-1, 2), (0.5, 3), (1, 4), (2, 5), (3, 6), (4, 7)]
)
def test_competence_levels_from_the_competence_intervals(capacity, level):
    assert SHIPPED.competence_level("3.4", capacity) == level


def _two_items_of(bank, code):
    return np.array([p for p in range(len(bank)) if bank.competence_codes[p] == code][:2])


def test_pix_mode_reads_every_competence_level_off_the_global_capacity(psy_bank):
    """Pix v3: the competence intervals applied to the global capacity, whatever the answers."""
    assert SHIPPED.competence_methods["pix"] == "global"
    items = _two_items_of(psy_bank, "2.1")
    for correct in ([True, True], [False, False]):
        levels = competence_levels(
            SHIPPED, ExamConfig.pix(), 1.2, psy_bank, items, np.array(correct)
        )
        assert set(levels.values()) == {SHIPPED.competence_level("2.1", 1.2)} == {4}


def test_default_mode_lets_a_competence_s_own_answers_move_its_level_a_little(psy_bank):
    """Hierarchical: the global picture, moved by the competence's answers within the spread."""
    assert SHIPPED.competence_methods["default"] == "hierarchical"
    config = ExamConfig.default()
    others = np.array(
        [p for p in range(len(psy_bank)) if psy_bank.competence_codes[p] != "2.1"][::5]
    )
    items = np.concatenate([others, _two_items_of(psy_bank, "2.1")])
    base = psy_bank.difficulty[others] < 0.5  # the rest of the exam says θ ≈ 0.5
    index = COMPETENCE_CODES.index("2.1")
    means = {}
    for own in (True, False):
        correct = np.concatenate([base, [own, own]])
        global_only = hierarchical_levels(
            SHIPPED.competence_breakpoints, psy_bank, items, correct,
            prior_mean=0.0, prior_sd=config.prior_sd, spread=0.0,
        )  # fmt: skip
        spread = hierarchical_levels(
            SHIPPED.competence_breakpoints, psy_bank, items, correct,
            prior_mean=0.0, prior_sd=config.prior_sd, spread=2.0,
        )  # fmt: skip
        assert len(set(global_only.values())) == 1  # spread 0: the global estimate's level
        means[own] = spread[COMPETENCE_CODES[index]]
    assert means[True] > means[False]  # a wide spread: its own answers decide more


def test_a_configuration_without_a_method_scores_as_version_1_did(psy_bank):
    """pix-seed-1 had no method: the per-competence EAP under N(global, prior_sd²)."""
    data = json.loads(resources.files("engine").joinpath("config", "scoring.json").read_text())
    del data["competences"]["method"], data["competences"]["spread"]
    old = ScoringConfig.from_dict(data)
    assert set(old.competence_methods.values()) == {"eap"}
    items = _two_items_of(psy_bank, "2.1")
    up = competence_levels(old, ExamConfig.default(), 0.75, psy_bank, items, np.array([1, 1], bool))
    down = competence_levels(old, ExamConfig.default(), 0.75, psy_bank, items, np.zeros(2, bool))
    assert up["2.1"] > down["2.1"] and up["1.1"] == down["1.1"] == 3


def test_malformed_configuration_is_refused():
    data = json.loads(resources.files("engine").joinpath("config", "scoring.json").read_text())
    broken = copy.deepcopy(data)
    broken["global"]["breakpoints"][2] = -5
    with pytest.raises(ScoringConfigError):
        ScoringConfig.from_dict(broken)
    broken = copy.deepcopy(data)
    del broken["global"]["mesh"][0]
    with pytest.raises(ScoringConfigError):
        ScoringConfig.from_dict(broken)


def answered_exam(bank, config, answers, seed=21):
    exam = Exam(bank, config, seed)
    for index in range(answers):
        exam.record(exam.next_item(), "ok" if index % 3 else "ko")
    return exam


@pytest.mark.parametrize("mode", ["pix", "default"])
@pytest.mark.parametrize(("answers", "reason", "status"), [
    (19, None, "rejected"), (19, "candidate", "rejected"), (19, "technical", "cancelled"),
    (0, "technical", "cancelled"), (20, "technical", "validated"), (20, "candidate", "validated"),
])  # fmt: skip
def test_fewer_than_20_answers(psy_bank, mode, answers, reason, status):
    config = ExamConfig.pix() if mode == "pix" else ExamConfig.default()
    result = answered_exam(psy_bank, config, answers).result(abort_reason=reason)
    assert result.status == status
    assert result.answered == answers
    if status != "validated":
        assert result.score == 0 and result.global_level == 0
        assert set(result.competence_levels.values()) == {0}


@pytest.mark.parametrize("answers", [20, 25, 31])
def test_candidate_abort_scores_missing_answers_as_skipped(psy_bank, answers):
    config = ExamConfig.pix()
    aborted = answered_exam(psy_bank, config, answers).result(abort_reason="candidate")
    completed = answered_exam(psy_bank, config, answers)
    while (item_id := completed.next_item()) is not None:
        completed.record(item_id, "aband")
    assert aborted.capacity == completed.capacity
    assert aborted.score == completed.result().score
    assert aborted.answered == answers


def test_technical_abort_scores_the_answers_given(psy_bank):
    exam = answered_exam(psy_bank, ExamConfig.default(), 25)
    result = exam.result(abort_reason="technical")
    assert result.status == "validated"
    assert result.capacity == exam.capacity


def test_abort_reason_must_be_known(psy_bank):
    with pytest.raises(ValueError):
        answered_exam(psy_bank, ExamConfig.default(), 25).result(abort_reason="tired")


@pytest.mark.parametrize("mode", ["pix", "default"])
def test_neutralised_questions_leave_the_scoring(psy_bank, mode):
    config = ExamConfig.pix() if mode == "pix" else ExamConfig.default()
    exam = answered_exam(psy_bank, config, 32)
    dropped = exam.administered[3:6]
    result = exam.result(neutralised=dropped)
    kept = [(i, s) for i, s in exam.answers if i not in dropped]
    positions = [psy_bank.position[i] for i, _ in kept]
    expected = capacity_history(
        psy_bank.discrimination[positions],
        psy_bank.difficulty[positions],
        [s == "ok" for _, s in kept],
        start=config.default_candidate_capacity,
        variation_percent=config.variation_percent,
        mode=mode,
    )[-1]
    assert (result.capacity, result.error) == pytest.approx(expected, abs=1e-12)
    assert result.answered == 32
    assert result.capacity != exam.capacity


def test_neutralising_an_item_not_answered_is_an_error(psy_bank):
    exam = answered_exam(psy_bank, ExamConfig.default(), 32)
    with pytest.raises(ValueError, match="neutralised"):
        exam.result(neutralised=["nope"])


def focus_out_exam(bank, config):
    """32 answers: every fourth focusedOut, the others ok and ko in turn."""
    exam = Exam(bank, config, 21)
    for index in range(32):
        status = "focusedOut" if index % 4 == 0 else ("ok" if index % 2 else "ko")
        exam.record(exam.next_item(), status)
    return exam


@pytest.mark.parametrize("mode", ["pix", "default"])
def test_an_unintentional_focus_out_counts_the_focused_out_answer_as_ok(psy_bank, mode):
    config = ExamConfig.pix() if mode == "pix" else ExamConfig.default()
    exam = focus_out_exam(psy_bank, config)
    focused_out = [item for item, status in exam.answers if status == "focusedOut"]
    validated = focused_out[:3]
    result = exam.result(unintentional_focus_out=validated)
    positions = [psy_bank.position[item] for item in exam.administered]
    expected = capacity_history(
        psy_bank.discrimination[positions],
        psy_bank.difficulty[positions],
        [status == "ok" or item in validated for item, status in exam.answers],
        start=config.default_candidate_capacity,
        variation_percent=config.variation_percent,
        mode=mode,
    )[-1]
    assert (result.capacity, result.error) == pytest.approx(expected, abs=1e-12)
    assert result.capacity > exam.result().capacity  # three more successes
    assert exam.result().capacity == exam.capacity  # without the declaration: failures
    assert exam.answers == focus_out_exam(psy_bank, config).answers  # the exam is unchanged


def test_an_unintentional_focus_out_applies_only_to_focused_out_answers(psy_bank):
    exam = focus_out_exam(psy_bank, ExamConfig.default())
    statuses = dict(exam.answers)
    ko = next(item for item, status in exam.answers if status == "ko")
    focused_out = next(item for item, status in exam.answers if status == "focusedOut")
    assert statuses[focused_out] == "focusedOut"
    with pytest.raises(ValueError, match="not focusedOut"):
        exam.result(unintentional_focus_out=[ko])
    with pytest.raises(ValueError, match="not answered"):
        exam.result(unintentional_focus_out=["nope"])
    with pytest.raises(ValueError, match="both neutralised"):
        exam.result(neutralised=[focused_out], unintentional_focus_out=[focused_out])


def test_an_unintentional_focus_out_holds_in_a_completed_abort(psy_bank):
    exam = Exam(psy_bank, ExamConfig.default(), 5)
    for index in range(24):
        exam.record(exam.next_item(), "focusedOut" if index == 0 else "ok")
    first = exam.administered[0]
    aborted = exam.result(abort_reason="candidate", unintentional_focus_out=[first])
    assert aborted.status == "validated" and aborted.answered == 24
    assert aborted.capacity > exam.result(abort_reason="candidate").capacity

"""Refusals where they are decided: configuration bounds, a bank that cannot run the exam, an
estimate that cannot collapse, and a result that says which competences it did not measure."""

import dataclasses

import numpy as np
import pytest

from engine import Exam, ExamConfig, ExamResult, capacity_history
from engine.config import MIN_PRIOR_SD, ConfigError
from engine.feasibility import FeasibilityError, check_feasible, check_sealable
from engine.itembank import ItemBank
from engine.referential import COMPETENCE_CODES
from engine.synthetic import synthetic_bank


@pytest.mark.parametrize("prior_sd", [1e-3, MIN_PRIOR_SD / 2, 10.0])
def test_a_prior_outside_its_documented_bounds_is_refused(prior_sd):
    with pytest.raises(ConfigError, match="prior_sd between") as refused:
        dataclasses.replace(ExamConfig.default(), prior_sd=prior_sd)
    assert "prior_sd entre" in str(refused.value)


@pytest.mark.parametrize("mode", ["pix", "default"])
def test_extreme_items_cannot_collapse_the_posterior(mode):
    """a = 50 and alternating answers: Pix's product underflows; the estimate stays finite."""
    history = capacity_history([50.0] * 32, [0.0, 0.1] * 16, [True, False] * 16, mode=mode)
    assert all(np.isfinite(value) for step in history for value in step)
    assert -0.5 < history[-1][0] < 0.5


def _areas_one_and_two_accessible(bank: ItemBank) -> ItemBank:
    """Only the 7 competences of areas 1 and 2 are flagged accessible."""
    accessible = [code[0] in "12" for code in bank.competence_codes]
    return ItemBank(
        bank.ids,
        bank.competence_codes,
        bank.discrimination,
        bank.difficulty,
        [bank.tube_names[t] for t in bank.tube],
        [bank.skill_names[s] for s in bank.skill],
        accessible,
    )


@pytest.mark.parametrize("config", [ExamConfig.pix(), ExamConfig.default()], ids=["pix", "default"])
def test_an_accessibility_filter_leaving_too_few_items_is_refused_at_authorisation(config):
    bank = _areas_one_and_two_accessible(synthetic_bank(10, seed=2, items_per_tube=1))
    assert check_feasible(bank, config, accessibility_needs=False) is None
    refusal = check_feasible(bank, config, accessibility_needs=True)
    assert isinstance(refusal, FeasibilityError) and refusal.code == "competences_short"
    assert "3.1" in refusal.en and "3.1" in refusal.fr and "accessible" in refusal.en


def test_a_bank_too_small_for_the_length_is_refused():
    bank = synthetic_bank(1, seed=0)  # 16 items
    refusal = check_feasible(bank, ExamConfig.default())
    assert refusal.code == "bank_too_small" and "16" in refusal.en and "32" in refusal.fr
    longer = dataclasses.replace(ExamConfig.default(), length=100)
    assert check_feasible(synthetic_bank(3, seed=0), longer).code == "bank_too_small"
    with pytest.raises(FeasibilityError):
        check_sealable(bank, [ExamConfig.pix()])


def test_pix_mode_needs_a_tube_per_question():
    bank = synthetic_bank(8, seed=0, items_per_tube=8)  # 16 tubes for 32 questions
    refusal = check_feasible(bank, ExamConfig.pix())
    assert refusal.code == "bank_too_small" and "tubes" in refusal.en


def test_a_bank_with_enough_items_passes_sealing_and_authorisation():
    bank = synthetic_bank(10, seed=0, items_per_tube=1)
    check_sealable(bank, [ExamConfig.pix(), ExamConfig.default()])
    assert check_feasible(bank, ExamConfig.default(), accessibility_needs=True) is None


def test_a_result_names_the_competences_its_answers_did_not_measure():
    bank = synthetic_bank(10, seed=2)
    full = Exam(bank, ExamConfig.default(), "full")
    while (item_id := full.next_item()) is not None:
        full.record(item_id, "ok")
    assert full.result().unmeasured_competences == ()

    filtered = _areas_one_and_two_accessible(bank)  # what authorisation would now refuse
    exam = Exam(filtered, ExamConfig.default(), "seed", accessibility_needs=True)
    while (item_id := exam.next_item()) is not None:
        exam.record(item_id, "ok")
    result = exam.result()
    assert result.status == "validated"
    assert result.unmeasured_competences == tuple(
        code for code in COMPETENCE_CODES if code[0] not in "12"
    )
    assert ExamResult.from_dict(result.to_dict()) == result


def test_pretest_items_do_not_make_up_for_missing_operational_ones():
    """Pretest items ride on top of an exam and are never selected: they count for nothing."""
    bank = synthetic_bank(3, seed=0)  # 48 items
    flagged = ItemBank(
        bank.ids,
        bank.competence_codes,
        bank.discrimination,
        bank.difficulty,
        [bank.tube_names[t] for t in bank.tube],
        [bank.skill_names[s] for s in bank.skill],
        bank.accessible,
        pretest=[index % 3 != 0 for index in range(len(bank))],  # 16 operational
    )
    assert check_feasible(bank, ExamConfig.default()) is None
    assert check_feasible(flagged, ExamConfig.default()).code == "bank_too_small"
